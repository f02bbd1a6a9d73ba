"""``expose:`` of a PPP host's UDP ports: a program on this machine's loopback writes to the
published port, the host gets the datagram from the gateway's address, and its answer goes
back to that program (real loopback sockets, the real reactor)."""

import random
import socket

from twisted.internet import reactor, threads
from twisted.trial import unittest

from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.udpdatagram import UdpDatagram, parse_udp
from simulator.network import Network
from simulator.network.hostip import GATEWAY_ADDRESS, HostGateway
from simulator.network.spec import ExposeSpec
from tests.ipstack.test_real import free_port, until
from tests.network.helpers import spec


class HostUdpExpose(unittest.TestCase):
    async def test_a_loopback_program_and_the_host_exchange_datagrams(self):
        published = free_port()
        network = Network(spec(), clock=reactor, reactor=reactor)
        network.startService()
        self.addCleanup(network.stopService)
        network.attach_modem("lab-1", expose=(
            ExposeSpec("udp", 6000, f"udp:{published}:interface=127.0.0.1"),))
        bearer = await network.activate("lab-1", "internet")
        self.addCleanup(bearer.release)
        to_host: list[bytes] = []
        gateway = HostGateway(bearer, reactor, random.Random(1), to_host.append)
        self.addCleanup(gateway.close)
        await until(lambda: network.exposures("lab-1")
                    and network.exposures("lab-1")[0].port == published)

        program = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(program.close)
        program.bind(("127.0.0.1", 0))
        program.settimeout(5)
        program.sendto(b"to the host", ("127.0.0.1", published))
        await until(lambda: to_host)
        packet = parse_ipv4(to_host[0])
        datagram = parse_udp(packet.payload, packet.src, packet.dst)
        self.assertEqual((str(packet.src), str(packet.dst), datagram.dst_port, datagram.payload),
                         (GATEWAY_ADDRESS, bearer.address, 6000, b"to the host"))
        self.assertEqual(datagram.src_port, program.getsockname()[1])

        # The host answers the gateway's address from its port 6000.
        answer = UdpDatagram(6000, datagram.src_port, b"from the host").build(
            packet.dst, packet.src)
        gateway.packet_from_host(Ipv4Packet(packet.dst, packet.src, IpProtocol.UDP,
                                            answer).build())
        data, _ = await threads.deferToThread(program.recvfrom, 100)
        self.assertEqual(data, b"from the host")
