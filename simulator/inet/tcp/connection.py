"""One TCP connection (RFC 9293), sans-IO: fed segments, application calls and the time; it
queues segments to send (``take_segments``) and events for the application (``take_events``).

Time is a number of seconds the caller passes to every call that may start a timer; the
caller asks ``next_deadline()`` when to call ``timer_expired(now)``.  The connection knows
ports, not addresses: the layer below wraps its segments in IPv4 packets and hands it only the
segments of its 4-tuple.  Segments for no connection get ``reset_reply``.

Segments that arrive together (one read of the link) may be fed with ``reply=False`` and
answered once with ``flush(now)``: one ACK then covers them, as RFC 1122 §4.2.3.2 allows, and
``flush_due`` keeps to its "at least every second full-sized segment".  Fed one at a time
(the default), every segment carrying data is acknowledged at once.

Out of scope: window scaling, SACK, timestamps, urgent data (the URG pointer is ignored),
timed delayed ACKs, Nagle's algorithm (data goes as soon as the windows allow).
"""

from __future__ import annotations

import random

from simulator.inet.tcp import events as ev
from simulator.inet.tcp.config import DEFAULT_PEER_MSS, TcpConfig
from simulator.inet.tcp.congestion import CongestionWindow
from simulator.inet.tcp.reassembly import Reassembly
from simulator.inet.tcp.rto import AFTER_SYN_TIMEOUT, RtoEstimator
from simulator.inet.tcp.sendbuffer import SendBuffer
from simulator.inet.tcp.seqnum import in_window, seq_add, seq_diff, seq_le, seq_lt
from simulator.inet.tcp.states import (
    ON_CLOSE,
    ON_FIN_ACKED,
    ON_FIN_RECEIVED,
    RECEIVING,
    SENDING,
    SYNCHRONIZED,
    State,
)
from simulator.inet.tcpsegment import NO_FLAGS, TcpFlags, TcpSegment, mss_option

#: Duplicate ACKs that make the sender resend without waiting for the timer (RFC 5681 §3.2).
DUPLICATE_ACK_THRESHOLD = 3
#: Data segments received and not yet acknowledged after which ``flush_due`` answers
#: (RFC 1122 §4.2.3.2: an ACK for at least every second full-sized segment).
ACK_EVERY_SEGMENTS = 2
#: The flags of the segments a connection sends most, made once: ``IntFlag`` operators run
#: in Python.
_ACK = TcpFlags.ACK
_DATA_FLAGS = {(data, fin): TcpFlags.ACK | (TcpFlags.PSH if data else NO_FLAGS)
               | (TcpFlags.FIN if fin else NO_FLAGS)
               for data in (False, True) for fin in (False, True)}
_WITH_ACK = tuple(TcpFlags(value) | TcpFlags.ACK for value in range(0x100))
_SYN_BIT, _RST_BIT, _FIN_BIT, _ACK_BIT = (int(f) for f in (TcpFlags.SYN, TcpFlags.RST,
                                                           TcpFlags.FIN, TcpFlags.ACK))
#: States in which data and FIN go out (queued before a close, or resent).
_TRANSMITTING = frozenset({State.ESTABLISHED, State.CLOSE_WAIT, State.FIN_WAIT_1,
                           State.CLOSING, State.LAST_ACK})


class TcpStateError(Exception):
    """The application asked for something the connection's state does not allow (sending
    after close, connecting twice): a bug in the caller, not something the network did."""


def reset_reply(segment: TcpSegment) -> TcpSegment | None:
    """The RST that answers ``segment`` when it belongs to no connection (RFC 9293 §3.10.7.1);
    ``None`` for a RST, which is never answered."""
    if segment.rst:
        return None
    if segment.has_ack:
        return TcpSegment(segment.dst_port, segment.src_port, seq=segment.ack, flags=TcpFlags.RST)
    return TcpSegment(segment.dst_port, segment.src_port, seq=0,
                      ack=seq_add(segment.seq, segment.length),
                      flags=TcpFlags.RST | TcpFlags.ACK)


