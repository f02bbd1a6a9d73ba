"""A lab for the TCP and UDP tests on a task.Clock: an echo host (echo 7, discard 9,
daytime 13), an eDsoft modem with its GPRS link open, and another modem's bearer to play
the remote peer."""

from __future__ import annotations

import ipaddress

from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec
from tests.dialects.edsoft.bench import OK, EdsoftBench

DNS = ipaddress.IPv4Address("10.64.255.53")
ECHO_ADDRESS = "192.0.2.7"
ECHO = HostSpec("echo.lab", address=ipaddress.IPv4Address(ECHO_ADDRESS),
                services=(ServiceSpec("echo"), ServiceSpec("discard"),
                          ServiceSpec("daytime")))
LAB = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"), dns=(DNS,)),),
                    hosts=(ECHO,), links=LinksSpec(default="ideal"))
DLE, ETX = b"\x10", b"\x03"
WAITING = "\r\nOk_Info_WaitingForData\r\n"
CLOSED = "\r\nOk_Info_SocketClosed\r\n" + OK


def online(**fields) -> EdsoftBench:
    """The modem with its IP link up (as after ``AT#CONNECTIONSTART``)."""
    bench = EdsoftBench(ip=LAB, **fields)
    bench.link_up()
    return bench


def settle(bench: EdsoftBench, seconds: float = 1.0, step: float = 0.01) -> str:
    """Let time pass in small steps; what the port showed meanwhile."""
    for _ in range(max(1, round(seconds / step))):
        bench.clock.advance(step)
    return bench.port.take()


def send(bench: EdsoftBench, data: bytes, seconds: float = 1.0) -> str:
    return bench.port.send(data) + settle(bench, seconds)


def setup(bench: EdsoftBench, *lines: str) -> None:
    for line in lines:
        assert bench.at(line) == OK, line


def modem_address(bench: EdsoftBench) -> str:
    return bench.edsoft.link.bearer.address


def other_modem(bench: EdsoftBench):
    """The bearer of another modem on the same network, to play the remote peer."""
    result = []
    bench.network.activate("peer", "internet").addCallback(result.append)
    bench.clock.advance(0)
    return result[0]
