"""The raw TCP transport over real loopback sockets."""

from __future__ import annotations

import socket

from twisted.internet import defer, endpoints, protocol, reactor
from twisted.internet.error import ConnectionRefusedError
from twisted.trial import unittest

from simulator.transport import StreamPortService, TransportError

from .doubles import LogCapture, echo_channel, pause, reader_until_end, wait_until


class Client(protocol.Protocol):
    """A host: collects what it receives, remembers when it was disconnected."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.lost = defer.Deferred()
        self.is_lost = False

    def dataReceived(self, data: bytes) -> None:
        self.received += data

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.is_lost = True
        self.lost.callback(None)


class TcpTestCase(unittest.TestCase):
    timeout = 120  # a guard against a hang only

    def setUp(self):
        self.channel, self.device = echo_channel()
        self.label = "lab-2 tcp:tcp:0:interface=127.0.0.1"

    def start(self, endpoint: str = "tcp:0:interface=127.0.0.1") -> StreamPortService:
        service = StreamPortService(endpoint, self.channel, reactor, self.label)
        service.startService()
        self.addCleanup(lambda: service.running and service.stopService())
        return service

    @defer.inlineCallbacks
    def connect(self, service: StreamPortService):
        client = Client()
        endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", service.address.port)
        yield endpoints.connectProtocol(endpoint, client)
        self.addCleanup(self.disconnect, client)
        return client

    def disconnect(self, client: Client):
        if client.is_lost:
            return None
        client.transport.loseConnection()
        return client.lost

    @defer.inlineCallbacks
    def test_bound_port_is_exposed_and_logged_with_the_label(self):
        with LogCapture() as logs:
            service = self.start()
        port = service.address.port
        self.assertGreater(port, 0)
        self.assertEqual(service.address.host, "127.0.0.1")
        [line] = logs.matching("listening on")
        self.assertIn(self.label, line)
        self.assertIn(f"127.0.0.1:{port}", line)
        yield self.connect(service)
        yield wait_until(lambda: self.channel.host_attached)

    @defer.inlineCallbacks
    def test_bytes_both_ways_whatever_the_fragmentation(self):
        service = self.start()
        client = yield self.connect(service)
        yield wait_until(lambda: self.channel.host_attached)
        payload = bytes(range(256)) * 512  # 128 KiB with every byte value, IAC included
        for byte in payload[:300]:
            client.transport.write(bytes([byte]))
            yield pause(0)  # separate segments
        client.transport.write(payload[300:])
        yield wait_until(lambda: len(client.received) >= len(payload), what="echo")
        self.assertEqual(bytes(self.device.received), payload)
        self.assertEqual(bytes(client.received), payload)
        self.assertTrue(self.channel.host_signals.dtr, "raw TCP carries no DTR: stays on")

    @defer.inlineCallbacks
    def test_second_connection_replaces_the_first(self):
        service = self.start()
        first = yield self.connect(service)
        yield wait_until(lambda: self.channel.host_attached)
        first.transport.write(b"AT1\r")
        yield wait_until(lambda: bytes(first.received) == b"AT1\r")
        with LogCapture() as logs:
            second = yield self.connect(service)
            yield first.lost
        self.assertEqual(self.device.events, ["opened", "closed", "opened"])
        self.assertEqual(service.gate.kicked, 1)
        [line] = logs.matching("disconnecting")
        self.assertIn(self.label, line)
        second.transport.write(b"AT2\r")
        yield wait_until(lambda: bytes(second.received) == b"AT2\r")
        self.assertEqual(bytes(self.device.received), b"AT1\rAT2\r")
        self.assertEqual(bytes(first.received), b"AT1\r")
        # The replaced host's close must not detach the new one.
        yield pause(0.05)
        self.assertTrue(self.channel.host_attached)
        yield self.disconnect(second)
        yield wait_until(lambda: not self.channel.host_attached)
        self.assertEqual(self.device.events, ["opened", "closed", "opened", "closed"])

    @defer.inlineCallbacks
    def test_host_that_never_reads_does_not_grow_output_without_bound(self):
        service = self.start()
        self.device.echo = False
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", service.address.port))
        self.addCleanup(sock.close)
        yield wait_until(lambda: self.channel.host_attached)
        [connection] = service.connections
        chunk = b"x" * 65536
        total = 0
        for _ in range(16):  # 16 MiB over several reactor turns
            for _ in range(16):
                self.channel.write(chunk)
                total += len(chunk)
            yield pause(0.01)
        self.assertGreater(connection.dropped_output, 0)
        # What was not dropped fits in kernel socket buffers plus Twisted's 64 KiB.
        self.assertLess(total - connection.dropped_output, 8 * 1024 * 1024)
        # The host starts reading: output flows again.
        sock.setblocking(False)
        marker = b"<END>"
        state = {"tail": b"", "marker_accepted": False}

        def marker_arrived() -> bool:
            try:
                while data := sock.recv(1 << 20):
                    state["tail"] = (state["tail"] + data)[-64:]
            except BlockingIOError:
                pass
            if not state["marker_accepted"]:
                dropped = connection.dropped_output
                self.channel.write(marker)
                state["marker_accepted"] = connection.dropped_output == dropped
            return state["tail"].endswith(marker)

        yield wait_until(marker_arrived, timeout=10, what="output after draining")

    @defer.inlineCallbacks
    def test_host_that_stops_sending_gets_the_reply_already_made(self):
        # printf 'AT\r' | socat - TCP:...: the host half-closes after its command, which
        # the port cannot tell from a close.  What the modem answered at once still arrives.
        service = self.start()
        sock = socket.create_connection(("127.0.0.1", service.address.port))
        self.addCleanup(sock.close)
        sock.sendall(b"AT\r")
        sock.shutdown(socket.SHUT_WR)
        yield wait_until(lambda: self.device.events == ["opened", "closed"], timeout=30)
        self.assertEqual(bytes(self.device.received), b"AT\r")
        # Read without blocking the reactor: the reply may still be in the port's buffer.
        sock.setblocking(False)
        received, ended = bytearray(), []
        yield wait_until(reader_until_end(sock, received, ended), timeout=30,
                         what="the reply, then the end of the stream")
        self.assertEqual(bytes(received), b"AT\r")

    @defer.inlineCallbacks
    def test_stop_disconnects_the_host_and_stops_listening(self):
        service = self.start()
        port = service.address.port
        client = yield self.connect(service)
        yield wait_until(lambda: self.channel.host_attached)
        yield service.stopService()
        yield client.lost
        self.assertFalse(self.channel.host_attached)
        self.assertEqual(self.device.events, ["opened", "closed"])
        endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port)
        yield self.assertFailure(
            endpoints.connectProtocol(endpoint, Client()), ConnectionRefusedError
        )

    def test_port_in_use_is_an_error_naming_the_port(self):
        first = self.start()
        taken = f"tcp:{first.address.port}:interface=127.0.0.1"
        label = "lab-3 tcp:" + taken
        second = StreamPortService(taken, self.channel, reactor, label)
        with self.assertRaises(TransportError) as caught:
            second.startService()
        self.assertIn(label, str(caught.exception))
        self.assertFalse(second.running)

    def test_bad_endpoint_string_is_an_error_naming_the_port(self):
        service = StreamPortService("tcp:notaport", self.channel, reactor, self.label)
        with self.assertRaises(TransportError) as caught:
            service.startService()
        self.assertIn(self.label, str(caught.exception))
