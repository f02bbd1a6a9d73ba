"""The two TCP sockets of the AT# family (002 §5, GenPro §4): ``AT#LTCPSTART=<id>``
listens on TCPPORT for TCPSERV, ``AT#LTCPSTOP=<id>`` stops listening, ``AT#OTCP=<id>``
connects to TCPSERV:TCPPORT.  The socket's parameters are read when the command runs
(DLEMODE, TCPPORT, TCPSERV) and while it runs (TCPTXDELAY, 002 §5.1.4).

    AT#OTCP=1          -> Ok_Info_WaitingForData        data mode (or #CME ERROR: <code>)
    AT#LTCPSTART=1     -> OK  ...  Ok_Info_WaitingForData when the peer connects
    AT#LTCPSTOP=1      -> OK

``TcpSockets`` holds the sockets; the three commands are ``AtSharpCommand``s on it.
Decisions E60-E69 in docs/dialects/edsoft.md, G11-G13 in docs/dialects/genpro.md.
"""

from __future__ import annotations

from typing import Any

from simulator.datamode.uplink import Uplink
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.command import AtSharpCommand, AtSharpContext
from simulator.dialects.atsharp.datamode import (
    BAD_CONFIGURATION,
    failure_code,
    tcp_sink,
)
from simulator.dialects.atsharp.link import Resource
from simulator.dialects.atsharp.parameters import key
from simulator.dialects.atsharp.sockets import (
    DataSession,
    DataSessions,
    allowed_peer,
    arm_etx_abort,
    open_failed,
)
from simulator.ipstack.tcp import TcpServer, TcpSocket, TcpState
from simulator.ipstack.view import SocketView, view

#: A TCP frame "entirely filled with user data" (002 §5.1.4): one segment of the 1500-byte
#: MTU, sent without waiting for TCPTXDELAY (E66).
FULL_FRAME = 1460
RESOURCES = {1: Resource.TCP1, 2: Resource.TCP2}


class TcpSession(DataSession):
    """One TCP socket: listening (``server``), then open on a connection (``sock``)."""

    def __init__(self, context: AtSharpContext, number: int, claim, at_session: Any,
                 interpreter: Any) -> None:
        super().__init__(context, claim, at_session, interpreter)
        self.number = number
        self.dle_mode = context.flash.get(key("DLEMODE", number)) == 1
        self.server: TcpServer | None = None
        self.sock: TcpSocket | None = None
        self.uplink: Uplink | None = None
        self.opened = False  # connected: failures now end data mode

    def __repr__(self) -> str:
        return f"<TcpSession {self.number}>"

    @property
    def waiting(self) -> bool:
        return not self.ended and self.sock is None and self.server is not None

    def use(self, sock: TcpSocket) -> None:
        self.sock = sock
        sock.listener = self
        # "a '0' initiates the sending of a TCP frame as soon as possible after the
        # reception of a single character" (002 §5.1.4); a frame waits at most TCPTXDELAY
        # from its first byte (E66).
        self.uplink = Uplink(self.clock, self, delay=self._delay,
                             watermark=lambda: FULL_FRAME, restart_on_write=False)

    def _delay(self) -> float:
        return self.context.flash.get(key("TCPTXDELAY", self.number)) / 1000

    def make_sink(self):
        return tcp_sink(self, self.at_session, dle_mode=self.dle_mode,
                        tables=self.context.tables)

    # -- the listen --------------------------------------------------------------------

    def accepted(self, server, child: TcpSocket) -> None:
        server.close()  # one connection per LTCPSTART
        self.use(child)
        self.opened = True
        self.offer_port()

    def data_mode_entered(self) -> None:
        sock = self.sock
        if sock.error is not None:
            self.error(sock, sock.error)
        elif sock.peer_closed:
            self.peer_closed(sock)

    # -- the connection ----------------------------------------------------------------

    def read(self) -> bytes:
        return self.sock.read()

    def after_delivery(self, callback) -> bool:
        """The data sink's way to write a run of received segments at once
        (``TcpSocket.after_delivery``)."""
        return self.sock is not None and self.sock.after_delivery(callback)

    def data_available(self, sock, n: int) -> None:
        self.context.link.activity()
        if self.sink is not None:
            self.sink.received()

    # The uplink's socket: the TCP socket, the link told that data moves (PHYTIMEOUT).

    def send(self, data: bytes) -> int:
        self.context.link.activity()
        return self.sock.send(data)

    def shutdown(self) -> None:
        self.sock.shutdown()

    def close(self) -> None:
        self.sock.close()

    def peer_closed(self, sock) -> None:
        if self.sink is None:
            return  # told when the port takes the socket
        code = self.context.tables.plain_peer_close_code
        if self.dle_mode or code is None:
            self.sink.peer_shutdown()  # <ETX>, Ok_Info_SocketClosed (, OK)
        else:
            self.sink.failed(code)  # eDsoft: no in-band mark in DLEMODE 0 (E63)

    def error(self, sock, reason) -> None:
        if not self.opened:
            return  # the open fails with the command's own error
        self.uplink.drop()
        if self.sink is not None:
            self.sink.failed(failure_code(reason))
        elif self.interpreter is None or self.ended:
            self.end()
        # else: waiting for the port, which is told when it takes the socket

    def writable(self, sock) -> None:
        # Not from inside the socket's own send: the uplink's next round comes after it.
        self.clock.callLater(0, self.uplink.push)

    def close_socket(self) -> None:
        if self.server is not None:
            self.server.close()
        sock, uplink = self.sock, self.uplink
        if sock is None:
            return
        if sock.state is TcpState.CONNECTED and not sock.released:
            uplink.close()  # what the host wrote still goes, then FIN
        else:
            uplink.drop()
            sock.close()


