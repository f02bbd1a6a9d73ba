"""The GenPro application (GenPro §1-§6): what it keeps — the parameter flash, the connection
state, the IP link and the stack's resources — and its commands, all from the AT# engine
(``simulator.dialects.atsharp``) with GenPro's tables, plus its own pieces: the 500 ms after
``AT+CGATT=1`` (``connection``), the SNTP commands (``sntp``), the FTP server name check
(``ftp``) and ``+WIND: 13`` at start-up (§8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.atsharp import configuration
from simulator.dialects.atsharp.command import AtSharpContext
from simulator.dialects.atsharp.flash import ParameterFlash
from simulator.dialects.atsharp.link import IpLink, StackResources
from simulator.dialects.atsharp.state import ConnectionState
from simulator.dialects.atsharp.tcp import TcpSockets
from simulator.dialects.genpro.connection import GenproConnections
from simulator.dialects.genpro.ftp import GenproFtp
from simulator.dialects.genpro.sntp import Sntp
from simulator.dialects.genpro.tables import GENPRO_TABLES
from simulator.dialects.wavecom.wind import AT_READY_DELAY
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: "It is not possible to remove this message at the start-up of the application" (§8).
WIND_13 = "+WIND: 13"


class GenproService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.flash = ParameterFlash(modem.store, GENPRO_TABLES)
        self.state = ConnectionState.IDLE
        self.link = IpLink(modem.clock)
        self.resources = StackResources()
        self.context = AtSharpContext(
            tables=GENPRO_TABLES, flash=self.flash, link=self.link, resources=self.resources,
            state=lambda: self.state, set_state=self._set_state,
            in_service=lambda: self.in_service, urc=modem.emit_urc, clock=modem.clock)
        self.connections = GenproConnections(self.context, modem)
        self.tcp = TcpSockets(self.context, lambda: list(self.tcp.sessions.values()))
        self.ftp = GenproFtp(self.context)
        self.sntp = Sntp(self.context, modem)
        self._wind = None

    def power_on(self) -> None:
        self.flash.load()
        self.state = ConnectionState.IDLE
        self.sntp.power_on()
        self._wind = self.modem.clock.callLater(AT_READY_DELAY, self._started)

    def power_off(self) -> None:
        if self._wind is not None and self._wind.active():
            self._wind.cancel()
        self._wind = None
        self.connections.power_off()
        self.tcp.power_off()
        self.sntp.power_off()
        self.link.lost()
        self.resources.clear()

    def _started(self) -> None:
        self._wind = None
        self.modem.emit_urc(lambda session: [WIND_13])

    def socket_views(self) -> list:
        return self.tcp.views()

    def register(self, table: CommandTable) -> None:
        configuration.register(self.context, table)
        self.connections.register(table)
        self.tcp.register(table)
        self.ftp.register(table)
        self.sntp.register(table)

    @property
    def in_service(self) -> bool:
        return self.modem.service(NetworkService).serving is not None

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
