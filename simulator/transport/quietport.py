"""Listening TCP ports opened without Twisted's per-port log lines.

Twisted's ``tcp.Port`` logs ``<factory> starting on <port>`` through the legacy log for
every port it opens, whatever the factory's ``noisy``, and ``(TCP Port <port> Closed)`` when
it closes.  A fleet of 10,000 modems on TCP made that 10,000 lines at start, each formatted
and written, about a sixth of the start-up's CPU, saying less than the port's own line
(``<modem> <port>: listening on ... (host opens ...)``, docs/running.md), which stays.

``QuietPort`` is Twisted's port with those two lines left out and the socket created
non-blocking in the ``socket()`` call itself; accepting, closing and everything else are
Twisted's.  ``listen_tcp`` opens one on a real reactor; any other reactor (a test's fake)
gets ``listenTCP`` as before.
"""

from __future__ import annotations

import socket

from twisted.internet import error, tcp
from twisted.internet.posixbase import PosixReactorBase

#: Linux makes a socket non-blocking in the socket() call itself; elsewhere, a call after.
_NONBLOCK = getattr(socket, "SOCK_NONBLOCK", 0)


class QuietPort(tcp.Port):
    """``tcp.Port`` without its ``starting on`` and ``Closed`` log lines."""

    def createInternetSocket(self) -> socket.socket:
        # Non-blocking from the socket() call where the system allows it (Linux), not by a
        # call after it; Python makes it close-on-exec already.
        s = socket.socket(self.addressFamily, self.socketType | _NONBLOCK)
        if not _NONBLOCK:
            s.setblocking(False)
        # Older Twisted releases have no such attributes and always reuse the address.
        if getattr(self, "_reuseAddress", True):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if getattr(self, "_reusePort", False):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        return s

    def startListening(self) -> None:
        """``tcp.Port.startListening`` for a port that makes its own socket (never one
        adopted from elsewhere), without the log line."""
        tcp._reservedFD.reserve()  # what lets Twisted refuse a host cleanly at EMFILE
        skt = None
        try:
            skt = self.createInternetSocket()
            if self.addressFamily == socket.AF_INET6:
                addr = tcp._resolveIPv6(self.interface, self.port)
            else:
                addr = (self.interface, self.port)
            skt.bind(addr)
        except OSError as le:
            if skt is not None:
                skt.close()
            raise error.CannotListenError(self.interface, self.port, le) from le
        skt.listen(self.backlog)
        self._realPortNumber = skt.getsockname()[1] if self.port == 0 else self.port
        self.factory.doStart()
        self.connected = True
        self.socket = skt
        self.fileno = skt.fileno
        self.numberAccepts = 100
        self.startReading()

    def _logConnectionLostMsg(self) -> None:
        """The port's service logs its own ``closed`` line."""


def listen_tcp(reactor, port: int, factory, interface: str = "", backlog: int = 50,
               transport: type[tcp.Server] | None = None):
    """``reactor.listenTCP(port, factory, backlog, interface)`` without Twisted's log lines
    where the reactor is a real one.  Raises ``CannotListenError`` as ``listenTCP`` does.
    ``transport``: the class of accepted connections on a real reactor (``tcp.Server``'s
    subclass ``socketreader.LeanServer`` for hosts read through one reader)."""
    if not isinstance(reactor, PosixReactorBase):
        return reactor.listenTCP(port, factory, backlog=backlog, interface=interface)
    listening = QuietPort(port, factory, backlog, interface, reactor)
    if transport is not None:
        listening.transport = transport
    listening.startListening()
    return listening