class TcpSockets(DataSessions):
    """The two sockets the commands of 002 §5.2-§5.4 open."""

    def __init__(self, context: AtSharpContext, all_sessions) -> None:
        super().__init__(context, all_sessions)
        self.sessions: dict[int, TcpSession] = {}

    def commands(self):
        return (command(self.context, self) for command in (LtcpStart, LtcpStop, Otcp))

    def session(self, number: int) -> TcpSession | None:
        session = self.sessions.get(number)
        return None if session is None or session.ended else session

    def held(self) -> list[DataSession]:
        return list(self.sessions.values())

    def views(self) -> list[SocketView]:
        """Sockets 1 and 2 as the host knows them: listening, then on a connection."""
        return [view(number, session.sock or session.server)
                for number, session in sorted(self.sessions.items()) if not session.ended]

    def forget(self) -> None:
        self.sessions.clear()

    def _settings(self, number: int) -> tuple[str, int]:
        flash = self.context.flash
        server, port = flash.get(key("TCPSERV", number)), flash.get(key("TCPPORT", number))
        if not server or not port:
            raise codes.error(BAD_CONFIGURATION)  # E64
        return server, port

    def open(self, call, number: int) -> tuple[Any, TcpSession, str, int]:
        """The link, the settings, the claim: each fails with its own code, in that
        order (E64)."""
        bearer = self.context.link.require()
        server, port = self._settings(number)
        claim = self.context.resources.claim(RESOURCES[number])
        session = TcpSession(self.context, number, claim, call.session,
                             getattr(call, "interpreter", None))
        self.sessions[number] = session
        return bearer, session, server, port


class SocketCommand(AtSharpCommand):
    """``AT#<C>=<id>``: one parameter, the socket id (002 §5.1, E27)."""

    forms = ("set",)
    service: TcpSockets

    def number(self, call) -> int:
        p = self.params(call)
        p.count(1, 1)
        return self.socket(p)


class Otcp(SocketCommand):
    """``AT#OTCP=<id>`` (002 §5.4)."""

    name = "#OTCP"

    def set(self, call):
        bearer, session, server, port = self.service.open(call, self.number(call))
        session.use(TcpSocket(bearer, session))

        def connected(_):
            session.opened = True
            return session.connect()

        return session.sock.connect(server, port).addCallbacks(connected,
                                                               open_failed(session))


class LtcpStart(SocketCommand):
    """``AT#LTCPSTART=<id>`` (002 §5.2)."""

    name = "#LTCPSTART"

    def set(self, call):
        bearer, session, server, port = self.service.open(call, self.number(call))
        allowed = allowed_peer(bearer, server)

        def listen(address: str | None) -> None:
            session.server = TcpServer(
                bearer, session, port=port, max_spawn=1, on_full="refuse",
                accept_from=lambda peer: address is None or peer[0] == address)
            arm_etx_abort(self.service.all_sessions, session.interpreter)

        return allowed.addCallback(listen).addErrback(open_failed(session))


class LtcpStop(SocketCommand):
    """``AT#LTCPSTOP=<id>`` (002 §5.3)."""

    name = "#LTCPSTOP"

    def set(self, call) -> None:
        session = self.service.session(self.number(call))
        if session is not None and session.waiting:
            session.end()  # E67: stops a listen; nothing else to stop is not an error
