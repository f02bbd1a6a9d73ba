"""``+WIPCREATE``: create a UDP socket, a TCP client, a TCP server (001 §5.1, 000 §6.1).

    AT+WIPCREATE=1,<idx>[,<local port>][,<peer IP>,<peer port>]     +WIPREADY: 1,<idx>
    AT+WIPCREATE=2,<idx>,<peer IP>,<peer port>                      +WIPREADY: 2,<idx>
    AT+WIPCREATE=3,<server idx>,<local port>,<from idx>,<to idx>    +WIPACCEPT: ... per peer
    AT+WIPCREATE=4,<idx>,<server>[,<peer port>],<username>,<password>[,<account>]
                            an FTP session: OK once connected and logged in
    AT+WIPCREATE=5,<idx>[,<proxy>[,<port>]][,<username>,<password>][,<headers>...]
    AT+WIPCREATE=6|7,<idx>,<server>[,<port>][,<username>,<password>]
                            HTTP, SMTP, POP3 sessions: OK, then +WIPREADY: <mode>,<idx>

``OK`` means the parameters and the stack's state are right; the socket gets ready later
(``+WIPREADY``), and a connection that then fails is reported unsolicited as
``+CME ERROR: 842`` (see docs/dialects/wip.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.params import REQUIRED, Params
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.command import WipCommand, WipContext
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.sessions import WipFtp, WipHttp, WipPop3, WipSmtp, header_pairs
from simulator.dialects.wip.sockets import WipServer, WipTcp, WipUdp
from simulator.ipstack.sockets import TcpSocket
from simulator.network.errors import RouteError

if TYPE_CHECKING:
    from simulator.dialects.wip.sockets import SocketContext
    from simulator.dialects.wip.table import SocketTable

PORTS = range(0, 65536)  # a local port; 0 lets the stack choose
#: 001 §5.1.3: "default value for FTP: 21 default value for HTTP: 80 default value for
#: SMTP: 25 default value for POP3: 110"
DEFAULT_PORTS = {so.FTP: 21, so.HTTP: 80, so.SMTP: 25, so.POP3: 110}
FTP_PORT = DEFAULT_PORTS[so.FTP]
PEER_PORTS = range(1, 65536)
SESSIONS = (so.FTP, so.HTTP, so.SMTP, so.POP3)


class WipCreate(WipCommand):
    name = "+WIPCREATE"
    forms = ("set", "test")

    def __init__(self, context: WipContext, *, sockets: SocketContext) -> None:
        super().__init__(context)
        #: What the sockets and sessions it creates work with.
        self.socket_context = sockets

    @property
    def table(self) -> SocketTable:
        return self.context.sockets

    def set(self, call):
        p = self.params(call)
        mode = p.int(0)
        if mode not in self.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if mode == so.UDP:
            self._udp(p)
        elif mode == so.TCP_CLIENT:
            self._client(p)
        elif mode == so.TCP_SERVER:
            self._server(p)
        elif mode == so.FTP:
            return self._ftp(p)
        elif mode == so.HTTP:
            self._http(p)
        else:
            self._mail(p, mode)
        return None

    def _bearer(self):
        bearer = self.context.started_bearer() if self.stack.started else None
        if bearer is None or bearer.connection is None:
            raise WipError(Code.BAD_STACK_STATE)
        return bearer.connection

    def _udp(self, p: Params) -> None:
        p.count(2, 5)
        index = p.int(1)
        if len(p) == 4:
            # AT+WIPCREATE=1,1,"www.wavecom.com",80: the local port left out, not empty
            # (001 §5.1.6); an unquoted third field would be a peer without its port.
            if not p.quoted(2):
                raise p.syntax()  # a peer address without its port
            local, peer = 0, (p.str(2), _port(p, 3, PEER_PORTS))
        else:
            local = _port(p, 2, PORTS, default=0)
            peer = (p.str(3), _port(p, 4, PEER_PORTS)) if len(p) == 5 else None
        bearer = self._bearer()
        self.table.indexes.check_udp(index, self.table.cap)
        try:
            sock = WipUdp(self.socket_context, index, bearer, local_port=local, peer=peer)
        except RouteError:
            raise WipError(Code.CHANNEL_CREATION_ERROR) from None
        self.table.adopt(sock)
        try:
            sock.open()
        except RouteError:
            self.table.forget(sock)
            raise WipError(Code.CHANNEL_CREATION_ERROR) from None

    def _client(self, p: Params) -> None:
        p.count(4, 4)
        index = p.int(1)
        host, port = p.str(2), _port(p, 3, PEER_PORTS)
        bearer = self._bearer()
        self.table.indexes.check_client(index, self.table.cap)
        sock = WipTcp(self.socket_context, index, TcpSocket(bearer))
        self.table.adopt(sock)
        sock.connect(host, port)

    def _server(self, p: Params) -> None:
        p.count(5, 5)
        index = p.int(1)
        port = _port(p, 2, PEER_PORTS)
        first, last = p.int(3), p.int(4)
        bearer = self._bearer()
        self.table.indexes.check_server(index, first, last, self.table.cap)
        try:
            server = WipServer(self.socket_context, index, bearer, port)
        except RouteError:
            # The local port is taken (by another server or a lab service).
            raise WipError(Code.CHANNEL_CREATION_ERROR) from None
        self.table.adopt(server, first=first, last=last)


    def _ftp(self, p: Params):
        p.count(5, 7)
        index = p.int(1)
        server = p.str(2)
        # The port may be dropped (001 §5.1.6 "AT+WIPCREATE=4,1,"ftp.wavecom.com","admin",
        # "123456"") or left empty (001 §9.13 "..."ftp server",,"user name"..."): with five
        # parameters it is absent; with six, a quoted non-number there is the user name.
        has_port = len(p) == 7 or (len(p) == 6 and not _is_text(p, 3))
        first = 4 if has_port else 3
        port = _port(p, 3, PEER_PORTS, default=FTP_PORT) if has_port else FTP_PORT
        user, password = p.str(first), p.str(first + 1)
        account = p.str(first + 2) if p.present(first + 2) else None
        bearer = self._bearer()
        self.table.indexes.check_session(index, self.table.cap)
        session = WipFtp(self.socket_context, index, bearer, server, port, user, password, account)
        self.table.adopt(session)

        def failed(failure):
            self.table.forget(session)
            return failure

        return session.open().addErrback(failed)


    def _http(self, p: Params) -> None:
        p.count(2, 64)
        index = p.int(1)
        proxy = None
        if p.present(2) and p.str(2).strip():
            proxy = (p.str(2), _port(p, 3, PEER_PORTS, default=DEFAULT_PORTS[so.HTTP])
                     if p.present(3) and p.str(3).strip() else DEFAULT_PORTS[so.HTTP])
        fields = [p.str(i) if p.present(i) else "" for i in range(4, len(p))]
        credentials = (fields[0], fields[1]) if len(fields) >= 2 and fields[0] else None
        headers = header_pairs(fields[2:])
        self._open(index, lambda bearer: WipHttp(self.socket_context, index, bearer, proxy,
                                                 credentials, headers))

    def _mail(self, p: Params, mode: int) -> None:
        p.count(3, 6)
        index = p.int(1)
        server = p.str(2)
        # <server>[,<peer port>][,<username>,<password>]: five fields leave the port out
        # (001 §9.13 leaves it empty instead: "POP3 server",,"user name","mail id").
        has_port = len(p) in (4, 6)
        port = DEFAULT_PORTS[mode]
        if has_port and p.present(3) and p.str(3).strip():
            port = _port(p, 3, PEER_PORTS)
        first = 4 if has_port else 3
        user = p.str(first) if p.present(first) else None
        password = p.str(first + 1) if p.present(first + 1) else None
        kind = WipSmtp if mode == so.SMTP else WipPop3
        self._open(index, lambda bearer: kind(self.socket_context, index, bearer, server, port,
                                              user, password))

    def _open(self, index: int, make) -> None:
        bearer = self._bearer()
        self.table.indexes.check_session(index, self.table.cap)
        session = make(bearer)
        self.table.adopt(session)
        session.open()


def _is_text(p: Params, i: int) -> bool:
    """A quoted parameter that is not a number."""
    return p.quoted(i) and not p.str(i).strip().isdigit()


def _port(p: Params, i: int, allowed: range, default: int = REQUIRED) -> int:
    return p.int(i, allowed.start, allowed.stop - 1, default=default,
                 code=Code.BAD_PORT_NUMBER)
