"""What the TCP sockets and the UDP session share: the stack claim they hold, the port
their data mode runs on, and their end.

A session opened by a command (``AT#OTCP``, ``AT#OUDP``) enters data mode as the command's
outcome; one that waits for its peer (``AT#LTCPSTART``, ``AT#LUDPSTART``) answers ``OK`` at
once and takes the port when the peer comes, showing ``Ok_Info_WaitingForData`` then
(E60).  The port is the one that typed the command; while it is busy (a command running, a
line half typed, another socket in data mode) the session waits for it.

eDsoft has no online command state and no ``ATO`` (002 documents neither): whatever ends
data mode — an ETX, the peer, an error, ``+++``, the port closing — ends the session, which
closes its socket and gives its claim on the stack back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet import defer

from simulator.at.commands import Connect, ResultCode
from simulator.datamode.dle import ETX
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.command import CommandGroup
from simulator.dialects.atsharp.datamode import failure_code, waiting_for_data
from simulator.dialects.atsharp.link import NO_LINK
from simulator.ipstack.dns import DnsClient
from simulator.ipstack.events import SocketListener
from simulator.network.errors import RouteError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from simulator.datamode.sink import SocketSink
    from simulator.dialects.atsharp.command import AtSharpContext
    from simulator.dialects.atsharp.link import Claim

#: TCPSERV / UDPSERV "255.255.255.255": no filter of the incoming peer (002 A.8.1, E61);
#: "the IP address filter feature is turned off" (002 §6.1.2).
NO_FILTER = "255.255.255.255"
#: How often a session whose peer came looks again for its port to be free, seconds.
PORT_RETRY = 0.05


class DataSession(SocketListener):
    """One TCP socket or the UDP session, from its command to its end."""

    def __init__(self, context: AtSharpContext, claim: Claim, at_session: Any,
                 interpreter: Any) -> None:
        self.context = context
        self.claim = claim
        #: The AT channel settings of the port that opened it (its ATV/ATQ frame the lines).
        self.at_session = at_session
        self.interpreter = interpreter
        self.clock = context.clock
        #: The sink of the port in data mode on this session (the sink sets it).
        self.sink: SocketSink | None = None
        self.ended = False

    def make_sink(self) -> SocketSink:
        raise NotImplementedError

    def connect(self) -> Connect:
        """The outcome of the command that opened the session."""
        return Connect(self.make_sink(), shown=waiting_for_data(self.at_session))

    def offer_port(self) -> None:
        """The peer came: take the port now, or as soon as it is free."""
        if self.ended:
            return
        if not self.interpreter.connect_unsolicited(self.make_sink(),
                                                    shown=waiting_for_data(self.at_session)):
            self.clock.callLater(PORT_RETRY, self.offer_port)

    @property
    def waiting(self) -> bool:
        """A listen whose peer has not come yet."""
        return False

    def data_mode_entered(self) -> None:
        """Data mode began on the port: report what happened before."""

    def data_mode_left(self) -> None:
        self.end()

    def link_down(self, code: int | None) -> None:
        """The IP link went: a session in data mode fails with ``<ETX>`` and the code (E68);
        one waiting for its peer ends without a word."""
        if self.sink is not None and self.sink.active:
            self.sink.failed(code if code is not None else NO_LINK)
        self.end()

    def power_off(self) -> None:
        """The module goes down: the session ends without a word (nobody reads it)."""
        if self.sink is not None and self.sink.active:
            self.sink.release(None)
        self.end()

    def end(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.close_socket()
        self.claim.release()

    def close_socket(self) -> None:
        raise NotImplementedError


def arm_etx_abort(sessions: Callable[[], Iterable[DataSession | None]],
                  interpreter: Any) -> None:
    """"The LTCP command can be aborted before an incoming TCP request has been received by
    issuing an <ETX> character on the serial port" (002 §5.2.1): a lone ETX typed between
    command lines ends the listens this port opened, answered ``OK`` as the ETX that closes
    the socket is (002 A.8.1, E68).  ``sessions()`` are the module's TCP and UDP sessions."""

    def abort() -> ResultCode | None:
        interpreter.on_idle_byte(ETX, None)
        ended = [s for s in sessions()
                 if s is not None and s.waiting and s.interpreter is interpreter]
        for session in ended:
            session.end()
        return ResultCode.OK if ended else None

    if interpreter is not None:
        interpreter.on_idle_byte(ETX, abort)


class DataSessions(CommandGroup):
    """The TCP sockets or the UDP session, and their commands."""

    def __init__(self, context: AtSharpContext,
                 all_sessions: Callable[[], Iterable[DataSession | None]]) -> None:
        super().__init__(context)
        #: Every TCP and UDP session of the module (a lone ETX ends the listens).
        self.all_sessions = all_sessions
        context.link.on_down(self._link_down)

    def held(self) -> list[DataSession]:
        """The sessions to end with the link or the module."""
        raise NotImplementedError

    def forget(self) -> None:
        raise NotImplementedError

    def _link_down(self, code: int | None) -> None:
        for session in self.held():
            session.link_down(code)
        self.forget()

    def power_off(self) -> None:
        for session in self.held():
            session.power_off()
        self.forget()


def open_failed(session: DataSession | None = None):
    """The errback of an open or a listen: the route's failure is the command's error, and
    ``session`` ends."""

    def failed(failure):
        failure.trap(RouteError)
        if session is not None:
            session.end()
        raise codes.error(failure_code(failure.value.reason))

    return failed


def allowed_peer(bearer: Any, server: str) -> defer.Deferred:
    """The only address a listen accepts: TCPSERV / UDPSERV resolved, or None (anyone) for
    ``NO_FILTER``; a name that does not resolve fails with its ``RouteError``."""
    if server == NO_FILTER:
        return defer.succeed(None)
    return DnsClient(bearer).resolve(server)
