"""Real sockets on loopback: allow:, forward:, and modem listeners exposed on the host.

These run on the real reactor (which is also the clock) with an unshaped link; nothing here
leaves 127.0.0.1.
"""

import socket

from twisted.internet import defer, protocol, reactor, threads
from twisted.protocols import wire
from twisted.trial import unittest

from simulator.network import Network, Reason, RouteError
from simulator.network.spec import ExposeSpec, ForwardSpec
from tests.network.helpers import DatagramRecorder, Recorder, host, spec


def wait(seconds: float) -> defer.Deferred:
    d = defer.Deferred()
    reactor.callLater(seconds, d.callback, None)
    return d


async def until(condition, timeout: float = 60.0) -> None:
    """Wait for ``condition()``: the deadline is a guard against a hang, not a measure."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await wait(0.01)
    raise AssertionError("condition not met in time")


def refused(port: int) -> bool:
    """True if nothing listens on loopback ``port`` (a connection there is refused)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=60).close()
    except ConnectionRefusedError:
        return True
    return False


class RealTests(unittest.TestCase):
    timeout = 120  # a guard against a hang only
    def start(self, *hosts, allow=(), expose=()):
        network = Network(spec(hosts=hosts, allow=allow), clock=reactor, reactor=reactor)
        network.startService()
        self.addCleanup(network.stopService)
        network.attach_modem("lab-1", expose=tuple(expose))
        self.network = network
        return network

    async def bearer(self, modem="lab-1"):
        bearer = await self.network.activate(modem, "internet")
        self.addCleanup(bearer.release)
        return bearer

    def real_echo_server(self) -> int:
        port = reactor.listenTCP(0, protocol.Factory.forProtocol(wire.Echo),
                                 interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        return port.getHost().port

    async def connect(self, bearer, address, port):
        proto = Recorder()
        await bearer.connect_tcp(address, port, proto)
        self.addCleanup(lambda: proto.transport.abortConnection())
        return proto

    async def test_a_modem_reaches_an_allowed_real_server(self):
        self.start(allow=["127.0.0.0/8"])
        port = self.real_echo_server()
        bearer = await self.bearer()
        proto = await self.connect(bearer, "127.0.0.1", port)
        proto.transport.write(b"through the real world")
        await until(lambda: bytes(proto.data) == b"through the real world")

    async def test_real_refusal_is_refused(self):
        self.start(allow=["127.0.0.0/8"])
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
        probe.close()
        bearer = await self.bearer()
        with self.assertRaises(RouteError) as caught:
            await bearer.connect_tcp("127.0.0.1", free, Recorder())
        self.assertIs(caught.exception.reason, Reason.REFUSED)

    async def test_without_allow_loopback_is_unreachable(self):
        self.start()
        port = self.real_echo_server()
        bearer = await self.bearer()
        with self.assertRaises(RouteError) as caught:
            await bearer.connect_tcp("127.0.0.1", port, Recorder())
        self.assertIs(caught.exception.reason, Reason.UNREACHABLE)

    async def test_forward_to_one_endpoint(self):
        port = self.real_echo_server()
        self.start(host("api.example", forward=ForwardSpec(endpoint=("127.0.0.1", port))))
        bearer = await self.bearer()
        proto = await self.connect(bearer, "api.example", 443)
        self.assertEqual(proto.transport.getPeer().host, self.network.resolve("api.example"))
        self.assertEqual(proto.transport.getPeer().port, 443)
        proto.transport.write(b"forwarded")
        await until(lambda: bytes(proto.data) == b"forwarded")

    async def test_forward_by_port_refuses_other_ports(self):
        port = self.real_echo_server()
        self.start(host("mail.example", forward=ForwardSpec(ports=((25, ("127.0.0.1", port)),))))
        bearer = await self.bearer()
        proto = await self.connect(bearer, "mail.example", 25)
        proto.transport.write(b"HELO")
        await until(lambda: bytes(proto.data) == b"HELO")
        with self.assertRaises(RouteError) as caught:
            await bearer.connect_tcp("mail.example", 110, Recorder())
        self.assertIs(caught.exception.reason, Reason.REFUSED)

    async def test_peer_half_close_reaches_the_modem(self):
        class Greeter(protocol.Protocol):
            def connectionMade(self):
                self.transport.write(b"bye")
                self.transport.loseConnection()

        port = reactor.listenTCP(0, protocol.Factory.forProtocol(Greeter),
                                 interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        self.start(allow=["127.0.0.0/8"])
        bearer = await self.bearer()
        proto = await self.connect(bearer, "127.0.0.1", port.getHost().port)
        await until(lambda: proto.read_closed)
        self.assertEqual(bytes(proto.data), b"bye")

    async def test_a_modem_listener_is_exposed_on_loopback(self):
        self.start(expose=[ExposeSpec("tcp", 80, "tcp:0:interface=127.0.0.1")])
        bearer = await self.bearer()
        accepted = []

        def accept(peer):
            proto = Recorder()
            accepted.append(proto)
            return proto

        bearer.listen_tcp(80, accept)
        await until(lambda: self.network.exposures("lab-1")
                    and self.network.exposures("lab-1")[0].port)
        [exposure] = self.network.exposures("lab-1")
        self.assertEqual((exposure.protocol, exposure.modem_port), ("tcp", 80))
        self.assertEqual(exposure.host, "127.0.0.1")

        def host_program():
            with socket.create_connection(("127.0.0.1", exposure.port), timeout=60) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                s.shutdown(socket.SHUT_WR)
                return s.recv(100)

        reply = threads.deferToThread(host_program)
        await until(lambda: accepted and accepted[0].read_closed)
        self.assertEqual(bytes(accepted[0].data), b"GET / HTTP/1.0\r\n\r\n")
        self.assertEqual(accepted[0].transport.getPeer().host, "127.0.0.1")
        accepted[0].transport.write(b"HTTP/1.0 200 OK\r\n\r\n")
        accepted[0].transport.loseConnection()
        self.assertEqual(await reply, b"HTTP/1.0 200 OK\r\n\r\n")

    async def test_closing_the_listener_closes_the_exposure(self):
        self.start()
        bearer = await self.bearer()
        listening = bearer.listen_tcp(0, lambda peer: Recorder())
        await until(lambda: self.network.exposures() and self.network.exposures()[0].port)
        port = self.network.exposures()[0].port
        listening.close()
        self.assertEqual(self.network.exposures(), [])
        # The real port stops listening on a later reactor turn: wait for the refusal.
        await until(lambda: refused(port))

    async def test_udp_to_an_allowed_real_port_and_back(self):
        self.start(allow=["127.0.0.0/8"])
        real = reactor.listenUDP(0, EchoUdp(), interface="127.0.0.1")
        self.addCleanup(real.stopListening)
        bearer = await self.bearer()
        got = DatagramRecorder()
        port = bearer.open_udp(0, got)
        self.addCleanup(port.close)
        port.write(b"datagram", ("127.0.0.1", real.getHost().port))
        await until(lambda: got.received)
        self.assertEqual(got.received, [(b"datagram", ("127.0.0.1", real.getHost().port))])

    async def test_a_bound_udp_port_is_exposed_and_answers_back(self):
        self.start()
        bearer = await self.bearer()
        got = DatagramRecorder()
        port = bearer.open_udp(5000, got)
        self.addCleanup(port.close)
        [exposure] = self.network.exposures("lab-1")
        self.assertEqual((exposure.protocol, exposure.modem_port), ("udp", 5000))
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(client.close)
        client.bind(("127.0.0.1", 0))
        client.sendto(b"to the modem", ("127.0.0.1", exposure.port))
        await until(lambda: got.received)
        data, source = got.received[0]
        self.assertEqual((data, source), (b"to the modem", client.getsockname()))
        port.write(b"to the host", source)
        client.settimeout(5)
        reply = await threads.deferToThread(client.recvfrom, 100)
        self.assertEqual(reply, (b"to the host", ("127.0.0.1", exposure.port)))


    async def test_an_exposed_port_sends_to_real_destinations_from_its_exposure(self):
        self.start(allow=["127.0.0.0/8"])
        bearer = await self.bearer()
        got = DatagramRecorder()
        port = bearer.open_udp(5000, got)
        self.addCleanup(port.close)
        [exposure] = self.network.exposures("lab-1")
        host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(host.close)
        host.bind(("127.0.0.1", 0))
        host.settimeout(5)
        port.write(b"first", host.getsockname())  # the modem speaks first
        data, source = await threads.deferToThread(host.recvfrom, 100)
        self.assertEqual((data, source), (b"first", ("127.0.0.1", exposure.port)))
        host.sendto(b"reply", source)
        await until(lambda: got.received)
        self.assertEqual(got.received, [(b"reply", host.getsockname())])


class EchoUdp(protocol.DatagramProtocol):
    def datagramReceived(self, data, addr):
        self.transport.write(data, addr)
