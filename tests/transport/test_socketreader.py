"""Raw TCP hosts read through one reactor reader (``simulator.transport.socketreader``),
over real loopback sockets: bytes arrive in order on every port whatever the interleaving,
a half-close is the host gone with its reply still delivered, a held host is not read until
released and is still noticed when it hangs up, and nothing is left registered after."""

from __future__ import annotations

import socket
import struct

from twisted.internet import defer, reactor, tcp
from twisted.trial import unittest

from simulator.transport import StreamPortService
from simulator.transport.rfc2217.protocol import Rfc2217HostConnection
from simulator.transport.socketreader import LeanServer, _reader

from .doubles import echo_channel, pause, reader_until_end, wait_until

ENDPOINT = "tcp:0:interface=127.0.0.1"


class SocketReaderTestCase(unittest.TestCase):
    timeout = 120  # a guard against a hang only

    def start(self, index: int = 0, **options):
        channel, device = echo_channel(f"test{index}")
        service = StreamPortService(ENDPOINT, channel, reactor, f"lab-{index} tcp", **options)
        service.startService()
        self.addCleanup(lambda: service.running and service.stopService())
        return service, device

    def host(self, service: StreamPortService) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", service.address.port))
        self.addCleanup(sock.close)
        sock.setblocking(False)
        return sock

    def reading(self) -> set:
        return set(_reader(reactor)._connections.values())

    def read_up_to(self, sock: socket.socket, received: bytearray, size: int):
        def read_some() -> bool:
            try:
                received.extend(sock.recv(65536))
            except BlockingIOError:
                pass
            return len(received) >= size
        return read_some

    @defer.inlineCallbacks
    def test_raw_hosts_are_read_through_the_one_reader_in_order(self):
        ports = [self.start(i) for i in range(4)]
        hosts = [self.host(service) for service, _ in ports]
        yield wait_until(lambda: all(service.gate.current is not None for service, _ in ports))
        connections = [service.gate.current for service, _ in ports]
        for connection in connections:
            self.assertIs(type(connection.transport), LeanServer)
            self.assertNotIn(connection.transport, reactor.getReaders())
        self.assertEqual(self.reading(), {c.transport for c in connections})
        sent = [bytearray() for _ in hosts]
        for i in range(300):  # interleaved across the ports, many reactor turns
            for n, sock in enumerate(hosts):
                chunk = b"%d:%d;" % (n, i)
                sock.sendall(chunk)
                sent[n] += chunk
            if i % 50 == 0:
                yield pause(0.001)
        yield wait_until(lambda: all(len(device.received) == len(sent[n])
                                     for n, (_, device) in enumerate(ports)))
        for n, (_, device) in enumerate(ports):
            self.assertEqual(bytes(device.received), bytes(sent[n]))
        # The echo came back in order too.
        for n, sock in enumerate(hosts):
            received = bytearray()
            yield wait_until(self.read_up_to(sock, received, len(sent[n])))
            self.assertEqual(bytes(received), bytes(sent[n]))

    @defer.inlineCallbacks
    def test_half_close_is_the_host_gone_with_its_reply_delivered(self):
        service, device = self.start()
        sock = self.host(service)
        sock.sendall(b"AT\r")
        sock.shutdown(socket.SHUT_WR)
        yield wait_until(lambda: device.events == ["opened", "closed"])
        self.assertEqual(bytes(device.received), b"AT\r")
        received, ended = bytearray(), []
        yield wait_until(reader_until_end(sock, received, ended))
        self.assertEqual(bytes(received), b"AT\r")
        yield wait_until(lambda: not service.connections)
        self.assertEqual(self.reading(), set())
        self.assertNotIn(_reader(reactor), reactor.getReaders())

    @defer.inlineCallbacks
    def test_a_reset_host_is_gone_and_the_next_host_is_read(self):
        """A host that resets (RST: ``recv`` fails) loses its connection without an error
        logged (trial fails a test that logs one); the port serves the next host."""
        service, device = self.start()
        sock = self.host(service)
        sock.sendall(b"AT\r")
        yield wait_until(lambda: bytes(device.received) == b"AT\r")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        yield wait_until(lambda: device.events == ["opened", "closed"])
        yield wait_until(lambda: not service.connections)
        self.assertEqual(self.reading(), set())
        again = self.host(service)
        again.sendall(b"ATI\r")
        yield wait_until(lambda: bytes(device.received) == b"AT\rATI\r")
        received = bytearray()
        yield wait_until(self.read_up_to(again, received, 4))
        self.assertEqual(bytes(received), b"ATI\r")

    @defer.inlineCallbacks
    def test_a_held_host_is_not_read_until_released_and_its_hang_up_is_seen(self):
        service, device = self.start()
        sock = self.host(service)
        yield wait_until(lambda: service.gate.current is not None)
        connection = service.gate.current
        connection.hold_input(True)
        self.assertEqual(self.reading(), set())
        sock.sendall(b"ATI\r")
        yield pause(0.1)
        self.assertEqual(bytes(device.received), b"")
        connection.hold_input(False)
        self.assertEqual(self.reading(), {connection.transport})
        yield wait_until(lambda: bytes(device.received) == b"ATI\r")
        connection.hold_input(True)
        sock.sendall(b"ATD123;\r")
        sock.close()
        yield wait_until(lambda: device.events == ["opened", "closed"])
        self.assertEqual(bytes(device.received), b"ATI\r")
        yield wait_until(lambda: not service.connections)
        self.assertEqual(self.reading(), set())

    @defer.inlineCallbacks
    def test_rfc2217_hosts_keep_twisted_connections(self):
        service, _ = self.start(connection_class=Rfc2217HostConnection, drives_signals=True,
                                scheme="rfc2217")
        self.host(service)
        yield wait_until(lambda: service.gate.current is not None)
        self.assertIs(type(service.gate.current.transport), tcp.Server)
        self.assertIn(service.gate.current.transport, reactor.getReaders())
