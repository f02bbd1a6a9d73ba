"""Two protocols joined by an in-memory line on a ``task.Clock``: each write arrives after
``delay`` seconds, unless ``drop(side, data)`` says it is lost; either side closing ends the
line for both."""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet import error, task
from twisted.python.failure import Failure


class WireEnd:
    def __init__(self, wire: Wire, side: str) -> None:
        self.wire = wire
        self.side = side
        self.protocol = None
        self.written: list[bytes] = []
        self.disconnected = False

    @property
    def other(self) -> WireEnd:
        return self.wire.b if self is self.wire.a else self.wire.a

    def write(self, data: bytes) -> None:
        if self.disconnected or not data:
            return
        self.written.append(data)
        if self.wire.drop is not None and self.wire.drop(self.side, data):
            return
        self.wire.clock.callLater(self.wire.delay, self.other._deliver, data)

    def _deliver(self, data: bytes) -> None:
        if not self.disconnected:
            self.protocol.dataReceived(data)

    def loseConnection(self) -> None:
        self.wire.close()

    abortConnection = loseConnection

    def getPeer(self):
        return None

    def getHost(self):
        return None


class Wire:
    def __init__(self, clock: task.Clock, a, b, *, delay: float = 0.05,
                 drop: Callable[[str, bytes], bool] | None = None) -> None:
        self.clock = clock
        self.delay = delay
        self.drop = drop
        self.a = WireEnd(self, "a")
        self.b = WireEnd(self, "b")
        self.a.protocol, self.b.protocol = a, b
        self.closed = False

    def connect(self) -> None:
        self.a.protocol.makeConnection(self.a)
        self.b.protocol.makeConnection(self.b)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for end in (self.a, self.b):
            end.disconnected = True
        for end in (self.a, self.b):
            end.protocol.connectionLost(Failure(error.ConnectionDone()))
