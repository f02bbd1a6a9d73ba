"""Ping: ICMP echo requests through the simulated network, one event per request.

    run = Ping(endpoints, "www.lab", count=4, size=32, timeout=2.0, interval=1.0,
               listener=on_event).start()
    # EchoReply(sequence, address, rtt) or EchoTimeout(sequence, address) per request,
    # then PingFinished(summary); Failed(error) if the name does not resolve
    summary = await run.when_done()

The name is resolved by DNS over the bearer, then each request is the network's echo
(``Bearer.ping``): lab hosts answer after the link's round trip unless ``ping: false``,
modems across both links, unreachable addresses never (a timeout).  Requests leave every
``interval`` seconds whatever happened to the previous ones (WIP's ``<interval>``; eDsoft
uses PINGDELAY for both); sequence numbers start at 0, as WIP's ``<packet_idx>`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from twisted.internet import defer
from twisted.python.failure import Failure

from simulator.ipstack.apps.endpoints import BearerEndpoints
from simulator.ipstack.apps.errors import AppError, AppFailure, app_error
from simulator.ipstack.apps.events import Failed
from simulator.network.errors import Reason, RouteError

#: Figures of the dialects' defaults differ (WIP 1 request of 64 bytes, 2 s; Fibocom 4 of
#: 32 bytes, 4 s; eDsoft 4, 1 s): these are the classic ping's.
DEFAULT_COUNT = 4
DEFAULT_SIZE = 32
DEFAULT_TIMEOUT = 2.0
DEFAULT_INTERVAL = 1.0


@dataclasses.dataclass(frozen=True)
class EchoReply:
    sequence: int
    address: str
    rtt: float  # seconds


@dataclasses.dataclass(frozen=True)
class EchoTimeout:
    sequence: int
    address: str


@dataclasses.dataclass(frozen=True)
class PingSummary:
    """What Fibocom's +MPINGSTAT reports: requests sent, replies, round trips (None
    without replies)."""

    address: str
    sent: int
    received: int
    min_rtt: float | None
    avg_rtt: float | None
    max_rtt: float | None


@dataclasses.dataclass(frozen=True)
class PingFinished:
    summary: PingSummary


def _ignore(event) -> None:
    pass


class Ping:
    """One ping run: ``start()``, then events to ``listener``; ``stop()`` ends it early
    (Fibocom's ``AT+MPING=0``: no more events)."""

    def __init__(self, endpoints: BearerEndpoints, host: str, *, count: int = DEFAULT_COUNT,
                 size: int = DEFAULT_SIZE, timeout: float = DEFAULT_TIMEOUT,
                 interval: float = DEFAULT_INTERVAL, listener: Callable | None = None) -> None:
        if count < 1:
            raise ValueError("a ping sends at least one request")
        self.endpoints = endpoints
        self.host = host
        self.count = count
        self.size = size
        self.timeout = timeout
        self.interval = interval
        self.listener: Callable = listener or _ignore
        self.address: str | None = None
        self.rtts: list[float] = []
        self.sent = 0
        self.answered = 0  # replies and timeouts so far
        self.stopped = False
        self.done = False
        self._calls: list = []
        self._pending: list[defer.Deferred] = []
        self._waiters: list[defer.Deferred] = []
        self._outcome: PingSummary | AppError | None = None

    def start(self) -> Ping:
        lookup = self.endpoints.resolve(self.host)
        self._pending.append(lookup)
        lookup.addCallbacks(self._resolved, self._not_resolved)
        return self

    def stop(self) -> None:
        if self.done:
            return
        self.stopped = True
        for call in self._calls:
            if call.active():
                call.cancel()
        for d in self._pending:
            if not d.called:
                d.cancel()
        self._end(AppError(AppFailure.CLOSED), emit=False)

    def when_done(self) -> defer.Deferred:
        """``Deferred[PingSummary]``, or ``AppError`` (the name's lookup reasons,
        ``BEARER_RELEASED``, ``CLOSED`` after ``stop``)."""
        if self.done:
            outcome = self._outcome
            return defer.fail(outcome) if isinstance(outcome, AppError) else defer.succeed(
                outcome)
        d: defer.Deferred = defer.Deferred()
        self._waiters.append(d)
        return d

    def _resolved(self, address: str) -> None:
        self.address = address
        for sequence in range(self.count):
            self._calls.append(self.endpoints.clock.callLater(sequence * self.interval,
                                                              self._send, sequence))

    def _not_resolved(self, failure: Failure) -> None:
        if not self.stopped:
            self._end(app_error(failure))

    def _send(self, sequence: int) -> None:
        self.sent += 1
        d = self.endpoints.bearer.ping(self.address, self.size, self.timeout)
        self._pending.append(d)
        d.addCallbacks(lambda rtt: self._reply(sequence, rtt),
                       lambda f: self._no_reply(sequence, f))

    def _reply(self, sequence: int, rtt: float) -> None:
        self.rtts.append(rtt)
        self._answered(EchoReply(sequence, self.address, rtt))

    def _no_reply(self, sequence: int, failure: Failure) -> None:
        if self.stopped:
            return
        if failure.check(RouteError) and failure.value.reason is not Reason.TIMEOUT:
            self._stop_sending()
            self._end(app_error(failure))  # the bearer went away: no point going on
            return
        self._answered(EchoTimeout(sequence, self.address))

    def _stop_sending(self) -> None:
        for call in self._calls:
            if call.active():
                call.cancel()

    def _answered(self, event) -> None:
        if self.done:
            return
        self.answered += 1
        self.listener(event)
        if self.answered == self.count:
            rtts = self.rtts
            self._end(PingSummary(self.address, self.sent, len(rtts),
                                  min(rtts, default=None),
                                  sum(rtts) / len(rtts) if rtts else None,
                                  max(rtts, default=None)))

    def _end(self, outcome: PingSummary | AppError, *, emit: bool = True) -> None:
        if self.done:
            return
        self.done = True
        self._outcome = outcome
        if emit:
            self.listener(Failed(outcome) if isinstance(outcome, AppError)
                          else PingFinished(outcome))
        waiters, self._waiters = self._waiters, []
        for d in waiters:
            if isinstance(outcome, AppError):
                d.errback(outcome)
            else:
                d.callback(outcome)