class TcpConnection:
    def __init__(self, local_port: int, remote_port: int, rng: random.Random,
                 config: TcpConfig | None = None) -> None:
        self.local_port = local_port
        self.remote_port = remote_port
        self.config = config or TcpConfig()
        self.state = State.CLOSED
        self._segments: list[TcpSegment] = []
        self._events: list[ev.Event] = []
        self._started = False
        self._finished = False  # Closed was reported
        # Send side (RFC 9293 §3.3.1 names).
        self.iss = rng.getrandbits(32)
        self.snd_una = self.snd_nxt = self.snd_max = self.iss
        self.snd_wnd = 0
        self._snd_wl1 = self._snd_wl2 = 0
        self.send_mss = min(DEFAULT_PEER_MSS, self.config.mss)
        self._syn_acked = False
        self._send_buffer = SendBuffer(self.config.send_buffer)
        self._fin_queued = False
        self._fin_seq = 0
        self._cwnd = CongestionWindow(self.send_mss)
        self._duplicate_acks = 0
        # Receive side.
        self.irs = 0
        self.rcv_nxt = 0
        self._reassembly = Reassembly()
        self._fin_received = False
        self._unconsumed = 0
        self._advertised_edge: int | None = None
        self._ack_needed = False
        self._segments_unacknowledged = 0  # data segments in since our last ACK
        self._ack_at_once = False  # out of order, or filling a gap: ACK without waiting
        # Timers, as absolute times or None.
        self._rto = RtoEstimator(self.config.initial_rto, self.config.min_rto,
                                 self.config.max_rto)
        self._retransmit_at: float | None = None
        self._retries = 0
        self._syn_resent = False
        self._rtt_probe: tuple[int, float] | None = None  # (sequence acked when, sent at)
        self._persist_at: float | None = None
        self._persist_backoff = 0
        self._unanswered_probes = 0
        self._time_wait_until: float | None = None

    # ----------------------------------------------------------- what the caller drains

    def take_segments(self) -> list[TcpSegment]:
        """The segments to send, oldest first; the list is emptied."""
        out, self._segments = self._segments, []
        return out

    def take_events(self) -> list[ev.Event]:
        out, self._events = self._events, []
        return out

    def next_deadline(self) -> float | None:
        """When ``timer_expired`` is due next, or None when no timer runs."""
        soonest = None
        for t in (self._retransmit_at, self._persist_at, self._time_wait_until):
            if t is not None and (soonest is None or t < soonest):
                soonest = t
        return soonest

    @property
    def send_buffer_free(self) -> int:
        return self._send_buffer.free

    @property
    def receive_window(self) -> int:
        """The window we can take right now: the receive buffer less what the application
        holds unconsumed."""
        return max(0, self.config.receive_buffer - self._unconsumed)

    # ----------------------------------------------------------- application calls

    def connect(self, now: float) -> None:
        """Active open: send SYN."""
        self._start()
        self.state = State.SYN_SENT
        self._send_syn(now)

    def listen(self) -> None:
        """Passive open: wait for a SYN."""
        self._start()
        self.state = State.LISTEN

    def send(self, data: bytes, now: float) -> int:
        """Queue ``data``; how many bytes fit in the send buffer (the rest: try again after
        ``Writable``)."""
        if self.state not in SENDING or self._fin_queued:
            raise TcpStateError(f"cannot send in {self.state.value}"
                                + (" after close" if self._fin_queued else ""))
        taken = self._send_buffer.offer(data)
        self._flush(now)
        return taken

    def consumed(self, size: int, now: float, *, reply: bool = True) -> None:
        """The application is done with ``size`` bytes of ``DataReceived``: they no longer
        count against the window, which may open (a window update goes out if it opens by at
        least a segment or half the buffer, RFC 9293 §3.8.6.2.2).  ``reply=False``: the
        update waits for ``flush`` (an ACK still owed then carries the new window)."""
        if not 0 <= size <= self._unconsumed:
            raise TcpStateError(f"consumed {size} bytes of {self._unconsumed} delivered")
        self._unconsumed -= size
        if self.state in RECEIVING and self._window_grew_enough():
            self._ack_needed = True
        if reply:
            self._flush(now)

    def flush(self, now: float) -> None:
        """Send what was held back by ``reply=False``: data the windows allow, and one ACK
        if one is owed."""
        if self.state is not State.CLOSED:
            self._flush(now)

    def flush_due(self, now: float) -> None:
        """``flush`` once ``ACK_EVERY_SEGMENTS`` data segments wait for an ACK, or at once
        after a segment out of order or one filling a gap (RFC 5681 §4.2: the duplicate
        ACKs a sender's fast retransmit counts, and the ACK that ends its recovery)."""
        if self._ack_at_once or self._segments_unacknowledged >= ACK_EVERY_SEGMENTS:
            self.flush(now)

    def close(self, now: float) -> None:
        """No more data from us: FIN after what is queued.  Before the handshake completes
        the FIN waits for it (``abort`` gives up instead)."""
        if self.state in (State.CLOSED, State.LISTEN):
            self._terminate(None)
            return
        if self._fin_queued:
            return
        if self.state in (State.SYN_SENT, State.SYN_RECEIVED, State.ESTABLISHED,
                          State.CLOSE_WAIT):
            self._fin_queued = True
            self._fin_seq = seq_add(self._data_start(), len(self._send_buffer))
            self.state = ON_CLOSE.get(self.state, self.state)
            self._flush(now)

    def abort(self) -> None:
        """Drop the connection now: RST to the peer if it knows us, then ``Closed``."""
        if self.state in SYNCHRONIZED and self.state is not State.TIME_WAIT:
            self._segments.append(self._segment(self.snd_max, TcpFlags.RST, with_ack=False))
        self._terminate(None)

    # ----------------------------------------------------------- the network's calls

    def timer_expired(self, now: float) -> None:
        if self._time_wait_until is not None and now >= self._time_wait_until:
            self._terminate(None)
            return
        if self._retransmit_at is not None and now >= self._retransmit_at:
            self._retransmission_timeout(now)
        if self._persist_at is not None and now >= self._persist_at:
            self._probe_window(now)
        if self.state is not State.CLOSED:
            self._flush(now)

    def receive_segment(self, segment: TcpSegment, now: float, *, reply: bool = True) -> None:
        """A segment from the peer, already checked (checksum, ports).  ``reply=False``:
        what it makes us send (data the ACK let out, the ACK it is owed) waits for ``flush``,
        so that the segments of one read are answered together."""
        if self.state is State.CLOSED:
            return
        if self.state is State.LISTEN:
            self._in_listen(segment, now)
        elif self.state is State.SYN_SENT:
            self._in_syn_sent(segment, now)
        else:
            self._in_synchronized(segment, now)
        if reply and self.state is not State.CLOSED:
            self._flush(now)

    # ----------------------------------------------------------- segment arrival

    def _in_listen(self, segment: TcpSegment, now: float) -> None:
        if segment.rst:
            return
        if segment.has_ack:
            self._reply_reset(segment)
            return
        if not segment.syn:
            return
        self._take_syn(segment)
        self.state = State.SYN_RECEIVED
        self._send_syn(now)

    def _in_syn_sent(self, segment: TcpSegment, now: float) -> None:
        if segment.has_ack and not (seq_lt(self.iss, segment.ack)
                                    and seq_le(segment.ack, self.snd_max)):
            self._reply_reset(segment)
            return
        if segment.rst:
            if segment.has_ack:  # refused
                self._terminate(ev.Reset())
            return
        if not segment.syn:
            return
        self._take_syn(segment)
        if segment.has_ack:
            self._acknowledged(segment.ack, now)
            self._update_send_window(segment)
            self._establish()
            self._ack_needed = True
        else:  # simultaneous open: both sent SYN
            self.state = State.SYN_RECEIVED
            self._send_syn(now)

    def _in_synchronized(self, segment: TcpSegment, now: float) -> None:
        flags = int(segment.flags)  # the bits once, not a property call per test
        syn, rst, fin = flags & _SYN_BIT, flags & _RST_BIT, flags & _FIN_BIT
        state = self.state
        if (state is State.SYN_RECEIVED and syn and not flags & _ACK_BIT
                and not rst and segment.seq == self.irs):
            self._send_syn(now)  # our SYN-ACK was lost: the peer sent its SYN again
            return
        if not self._acceptable(segment):
            if not rst:
                self._ack_needed = True
                if state is State.TIME_WAIT and fin:
                    self._enter_time_wait(now)  # RFC 9293 §3.10.7.4: restart the 2 MSL timeout
            return
        self._unanswered_probes = 0
        if rst:
            self._in_reset(segment)
            return
        if syn:  # RFC 5961 §4: a SYN in a synchronized state gets a challenge ACK
            self._ack_needed = True
            return
        if not flags & _ACK_BIT:
            return
        if state is State.SYN_RECEIVED:
            if not (seq_lt(self.snd_una, segment.ack) and seq_le(segment.ack, self.snd_max)):
                self._reply_reset(segment)
                return
            self._update_send_window(segment)
            self._establish()
        if not self._process_ack(segment, now):
            return
        if self.state in RECEIVING and (segment.payload or fin):
            self._receive_text(segment, now)

    def _in_reset(self, segment: TcpSegment) -> None:
        """RFC 5961 §3.2: only a RST at exactly the next expected sequence number resets; one
        elsewhere in the window gets a challenge ACK, which a real peer answers with an exact
        RST.  RFC 1337: TIME-WAIT ignores RSTs."""
        if segment.seq != self.rcv_nxt:
            self._ack_needed = True
        elif self.state is State.TIME_WAIT:
            pass
        elif self.state in (State.CLOSING, State.LAST_ACK):
            self._terminate(None)
        else:
            self._terminate(ev.Reset())

    def _acceptable(self, segment: TcpSegment) -> bool:
        """RFC 9293 §3.10.7.4's table: the segment overlaps the receive window."""
        window = self.receive_window
        length = segment.length
        if length == 0:
            if window == 0:
                return segment.seq == self.rcv_nxt
            return in_window(segment.seq, self.rcv_nxt, window)
        if window == 0:
            return False
        return (in_window(segment.seq, self.rcv_nxt, window)
                or in_window(seq_add(segment.seq, length - 1), self.rcv_nxt, window))

    def _process_ack(self, segment: TcpSegment, now: float) -> bool:
        """The ACK field; False when the segment is to be dropped."""
        ack = segment.ack
        if seq_lt(self.snd_max, ack):  # acknowledges what we never sent
            self._ack_needed = True
            return False
        if seq_lt(self.snd_una, ack):
            self._acknowledged(ack, now)
        elif (ack == self.snd_una and self.snd_una != self.snd_max and not segment.payload
              and not segment.syn and not segment.fin and segment.window == self.snd_wnd):
            self._duplicate_ack(now)
        if seq_le(self.snd_una, ack):
            self._update_send_window(segment)
        return True

    def _acknowledged(self, ack: int, now: float) -> None:
        """``ack`` acknowledges new sequence space."""
        acked = seq_diff(ack, self.snd_una)
        if not self._syn_acked:
            self._syn_acked = True
            acked -= 1
        data_acked = min(acked, len(self._send_buffer))
        self._send_buffer.acknowledge(data_acked)
        self.snd_una = ack
        if seq_lt(self.snd_nxt, ack):
            self.snd_nxt = ack
        if self._rtt_probe is not None and seq_le(self._rtt_probe[0], ack):
            self._rto.sample(now - self._rtt_probe[1])
            self._rtt_probe = None
        # No reset of the backed-off timer here: RFC 6298 §5 keeps it until a new RTT
        # measurement collapses it (a retransmitted segment gives none, Karn); resetting it
        # on every new ACK fires the timer again at each segment of a path slower than the
        # first samples said (a serial line whose queue grows behind the handshake).
        self._retries = 0
        self._duplicate_acks = 0
        if data_acked:
            self._cwnd.acknowledged(data_acked)
        self._retransmit_at = None if ack == self.snd_max else now + self._rto.rto
        if self._fin_queued and ack == seq_add(self._fin_seq, 1):
            self._our_fin_acked(now)
        if self.state in SENDING and self._send_buffer.writable_again():
            self._events.append(ev.Writable())

    def _our_fin_acked(self, now: float) -> None:
        self.state = ON_FIN_ACKED.get(self.state, self.state)
        if self.state is State.TIME_WAIT:
            self._enter_time_wait(now)
        elif self.state is State.CLOSED:
            self._terminate(None)

    def _duplicate_ack(self, now: float) -> None:
        self._duplicate_acks += 1
        if self._duplicate_acks != DUPLICATE_ACK_THRESHOLD:
            return
        self._cwnd.fast_retransmit(self._in_flight())
        self._resend_first(now)

    def _update_send_window(self, segment: TcpSegment) -> None:
        """RFC 9293 §3.10.7.4: take the window of the newest segment only (SND.WL1/WL2)."""
        if (seq_lt(self._snd_wl1, segment.seq) or self._snd_wl1 == segment.seq
                and seq_le(self._snd_wl2, segment.ack)) or self.state is State.SYN_SENT:
            self.snd_wnd = segment.window
            self._snd_wl1 = segment.seq
            self._snd_wl2 = segment.ack

    def _receive_text(self, segment: TcpSegment, now: float) -> None:
        offset = seq_diff(segment.seq, self.rcv_nxt)
        data, fin = segment.payload, segment.fin
        room = self.receive_window - offset
        if len(data) > room:  # cut to the window; the FIN beyond it waits for a resend
            data, fin = data[:max(0, room)], False
        if offset or self._reassembly.has_gap:
            self._ack_at_once = True
        ready = self._reassembly.add(self._reassembly.delivered + offset, data, fin)
        if ready:
            self.rcv_nxt = seq_add(self.rcv_nxt, len(ready))
            self._unconsumed += len(ready)
            self._events.append(ev.DataReceived(ready))
        if self._reassembly.fin_reached and not self._fin_received:
            self._fin_received = True
            self.rcv_nxt = seq_add(self.rcv_nxt, 1)
            self._events.append(ev.PeerClosed())
            self.state = ON_FIN_RECEIVED[self.state]
            if self.state is State.TIME_WAIT:
                self._enter_time_wait(now)
        self._ack_needed = True  # in order or not: a gap makes this a duplicate ACK
        if data:
            self._segments_unacknowledged += 1

    # ----------------------------------------------------------- state changes

    def _start(self) -> None:
        if self._started:
            raise TcpStateError("a connection opens once")
        self._started = True

    def _take_syn(self, segment: TcpSegment) -> None:
        self.irs = segment.seq
        self.rcv_nxt = seq_add(segment.seq, 1)
        self._advertised_edge = None  # what our SYN said counted from no sequence number
        peer_mss = segment.mss if segment.mss is not None else DEFAULT_PEER_MSS
        self.send_mss = max(1, min(peer_mss, self.config.mss))
        self._cwnd = CongestionWindow(self.send_mss)
        self._snd_wl1 = segment.seq

    def _establish(self) -> None:
        if self._syn_resent and self._rto.srtt is None:
            self._rto.at_least(AFTER_SYN_TIMEOUT)
        self.state = State.ESTABLISHED
        self._events.append(ev.Connected())
        if self._fin_queued:
            self.state = ON_CLOSE[State.ESTABLISHED]

    def _enter_time_wait(self, now: float) -> None:
        self._retransmit_at = self._persist_at = None
        self._time_wait_until = now + 2 * self.config.msl

    def _terminate(self, reason: ev.Event | None) -> None:
        self._started = True
        if self._finished:
            return
        self._finished = True
        self.state = State.CLOSED
        self._retransmit_at = self._persist_at = self._time_wait_until = None
        if reason is not None:
            self._events.append(reason)
        self._events.append(ev.Closed())

    # ----------------------------------------------------------- timers

    def _retransmission_timeout(self, now: float) -> None:
        handshake = self.state in (State.SYN_SENT, State.SYN_RECEIVED)
        if not handshake and self.snd_una == self.snd_max:
            self._retransmit_at = None  # nothing outstanding: nothing to time
            return
        self._retries += 1
        limit = self.config.syn_retries if handshake else self.config.max_retransmissions
        if self._retries > limit:
            self._terminate(ev.TimedOut())
            return
        self._rto.back_off()
        self._rtt_probe = None
        self._duplicate_acks = 0
        self._retransmit_at = now + self._rto.rto
        if handshake:
            self._syn_resent = True
            self._send_syn(now)
            return
        self._cwnd.timed_out(self._in_flight())
        self.snd_nxt = self.snd_una  # go back: resend from the oldest unacknowledged byte
        self._resend_first(now)

    def _probe_window(self, now: float) -> None:
        """The peer's window is zero: an ACK-bearing segment just before its window makes it
        answer with its current window, so a lost window update cannot stall us."""
        self._persist_at = None
        self._unanswered_probes += 1
        if self._unanswered_probes > self.config.max_retransmissions:
            self._terminate(ev.TimedOut())
            return
        self._persist_backoff += 1
        self._segments.append(self._segment(seq_add(self.snd_una, -1), TcpFlags.ACK))

    def _update_persist_timer(self, now: float) -> None:
        stalled = (self.state in _TRANSMITTING and self.snd_wnd == 0 and self._unsent() > 0
                   and self.snd_una == self.snd_max)
        if not stalled:
            self._persist_at = None
            self._persist_backoff = 0
        elif self._persist_at is None:
            self._persist_at = now + min(self._rto.maximum,
                                         self._rto.rto * 2 ** self._persist_backoff)

    # ----------------------------------------------------------- sending

    def _flush(self, now: float) -> None:
        """Send what the windows allow, then a bare ACK if one is owed and nothing carried it."""
        self._transmit(now)
        if self._ack_needed and self.state not in (State.CLOSED, State.LISTEN, State.SYN_SENT):
            # The highest sequence sent, not SND.NXT: after a timeout SND.NXT goes back, and a
            # peer that has the data would find an ACK from there too old and drop it unread.
            self._segments.append(self._segment(self.snd_max, _ACK))
        self._ack_needed = False
        self._update_persist_timer(now)

    def _transmit(self, now: float) -> None:
        if self.state not in _TRANSMITTING:
            return
        # Sending moves only SND.NXT: the window's end stays, and each segment takes its
        # length off both what is usable and what is unsent.
        window_end = seq_add(self.snd_una, min(self.snd_wnd, self._cwnd.window))
        usable = seq_diff(window_end, self.snd_nxt)
        unsent = self._unsent()
        while unsent > 0 and usable > 0:
            data, fin = self._segment_at(self.snd_nxt, min(usable, unsent))
            unsent_data = unsent - (1 if self._fin_queued else 0)
            if (not fin and len(data) < min(self.send_mss, unsent_data)
                    and self.snd_nxt != self.snd_una):
                return  # a small segment now would only shrink the next ones (RFC 9293 §3.8.6.2.1)
            self._emit(self.snd_nxt, data, fin, now)
            used = len(data) + fin
            usable -= used
            unsent -= used

    def _resend_first(self, now: float) -> None:
        """Resend the oldest unacknowledged segment, whatever the windows say."""
        data, fin = self._segment_at(self.snd_una, seq_diff(self.snd_max, self.snd_una))
        if data or fin:
            self._emit(self.snd_una, data, fin, now)

    def _segment_at(self, seq: int, limit: int) -> tuple[bytes, bool]:
        """The data (and FIN) to send from ``seq``, using at most ``limit`` sequence numbers."""
        offset = seq_diff(seq, self._data_start())
        data = self._send_buffer.peek(offset, min(limit, self.send_mss))
        fin = (self._fin_queued and seq_add(seq, len(data)) == self._fin_seq
               and limit > len(data))
        return data, fin

    def _emit(self, seq: int, data: bytes, fin: bool, now: float) -> None:
        flags = _DATA_FLAGS[bool(data), fin]
        self._segments.append(self._segment(seq, flags, data))
        end = seq_add(seq, len(data) + fin)
        self._sent(seq, end, now)
        if seq_lt(self.snd_nxt, end):
            self.snd_nxt = end

    def _send_syn(self, now: float) -> None:
        flags = TcpFlags.SYN | (TcpFlags.ACK if self.state is State.SYN_RECEIVED else NO_FLAGS)
        self._segments.append(self._segment(self.iss, flags, options=(mss_option(self.config.mss),),
                                            with_ack=TcpFlags.ACK in flags))
        end = seq_add(self.iss, 1)
        self._sent(self.iss, end, now)
        self.snd_nxt = end

    def _sent(self, seq: int, end: int, now: float) -> None:
        """Bookkeeping for sequence space ``seq``..``end`` just sent: the RTT sample (only on
        a first transmission, Karn's rule), the highest sequence sent, the timer."""
        if seq_lt(seq, self.snd_max):
            self._rtt_probe = None
        elif self._rtt_probe is None:
            self._rtt_probe = (end, now)
        if seq_lt(self.snd_max, end):
            self.snd_max = end
        if self._retransmit_at is None:
            self._retransmit_at = now + self._rto.rto

    def _segment(self, seq: int, flags: TcpFlags, payload: bytes = b"", *,
                 options: tuple = (), with_ack: bool = True) -> TcpSegment:
        """A segment from us; every one that carries an ACK also says our window."""
        self._ack_needed = False
        if not with_ack:
            return TcpSegment(self.local_port, self.remote_port, seq, 0, flags,
                              self._advertise_window() if TcpFlags.SYN in flags else 0,
                              payload, options=options)
        self._segments_unacknowledged = 0
        self._ack_at_once = False
        return TcpSegment(self.local_port, self.remote_port, seq, self.rcv_nxt,
                          _WITH_ACK[int(flags)], self._advertise_window(), payload, 0, options)

    def _reply_reset(self, segment: TcpSegment) -> None:
        reply = reset_reply(segment)
        if reply is not None:
            self._segments.append(reply)

    # ----------------------------------------------------------- windows

    def _advertise_window(self) -> int:
        """The window to put in a segment, keeping the right edge where it was until it can
        move by a useful amount (receiver-side silly window avoidance, RFC 9293 §3.8.6.2.2)."""
        window = self.receive_window
        if self._advertised_edge is not None and not self._window_grew_enough():
            return min(max(0, seq_diff(self._advertised_edge, self.rcv_nxt)), window)
        self._advertised_edge = seq_add(self.rcv_nxt, window)
        return window

    def _window_grew_enough(self) -> bool:
        if self._advertised_edge is None:
            return True
        grown = seq_diff(seq_add(self.rcv_nxt, self.receive_window), self._advertised_edge)
        return grown >= min(self.config.receive_buffer // 2, self.config.mss)

    def _data_start(self) -> int:
        """The sequence number of the first byte in the send buffer."""
        return self.snd_una if self._syn_acked else seq_add(self.iss, 1)

    def _unsent(self) -> int:
        """Sequence space queued but not sent from ``snd_nxt``: data, and the FIN."""
        end = seq_add(self._data_start(), len(self._send_buffer))
        if self._fin_queued:
            end = seq_add(self._fin_seq, 1)
        return seq_diff(end, self.snd_nxt)

    def _in_flight(self) -> int:
        return seq_diff(self.snd_max, self.snd_una)
