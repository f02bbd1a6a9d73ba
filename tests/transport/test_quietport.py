"""Listening TCP ports without Twisted's per-port log lines, on real loopback sockets."""

from __future__ import annotations

import errno
import socket

from twisted.internet import defer, endpoints, protocol, reactor
from twisted.internet.error import CannotListenError
from twisted.internet.testing import MemoryReactor
from twisted.trial import unittest

from simulator.transport.quietport import QuietPort, listen_tcp

from .doubles import LogCapture


class Echo(protocol.Protocol):
    def dataReceived(self, data: bytes) -> None:
        self.transport.write(data)


class Received(protocol.Protocol):
    def __init__(self) -> None:
        self.data = bytearray()
        self.arrived = defer.Deferred()

    def dataReceived(self, data: bytes) -> None:
        self.data += data
        if not self.arrived.called:
            self.arrived.callback(None)


class QuietPortTestCase(unittest.TestCase):
    timeout = 60  # a guard against a hang only

    @defer.inlineCallbacks
    def test_accepts_hosts_and_logs_no_line_of_its_own(self):
        with LogCapture() as logs:
            port = listen_tcp(reactor, 0, protocol.Factory.forProtocol(Echo),
                              interface="127.0.0.1")
            number = port.getHost().port
            self.assertIsInstance(port, QuietPort)
            self.assertGreater(number, 0)
            host = Received()
            endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", number)
            yield endpoints.connectProtocol(endpoint, host)
            host.transport.write(b"AT\r")
            yield host.arrived
            self.assertEqual(bytes(host.data), b"AT\r")
            host.transport.loseConnection()
            yield port.stopListening()
        self.assertEqual(logs.matching(str(number)), [])  # Twisted's "starting on", "Closed"
        with socket.socket() as s:  # closed: nobody listens there any more
            self.assertEqual(s.connect_ex(("127.0.0.1", number)), errno.ECONNREFUSED)

    def test_a_port_in_use_raises_what_listen_tcp_raises(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            number = taken.getsockname()[1]
            with self.assertRaises(CannotListenError) as caught:
                listen_tcp(reactor, number, protocol.Factory.forProtocol(Echo),
                           interface="127.0.0.1")
        self.assertEqual(caught.exception.socketError.errno, errno.EADDRINUSE)
        self.assertIn(f"127.0.0.1:{number}", str(caught.exception))

    def test_the_listening_socket_is_non_blocking_and_reuses_the_address(self):
        port = listen_tcp(reactor, 0, protocol.Factory.forProtocol(Echo), interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        self.assertFalse(port.socket.getblocking())
        self.assertTrue(port.socket.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
        self.assertFalse(port.socket.get_inheritable())

    def test_a_reactor_that_is_not_a_real_one_gets_listen_tcp(self):
        fake = MemoryReactor()
        listen_tcp(fake, 7001, protocol.Factory.forProtocol(Echo), interface="127.0.0.1")
        [(number, _factory, backlog, interface)] = fake.tcpServers
        self.assertEqual((number, backlog, interface), (7001, 50, "127.0.0.1"))
