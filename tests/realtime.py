"""Waiting on the real reactor, for the tests that run over real loopback sockets: a pause,
a condition polled until it holds, and a host-side peer that keeps what it receives."""

from __future__ import annotations

from twisted.internet import defer, protocol, reactor


def wait(seconds: float) -> defer.Deferred:
    d = defer.Deferred()
    reactor.callLater(seconds, d.callback, None)
    return d


async def until(condition, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await wait(0.01)
    raise AssertionError("condition not met in time")


class Collector(protocol.Protocol):
    """A host-side peer: keeps what it receives, can send."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.lost = False

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.lost = True
