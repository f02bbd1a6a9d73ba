"""eDsoft's one UDP session (002 §6): ``AT#LUDPSTART`` listens on UDPPORT and takes as its
peer the source of the first datagram (from UDPSERV only, unless it is
``255.255.255.255``), ``AT#LUDPSTOP`` cancels the listen before that, ``AT#OUDP`` opens a
session with UDPSERV:UDPPORT.

    AT#OUDP        -> Ok_Info_WaitingForData    data mode (or #CME ERROR: 38027 ...)
    AT#LUDPSTART   -> OK  ...  Ok_Info_WaitingForData on the first datagram
    AT#LUDPSTOP    -> OK

In data mode the host's bytes are cut into datagrams by UDPTXDELAY or when a datagram is
full (``FULL_DATAGRAM``); received datagrams reach the host escaped, without marks between
them.  A lone ETX from the host ends the session.  ``UdpService`` holds the session; the
three commands are ``AtSharpCommand``s on it.  Decisions E70-E79 in docs/dialects/edsoft.md.
"""

from __future__ import annotations

from typing import Any

from simulator.datamode.uplink import Uplink
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.command import AtSharpCommand, AtSharpContext
from simulator.dialects.atsharp.datamode import BAD_CONFIGURATION, failure_code, udp_sink
from simulator.dialects.atsharp.link import Resource
from simulator.dialects.atsharp.sockets import (
    NO_FILTER,
    DataSession,
    DataSessions,
    allowed_peer,
    arm_etx_abort,
    open_failed,
)
from simulator.ipstack.udp import UdpSocket
from simulator.ipstack.view import SocketView, view
from simulator.network.errors import RouteError

#: A datagram "entirely filled with user data" (002 §6.1.3): what one 1500-byte IP packet
#: carries (1500 - 20 IP - 8 UDP), sent without waiting for UDPTXDELAY (E72).
FULL_DATAGRAM = 1472


class UdpSession(DataSession):
    def __init__(self, context: AtSharpContext, claim, at_session: Any, interpreter: Any, *,
                 bearer: Any, allowed: str | None = None) -> None:
        super().__init__(context, claim, at_session, interpreter)
        #: Only this address may send before the session is effective (None: anyone).
        self.allowed = allowed
        self.listening = False  # AT#LUDPSTART: the first datagram makes it effective
        #: Where the host's datagrams go and the only source heard: the first datagram's
        #: (listen) or UDPSERV:UDPPORT (active).
        self.peer: tuple[str, int] | None = None
        self.sock = UdpSocket(bearer, self, accept_from=self._accepts)
        self.uplink = Uplink(self.clock, self, delay=self._delay,
                             watermark=lambda: FULL_DATAGRAM, restart_on_write=False,
                             max_offer=FULL_DATAGRAM)

    def __repr__(self) -> str:
        return f"<UdpSession {self.sock.local} -> {self.peer}>"

    @property
    def effective(self) -> bool:
        return self.peer is not None

    @property
    def waiting(self) -> bool:
        return not self.ended and self.peer is None and self.listening


    def _delay(self) -> float:
        return self.context.flash.get("UDPTXDELAY") / 1000

    def _accepts(self, source: tuple[str, int]) -> bool:
        if self.peer is not None:
            return source == self.peer
        return self.allowed is None or source[0] == self.allowed

    def make_sink(self):
        return udp_sink(self, self.at_session)

    # -- from the socket ---------------------------------------------------------------

    def data_available(self, sock, n: int) -> None:
        self.context.link.activity()
        if self.peer is None:
            head = sock.peek()
            # "The UDP session will be effective upon reception of the first datagram,
            # supplying the remote port number and the remote IP address" (002 §6.2.1).
            self.peer = (head.address, head.port)
            self.offer_port()
        elif self.sink is not None:
            self.sink.received()

    def error(self, sock, reason) -> None:
        if self.sink is not None:
            self.sink.failed(failure_code(reason))

    # -- for the sink and the uplink ---------------------------------------------------

    def read(self) -> bytes:
        data = bytearray()
        while (datagram := self.sock.recv()) is not None:
            data += datagram.data
        return bytes(data)

    def send(self, data: bytes) -> int:
        self.context.link.activity()
        if not self.sock.closed and self.peer is not None:
            self.sock.sendto(data, self.peer).addErrback(lambda f: None)
        return len(data)

    def shutdown(self) -> None:
        self.close_socket()

    def close(self) -> None:
        self.close_socket()

    def close_socket(self) -> None:
        self.sock.close()


class UdpService(DataSessions):
    """The session the commands of 002 §6.2-§6.4 open."""

    def __init__(self, context: AtSharpContext, all_sessions) -> None:
        super().__init__(context, all_sessions)
        self.session: UdpSession | None = None

    def commands(self):
        return (command(self.context, self) for command in (LudpStart, LudpStop, Oudp))

    def current(self) -> UdpSession | None:
        session = self.session
        return None if session is None or session.ended else session

    def held(self) -> list[DataSession]:
        session = self.current()
        return [] if session is None else [session]

    def views(self) -> list[SocketView]:
        """The one UDP session (``AT#OUDP`` takes no number: it is shown as 1)."""
        session = self.current()
        return [] if session is None else [view(1, session.sock)]

    def forget(self) -> None:
        self.session = None

    def open(self, call, *, allowed: str | None = None) -> UdpSession:
        bearer = self.context.link.require()
        claim = self.context.resources.claim(Resource.UDP)
        self.session = UdpSession(self.context, claim, call.session,
                                  getattr(call, "interpreter", None), bearer=bearer,
                                  allowed=allowed)
        return self.session

    def settings(self) -> tuple[str, int]:
        flash = self.context.flash
        server, port = flash.get("UDPSERV"), flash.get("UDPPORT")
        if not server or not port:
            raise codes.error(BAD_CONFIGURATION)  # E64
        return server, port


class UdpCommand(AtSharpCommand):
    """A command of the UDP session: ``AT#<C>`` alone, no parameter."""

    service: UdpService


class Oudp(UdpCommand):
    """``AT#OUDP`` (002 §6.4)."""

    name = "#OUDP"

    def exec(self, call):
        self.context.link.require()
        server, port = self.service.settings()
        if server == NO_FILTER:
            raise codes.error(BAD_CONFIGURATION)  # a filter, not a destination (E71)
        session = self.service.open(call)

        def opened(sock):
            session.peer = sock.peer
            return session.connect()

        try:
            d = session.sock.open(0, (server, port))
        except RouteError as error:
            session.end()
            raise codes.error(failure_code(error.reason)) from None
        return d.addCallbacks(opened, open_failed(session))


class LudpStart(UdpCommand):
    """``AT#LUDPSTART`` (002 §6.2)."""

    name = "#LUDPSTART"

    def exec(self, call):
        bearer = self.context.link.require()
        server, port = self.service.settings()
        self.context.resources.claim(Resource.UDP).release()  # busy: 37122 before the lookup
        allowed = allowed_peer(bearer, server)

        def listen(address: str | None) -> None:
            session = self.service.open(call, allowed=address)
            try:
                session.sock.open(port)
            except RouteError:
                session.end()
                raise
            session.listening = True
            arm_etx_abort(self.service.all_sessions, session.interpreter)

        return allowed.addCallback(listen).addErrback(open_failed())


class LudpStop(UdpCommand):
    """``AT#LUDPSTOP`` (002 §6.3)."""

    name = "#LUDPSTOP"

    def exec(self, call) -> None:
        session = self.service.current()
        if session is not None and session.waiting:
            session.end()  # E73
