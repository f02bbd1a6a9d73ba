"""Simulated time for tests whose coroutines await Deferreds: a ``task.Clock`` run as a
discrete-event simulation by the real reactor's turns.

Each turn of the real reactor fires the Clock's calls due next (their callbacks see the time
they were due at), so a test that awaits something costs only simulated time, and a busy
machine makes it slower, never different.  Real sockets, where a test has them, keep running
on the real reactor between turns; the Clock then only carries what is simulated on the way
(links, pipes, timers of the simulated network and modems).  Such a test must not wait on real
I/O while a simulated timeout is pending: the driver would reach the timeout first (the
forwarded call qualifies: its connect timeout is the reactor's, not the Clock's)."""

from __future__ import annotations

from twisted.internet import defer, reactor, task


class ClockDriver:
    """Runs a ``task.Clock`` as a discrete-event simulation while the real reactor turns:
    each turn fires the calls due next on the Clock (their callbacks see the time they were
    due at).  Waiting for something therefore costs simulated time only."""

    def __init__(self, clock: task.Clock) -> None:
        self.clock = clock
        self._call = None
        self._running = False
        self._waiters: list[defer.Deferred] = []

    def start(self) -> None:
        """Start turning; the module's ``sleep`` and ``until`` use this driver."""
        global _running
        _running = self
        self._running = True
        if self._call is None:
            self._call = reactor.callLater(0, self._turn)

    def stop(self) -> None:
        global _running
        if _running is self:
            _running = None
        self._running = False
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None

    def _turn(self) -> None:
        self._call = None
        self.step()
        self._wake()  # may end the test, and its cleanup stops the driver
        if self._running:
            self._call = reactor.callLater(0, self._turn)

    def step(self) -> bool:
        """Fire the calls due next; False if the Clock has nothing scheduled."""
        calls = self.clock.getDelayedCalls()
        if not calls:
            return False
        due = min(call.getTime() for call in calls)
        self.clock.advance(max(0.0, due - self.clock.seconds()))
        return True

    def drain(self, limit: float = 600.0) -> None:
        """Run every scheduled call up to ``limit`` simulated seconds from now."""
        end = self.clock.seconds() + limit
        while self.step() and self.clock.seconds() < end:
            pass

    def finish(self) -> None:
        """Stop, then run what the test left scheduled (closes and resets crossing links),
        so that it happens, and fails loudly if it breaks, inside the test."""
        self.stop()
        self.drain()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for d in waiters:
            d.callback(None)

    def turn(self) -> defer.Deferred:
        """Fires after the next turn (simulated time has moved if anything was due)."""
        d = defer.Deferred()
        self._waiters.append(d)
        return d


#: Where the tests' Clocks start: a plausible date, for the services that show the time.
START = 1_700_000_000.0

#: The started driver (one test runs at a time).
_running: ClockDriver | None = None


def sleep(seconds: float) -> defer.Deferred:
    """``seconds`` of simulated time on the started driver's Clock."""
    assert _running is not None, "sleep() needs a started ClockDriver"
    return task.deferLater(_running.clock, seconds, lambda: None)


async def until(condition, timeout: float = 60.0) -> None:
    """Wait until ``condition()`` holds, at most ``timeout`` seconds of simulated time."""
    driver = _running
    assert driver is not None, "until() needs a started ClockDriver"
    end = driver.clock.seconds() + timeout
    while not condition():
        if driver.clock.seconds() > end:
            raise AssertionError("condition not met in simulated time")
        await driver.turn()
