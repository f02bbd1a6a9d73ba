"""Waiting on the real reactor, for the tests that run over real loopback sockets: a pause,
a condition polled until it holds, a host-side peer that keeps what it receives, and a
host-side server of such peers."""

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


def host_server(case) -> tuple[int, list[Collector]]:
    """A server on a free loopback port whose connections are ``Collector``s, closed when
    the test ``case`` ends (the host side hangs up first, so the modems' real connections
    end before the test does).  Returns the port and the list of accepted peers."""
    accepted: list[Collector] = []

    class Factory(protocol.Factory):
        def buildProtocol(self, addr):
            proto = Collector()
            accepted.append(proto)
            return proto

    port = reactor.listenTCP(0, Factory(), interface="127.0.0.1")

    async def close() -> None:
        for proto in accepted:
            if not proto.lost:
                proto.transport.abortConnection()
        await until(lambda: all(proto.lost for proto in accepted))
        await wait(0.05)
        await port.stopListening()

    case.addCleanup(close)
    return port.getHost().port, accepted


async def both_ways(port, peer: Collector, *, up: bytes, wire: bytes, down: bytes,
                    expected_down: bytes, bytewise: bool) -> bytes:
    """Send ``down`` from the host-side ``peer`` and ``wire`` (``up`` as the port's data
    mode wants it) into the modem's AT ``port`` (in chunks, or one byte at a time); wait
    until ``up`` reached the peer and ``expected_down`` bytes reached the port.  Returns
    what the port showed."""
    peer.transport.write(down)
    received = bytearray()

    def take():
        received.extend(port.host.received)
        port.host.received.clear()

    if bytewise:
        for i in range(len(wire)):
            port.channel.receive(wire[i:i + 1])
            if i % 65536 == 0:
                take()
                await wait(0)
    else:
        for i in range(0, len(wire), 4096):
            port.channel.receive(wire[i:i + 4096])

    def done():
        take()
        return len(peer.data) >= len(up) and len(received) >= len(expected_down)

    await until(done, timeout=60)
    return bytes(received)
