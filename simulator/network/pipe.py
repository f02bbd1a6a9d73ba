"""An in-memory TCP connection: two Twisted transports joined by two shaped lanes.

Every connection a modem has goes through a ``Pipe``: to a lab service (whose protocol sits
directly on the far end), to another modem, or to a real socket (a splice sits on the far end).
Each direction is a ``Lane``:

* bytes written wait in ``unsent`` until the receiver's window has room (a TCP receive window:
  what is in flight plus what arrived but was not read yet);
* they leave as segments of at most the path's MSS, each booked on the link stages it crosses
  (``Shaper.transit``) and delivered in order at its arrival time; across links that add no
  time (an ``ideal`` link) every segment arrives as it is sent, so nothing is booked or
  computed per segment, but the segments, the order and the turn of delivery are the same;
* a paused receiver (``pauseProducing``) keeps arrived bytes in the lane, the window fills,
  sending stops, ``unsent`` grows, and the writer's registered producer is paused: backpressure
  all the way to whoever produces, with nothing lost;
* a lane whose link is down keeps its bytes until the link is back.

Closing follows TCP: ``loseWriteConnection`` sends a FIN after the data (half close, seen as
``readConnectionLost`` by a half-closeable protocol), ``loseConnection`` also stops reading,
``abortConnection`` resets both ways and the peer learns it one trip later; data arriving at an
end that closed completely resets the sender, as a real stack does.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence

from twisted.internet import error
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import (
    IConsumer,
    IHalfCloseableProtocol,
    IPushProducer,
    IReactorTime,
    ITCPTransport,
)
from twisted.python.failure import Failure
from zope.interface import implementer

from simulator.network.errors import ConnectionReset
from simulator.network.links import (
    Link,
    Shaper,
    path_mss,
    stages_up,
    transit,
    unshaped_mss,
)
from simulator.network.tcp_timers import ConnectionTimers, KeepAlive, Retransmission
from simulator.timers import timers_for

#: Receive window of a simulated TCP peer, bytes (the classic 16-bit maximum without scaling).
DEFAULT_WINDOW = 65535
#: A registered producer is paused once this many written bytes wait to be sent (as Twisted's
#: own transports do with their 64 KiB buffer).
DEFAULT_BUFFER_HIGH = 65536

_FIN = None  # in a lane, the end of one direction


class Lane:
    """One direction of a pipe: from ``sender`` to ``receiver`` across ``stages``."""

    def __init__(self, clock: IReactorTime, stages: Sequence[Shaper], window: int) -> None:
        self.clock = clock
        self._unshaped_mss: int | None = None
        self._stages = tuple(stages)
        self.window = window
        self.sender: PipeEnd | None = None
        self.receiver: PipeEnd | None = None
        self._unsent = bytearray()
        self._fin_queued = False
        self._fin_sent = False
        self._in_flight: collections.deque[tuple[float, bytes | None]] = collections.deque()
        self._in_flight_bytes = 0
        self._arrived: collections.deque[bytes | None] = collections.deque()
        self._arrived_bytes = 0
        self._last_arrival = 0.0
        self._timer = None
        self._pumping = False
        self._pump_again = False
        self._delivering = False
        self.closed = False  # reset: nothing moves any more
        self.sent = 0  # bytes that left the sender
        self.delivered = 0  # bytes handed to the receiving protocol
        #: When a segment last arrived at the receiver (its ACK is what the sender hears).
        self.last_arrival_at: float | None = None
        #: ``callback(size)`` after each delivery (the router's byte counts for observers).
        self.on_delivered: list = []
        # Faults on this direction (``simulator.network.netfaults``): held lanes send nothing
        # (bytes wait, nothing closes); a slice cuts segments to ``size`` bytes arriving
        # ``delay`` apart; ``fin_delay`` holds the FIN back after the last byte.
        self.held = 0
        self.slice: tuple[int, float] | None = None
        self.fin_delay = 0.0

    @property
    def stages(self) -> tuple[Shaper, ...]:
        """The shaping stages the lane crosses (a fault narrowed to a host adds one)."""
        return self._stages

    @stages.setter
    def stages(self, stages: Sequence[Shaper]) -> None:
        self._stages = tuple(stages)
        self._unshaped_mss = None

    @property
    def unsent(self) -> int:
        return len(self._unsent)

    @property
    def outstanding(self) -> int:
        """Bytes written and not yet delivered."""
        return len(self._unsent) + self._in_flight_bytes + self._arrived_bytes

    @property
    def unacknowledged(self) -> int:
        """Bytes written that have not reached the receiver yet (unsent or in flight)."""
        return len(self._unsent) + self._in_flight_bytes

    def write(self, data: bytes) -> None:
        if self.closed or self._fin_queued or not data:
            return
        mss = self._unshaped_mss
        if (mss and not self._unsent and not self._pumping and self.slice is None
                and not self.held and len(data) <= mss
                and len(data) <= self.window - self._in_flight_bytes - self._arrived_bytes):
            self._write_segment(data)
            return
        self._unsent += data
        self.pump()

    def _write_segment(self, data: bytes) -> None:
        """``write`` then ``pump`` for the commonest case, one reactor call per segment a
        protocol writes: nothing waits, the path adds no time and the window has room for
        all of ``data``, which ``_transmit_unshaped`` would send as one segment."""
        now = self.clock.seconds()
        if now < self._last_arrival:
            now = self._last_arrival
        self._last_arrival = now
        self._in_flight.append((now, bytes(data)))
        size = len(data)
        self._in_flight_bytes += size
        self.sent += size
        if self._timer is None:
            self._arm()
        sender = self.sender
        if sender is None or sender.producer is None:
            return  # nobody to tell how much waits (``_unsent_changed`` does nothing)
        self._pumping = True
        self._pump_again = False
        try:
            sender._unsent_changed()
        finally:
            self._pumping = False
        if self._pump_again and not self.closed:
            self.pump()

    def finish(self) -> None:
        """Send a FIN once everything written before has left."""
        if not self.closed and not self._fin_queued:
            self._fin_queued = True
            self.pump()

    def reset(self) -> None:
        """Drop everything: the connection was reset."""
        self.closed = True
        self._unsent.clear()
        self._in_flight.clear()
        self._arrived.clear()
        self._in_flight_bytes = self._arrived_bytes = 0
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    # -- sending ------------------------------------------------------------------------------

    def pump(self) -> None:
        """Send what the window allows, then tell the sender how much still waits.  Re-entrant
        calls (a producer writing more while being resumed) just ask for another round."""
        if self._pumping:
            self._pump_again = True
            return
        self._pumping = True
        try:
            while True:
                self._pump_again = False
                self._transmit()
                if self.sender is not None:
                    self.sender._unsent_changed()
                if not self._pump_again or self.closed:
                    break
        finally:
            self._pumping = False

    def _transmit(self) -> None:
        if self.closed or self.held:
            return
        mss = self._unshaped_mss
        if mss is None:
            mss = self._unshaped_mss = unshaped_mss(self.stages)
        if mss and self.slice is None:
            self._transmit_unshaped(mss)
            return
        if not stages_up(self.stages):
            return
        now = self.clock.seconds()
        mss = path_mss(self.stages) if self.slice is None else min(self.slice[0],
                                                                    path_mss(self.stages))
        while self._unsent:
            room = self.window - self._in_flight_bytes - self._arrived_bytes
            if room <= 0:
                break
            size = min(mss, len(self._unsent), room)
            chunk = bytes(self._unsent[:size])
            del self._unsent[:size]
            self._in_flight.append((self._arrival(size, now), chunk))
            self._in_flight_bytes += size
            self.sent += size
        if self._fin_queued and not self._fin_sent and not self._unsent:
            self._fin_sent = True
            self._in_flight.append((self._arrival(0, now) + self.fin_delay, _FIN))
            if self.sender is not None:
                self.sender._fin_transmitted()
        self._arm()

    def _transmit_unshaped(self, mss: int) -> None:
        """``_transmit`` across links that are up and add no time (no rate, latency or
        jitter) and without a slice: every segment arrives when it is sent (or with the one
        before it, if that one was booked while the link was still shaped), so no stage is
        booked and no arrival computed per segment.  Segments, window and FIN as above."""
        unsent = self._unsent
        if unsent:
            now = self.clock.seconds()
            arrival = now if now >= self._last_arrival else self._last_arrival
            self._last_arrival = arrival
            in_flight = self._in_flight
            room = self.window - self._in_flight_bytes - self._arrived_bytes
            sent = 0
            while unsent and room > 0:
                size = len(unsent)
                if size <= mss and size <= room:
                    in_flight.append((arrival, bytes(unsent)))
                    unsent.clear()
                    sent += size
                    break
                size = min(mss, size, room)
                in_flight.append((arrival, bytes(unsent[:size])))
                del unsent[:size]
                sent += size
                room -= size
            self._in_flight_bytes += sent
            self.sent += sent
        if self._fin_queued and not self._fin_sent and not unsent:
            self._fin_sent = True
            now = self.clock.seconds()
            self._last_arrival = max(now, self._last_arrival)
            self._in_flight.append((self._last_arrival + self.fin_delay, _FIN))
            if self.sender is not None:
                self.sender._fin_transmitted()
        self._arm()

    def _arrival(self, size: int, now: float) -> float:
        # Jitter must not reorder a byte stream: a segment never overtakes the one before.
        spacing = self.slice[1] if self.slice is not None and size else 0.0
        self._last_arrival = max(transit(self.stages, size, now), self._last_arrival + spacing)
        return self._last_arrival

    #: The path's MSS while every stage is up and adds no time (``unshaped_mss``), 0 while
    #: one shapes or is down, None until looked at again after a change.
    _unshaped_mss: int | None

    def links_changed(self) -> None:
        """A link this lane crosses changed (figures, up or down): look at it again."""
        self._unshaped_mss = None
        self.pump()

    def _arm(self) -> None:
        if self._timer is None and self._in_flight and not self.closed:
            delay = max(0.0, self._in_flight[0][0] - self.clock.seconds())
            self._timer = timers_for(self.clock).call_later(delay, self._arrive)

    # -- receiving ----------------------------------------------------------------------------

    def _arrive(self) -> None:
        self._timer = None
        now = self.clock.seconds()
        while self._in_flight and self._in_flight[0][0] <= now:
            self.last_arrival_at = now
            _, chunk = self._in_flight.popleft()
            if chunk is not _FIN:
                self._in_flight_bytes -= len(chunk)
                self._arrived_bytes += len(chunk)
            self._arrived.append(chunk)
        self.deliver()
        self._arm()

    def deliver(self) -> None:
        """Hand arrived bytes to the receiving protocol while it is willing to take them."""
        if self._delivering:
            return
        self._delivering = True
        try:
            arrived = self._arrived
            on_delivered = self.on_delivered
            while arrived and not self.closed:
                receiver = self.receiver
                if receiver is None or not receiver.accepts_data():
                    break
                chunk = arrived.popleft()
                if chunk is _FIN:
                    receiver._fin_received()
                    continue
                size = len(chunk)
                self._arrived_bytes -= size
                if receiver.disconnected or receiver._read_closed:  # ``reads_closed``
                    receiver._data_after_close()
                    continue
                self.delivered += size
                receiver._data_received(chunk)
                if on_delivered:
                    for callback in on_delivered:
                        callback(size)
        finally:
            receiver = self.receiver
            if receiver is not None and receiver._after_run:
                receiver._run_delivered()
            self._delivering = False
        self.pump()  # the window may have opened


@implementer(ITCPTransport, IPushProducer, IConsumer)
class PipeEnd:
    """One side of a pipe, seen by its protocol as an ordinary TCP transport."""

    def __init__(self, pipe: Pipe, local: tuple[str, int], remote: tuple[str, int],
                 out: Lane, into: Lane, link: Link | None) -> None:
        self.pipe = pipe
        self.local = local
        self.remote = remote
        self.lane_out = out
        self.lane_in = into
        out.sender = self
        into.receiver = self
        #: The link of the modem that owns this end (None for a lab service or real socket).
        self.link = link
        self.protocol = None
        self.connected = False
        self.disconnecting = False  # loseConnection was called
        self.disconnected = False  # connectionLost was delivered
        self._write_closed = False
        self._read_closed = False
        self._reset_sent = False
        self._aborting = False  # abortConnection was called; connectionLost is coming
        self.paused = False
        self.producer = None
        self._streaming = False
        self._producer_paused = False
        self._pulling = False
        self.buffer_high = DEFAULT_BUFFER_HIGH
        self.buffer_low = DEFAULT_BUFFER_HIGH // 2
        self.timers: ConnectionTimers | None = None  # keep-alive, retransmission give-up
        self._after_run: list = []  # ``after_delivery`` callbacks of the run going on

    def __repr__(self) -> str:
        return f"<PipeEnd {self.local[0]}:{self.local[1]} -> {self.remote[0]}:{self.remote[1]}>"

    @property
    def peer(self) -> PipeEnd:
        return self.pipe.b if self is self.pipe.a else self.pipe.a

    def attach(self, protocol) -> None:
        """Connect ``protocol`` to this end (its ``makeConnection``); bytes that arrived before
        are delivered now."""
        self.protocol = protocol
        self.connected = True
        protocol.makeConnection(self)
        self.lane_in.deliver()

    # -- ITransport ---------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if not self._write_closed and not self.disconnected:
            self.lane_out.write(data if type(data) is bytes else bytes(data))
            if self.timers is not None:
                self.timers.written()
            # As Twisted's transports do: a streaming producer is paused by the write that
            # fills the buffer, even when the lane is busy and will only send it later.
            if (self.producer is not None and self._streaming and not self._producer_paused
                    and self.lane_out.unsent > self.buffer_high):
                self._producer_paused = True
                self.producer.pauseProducing()

    def writeSequence(self, data) -> None:
        self.write(b"".join(data))

    def loseConnection(self) -> None:
        if self.disconnecting or self.disconnected:
            return
        self.disconnecting = True
        self._read_closed = True
        self._write_closed = True
        self.lane_out.finish()

    def loseWriteConnection(self) -> None:
        if self._write_closed or self.disconnected:
            return
        self._write_closed = True
        self.lane_out.finish()

    def abortConnection(self) -> None:
        if self.disconnected or self._aborting:
            return
        self._aborting = True
        self._read_closed = self._write_closed = True  # nothing more either way
        self._send_reset()
        # As Twisted's transports do: connectionLost comes after the call returns.  A TLS
        # layer aborts from inside its own handshake (a failed certificate check) and still
        # uses its connection when the call returns.
        self.lane_out.clock.callLater(0, self._lose, error.ConnectionAborted())

    def getPeer(self) -> IPv4Address:
        return IPv4Address("TCP", *self.remote)

    def getHost(self) -> IPv4Address:
        return IPv4Address("TCP", *self.local)

    def getTcpNoDelay(self) -> bool:
        return True

    def setTcpNoDelay(self, enabled) -> None:
        pass

    def getTcpKeepAlive(self) -> bool:
        return self.timers is not None and self.timers.keepalive is not None

    def setTcpKeepAlive(self, enabled) -> None:
        """SO_KEEPALIVE with Linux's default timing (2 hours, 75 s, 9 probes)."""
        self.set_keepalive(KeepAlive(7200.0, 75.0, 9) if enabled else None)

    def set_keepalive(self, keepalive: KeepAlive | None) -> None:
        """Keep-alive probes with this timing (None: none); see ``tcp_timers``."""
        if not self.disconnected:
            self._timers().set_keepalive(keepalive)

    def set_retransmission(self, retransmission: Retransmission | None) -> None:
        """Give unacknowledged data up after these retransmissions (None: never)."""
        if not self.disconnected:
            self._timers().set_retransmission(retransmission)

    def _timers(self) -> ConnectionTimers:
        if self.timers is None:
            self.timers = ConnectionTimers(self)
        return self.timers

    def getHandle(self):
        return None

    # -- delivery runs and bulk writes --------------------------------------------------------

    def after_delivery(self, callback) -> bool:
        """While the lane hands this end's protocol the segments that arrived together (a
        *run*, one ``dataReceived`` each): call ``callback()`` once, right after the run's
        last segment, in the same reactor turn, and return True.  False outside a run.

        What a protocol passes on for each segment (a modem's socket in data mode writing
        to its host) can then go as one write: the same bytes, at the same moment."""
        if not self.lane_in._delivering:
            return False
        self._after_run.append(callback)
        return True

    def _run_delivered(self) -> None:
        callbacks, self._after_run = self._after_run, []
        for callback in callbacks:
            callback()

    def bulk_size(self, chunk: int) -> int:
        """How many bytes one ``write`` may carry to give the peer the same segments as
        writes of ``chunk`` bytes each, stopping at the first that does not fit the window
        at once (as a writer with ``buffer_high`` 0 does): ``chunk``, unless the lane sends
        unshaped segments of exactly ``chunk`` bytes and nothing waits, when it is every
        whole chunk the window takes plus the one that fills it."""
        lane = self.lane_out
        if (lane._unshaped_mss != chunk or lane._unsent or lane._pumping or lane.held
                or lane.slice is not None or lane.closed):
            return chunk
        room = lane.window - lane._in_flight_bytes - lane._arrived_bytes
        return (max(room, 0) // chunk + 1) * chunk

    # -- counters -----------------------------------------------------------------------------

    @property
    def bytes_sent(self) -> int:
        return self.lane_out.sent

    @property
    def bytes_acked(self) -> int:
        """Bytes written here that the peer's protocol has received."""
        return self.lane_out.delivered

    @property
    def unsent(self) -> int:
        return self.lane_out.unsent

    # -- IPushProducer: the protocol reading from this end ------------------------------------

    def pauseProducing(self) -> None:
        self.paused = True

    def resumeProducing(self) -> None:
        if self.paused:
            self.paused = False
            self.lane_in.deliver()

    def stopProducing(self) -> None:
        self.loseConnection()

    # -- IConsumer: a producer writing into this end ------------------------------------------

    def registerProducer(self, producer, streaming) -> None:
        if self.producer is not None:
            raise RuntimeError(f"{self!r} already has a producer: {self.producer!r}")
        if self.disconnected:
            producer.stopProducing()
            return
        self.producer = producer
        self._streaming = bool(streaming)
        self._producer_paused = False
        self.lane_out.pump()  # a pull producer is asked for its first chunks at once

    def unregisterProducer(self) -> None:
        self.producer = None

    def _unsent_changed(self) -> None:
        producer = self.producer
        if producer is None:
            return
        unsent = self.lane_out.unsent
        if self._streaming:
            if unsent > self.buffer_high and not self._producer_paused:
                self._producer_paused = True
                producer.pauseProducing()
            elif unsent <= self.buffer_low and self._producer_paused:
                self._producer_paused = False
                producer.resumeProducing()
        elif unsent <= self.buffer_low and not self._pulling:
            # A pull producer (FileSender ...) writes one chunk per resumeProducing.  Its write
            # re-enters the lane's pump, which then runs another round and calls back here:
            # a loop, not a recursion, that stops once the buffer is full or nothing is written.
            self._pulling = True
            try:
                producer.resumeProducing()
            finally:
                self._pulling = False

    # -- events from the lanes ----------------------------------------------------------------

    def accepts_data(self) -> bool:
        """Whether the lane may hand over its next arrival now."""
        if self.disconnected or self._read_closed:
            return True  # dropped (and answered with a reset) straight away
        return self.protocol is not None and not self.paused

    def reads_closed(self) -> bool:
        return self.disconnected or self._read_closed

    def _data_received(self, data: bytes) -> None:
        for tap in self.pipe.taps:
            tap(self, "data", data)
        self.protocol.dataReceived(data)

    def _data_after_close(self) -> None:
        # Data for a socket that is closed for reading: a real stack answers with a reset.
        if self.disconnecting or self.disconnected:
            self._send_reset()
            if not self.disconnected:
                self._lose(error.ConnectionDone())

    def _fin_received(self) -> None:
        for tap in self.pipe.taps:
            tap(self, "fin", b"")
        if self.disconnected or self._read_closed:
            self._read_closed = True
            return
        self._read_closed = True
        if IHalfCloseableProtocol.providedBy(self.protocol):
            self.protocol.readConnectionLost()
            if self._write_closed and self.lane_out._fin_sent:
                self._lose(error.ConnectionDone())
        else:
            # As Twisted does for a protocol that cannot half-close: the connection ends.
            self._write_closed = True
            self.lane_out.finish()
            self._lose(error.ConnectionDone())

    def _fin_transmitted(self) -> None:
        if self.disconnecting or self._read_closed:
            # Later, never from inside the protocol's own loseConnection (on an ideal link
            # the FIN leaves at once): Twisted's transports report connectionLost after the
            # call returns, and a TLS layer still flushes its alert after loseConnection.
            self.lane_out.clock.callLater(0, self._lose, error.ConnectionDone())

    def _send_reset(self) -> None:
        if self._reset_sent:
            return
        self._reset_sent = True
        now = self.lane_out.clock.seconds()
        delay = transit(self.lane_out.stages, 0, now) - now
        self.lane_out.reset()
        self.lane_in.reset()
        self.lane_out.clock.callLater(max(0.0, delay), self.peer._reset_received)

    def _reset_received(self) -> None:
        if self.disconnected:
            return
        for tap in self.pipe.taps:
            tap(self, "rst", b"")
        self._reset_sent = True  # nothing to answer a reset with
        self.lane_out.reset()
        self.lane_in.reset()
        self._lose(ConnectionReset("connection reset by peer"))

    def _lose(self, reason: BaseException) -> None:
        if self.disconnected:
            return
        self.disconnected = True
        self.connected = False
        self._read_closed = self._write_closed = True
        if self.timers is not None:
            self.timers.stop()
        producer, self.producer = self.producer, None
        if producer is not None:
            producer.stopProducing()
        if self.protocol is not None:
            self.protocol.connectionLost(Failure(reason))
        self.pipe._end_lost(self)

    def fail(self, reason: BaseException) -> None:
        """The network takes this connection away (bearer released ...): the protocol sees
        ``reason``, the peer a reset."""
        if not self.disconnected:
            self._send_reset()
            self._lose(reason)


class Pipe:
    """A TCP connection between ``a`` (usually the modem's side) and ``b``.

    ``a_to_b`` and ``b_to_a`` are the shaping stages of each direction; every link among them
    carries the pipe, so faults reach it.
    """

    def __init__(self, clock: IReactorTime, a_addr: tuple[str, int], b_addr: tuple[str, int],
                 a_to_b: Sequence[Shaper], b_to_a: Sequence[Shaper], *,
                 a_link: Link | None = None, b_link: Link | None = None,
                 window: int = DEFAULT_WINDOW) -> None:
        self.clock = clock
        ab = Lane(clock, a_to_b, window)
        ba = Lane(clock, b_to_a, window)
        self.a = PipeEnd(self, a_addr, b_addr, ab, ba, a_link)
        self.b = PipeEnd(self, b_addr, a_addr, ba, ab, b_link)
        self.links = {stage.link for stage in (*a_to_b, *b_to_a)}
        for link in self.links:
            link.carry(self)
        #: ``callback(end)`` each time one end's protocol has seen connectionLost.
        self.end_lost_callbacks: list = []
        #: ``callback()`` once both ends are closed.
        self.closed_callbacks: list = []
        #: ``tap(end, what, data)`` as ``end`` receives ``"data"``, a ``"fin"`` or an
        #: ``"rst"`` (packet captures).
        self.taps: list = []

    def __repr__(self) -> str:
        return f"<Pipe {self.a.local} <-> {self.b.local}>"

    @property
    def closed(self) -> bool:
        return self.a.disconnected and self.b.disconnected

    def link_changed(self, link: Link) -> None:
        self.a.lane_out.links_changed()
        self.b.lane_out.links_changed()

    def close_from_network(self, link: Link, how: str) -> None:
        """The far side of ``link``'s owner closes: the end that is *not* on ``link``."""
        for end in (self.a, self.b):
            if end.link is link:
                far = end.peer
                if how == "reset":
                    far.abortConnection()
                else:
                    far.loseConnection()

    def _end_lost(self, end: PipeEnd) -> None:
        for callback in list(self.end_lost_callbacks):
            callback(end)
        if self.closed:
            for link in self.links:
                link.drop(self)
            callbacks, self.closed_callbacks = self.closed_callbacks, []
            for callback in callbacks:
                callback()
