"""``Channel.hang_up`` on real ports (the ``port_close`` fault): a PTY host reads EIO and
finds a working PTY behind the same path; a TCP host is disconnected and may come back."""

from __future__ import annotations

import errno
import os

from twisted.internet import defer, protocol, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol

from simulator.transport import StreamPortService

from .doubles import read_exactly, wait_until
from .test_pty import PtyHarness


def hung_up(fd: int) -> bool:
    """A hung-up tty reads end of file and refuses writes with EIO."""
    try:
        if os.read(fd, 100) != b"":
            return False
    except OSError:
        return False
    try:
        os.write(fd, b"x")
    except OSError as e:
        return e.errno == errno.EIO
    return False


class PtyHangUp(PtyHarness):
    @defer.inlineCallbacks
    def test_the_host_is_hung_up_and_the_path_opens_a_new_pty(self):
        service = self.start()
        first = service.slave_name
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the host")
        self.channel.hang_up()
        self.assertFalse(self.channel.host_attached)
        yield wait_until(lambda: hung_up(fd), what="the hang-up")
        self.assertNotEqual(os.readlink(self.path), first)
        again = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the host again")
        os.write(again, b"AT\r")
        self.assertEqual((yield read_exactly(again, 3)), b"AT\r")  # the echo device


class _Client(protocol.Protocol):
    def __init__(self) -> None:
        self.lost = defer.Deferred()

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.lost.callback(None)


class TcpHangUp(PtyHarness):
    @defer.inlineCallbacks
    def test_the_tcp_host_is_disconnected(self):
        service = StreamPortService("tcp:0:interface=127.0.0.1", self.channel, reactor, "t")
        service.startService()
        self.addCleanup(service.stopService)
        port = service.address.port
        client = _Client()
        yield connectProtocol(TCP4ClientEndpoint(reactor, "127.0.0.1", port), client)
        yield wait_until(lambda: self.channel.host_attached, what="the host")
        self.channel.hang_up()
        yield client.lost
        yield wait_until(lambda: not self.channel.host_attached, what="the detach")
