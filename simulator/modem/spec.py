"""What one modem is: its name and dialect, the identity and SIM it presents, the host ports
it is reached on, its place in the network (number, link, exposed listeners) and its
multiplexer.  The scenario loader builds these from ``modems[]``, with every template expanded
and every path absolute.
"""

from __future__ import annotations

import dataclasses

from simulator.cmux.config import CmuxSettings
from simulator.modem.phonebookstore import Entry as PhonebookEntry
from simulator.network.spec import ExposeSpec, TlsSpec
from simulator.source import Source
from simulator.transport.spec import PortSpec


@dataclasses.dataclass(frozen=True)
class IdentitySpec:
    """Overrides of the dialect's identity; None keeps the dialect's default."""

    manufacturer: str | None = None
    model: str | None = None
    revision: str | None = None
    imei: str | None = None


@dataclasses.dataclass(frozen=True)
class SimSpec:
    present: bool = True
    pin: str | None = None  # None: no PIN lock, +CPIN: READY at power-on
    puk: str = "12345678"
    pin2: str = "1234"
    puk2: str = "12345678"
    imsi: str = "001010000000001"
    iccid: str = "89001010000000000001"
    msisdn: str | None = None


@dataclasses.dataclass(frozen=True)
class ModemSpec:
    name: str
    n: int  # position in its template, 1..count
    dialect: str = "generic"
    identity: IdentitySpec = IdentitySpec()
    sim: SimSpec = SimSpec()
    ports: tuple[PortSpec, ...] = ()
    source: Source | None = None
    #: The firmware revision of the dialect's command set (WIP: "5.01" or "2.01"), for
    #: dialects that simulate several; None: the dialect's default.
    revision: str | None = None
    #: The modem's own number (others dial it for a CSD call; +CNUM shows it).
    msisdn: str | None = None
    #: Its link: a preset or a ``network.links`` name; None: ``network.links.default``.
    link: str | None = None
    #: Listeners published at fixed host endpoints (the others get ephemeral loopback ones).
    expose: tuple[ExposeSpec, ...] = ()
    #: How its TLS sockets check servers (``tls:``).
    tls: TlsSpec = TlsSpec()
    #: What the modem's 27.010 multiplexer supports (``cmux:``); None: the defaults.
    cmux: CmuxSettings | None = None
    #: Message slots per storage (``SM``, ``ME``, ``SR``) where the scenario changes the
    #: dialect's, as (storage, slots) pairs.
    sms_capacity: tuple[tuple[str, int], ...] = ()
    #: Phonebook entries the storages hold on first start (``phonebook:``), as (storage,
    #: entries) pairs; entries fill indexes 1, 2, ... in order.
    phonebook: tuple[tuple[str, tuple[PhonebookEntry, ...]], ...] = ()
