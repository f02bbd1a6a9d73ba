"""WIP over real loopback sockets, on the real reactor: a TCP client reaching a host-side
server (``allow:``), a modem TCP server reached through ``expose:``, UDP both ways, and
1 MiB of random bytes each way through +WIPDATA continuous (DLE/ETX) and transparent mode,
also with the host writing one byte at a time.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress
import random
import socket

from twisted.internet import reactor, threads
from twisted.trial import unittest

from simulator.datamode.dle import escape
from simulator.network.spec import ApnSpec, ExposeSpec, IpNetworkSpec, LinksSpec
from simulator.scenario.model import NetworkSpec, RegistrationSpec
from tests.dialects.wip.bench import OK, WipBench
from tests.realtime import Collector, both_ways, host_server, until

MIB = 1 << 20
APN = ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"),
              dns=(ipaddress.IPv4Address("10.64.255.53"),))
FAST_REGISTRATION = NetworkSpec(registration=RegistrationSpec(delay=0.0))


class RealSocketTests(unittest.TestCase):
    timeout = 120

    async def start(self, *, expose=()):
        ip = IpNetworkSpec(apns=(APN,), allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
                           links=LinksSpec(default="ideal"))
        bench = WipBench(ip=ip, reactor=reactor, network=FAST_REGISTRATION, expose=expose)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        await until(lambda: bench.wip.registered())
        for line in ("+WIPCFG=1", "+WIPBR=1,6"):
            self.assertEqual(bench.at(line), OK)
        bench.port.channel.receive(b"AT+WIPBR=4,6,0\r")
        await until(lambda: OK in bench.port.host.received.decode("latin-1"))
        bench.port.take()
        self.bench = bench
        return bench

    async def answer(self, port, text: str) -> str:
        await until(lambda: text in port.host.received.decode("latin-1"))
        return port.take()

    async def connected_client(self, mode: int) -> tuple[object, Collector]:
        bench = await self.start()
        port, accepted = host_server(self)
        self.assertEqual(bench.at(f'+WIPCREATE=2,1,"127.0.0.1",{port}'), OK)
        self.assertEqual(await self.answer(bench.port, "+WIPREADY"), "\r\n+WIPREADY: 2,1\r\n")
        await until(lambda: accepted)
        self.assertEqual(bench.at(f"+WIPDATA=2,1,{mode}"), "\r\nCONNECT\r\n")
        return bench, accepted[0]

    async def exchange(self, mode: int, bytewise: bool) -> None:
        bench, peer = await self.connected_client(mode)
        rng = random.Random(mode * 2 + bytewise)
        up, down = rng.randbytes(MIB), rng.randbytes(MIB)
        wire = escape(up) if mode == 1 else up
        expected_down = escape(down) if mode == 1 else down
        received = await both_ways(bench.port, peer, up=up, wire=wire, down=down,
                                   expected_down=expected_down, bytewise=bytewise)
        self.assertEqual(bytes(peer.data), up)
        self.assertEqual(received, expected_down)

    async def test_one_mib_each_way_in_continuous_mode(self):
        await self.exchange(1, bytewise=False)

    async def test_one_mib_each_way_in_transparent_mode(self):
        await self.exchange(2, bytewise=False)

    async def test_one_mib_each_way_continuous_written_byte_by_byte(self):
        await self.exchange(1, bytewise=True)

    async def test_one_mib_each_way_transparent_written_byte_by_byte(self):
        await self.exchange(2, bytewise=True)

    async def test_host_server_sees_the_shutdown_of_a_lone_etx(self):
        bench, peer = await self.connected_client(1)
        bench.port.channel.receive(b"last words\x03")
        await until(lambda: bytes(peer.data) == b"last words")
        peer.transport.loseConnection()
        self.assertEqual(await self.answer(bench.port, "SHUTDOWN"), "\r\nSHUTDOWN\r\n")

    async def test_modem_server_reached_through_expose(self):
        bench = await self.start(expose=[ExposeSpec("tcp", 8080, "tcp:0:interface=127.0.0.1")])
        self.assertEqual(bench.at("+WIPCREATE=3,1,8080,5,8"), OK)
        await until(lambda: bench.network.exposures("wip1")
                    and bench.network.exposures("wip1")[0].port)
        [exposure] = bench.network.exposures("wip1")

        def host_program():
            with socket.create_connection(("127.0.0.1", exposure.port), timeout=10) as s:
                s.sendall(b"hello modem")
                return s.recv(100)

        reply = threads.deferToThread(host_program)
        self.assertEqual(await self.answer(bench.port, "+WIPDATA: 2,5"),
                         "\r\n+WIPACCEPT: 1,5\r\n\r\n+WIPDATA: 2,5,11\r\n")
        self.assertEqual(bench.at("+WIPDATA=2,5,1"), "\r\nCONNECT\r\nhello modem")
        bench.port.channel.receive(b"hello host")
        self.assertEqual(await reply, b"hello host")

    async def test_udp_both_ways(self):
        bench = await self.start(expose=[ExposeSpec("udp", 5000, "udp:0:interface=127.0.0.1")])
        host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(host.close)
        host.bind(("127.0.0.1", 0))
        host.settimeout(10)
        host_port = host.getsockname()[1]
        bench.port.channel.receive(f'AT+WIPCREATE=1,1,5000,"127.0.0.1",{host_port}\r'.encode())
        self.assertEqual(await self.answer(bench.port, "+WIPREADY"),
                         OK + "\r\n+WIPREADY: 1,1\r\n")
        self.assertEqual(bench.at("+WIPDATA=1,1,1"), "\r\nCONNECT\r\n")
        bench.port.channel.receive(b"up\x10\x03\x03")
        data, source = await threads.deferToThread(host.recvfrom, 100)
        self.assertEqual(data, b"up\x03")
        host.sendto(b"down\x10", source)
        self.assertEqual(await self.answer(bench.port, "down"), "down\x10\x10\x03")
