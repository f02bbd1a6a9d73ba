"""The small RFC services: echo (RFC 862), discard (RFC 863) and daytime (RFC 867), over TCP
and UDP.  Daytime reads the injected clock, so a test on ``task.Clock`` knows the answer."""

from __future__ import annotations

import time

from twisted.internet import protocol
from twisted.internet.interfaces import IReactorTime
from twisted.protocols import wire

#: RFC 867 leaves the format free; this is the common "weekday, month day, year time-zone".
DAYTIME_FORMAT = "%A, %B %d, %Y %H:%M:%S-UTC"


def daytime(clock: IReactorTime) -> bytes:
    return time.strftime(DAYTIME_FORMAT, time.gmtime(clock.seconds())).encode() + b"\r\n"


class UdpEcho(protocol.DatagramProtocol):
    def datagramReceived(self, data: bytes, addr) -> None:
        self.transport.write(data, addr)


class UdpDiscard(protocol.DatagramProtocol):
    def datagramReceived(self, data: bytes, addr) -> None:
        pass


class TcpDaytime(protocol.Protocol):
    def connectionMade(self) -> None:
        self.transport.write(daytime(self.factory.clock))
        self.transport.loseConnection()


class UdpDaytime(protocol.DatagramProtocol):
    def __init__(self, clock: IReactorTime) -> None:
        self.clock = clock

    def datagramReceived(self, data: bytes, addr) -> None:
        self.transport.write(daytime(self.clock), addr)


class Echo:
    def __init__(self, spec, context) -> None:
        pass

    def tcp_factory(self, port: int) -> protocol.Factory:
        return protocol.Factory.forProtocol(wire.Echo)

    def udp_protocol(self, port: int) -> protocol.DatagramProtocol:
        return UdpEcho()


class Discard:
    def __init__(self, spec, context) -> None:
        pass

    def tcp_factory(self, port: int) -> protocol.Factory:
        return protocol.Factory.forProtocol(wire.Discard)

    def udp_protocol(self, port: int) -> protocol.DatagramProtocol:
        return UdpDiscard()


class Daytime:
    def __init__(self, spec, context) -> None:
        self.clock = context.clock

    def tcp_factory(self, port: int) -> protocol.Factory:
        factory = protocol.Factory.forProtocol(TcpDaytime)
        factory.clock = self.clock
        return factory

    def udp_protocol(self, port: int) -> protocol.DatagramProtocol:
        return UdpDaytime(self.clock)
