"""One TCP connection of the host, spliced into the network's routing: the host's side is a
``simulator.inet.tcp.TcpConnection`` (we play the remote end), the network's side is a
connection ``Bearer.connect_tcp`` made, so the link's shaping, the lab services, other
modems, ``hosts:`` forwards and ``allow:`` apply exactly as for a modem's own sockets.

Outbound (the host's SYN, ``syn`` given): the SYN-ACK goes back only once the network
connection is up, as slirp does: a refused destination gets a RST, an unreachable one an
ICMP destination unreachable, one that never answers nothing (the host's SYN retries run
out).  Inbound (another modem or a lab server connecting to the host's address, ``syn``
None): the flow sends the SYN to the host; the host's RST (nothing listens there) resets
the network side.

Flow control holds both ways: what the host sent is acknowledged (``consumed``) only while
the network pipe takes it, and the pipe is paused while the host's window is full.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet import protocol
from twisted.internet.interfaces import IHalfCloseableProtocol, IPushProducer
from zope.interface import implementer

from simulator.inet.tcp import (
    Closed,
    Connected,
    DataReceived,
    PeerClosed,
    Reset,
    State,
    TcpConfig,
    TcpConnection,
    TimedOut,
    Writable,
)
from simulator.network.errors import ConnectionReset, Reason, RouteError

if TYPE_CHECKING:
    from simulator.inet.tcpsegment import TcpSegment
    from simulator.network.hostip.gateway import HostGateway

#: Bytes from the network waiting for the host's window before the network side is paused.
OUTBOX_HIGH = 64 * 1024
#: The host's TCP retransmits a SYN after 1 s; a network connect taking longer than this is
#: given up with the host's (it keeps its own timer; this only frees the attempt).
CONNECT_TIMEOUT = 75.0

Key = tuple[int, ipaddress.IPv4Address, int]  # host port, remote address, remote port
#: States in which bytes from the network go to the host.
_SENDING = frozenset({State.ESTABLISHED, State.CLOSE_WAIT})
_NOT_CONNECTED = frozenset({State.SYN_RECEIVED, State.LISTEN, State.SYN_SENT})


@implementer(IHalfCloseableProtocol, IPushProducer)
class HostTcpFlow(protocol.Protocol):
    def __init__(self, gateway: HostGateway, key: Key, syn: TcpSegment | None,
                 on_gone: Callable[[HostTcpFlow], None], config: TcpConfig) -> None:
        self.gateway = gateway
        self.key = key
        self.host_port, self.remote, self.remote_port = key
        self._syn = syn
        self._on_gone = on_gone
        clock = gateway.clock
        self.clock = clock
        self.conn = TcpConnection(self.remote_port, self.host_port, gateway.rng, config)
        self._outbox = bytearray()  # from the network, for the host
        self._unacked_in = 0  # received from the host, written to the pipe, not consumed
        self._pipe_paused = False  # the pipe asked us (its producer) to stop
        self._pipe_reading = True  # we read from the pipe
        self._network_closed = False  # the network side sent its FIN
        self._fin_queued = False  # ... and ours to the host follows the data
        self._timer = None
        self._attempt = None
        self.gone = False

    def __repr__(self) -> str:
        return f"<HostTcpFlow :{self.host_port} -> {self.remote}:{self.remote_port}>"

    # -- the network side ---------------------------------------------------------------------

    def start(self, local_port: int | None = None) -> None:
        port = self.host_port if local_port is None else local_port
        self._attempt = self.gateway.bearer.connect_tcp(
            str(self.remote), self.remote_port, self, local_port=port, timeout=CONNECT_TIMEOUT)
        self._attempt.addErrback(self._connect_failed, port)

    def _connect_failed(self, failure, port: int) -> None:
        self._attempt = None
        failure.trap(RouteError)
        reason = failure.value.reason
        if reason is Reason.PORT_IN_USE and port != 0:
            self.start(0)  # the host reused a port the network still holds: take another
            return
        if reason in (Reason.UNREACHABLE, Reason.LINK_DOWN):
            self.gateway.unreachable(self._syn_packet)
        elif reason is not Reason.TIMEOUT:
            self.gateway.reset(self.remote, self._syn)
        self._forget()

    @property
    def _syn_packet(self):
        return self.gateway.rebuild_from_host(self.remote, self._syn)

    def connectionMade(self) -> None:
        self._attempt = None
        self.transport.registerProducer(self, True)
        now = self.clock.seconds()
        if self._syn is None:
            self.conn.connect(now)
        else:
            self.conn.listen()
            self.conn.receive_segment(self._syn, now)
        self._pump()

    def dataReceived(self, data: bytes) -> None:
        self._outbox += data
        self._flush(self.clock.seconds())
        if len(self._outbox) > OUTBOX_HIGH and self._pipe_reading:
            self._pipe_reading = False
            self.transport.pauseProducing()
        self._pump()

    def readConnectionLost(self) -> None:
        self._network_closed = True
        self._flush(self.clock.seconds())
        self._pump()

    def writeConnectionLost(self) -> None:
        pass

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        if self.gone:
            return
        if reason.check(ConnectionReset) or self.conn.state in _NOT_CONNECTED:
            self.conn.abort()
        else:
            self._network_closed = True
            self._flush(self.clock.seconds())
        self._pump()

    # -- IPushProducer (the pipe towards the network) -----------------------------------------

    def pauseProducing(self) -> None:
        self._pipe_paused = True

    def resumeProducing(self) -> None:
        self._pipe_paused = False
        self._consume(self.clock.seconds())
        self._pump()

    def stopProducing(self) -> None:
        self._pipe_paused = True

    # -- the host side ------------------------------------------------------------------------

    def segment_from_host(self, segment: TcpSegment, *, reply: bool = True) -> None:
        """One segment of the host's.  ``reply=False`` (one of several the host's link
        brought at once): its data goes to the network at once, but the answer waits for
        ``flush`` or the next segment that makes one due (``TcpConnection.flush_due``), so
        a batch of segments gets one ACK, carrying the window after their data was taken."""
        if self._attempt is not None:
            return  # still connecting: a repeated SYN waits for the same answer
        now = self.clock.seconds()
        conn = self.conn
        conn.receive_segment(segment, now, reply=reply)
        if self._outbox:
            self._flush(now)  # what the network sent may fit the window the ACK opened
        if reply:
            self._pump()
            return
        for event in conn.take_events():
            self._event(event, now, reply=False)
        conn.flush_due(now)
        self._pump()

    def flush(self) -> None:
        """Answer what ``segment_from_host(reply=False)`` held back."""
        if not self.gone:
            self.conn.flush(self.clock.seconds())
            self._pump()

    def abort(self) -> None:
        """The host's link is gone: drop both sides."""
        if self._attempt is not None:
            self._attempt.cancel()
        if self.transport is not None:
            self.transport.abortConnection()
        self._forget()

    def _consume(self, now: float, reply: bool = True) -> None:
        if self._unacked_in and not self._pipe_paused and not self.conn_closed:
            n, self._unacked_in = self._unacked_in, 0
            self.conn.consumed(n, now, reply=reply)

    @property
    def conn_closed(self) -> bool:
        return self.conn.state is State.CLOSED

    def _flush(self, now: float) -> None:
        if self.conn.state not in _SENDING:
            return
        if self._outbox:
            free = self.conn.send_buffer_free
            if free:
                sent = self.conn.send(bytes(self._outbox[:free]), now)
                del self._outbox[:sent]
        if not self._outbox and self._network_closed and not self._fin_queued:
            self._fin_queued = True
            self.conn.close(now)
        if len(self._outbox) <= OUTBOX_HIGH // 2 and not self._pipe_reading:
            self._pipe_reading = True
            if self.transport is not None:
                self.transport.resumeProducing()

    def _pump(self) -> None:
        now = self.clock.seconds()
        for _ in range(8):  # events may queue segments and the other way round
            segments = self.conn.take_segments()
            for segment in segments:
                self.gateway.send_tcp(self.remote, segment)
            events = self.conn.take_events()
            if not segments and not events:
                break
            for event in events:
                self._event(event, now)
        self._schedule()

    def _event(self, event, now: float, reply: bool = True) -> None:
        transport = self.transport
        if isinstance(event, DataReceived):
            if transport is not None and not self.gone:
                transport.write(event.data)
            self._unacked_in += len(event.data)
            self._consume(now, reply)
        elif isinstance(event, (Connected, Writable)):
            self._flush(now)  # what the network side sent first (a banner) goes now
        elif isinstance(event, PeerClosed):
            if transport is not None:
                transport.loseWriteConnection()
        elif isinstance(event, (Reset, TimedOut)):
            if transport is not None:
                transport.abortConnection()
        elif isinstance(event, Closed):
            if transport is not None and not self.gone:
                transport.loseConnection()
            self._forget()

    def _schedule(self) -> None:
        """A timer for the connection's next deadline.  One that would fire no later is
        kept: the connection's deadlines move with every ACK, and a timer that fires
        before anything is due only finds nothing to do and sets the next one."""
        deadline = None if self.gone else self.conn.next_deadline()
        timer = self._timer
        if timer is not None and not timer.active():
            timer = self._timer = None
        if deadline is None or timer is not None and timer.getTime() <= deadline:
            return
        if timer is not None:
            timer.cancel()
        self._timer = self.clock.callLater(max(0.0, deadline - self.clock.seconds()),
                                           self._expired)

    def _expired(self) -> None:
        self._timer = None
        self.conn.timer_expired(self.clock.seconds())
        self._flush(self.clock.seconds())
        self._pump()

    def _forget(self) -> None:
        if not self.gone:
            self.gone = True
            if self._timer is not None and self._timer.active():
                self._timer.cancel()
            self._timer = None
            self._on_gone(self)
