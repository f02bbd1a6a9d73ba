"""What the +MIP commands work on: the link, the socket table, the receive format, and the
way to show a line on the AT ports.  One per modem, owned by ``MipService``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.dialects.mip import codes
from simulator.dialects.mip.gtset import GtSettings
from simulator.dialects.mip.link import MipLink
from simulator.dialects.mip.mipconf import KeepSettings, TcpConfig
from simulator.dialects.mip.msdns import SERVICES_SLOT, DnsServers
from simulator.dialects.mip.sockets import BROKEN, MipSocket
from simulator.ipstack import DnsClient
from simulator.ipstack.apps.endpoints import BearerEndpoints
from simulator.ipstack.tls import TlsPolicy

if TYPE_CHECKING:
    from simulator.modem.modem import Modem


class MipStack:
    def __init__(self, modem: Modem) -> None:
        self.modem = modem
        self.clock = modem.clock
        self.link = MipLink(modem, self.report, self.drop_sockets)
        self.sockets: dict[int, MipSocket] = {}
        #: Sockets gone with data +MIPREAD has not read yet (M20), by id.
        self.leftovers: dict[int, MipSocket] = {}
        self.settings = GtSettings(modem.store)
        self.dns = DnsServers()
        #: +MIPCONF per socket id, until power off (§1.1.13.1); +MIPKEEPCONF, in flash.
        self._tcp_configs: dict[int, TcpConfig] = {}
        self.keep = KeepSettings(modem.store)
        network = modem.ip_network
        #: How SSL sockets check servers: the scenario's ``tls:`` (M2).
        self.tls = TlsPolicy(modem.spec.tls,
                             (lambda: network.lab_ca.pem) if network is not None else None)

    def endpoints(self, bearer):
        """Where +MPING, +MIPDNS and +MIPNTP connect: with +MSDNS slot 7's servers."""
        return BearerEndpoints(bearer, dns_servers=self.dns.of(SERVICES_SLOT))

    def resolver(self, bearer, sid: int) -> DnsClient:
        """The resolver of socket ``sid``: its +MSDNS servers, or the network's."""
        return DnsClient(bearer, self.dns.of(sid))

    # -- TCP settings -------------------------------------------------------------------------

    def tcp_config(self, sid: int) -> TcpConfig:
        return self._tcp_configs.get(sid, TcpConfig())

    def set_tcp_config(self, sid: int, config: TcpConfig) -> None:
        """Kept for socket ``sid``, and in effect at once on it if it is open (§1.1.13.3
        "Effect Immediately: Yes")."""
        self._tcp_configs[sid] = config
        sock = self.sockets.get(sid)
        if sock is not None:
            sock.apply_tcp_settings()

    def apply_keepalive(self) -> None:
        for sock in self.sockets.values():
            sock.apply_tcp_settings()

    def forget_tcp_configs(self) -> None:
        """Power off: "This parameter resets after power cycle" (§1.1.13.4)."""
        self._tcp_configs.clear()

    def report(self, line: str) -> None:
        self.modem.emit_urc(lambda session: line)

    def report_bytes(self, data: bytes) -> None:
        """Received data shown as it came (``IPRFMT`` 1 and 2)."""
        self.modem.emit_urc(lambda session: data)

    def receive_format(self) -> int:
        return self.settings.get("IPRFMT")

    # -- the socket table -------------------------------------------------------------------

    def active(self, sid: int) -> MipSocket:
        """Socket ``sid`` once open, or "TCPIP socket not opened" (2024)."""
        sock = self.sockets.get(sid)
        if sock is None or not sock.active:
            raise CmeError(codes.SOCKET_NOT_OPENED)
        return sock

    def active_ids(self) -> list[int]:
        return sorted(sid for sid, sock in self.sockets.items() if sock.active)

    def forget(self, sock: MipSocket) -> None:
        if self.sockets.get(sock.sid) is sock:
            del self.sockets[sock.sid]
            if sock.unread:
                self.leftovers[sock.sid] = sock

    def readable(self, sid: int) -> MipSocket | None:
        """The socket +MIPREAD reads: the open one, or the one gone with data unread."""
        return self.sockets.get(sid) or self.leftovers.get(sid)

    def drop_sockets(self) -> None:
        """The link went down: every socket, open or opening, breaks with it (M4)."""
        for sock in sorted(self.sockets.values(), key=lambda s: s.sid):
            acknowledged = sock.acknowledged()
            sock.close()
            self.forget(sock)
            self.report(f"+MIPSTAT: {sock.sid},{BROKEN}{acknowledged}")
