"""``+WIPCREATE``: create a UDP socket, a TCP client, a TCP server (001 §5.1, 000 §6.1).

    AT+WIPCREATE=1,<idx>[,<local port>][,<peer IP>,<peer port>]     +WIPREADY: 1,<idx>
    AT+WIPCREATE=2,<idx>,<peer IP>,<peer port>                      +WIPREADY: 2,<idx>
    AT+WIPCREATE=3,<server idx>,<local port>,<from idx>,<to idx>    +WIPACCEPT: ... per peer
    AT+WIPCREATE=4..7,...   FTP, HTTP, SMTP, POP3 sessions: 834 "not implemented" until
                            atsim's application clients exist

``OK`` means the parameters and the stack's state are right; the socket gets ready later
(``+WIPREADY``), and a connection that then fails is reported unsolicited as
``+CME ERROR: 842`` (see docs/dialects/wip.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.commands import AtError
from simulator.dialects.wip import cfg_options as cfg
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.params import WipParams
from simulator.dialects.wip.sockets import WipServer, WipTcp, WipUdp
from simulator.ipstack.sockets import TcpSocket
from simulator.network.errors import RouteError

if TYPE_CHECKING:
    from simulator.dialects.wip.service import WipService

PORTS = range(0, 65536)  # a local port; 0 lets the stack choose
PEER_PORTS = range(1, 65536)
SESSIONS = (so.FTP, so.HTTP, so.SMTP, so.POP3)


class WipCreate:
    name = "+WIPCREATE"

    def __init__(self, wip: WipService) -> None:
        self.wip = wip

    def handlers(self) -> dict:
        return {"set": self.set, "test": lambda call: None}

    def set(self, call) -> None:
        p = WipParams(call.command.params)
        mode = p.number(0)
        if mode not in self.wip.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if mode == so.UDP:
            self._udp(p)
        elif mode == so.TCP_CLIENT:
            self._client(p)
        elif mode == so.TCP_SERVER:
            self._server(p)
        else:
            p.count(2, 64)
            raise WipError(Code.NOT_IMPLEMENTED)

    @property
    def cap(self) -> int:
        return self.wip.stack.effective(cfg.SOCKET_MAX)

    def _bearer(self):
        bearer = self.wip.started_bearer() if self.wip.stack.started else None
        if bearer is None or bearer.connection is None:
            raise WipError(Code.BAD_STACK_STATE)
        return bearer.connection

    def _udp(self, p: WipParams) -> None:
        p.count(2, 5)
        index = p.number(1)
        if len(p) == 4:
            # AT+WIPCREATE=1,1,"www.wavecom.com",80: the local port left out, not empty
            # (001 §5.1.6); an unquoted third field would be a peer without its port.
            if not p.quoted(2):
                raise AtError("peer address without its port")
            local, peer = 0, (p.text(2), _port(p, 3, PEER_PORTS))
        else:
            local = _port(p, 2, PORTS, default=0)
            peer = (p.text(3), _port(p, 4, PEER_PORTS)) if len(p) == 5 else None
        bearer = self._bearer()
        self.wip.indexes.check_udp(index, self.cap)
        try:
            sock = WipUdp(self.wip, index, bearer, local_port=local, peer=peer)
            self.wip.adopt(sock)
            sock.open()
        except RouteError:
            self.wip.forget(sock)
            raise WipError(Code.CHANNEL_CREATION_ERROR) from None

    def _client(self, p: WipParams) -> None:
        p.count(4, 4)
        index = p.number(1)
        host, port = p.text(2), _port(p, 3, PEER_PORTS)
        bearer = self._bearer()
        self.wip.indexes.check_client(index, self.cap)
        sock = WipTcp(self.wip, index, TcpSocket(bearer))
        self.wip.adopt(sock)
        sock.connect(host, port)

    def _server(self, p: WipParams) -> None:
        p.count(5, 5)
        index = p.number(1)
        port = _port(p, 2, PEER_PORTS)
        first, last = p.number(3), p.number(4)
        bearer = self._bearer()
        self.wip.indexes.check_server(index, first, last, self.cap)
        try:
            server = WipServer(self.wip, index, bearer, port)
        except RouteError:
            # The local port is taken (by another server or a lab service).
            raise WipError(Code.CHANNEL_CREATION_ERROR) from None
        self.wip.adopt(server, first=first, last=last)


def _port(p: WipParams, i: int, allowed: range, default: int | None = None) -> int:
    value = p.number(i, default)
    if value not in allowed:
        raise WipError(Code.BAD_PORT_NUMBER)
    return value
