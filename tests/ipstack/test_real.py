"""Sockets against real loopback programs: allow: outwards, expose: inwards."""

import socket

from twisted.internet import defer, protocol, reactor, threads
from twisted.protocols import wire
from twisted.trial import unittest

from simulator.ipstack.sockets import TcpServer, TcpSocket, UdpSocket
from simulator.network import Network
from simulator.network.spec import ExposeSpec
from tests.ipstack.helpers import Events
from tests.network.helpers import spec


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


async def until(condition, timeout: float = 60.0) -> None:
    """Wait for ``condition()``: the deadline is a guard against a hang, not a measure."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        d = defer.Deferred()
        reactor.callLater(0.01, d.callback, None)
        await d
    raise AssertionError("condition not met in time")


class SocketsOverLoopback(unittest.TestCase):
    timeout = 120  # a guard against a hang only

    async def start(self, **kw):
        network = Network(spec(**kw), clock=reactor, reactor=reactor)
        network.startService()
        self.addCleanup(network.stopService)
        self.network = network
        return network

    async def bearer(self, network, modem="lab-1"):
        bearer = await network.activate(modem, "internet")
        self.addCleanup(bearer.release)
        return bearer

    async def test_tcp_client_to_a_host_side_server_through_allow(self):
        port = reactor.listenTCP(0, protocol.Factory.forProtocol(wire.Echo),
                                 interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        network = await self.start(allow=["127.0.0.0/8"])
        b = await self.bearer(network)
        events = Events(read_all=True)
        sock = TcpSocket(b, events)
        self.addCleanup(sock.abort)
        await sock.connect("127.0.0.1", port.getHost().port)
        payload = bytes(range(256)) * 200
        sent = 0
        while sent < len(payload):
            sent += sock.send(payload[sent:])
            await until(lambda: sock.send_free > 0)
        await until(lambda: len(events.received) == len(payload))
        self.assertEqual(bytes(events.received), payload)

    async def test_modem_server_reached_from_the_host_through_expose(self):
        host_port = free_port()
        network = await self.start()
        network.attach_modem("lab-1", expose=(
            ExposeSpec("tcp", 80, f"tcp:{host_port}:interface=127.0.0.1"),))
        b = await self.bearer(network)
        events = Events()
        server = TcpServer(b, events, port=80)
        self.addCleanup(server.close)
        await until(lambda: network.exposures("lab-1")
                    and network.exposures("lab-1")[0].port == host_port)

        def host_program():
            with socket.create_connection(("127.0.0.1", host_port), timeout=60) as s:
                s.sendall(b"hello modem")
                return s.recv(100)

        reply = threads.deferToThread(host_program)
        await until(lambda: events.children and events.children[0].available == 11)
        child = events.children[0]
        self.assertEqual(child.read(), b"hello modem")
        self.assertEqual(child.peer[0], "127.0.0.1")
        child.send(b"hello host")
        self.assertEqual(await reply, b"hello host")
        child.close()

    async def test_udp_both_ways_with_a_host_program(self):
        network = await self.start(allow=["127.0.0.0/8"])
        b = await self.bearer(network)
        events = Events()
        sock = UdpSocket(b, events)
        await sock.open(6000)
        self.addCleanup(sock.close)
        [exposure] = network.exposures("lab-1")
        host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(host.close)
        host.bind(("127.0.0.1", 0))
        host.settimeout(5)
        host.sendto(b"in", ("127.0.0.1", exposure.port))
        await until(lambda: sock.pending)
        datagram = sock.recv()
        self.assertEqual((datagram.data, (datagram.address, datagram.port)),
                         (b"in", host.getsockname()))
        sock.sendto(b"out", (datagram.address, datagram.port))
        data, _ = await threads.deferToThread(host.recvfrom, 100)
        self.assertEqual(data, b"out")
