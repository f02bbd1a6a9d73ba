"""The TCP timers a host sets on one connection of the simulated network: keep-alive probes
(RFC 1122 §4.2.3.6) and the retransmission give-up (RFC 1122 §4.2.3.5, "R2").

The network's TCP loses no byte: while a link is down, segments wait and leave once it is back.
What a real stack sees then is silence, and these timers are how it notices: a keep-alive
probe is answered when the path is up both ways and the peer still has the connection (a
peer that forgot it answers with a reset); data that no longer reaches the peer is given up
once the retransmissions a stack would have made are spent.  Either way the connection is
lost with ``TimeoutError``, as a real stack reports it (``ETIMEDOUT``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from twisted.internet import error

from simulator.network.errors import ConnectionReset
from simulator.network.links import stages_up

if TYPE_CHECKING:
    from simulator.network.pipe import PipeEnd


@dataclasses.dataclass(frozen=True)
class KeepAlive:
    """Probe after ``idle`` seconds without traffic, then every ``interval`` seconds while
    unanswered; ``count`` unanswered probes end the connection (at idle + count * interval,
    as Linux's TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT do)."""

    idle: float
    interval: float
    count: int


@dataclasses.dataclass(frozen=True)
class Retransmission:
    """``retries`` retransmissions, the timeout doubling from ``min_rto`` up to ``max_rto``
    seconds (RFC 6298 §5.5): unacknowledged data is given up after the last one times out."""

    retries: int
    min_rto: float
    max_rto: float

    @property
    def give_up(self) -> float:
        """Seconds from the first send to giving up: every timeout, the first one included."""
        return sum(min(self.min_rto * 2 ** k, self.max_rto) for k in range(self.retries + 1))


class ConnectionTimers:
    """The timers of one ``PipeEnd``; set with ``PipeEnd.set_keepalive`` and
    ``PipeEnd.set_retransmission``."""

    def __init__(self, end: PipeEnd) -> None:
        self.end = end
        self.clock = end.lane_out.clock
        self.keepalive: KeepAlive | None = None
        self.retransmission: Retransmission | None = None
        self._started = self.clock.seconds()
        self._probe_answered_at = self._started
        self._probes = 0  # unanswered probes in a row
        self._probe_sent_at = 0.0
        self._keepalive_call = None
        self._keepalive_due_at = 0.0
        self._retransmit_call = None
        self._waiting_since = 0.0  # when the oldest unacknowledged data was written

    # -- settings -----------------------------------------------------------------------------

    def set_keepalive(self, keepalive: KeepAlive | None) -> None:
        self.keepalive = keepalive
        self._probes = 0
        self._cancel("_keepalive_call")
        if keepalive is not None:
            self._keepalive_at(self._last_traffic() + keepalive.idle)

    def set_retransmission(self, retransmission: Retransmission | None) -> None:
        self.retransmission = retransmission
        self._cancel("_retransmit_call")
        self.written()

    def stop(self) -> None:
        self._cancel("_keepalive_call")
        self._cancel("_retransmit_call")

    # -- keep-alive ---------------------------------------------------------------------------

    def _last_traffic(self) -> float:
        """The last time a segment arrived either way (data, or the peer's ACK of ours), or a
        probe was answered."""
        arrivals = [lane.last_arrival_at for lane in (self.end.lane_in, self.end.lane_out)
                    if lane.last_arrival_at is not None]
        return max([self._started, self._probe_answered_at, *arrivals])

    def _keepalive_at(self, when: float) -> None:
        self._cancel("_keepalive_call")
        now = self.clock.seconds()
        self._keepalive_due_at = max(when, now)
        self._keepalive_call = self.clock.callLater(self._keepalive_due_at - now,
                                                    self._keepalive_due)

    def _keepalive_due(self) -> None:
        self._keepalive_call = None
        keepalive, end = self.keepalive, self.end
        if keepalive is None or end.disconnected:
            return
        # The time it was due, not the clock's: a clock that jumps (or ticks coarsely)
        # must not push every later probe back.
        now = min(self._keepalive_due_at, self.clock.seconds())
        last = self._last_traffic()
        if self._probes and last > self._probe_sent_at:
            self._probes = 0  # traffic since the last probe: the peer is there
        if not self._probes and now < last + keepalive.idle:
            self._keepalive_at(last + keepalive.idle)
            return
        if end.lane_out.unacknowledged:
            # Data is on its way: the retransmission timer watches the peer, not keep-alive.
            self._probes = 0
            self._keepalive_at(now + keepalive.idle)
            return
        if end.peer.disconnected:
            end.fail(ConnectionReset("the peer answered a keep-alive probe with a reset"))
            return
        if self._path_up():
            self._probes = 0
            self._probe_answered_at = now
            self._keepalive_at(now + keepalive.idle)
            return
        if self._probes >= keepalive.count:
            end.fail(error.TimeoutError("keep-alive probes unanswered"))
            return
        self._probes += 1
        self._probe_sent_at = now
        self._keepalive_at(now + keepalive.interval)

    def _path_up(self) -> bool:
        return stages_up(self.end.lane_out.stages) and stages_up(self.end.lane_in.stages)

    # -- retransmission -----------------------------------------------------------------------

    def written(self) -> None:
        """Data was written: the give-up clock runs from the first unacknowledged byte."""
        if (self.retransmission is None or self._retransmit_call is not None
                or not self.end.lane_out.unacknowledged or self.end.disconnected):
            return
        self._waiting_since = self.clock.seconds()
        self._retransmit_call = self.clock.callLater(self.retransmission.give_up,
                                                     self._retransmit_due)

    def _retransmit_due(self) -> None:
        self._retransmit_call = None
        retransmission, end = self.retransmission, self.end
        if retransmission is None or end.disconnected or not end.lane_out.unacknowledged:
            return
        now = self.clock.seconds()
        progress = end.lane_out.last_arrival_at
        if progress is not None and progress > self._waiting_since:
            start = progress  # the peer took some: the oldest byte left is younger
        elif self._path_up():
            start = now  # a closed window or a slow path, not a loss: the peer acknowledges
        else:
            end.fail(error.TimeoutError("retransmissions unanswered"))
            return
        self._waiting_since = start
        delay = max(0.0, start + retransmission.give_up - now)
        self._retransmit_call = self.clock.callLater(delay, self._retransmit_due)

    def _cancel(self, name: str) -> None:
        call = getattr(self, name)
        if call is not None and call.active():
            call.cancel()
        setattr(self, name, None)
