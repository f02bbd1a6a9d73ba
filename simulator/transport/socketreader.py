"""Reading many host sockets through one reactor reader.

The reactor wraps every descriptor it dispatches in ``log.callWithLogger`` (the connection's
log prefix pushed as a legacy log context, a dictionary copied and restored) and in
``_doReadOrWrite``'s checks.  For a modem's command of a few bytes that wrapping cost more
than the socket's ``recv``: with a thousand hosts typing, about a tenth of atsim's CPU per
command.  ``LeanServer`` connections are read from a private epoll set instead, whose own
descriptor is the one thing the reactor watches for them: one dispatch per reactor turn for
every host that sent something, each connection's ``doRead`` then called directly.

Everything else stays Twisted's: ``doRead`` and its results (EOF is a half-close, an error
loses the connection), writing (the reactor still watches a connection with queued output
for writing), ``pauseProducing``/``resumeProducing`` (which stop and start reading here), and
disconnecting through the reactor's ``_disconnectSelectable``.
"""

from __future__ import annotations

import select
import sys
import weakref

from twisted.internet import main, tcp
from twisted.internet.interfaces import IReadDescriptor
from twisted.python import log
from zope.interface import implementer

#: Linux's epoll; elsewhere every connection stays a reader of the reactor's own.
AVAILABLE = hasattr(select, "epoll")
_IN = getattr(select, "EPOLLIN", 1)
_READING = _IN  # EPOLLHUP and EPOLLERR are always reported

#: One reader per reactor (tests may run more than one).
_readers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@implementer(IReadDescriptor)
class SocketReader:
    """The reactor's one reader for every ``LeanServer`` connection that is reading."""

    def __init__(self, reactor) -> None:
        self._reactor = reactor
        self._epoll = select.epoll()
        self._connections: dict[int, LeanServer] = {}

    def add(self, connection: LeanServer) -> None:
        fd = connection.fileno()
        if fd < 0 or self._connections.get(fd) is connection:
            return
        self._epoll.register(fd, _READING)
        self._connections[fd] = connection
        connection._reading_fd = fd
        if len(self._connections) == 1:
            self._reactor.addReader(self)

    def remove(self, connection: LeanServer) -> None:
        fd = connection._reading_fd
        connection._reading_fd = -1
        if self._connections.get(fd) is not connection:
            return
        del self._connections[fd]
        try:
            self._epoll.unregister(fd)
        except (OSError, ValueError):  # already closed: the kernel dropped it from the set
            pass
        if not self._connections:
            self._reactor.removeReader(self)

    # IReadDescriptor

    def fileno(self) -> int:
        return self._epoll.fileno()

    def logPrefix(self) -> str:
        return "host sockets"

    def doRead(self) -> None:
        connections = self._connections
        for fd, event in self._epoll.poll(0, len(connections) or 1):
            # Looked up now: one connection's data may have closed another in this batch.
            connection = connections.get(fd)
            if connection is None:
                continue
            # As the reactor's _doReadOrWrite for a descriptor it reads: a hang-up or error
            # with nothing left to read is the end of input (a half-close).
            try:
                why = connection.doRead() if event & _IN else main.CONNECTION_DONE
            except BaseException:
                why = sys.exc_info()[1]
                log.callWithLogger(connection, log.err)
            if why:
                self.remove(connection)
                log.callWithLogger(connection, self._reactor._disconnectSelectable,
                                   connection, why, True)

    def connectionLost(self, reason) -> None:
        """The reactor is disconnecting everything (shutdown): so are the connections it
        would have disconnected as its own readers."""
        for connection in list(self._connections.values()):
            self.remove(connection)
            log.callWithLogger(connection, connection.connectionLost, reason)


def _reader(reactor) -> SocketReader:
    reader = _readers.get(reactor)
    if reader is None:
        reader = _readers[reactor] = SocketReader(reactor)
    return reader


class LeanServer(tcp.Server):
    """``tcp.Server`` read through the reactor's ``SocketReader`` rather than as a reader of
    its own."""

    _reading_fd = -1

    def doRead(self):
        """``tcp.Connection.doRead`` without its ``_dataReceived`` step: a raw host's
        protocol returns nothing from ``dataReceived``, so there is no result to check."""
        try:
            data = self.socket.recv(self.bufferSize)
        except BlockingIOError:
            return None
        except OSError:
            return main.CONNECTION_LOST
        if not data:
            return main.CONNECTION_DONE
        self.protocol.dataReceived(data)
        return None

    def startReading(self) -> None:
        _reader(self.reactor).add(self)

    def stopReading(self) -> None:
        if self._reading_fd >= 0:
            _reader(self.reactor).remove(self)
