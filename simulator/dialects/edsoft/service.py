"""The eDsoft application (002): what it keeps — the parameter flash, the connection state, the
IP link and the stack's resources — and its commands, registered from their modules with the
narrow ``AtSharpContext`` they work on: the configuration commands (``configuration``), the
connection (``connection``), the TCP sockets and the UDP session (``tcp``, ``udp``), FTP,
mail and ping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.dialects.atsharp.command import AtSharpContext
from simulator.dialects.atsharp.flash import ParameterFlash
from simulator.dialects.atsharp.ftp import AtSharpFtp
from simulator.dialects.atsharp.link import IpLink, StackResources
from simulator.dialects.atsharp.state import ConnectionState
from simulator.dialects.atsharp.tcp import TcpSockets
from simulator.dialects.edsoft import configuration
from simulator.dialects.edsoft.calls import IncomingCalls
from simulator.dialects.edsoft.dialup import EdsoftConnections
from simulator.dialects.edsoft.mail import EdsoftMail
from simulator.dialects.edsoft.ping import EdsoftPing
from simulator.dialects.edsoft.tables import EDSOFT_TABLES
from simulator.dialects.edsoft.udp import UdpService
from simulator.dialects.wavecom.wopen import OpenAtService
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.siblings import sibling

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.dialects.atsharp.sockets import DataSession
    from simulator.modem.modem import Modem


class EdsoftService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.flash = ParameterFlash(modem.store, EDSOFT_TABLES)
        #: Where the connection stands (002 §8.2); the connection code moves it.
        self.state = ConnectionState.IDLE
        #: The IP link the services run on, and who holds the stack (002 §1.6).
        self.link = IpLink(modem.clock)
        self.resources = StackResources()
        #: What the commands work on.
        self.context = AtSharpContext(
            tables=EDSOFT_TABLES, flash=self.flash, link=self.link, resources=self.resources,
            state=lambda: self.state, set_state=self._set_state,
            in_service=lambda: self.in_service, urc=modem.emit_urc, clock=modem.clock)
        #: Whether the Open AT application runs (``+WOPEN``, where the modem has it; stopped,
        #: nothing of it acts on a ringing call).
        self.running: Callable[[], bool] = lambda: True
        #: The connection and the incoming calls (002 §2.2).
        self.connections = EdsoftConnections(self.context, modem)
        self.calls = IncomingCalls(self, self.connections)
        #: The two TCP sockets and the UDP session (002 §5, §6).
        self.tcp = TcpSockets(self.context, self._data_sessions)
        self.udp = UdpService(self.context, self._data_sessions)
        #: The commands that use the link: FTP, mail, ping (002 §3, §4, §7).
        self.applications = (AtSharpFtp(self.context), EdsoftMail(self.context),
                             EdsoftPing(self.context))

    def power_on(self) -> None:
        # A reset (AT+CFUN=1, AT+WOPEN) reads the flash again: after AT#DELFLASH, defaults.
        self.flash.load()
        self.state = ConnectionState.IDLE
        self.calls.power_on()

    def power_off(self) -> None:
        # Everything on the link goes with the module; nothing is shown (nobody is there).
        self.connections.power_off()
        self.calls.power_off()
        self.tcp.power_off()
        self.udp.power_off()
        self.link.lost()
        self.resources.clear()

    # -- wiring ------------------------------------------------------------------------------

    def watch_siblings(self) -> None:
        application = sibling(self.modem, OpenAtService)
        if application is not None:
            self.running = lambda: application.running

    def register(self, table: CommandTable) -> None:
        configuration.register(self.context, table)
        self.connections.register(table)
        self.tcp.register(table)
        self.udp.register(table)
        for application in self.applications:
            application.register(table)

    @property
    def in_service(self) -> bool:
        return self.modem.service(NetworkService).serving is not None

    def socket_views(self) -> list:
        return [*self.tcp.views(), *self.udp.views()]

    def _data_sessions(self) -> list[DataSession | None]:
        return [*self.tcp.sessions.values(), self.udp.current()]

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
