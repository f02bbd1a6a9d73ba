"""The services every 27.007 modem runs, in power-on order (the SIM powers up before the
radio looks for a network)."""

from __future__ import annotations

from simulator.modem.calls import CallService
from simulator.modem.clock import ClockService
from simulator.modem.dialup import DialupService
from simulator.modem.gprs import GprsService
from simulator.modem.identity import IdentityService
from simulator.modem.indicators import IndicatorService
from simulator.modem.messages import MessageService
from simulator.modem.mux import MuxService
from simulator.modem.network import NetworkService
from simulator.modem.packet import PacketService
from simulator.modem.phonebook import PhonebookService
from simulator.modem.power import PowerService
from simulator.modem.sim import SimService
from simulator.modem.sms import SmsService
from simulator.modem.terminal import TerminalService

GENERIC_SERVICES = (
    IdentityService,
    SimService,
    PowerService,
    NetworkService,
    IndicatorService,
    GprsService,
    PacketService,
    CallService,
    DialupService,
    TerminalService,
    ClockService,
    SmsService,
    MessageService,
    PhonebookService,
    MuxService,
)
