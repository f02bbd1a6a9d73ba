"""Many timers on one clock for the price of one reactor call.

A thousand paced ports each wake ten times a second, and every pipe schedules the arrival of
its segments: tens of thousands of ``callLater`` calls a second, each a ``DelayedCall`` pushed
into and popped from the reactor's heap, whose comparisons are Python methods (a dozen per
push or pop on a heap of thousands).  ``Timers`` keeps such timers in a heap of plain tuples
(compared in C) and holds one reactor call, for the earliest of them.

A timer runs at its time, after the timers due at the same time that were set before it (as
``task.Clock`` runs calls).  A timer set while timers run, due already, runs in the next
firing, not in the same one: as a ``callLater(0)`` made inside a reactor call runs on the
reactor's next pass.

    timer = timers_for(clock).call_later(0.1, tick)
    timer.active(); timer.cancel()
"""

from __future__ import annotations

import heapq
import itertools
import weakref
from collections.abc import Callable
from typing import Any


class Timer:
    """One timer: ``active()`` until it ran or was cancelled (as a ``DelayedCall``)."""

    __slots__ = ("_function", "_pending")

    def __init__(self, function: Callable[[], Any]) -> None:
        self._function = function
        self._pending = True

    def active(self) -> bool:
        return self._pending

    def cancel(self) -> None:
        self._pending = False


class Timers:
    """The timers of one clock (``IReactorTime``)."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self._heap: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()
        self._call: Any = None  # the reactor call for the earliest timer
        self._call_time = 0.0
        self._firing = False

    def call_later(self, delay: float, function: Callable[[], Any]) -> Timer:
        timer = Timer(function)
        when = self.clock.seconds() + max(0.0, delay)
        heapq.heappush(self._heap, (when, next(self._order), timer))
        if not self._firing and (self._call is None or when < self._call_time):
            self._arm()
        return timer

    def _arm(self) -> None:
        heap = self._heap
        while heap and not heap[0][2]._pending:
            heapq.heappop(heap)  # cancelled: dropped when it comes up
        call = self._call
        if not heap:
            if call is not None and call.active():
                call.cancel()
            self._call = None
            return
        when = heap[0][0]
        if call is not None and call.active():
            if when >= self._call_time:
                return
            call.cancel()
        self._call_time = when
        self._call = self.clock.callLater(max(0.0, when - self.clock.seconds()), self._fire)

    def _fire(self) -> None:
        self._call = None
        self._firing = True
        heap = self._heap
        # The call came for ``_call_time``: what was due then is due, even where the
        # clock's own arithmetic (now + (when - now)) landed an ulp short of it.
        now = max(self.clock.seconds(), self._call_time)
        last = next(self._order)  # set from here on: the next firing
        later = []
        try:
            while heap and heap[0][0] <= now:
                entry = heapq.heappop(heap)
                timer = entry[2]
                if entry[1] > last:
                    later.append(entry)
                elif timer._pending:
                    timer._pending = False
                    timer._function()
        finally:
            for entry in later:
                heapq.heappush(heap, entry)
            self._firing = False
            self._arm()


_TIMERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def timers_for(clock: Any) -> Timers:
    """The ``Timers`` of ``clock`` (made on first use)."""
    timers = _TIMERS.get(clock)
    if timers is None:
        timers = _TIMERS[clock] = Timers(clock)
    return timers
