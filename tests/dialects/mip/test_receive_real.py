"""Every receive format of ``AT+GTSET="IPRFMT",<n>`` (003 §1.2.4.4) on the real reactor, from
host-side TCP and UDP echo servers reached through ``allow:``: bytes that look like line ends,
NUL and 0xFF come out exactly as each format prints them.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress

from twisted.internet import protocol, reactor
from twisted.trial import unittest

from simulator.network.spec import IpNetworkSpec, LinksSpec
from tests.dialects.mip import test_real_sockets as real
from tests.dialects.mip.bench import LAB, OK, info, urc
from tests.dialects.mip.test_real_sockets import until

DATA = b"\r\n\x00\xff"


class TcpEcho(protocol.Protocol):
    def dataReceived(self, data: bytes) -> None:
        self.transport.write(data)


class UdpEcho(protocol.DatagramProtocol):
    def datagramReceived(self, data: bytes, addr) -> None:
        self.transport.write(data, addr)


class ReceiveFormatTests(unittest.TestCase):
    timeout = 120

    start = real.RealSocketTests.start

    async def check(self, fmt: int, tcp: str, udp: str) -> None:
        tcp_port = reactor.listenTCP(0, protocol.Factory.forProtocol(TcpEcho),
                                     interface="127.0.0.1")
        self.addCleanup(tcp_port.stopListening)
        udp_port = reactor.listenUDP(0, UdpEcho(), interface="127.0.0.1")
        self.addCleanup(udp_port.stopListening)
        ip = IpNetworkSpec(apns=LAB.apns, allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
                           links=LinksSpec(default="ideal"))
        bench = await self.start(ip)
        self.assertEqual(bench.at(f'+GTSET="IPRFMT",{fmt}'), OK)
        bench.port.channel.receive(
            f'AT+MIPOPEN=1,,"127.0.0.1",{tcp_port.getHost().port},0\r'.encode())
        await until(lambda: "+MIPOPEN: 1,1" in bench.port.host.received.decode("latin-1"))
        bench.port.take()
        uport = udp_port.getHost().port
        self.assertEqual(bench.at(f'+MIPOPEN=2,,"127.0.0.1",{uport},1'),
                         OK + urc("+MIPOPEN: 2,1"))
        for sid, expected in ((1, tcp), (2, udp.format(port=uport))):
            bench.at(f'+MIPSEND={sid},"{DATA.hex()}"')
            self.assertEqual(bench.at(f"+MIPPUSH={sid}"), info(f"+MIPPUSH: {sid},0,4"))
            size = len(expected)
            await until(lambda size=size: len(bench.port.host.received) >= size)
            self.assertEqual(bench.port.take(), expected)
        if fmt == 5:
            self.assertEqual(bench.at("+MIPREAD=1,4"),
                             "\r\n+MIPDATA: 1,4\r\n" + DATA.decode("latin-1") + "\r\n" + OK)

    async def test_format_0_urc_and_hex(self):
        await self.check(0, urc("+MIPRTCP: 1,0,0D0A00FF"),
                         urc("+MIPRUDP: 127.0.0.1,{port},2,0,0D0A00FF"))

    async def test_format_1_raw(self):
        await self.check(1, "\r\n\x00\xff", "\r\n\x00\xff")

    async def test_format_2_urc_and_raw(self):
        await self.check(2, "\r\n+MIPRTCP: 1,0,\r\n\x00\xff",
                         "\r\n+MIPRUDP: 127.0.0.1,{port},2,4,\r\n\x00\xff")

    async def test_format_5_kept_for_mipread(self):
        await self.check(5, urc("+MIPREAD: 1,4"), urc("+MIPREAD: 2,4"))
