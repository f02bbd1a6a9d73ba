"""eDsoft over real loopback sockets, on the real reactor: a TCP client reaching a host-side
server (``allow:``), a host-side client reaching ``AT#LTCPSTART`` through ``expose:``, UDP
both ways, and 1 MiB of random bytes each way through a DLEMODE 1 socket, also with the
host writing one byte at a time.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress
import random
import socket

from twisted.internet import reactor, threads
from twisted.trial import unittest

from simulator.datamode.dle import escape
from simulator.network.spec import ApnSpec, ExposeSpec, IpNetworkSpec, LinksSpec
from simulator.scenario.model import NetworkSpec, RegistrationSpec
from tests.dialects.edsoft.bench import OK, EdsoftBench
from tests.realtime import Collector, both_ways, host_server, until, wait

MIB = 1 << 20
APN = ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"),
              dns=(ipaddress.IPv4Address("10.64.255.53"),))
FAST_REGISTRATION = NetworkSpec(registration=RegistrationSpec(delay=0.0))
WAITING = "\r\nOk_Info_WaitingForData\r\n"
CLOSED = "\r\nOk_Info_SocketClosed\r\n" + OK


class RealSocketTests(unittest.TestCase):
    timeout = 120

    async def start(self, *, expose=()) -> EdsoftBench:
        ip = IpNetworkSpec(apns=(APN,), allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
                           links=LinksSpec(default="ideal"))
        bench = EdsoftBench(ip=ip, reactor=reactor, network=FAST_REGISTRATION, expose=expose)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        await until(lambda: bench.edsoft.in_service)
        await bench.link_up()
        bench.port.take()
        return bench

    def at(self, bench: EdsoftBench, line: str) -> str:
        return bench.port.at(line)

    def setup(self, bench: EdsoftBench, *lines: str) -> None:
        for line in lines:
            self.assertEqual(bench.port.at(line), OK, line)

    async def answer(self, bench: EdsoftBench, text: str) -> str:
        await until(lambda: text in bench.port.host.received.decode("latin-1"))
        return bench.port.take()

    async def connected_client(self) -> tuple[EdsoftBench, Collector]:
        bench = await self.start()
        port, accepted = host_server(self)
        self.setup(bench, '#TCPSERV=1,"127.0.0.1"', f"#TCPPORT=1,{port}")
        bench.port.channel.receive(b"AT#OTCP=1\r")
        self.assertEqual(await self.answer(bench, "WaitingForData"), WAITING)
        await until(lambda: accepted)
        return bench, accepted[0]

    async def exchange(self, bytewise: bool) -> None:
        bench, peer = await self.connected_client()
        rng = random.Random(7 + bytewise)
        up, down = rng.randbytes(MIB), rng.randbytes(MIB)
        received = await both_ways(bench.port, peer, up=up, wire=escape(up), down=down,
                                   expected_down=escape(down), bytewise=bytewise)
        self.assertEqual(bytes(peer.data), up)
        self.assertEqual(received, escape(down))
        # the host's lone ETX closes the socket: OK, and the server sees the end
        bench.port.channel.receive(b"\x03")
        self.assertEqual(await self.answer(bench, "OK"), OK)
        await until(lambda: peer.lost)
        self.assertEqual(bench.edsoft.resources.held, frozenset())

    async def test_one_mib_each_way_dlemode_1(self):
        await self.exchange(bytewise=False)

    async def test_one_mib_each_way_dlemode_1_written_byte_by_byte(self):
        await self.exchange(bytewise=True)

    async def test_host_server_closing_shows_etx_and_socket_closed(self):
        bench, peer = await self.connected_client()
        peer.transport.write(b"bye")
        peer.transport.loseConnection()
        self.assertEqual(await self.answer(bench, "OK"), "bye\x03" + CLOSED)

    async def test_ltcpstart_reached_through_expose(self):
        bench = await self.start(expose=[ExposeSpec("tcp", 23, "tcp:0:interface=127.0.0.1")])
        self.setup(bench, '#TCPSERV=1,"255.255.255.255"', "#TCPPORT=1,23")
        self.assertEqual(self.at(bench, "#LTCPSTART=1"), OK)
        await until(lambda: bench.network.exposures("edsoft1")
                    and bench.network.exposures("edsoft1")[0].port)
        [exposure] = bench.network.exposures("edsoft1")

        def host_program():
            with socket.create_connection(("127.0.0.1", exposure.port), timeout=10) as s:
                s.sendall(b"hello modem")
                reply = s.recv(100)
                tail = s.recv(100)  # the modem's ETX closes the connection
                return reply, tail

        result = threads.deferToThread(host_program)
        self.assertEqual(await self.answer(bench, "hello modem"), WAITING + "hello modem")
        bench.port.channel.receive(b"hello host")
        await wait(0.3)  # TCPTXDELAY holds the frame 100 ms
        bench.port.channel.receive(b"\x03")
        self.assertEqual(await result, (b"hello host", b""))
        self.assertEqual(await self.answer(bench, "OK"), OK)

    async def test_oudp_to_a_host_socket(self):
        bench = await self.start()
        host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(host.close)
        host.bind(("127.0.0.1", 0))
        host.settimeout(10)
        self.setup(bench, '#UDPSERV="127.0.0.1"', f"#UDPPORT={host.getsockname()[1]}")
        bench.port.channel.receive(b"AT#OUDP\r")
        self.assertEqual(await self.answer(bench, "WaitingForData"), WAITING)
        bench.port.channel.receive(b"up\x10\x03")
        data, source = await threads.deferToThread(host.recvfrom, 100)
        self.assertEqual(data, b"up\x03")
        host.sendto(b"down\x10", source)
        self.assertEqual(await self.answer(bench, "down"), "down\x10\x10")
        bench.port.channel.receive(b"\x03")
        self.assertEqual(await self.answer(bench, "OK"), "\x03" + CLOSED)

    async def test_ludpstart_reached_through_expose(self):
        bench = await self.start(expose=[ExposeSpec("udp", 5000, "udp:0:interface=127.0.0.1")])
        self.setup(bench, '#UDPSERV="255.255.255.255"', "#UDPPORT=5000")
        self.assertEqual(self.at(bench, "#LUDPSTART"), OK)
        await until(lambda: bench.network.exposures("edsoft1")
                    and bench.network.exposures("edsoft1")[0].port)
        [exposure] = bench.network.exposures("edsoft1")
        host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(host.close)
        host.settimeout(10)
        host.sendto(b"first", ("127.0.0.1", exposure.port))
        self.assertEqual(await self.answer(bench, "first"), WAITING + "first")
        bench.port.channel.receive(b"answer")
        data, _ = await threads.deferToThread(host.recvfrom, 100)
        self.assertEqual(data, b"answer")
