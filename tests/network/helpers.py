"""Shared pieces of the network tests: a scenario in a few lines, a recording protocol."""

from __future__ import annotations

import ipaddress

from twisted.internet import protocol
from twisted.internet.interfaces import IHalfCloseableProtocol
from zope.interface import implementer

from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec


def net(text: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(text)


def ip(text: str) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(text)


INTERNET = ApnSpec("internet", net("10.64.0.0/16"), dns=(ip("10.64.255.53"),))


def spec(*, apns=(INTERNET,), hosts=(), allow=(), numbers=(), link="ideal") -> IpNetworkSpec:
    return IpNetworkSpec(apns=tuple(apns), hosts=tuple(hosts),
                         allow=tuple(net(a) for a in allow), numbers=tuple(numbers),
                         links=LinksSpec(default=link))


def host(name: str, *services: str, **fields) -> HostSpec:
    return HostSpec(name, services=tuple(ServiceSpec(s) for s in services), **fields)


@implementer(IHalfCloseableProtocol)
class Recorder(protocol.Protocol):
    """Keeps everything that happens to it."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.made = False
        self.read_closed = False
        self.lost = None

    def connectionMade(self) -> None:
        self.made = True

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def readConnectionLost(self) -> None:
        self.read_closed = True

    def writeConnectionLost(self) -> None:
        pass

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.lost = reason


class DatagramRecorder(protocol.DatagramProtocol):
    def __init__(self) -> None:
        self.received: list[tuple[bytes, tuple[str, int]]] = []

    def datagramReceived(self, data: bytes, addr) -> None:
        self.received.append((data, (addr[0], addr[1])))


def result_of(d):
    """The result (or Failure) a fired Deferred holds; AssertionError if it has not fired."""
    box = []
    d.addBoth(box.append)
    assert box, "the Deferred has not fired"
    return box[0]


def advance(clock, seconds: float, step: float = 0.001) -> None:
    """Advance ``clock`` in small steps, as a reactor would run: every callback sees the
    time it was due at (to ``step``), and what it schedules runs in order."""
    steps = int(round(seconds / step))
    for _ in range(steps):
        clock.advance(step)


class TimedRecorder(Recorder):
    """A Recorder noting when each chunk arrived."""

    def __init__(self, clock) -> None:
        super().__init__()
        self.clock = clock
        self.arrivals: list[tuple[float, int]] = []

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)
        self.arrivals.append((self.clock.seconds(), len(self.data)))
