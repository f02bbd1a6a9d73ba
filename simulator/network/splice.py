"""Joining a real TCP connection to the far end of a pipe.

Used for ``forward:`` and ``allow:`` destinations (the modem connects out) and for exposed
modem listeners (a host program connects in).  Each side is the other's producer, so a slow
reader anywhere slows the writer down instead of filling memory, and half-closes pass through
both ways (a real peer's FIN is the modem's ``peer_closed``).
"""

from __future__ import annotations

from twisted.internet import error, protocol
from twisted.internet.interfaces import IHalfCloseableProtocol
from zope.interface import implementer

from simulator.network.errors import ConnectionReset
from simulator.network.pipe import PipeEnd

_CLEAN = (error.ConnectionDone,)


class Splice:
    """The two protocols of one real <-> pipe connection."""

    def __init__(self) -> None:
        self.real = RealSide(self)
        self.inner = PipeSide(self)
        self.real_transport = None
        self.end: PipeEnd | None = None
        #: Called with the real transport once the real connection is up.
        self.on_real_connected = None
        self.real_gone = False  # the real connection ended before it was joined

    def join(self, real_transport, end: PipeEnd) -> None:
        """Start moving bytes: call once the real connection is up and ``end`` exists (it may
        be attached to ``self.inner`` later, bytes wait in the pipe meanwhile)."""
        self.real_transport = real_transport
        self.end = end
        end.registerProducer(real_transport, True)
        real_transport.registerProducer(end, True)
        # A real transport paused until now (an exposure reads nothing before the modem has
        # accepted) starts reading; resuming a transport that was not paused is harmless.
        real_transport.resumeProducing()


@implementer(IHalfCloseableProtocol)
class RealSide(protocol.Protocol):
    """On the real socket."""

    def __init__(self, splice: Splice) -> None:
        self.splice = splice

    def connectionMade(self) -> None:
        if self.splice.on_real_connected is not None:
            self.splice.on_real_connected(self.transport)

    def dataReceived(self, data: bytes) -> None:
        if self.splice.end is not None:
            self.splice.end.write(data)

    def readConnectionLost(self) -> None:
        if self.splice.end is not None:
            self.splice.end.loseWriteConnection()

    def writeConnectionLost(self) -> None:
        pass

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.splice.real_gone = True
        end = self.splice.end
        if end is None or end.disconnected:
            return
        if reason.check(ConnectionReset) or not reason.check(*_CLEAN):
            end.abortConnection()
        else:
            end.loseConnection()


@implementer(IHalfCloseableProtocol)
class PipeSide(protocol.Protocol):
    """On the pipe end."""

    def __init__(self, splice: Splice) -> None:
        self.splice = splice

    def dataReceived(self, data: bytes) -> None:
        self.splice.real_transport.write(data)

    def readConnectionLost(self) -> None:
        self.splice.real_transport.loseWriteConnection()

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        real = self.splice.real_transport
        if real is None:
            return
        if reason.check(*_CLEAN):
            real.loseConnection()
        else:
            real.abortConnection()
