"""The modem's TCP sockets: a client (``TcpSocket.connect``), a server (``TcpServer``) and the
sockets a server spawns (also ``TcpSocket``), each bound to a bearer.

A socket owns a send and a receive buffer.  ``send`` takes what fits (``buffer_full`` when it
could not take everything, ``writable`` once the low-water mark is free again); the bytes go
to the network only as fast as the path and the peer's window allow.  Received bytes wait in
the receive buffer until ``read``; a full receive buffer stops reading from the network
(``pauseProducing`` on the connection), so a peer that keeps writing to a modem whose host
does not read is slowed down, and nothing is lost.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet import defer, protocol
from twisted.internet.interfaces import (
    IHalfCloseableProtocol,
    IHandshakeListener,
    IPushProducer,
)
from twisted.protocols.tls import TLSMemoryBIOFactory
from zope.interface import implementer

from simulator.ipstack.buffers import ReceiveBuffer, SendBuffer
from simulator.ipstack.dns import DnsClient
from simulator.ipstack.events import SocketListener
from simulator.logs import Logger
from simulator.network.errors import Reason, RouteError, reason_for_loss

if TYPE_CHECKING:
    from simulator.network.apn import Bearer

log = Logger(namespace="atsim.ipstack.tcp")

#: Default buffer sizes, bytes: small, as an embedded stack's are (WIP's TCP buffers hold
#: 5840 bytes, 4 segments of 1460); callers set their own.
DEFAULT_SEND_BUFFER = 8192
DEFAULT_RECEIVE_BUFFER = 8192
#: ``writable`` fires once this much of the send buffer is free (WIP_COPT_SND_LOWAT default).
DEFAULT_SEND_LOW_WATER = 1024
#: Bytes handed to the network per write: about a segment, so that at most this much sits
#: outside the send buffer when the path is full.
_WRITE_CHUNK = 1460


class TcpState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    CLOSED = "closed"


class TcpSocket:
    """One TCP connection of the modem.

    ``listener`` receives the events (a ``SocketListener``); it may be replaced at any time.
    ``resolver`` turns names into addresses (a ``DnsClient`` on the bearer by default).
    """

    def __init__(self, bearer: Bearer, listener: SocketListener | None = None, *,
                 send_buffer: int = DEFAULT_SEND_BUFFER,
                 receive_buffer: int = DEFAULT_RECEIVE_BUFFER,
                 send_low_water: int = DEFAULT_SEND_LOW_WATER,
                 resolver: DnsClient | None = None, tls=None) -> None:
        """``tls``: the connection is TLS with these client options (an
        ``IOpenSSLClientConnectionCreator``, e.g. ``optionsForClientTLS``); ``connected``
        then comes once the handshake is done, and a failed handshake is
        ``Reason.TLS_FAILED``."""
        self.bearer = bearer
        self.tls = tls
        self.listener = listener or SocketListener()
        self.resolver = resolver
        self.state = TcpState.IDLE
        self._send = SendBuffer(send_buffer, send_low_water)
        self._recv = ReceiveBuffer(receive_buffer)
        self._proto = _Connection(self)
        self.transport = None
        self.local: tuple[str, int] | None = None
        self.peer: tuple[str, int] | None = None
        self.peer_closed = False  # a FIN came in
        self.shut_down = False  # our side will send no more
        self.released = False  # closed or aborted by its owner
        self.error: Reason | None = None
        self._closing = False  # close() waits for the send buffer to drain
        self._network_paused = False  # the path is full: stop handing it bytes
        self._reading_paused = False  # our receive buffer is full
        self._connect: defer.Deferred | None = None
        self.server: TcpServer | None = None  # for a spawned socket
        #: TCP timers asked for (``set_keepalive``, ``set_retransmission``), applied to the
        #: connection once it exists.
        self._keepalive = None
        self._retransmission = None
        self._acked_at_end = 0
        self._linger = None

    def __repr__(self) -> str:
        return f"<TcpSocket {self.local} -> {self.peer} {self.state.value}>"

    # -- opening ------------------------------------------------------------------------------

    def connect(self, host: str, port: int, *, local_port: int = 0,
                timeout: float | None = None) -> defer.Deferred:
        """Resolve ``host`` and connect.  The Deferred fires with the socket, or fails with
        ``RouteError``; the listener gets ``connected`` or ``error`` as well."""
        if self.state is not TcpState.IDLE:
            raise RuntimeError(f"{self!r}: connect on a socket that is {self.state.value}")
        self.state = TcpState.CONNECTING
        resolver = self.resolver or DnsClient(self.bearer)
        d = resolver.resolve(host)
        d.addCallback(self._resolved, port, local_port, timeout)
        d.addCallbacks(self._connected_ok, self._connect_failed)
        self._connect = d
        return d

    def _resolved(self, address: str, port: int, local_port: int, timeout: float | None):
        if self.state is not TcpState.CONNECTING:
            return defer.fail(RouteError(Reason.RESET, "closed while resolving"))
        self.peer = (address, port)
        proto = self._proto
        if self.tls is not None:
            # Its small writes are gathered until the next turn of this clock, not the
            # global reactor's.
            wrapping = TLSMemoryBIOFactory(self.tls, True, _OneProtocol(self._proto),
                                           clock=self.bearer.clock)
            proto = wrapping.buildProtocol(None)
        return self.bearer.connect_tcp(address, port, proto, local_port=local_port,
                                       timeout=timeout)

    def _connected_ok(self, _) -> TcpSocket:
        return self

    def _connect_failed(self, failure):
        failure.trap(RouteError)
        if self.state is TcpState.CONNECTING:
            self.state = TcpState.CLOSED
            self.error = failure.value.reason
            self.listener.error(self, self.error)
        return failure

    # -- sending ------------------------------------------------------------------------------

    @property
    def send_free(self) -> int:
        return self._send.free

    @property
    def unsent(self) -> int:
        """Bytes accepted by ``send`` that have not left the modem yet."""
        pending = self.transport.unsent if self.transport is not None else 0
        return len(self._send) + pending

    @property
    def bytes_sent(self) -> int:
        return self.transport.bytes_sent if self.transport is not None else 0

    @property
    def network(self):
        """The connection's network transport (under the TLS layer for a TLS socket)."""
        if self.transport is None:
            return None
        return self.transport.transport if self.tls is not None else self.transport

    @property
    def bytes_acked(self) -> int:
        """Bytes the peer has received (what +MIPCLOSE reports as acknowledged); after the
        connection ended, what it had received by then.  On a TLS socket: TLS record bytes."""
        network = self.network
        if network is None:
            return self._acked_at_end
        return getattr(network, "bytes_acked", 0)

    # -- TCP timers ---------------------------------------------------------------------------

    def set_keepalive(self, keepalive) -> None:
        """Keep-alive probes (a ``simulator.network.tcp_timers.KeepAlive``; None: off), now
        or once connected."""
        self._keepalive = keepalive
        self._apply_timers()

    def set_retransmission(self, retransmission) -> None:
        """Give unacknowledged data up after these retransmissions (a ``Retransmission``)."""
        self._retransmission = retransmission
        self._apply_timers()

    def _apply_timers(self) -> None:
        network = self.network
        if network is None or not hasattr(network, "set_keepalive"):
            return  # not connected yet, or not over the simulated network
        if self._keepalive is not None or network.timers is not None:
            network.set_keepalive(self._keepalive)
        if self._retransmission is not None or network.timers is not None:
            network.set_retransmission(self._retransmission)

    def send(self, data: bytes) -> int:
        """Queue ``data``; returns how many bytes were taken (the rest did not fit)."""
        if self.state not in (TcpState.CONNECTING, TcpState.CONNECTED) or self.shut_down:
            raise RuntimeError(f"{self!r}: send on a socket that cannot send")
        taken = self._send.offer(bytes(data))
        if taken < len(data):
            self.listener.buffer_full(self)
        self._flush()
        return taken

    def _flush(self) -> None:
        transport = self.transport
        if transport is None or self.state is not TcpState.CONNECTED:
            return
        if len(self._send) and not self._network_paused:
            # Whole runs of segments in one write where the connection itself is written to
            # (under TLS the transport is the TLS layer, which frames what it is given).
            bulk = getattr(transport, "bulk_size", None) if self.tls is None else None
            while len(self._send) and not self._network_paused:
                size = _WRITE_CHUNK if bulk is None else bulk(_WRITE_CHUNK)
                transport.write(self._send.take(size))
        if not len(self._send):
            if self._closing:
                self._closing = False
                transport.loseConnection()
            elif self.shut_down:
                transport.loseWriteConnection()
        if self._send.writable_again() and not self.released:
            self.listener.writable(self)

    def shutdown(self) -> None:
        """Send a FIN once the send buffer is empty; the socket still receives."""
        if self.shut_down or self.state is TcpState.CLOSED:
            return
        self.shut_down = True
        self._flush()

    # -- receiving ----------------------------------------------------------------------------

    @property
    def available(self) -> int:
        return len(self._recv)

    def read(self, n: int | None = None) -> bytes:
        """Up to ``n`` received bytes (all of them if None); b"" when there are none."""
        data = self._recv.read(n)
        if self._reading_paused and not self._recv.full and self.transport is not None:
            self._reading_paused = False
            # Later, not from inside read(): resuming may deliver bytes, and their
            # data_available event must not nest inside the owner's read.
            self.bearer.clock.callLater(0, self._resume_reading)
        return data

    def peek(self, n: int | None = None) -> bytes:
        return self._recv.peek(n)

    def after_delivery(self, callback) -> bool:
        """Inside a run of segments the network delivers together: ``callback()`` once
        the run is over (same turn), and True; False otherwise (see ``PipeEnd``)."""
        after = getattr(self.network, "after_delivery", None)
        return after is not None and after(callback)

    def _resume_reading(self) -> None:
        if not self._reading_paused and self.transport is not None:
            self.transport.resumeProducing()

    # -- closing ------------------------------------------------------------------------------

    def close(self, linger: float | None = None) -> None:
        """Graceful close: what was sent still goes, then FIN; no more events.  ``linger``:
        a connection that has not ended that many seconds later is reset."""
        if self.released:
            return
        if linger is not None and self.state is TcpState.CONNECTED:
            self._linger = self.bearer.clock.callLater(linger, self._linger_over)
        self.released = True
        self.listener = SocketListener()
        self._recv.read()
        if self.state is TcpState.CONNECTING:
            self.state = TcpState.CLOSED
            if self._connect is not None:
                self._connect.addErrback(lambda f: None)
                self._connect.cancel()
            return
        if self.state is TcpState.CONNECTED:
            self._closing = True
            self._flush()
        self._released()

    def abort(self) -> None:
        """Reset the connection; unsent data is dropped."""
        if self.released:
            return
        self.released = True
        self.listener = SocketListener()
        self._send.clear()
        self._recv.read()
        if self.state is TcpState.CONNECTING and self._connect is not None:
            self._connect.addErrback(lambda f: None)
            self._connect.cancel()
        elif self.transport is not None:
            self.transport.abortConnection()
        self.state = TcpState.CLOSED
        self._released()

    def _released(self) -> None:
        if self.server is not None:
            self.server._child_released(self)

    def _linger_over(self) -> None:
        self._linger = None
        network = self.network
        if network is not None:
            network.abortConnection()

    # -- from the connection ------------------------------------------------------------------

    def _made(self, transport) -> None:
        self.transport = transport
        # Hand the network bytes only while its path has room: ours is the send buffer.
        transport.buffer_high = transport.buffer_low = 0
        transport.registerProducer(self._proto, True)
        host, peer = transport.getHost(), transport.getPeer()
        self.local, self.peer = (host.host, host.port), (peer.host, peer.port)
        self.state = TcpState.CONNECTED
        self._apply_timers()
        if self.server is None and self.tls is None:
            self.listener.connected(self)
        self._flush()

    def _handshake_done(self) -> None:
        if self.tls is not None and not self.released and self.state is TcpState.CONNECTED:
            self.listener.connected(self)

    def _data(self, data: bytes) -> None:
        if self.released:
            return  # closed by its owner: nobody will read this
        self._recv.put(data)
        if self._recv.full and not self._reading_paused:
            self._reading_paused = True
            self.transport.pauseProducing()
        self.listener.data_available(self, len(self._recv))

    def _fin(self) -> None:
        self.peer_closed = True
        if not self.released:
            self.listener.peer_closed(self)

    def _lost(self, reason) -> None:
        """The connection is over.  A clean end (FINs both ways) was already reported as
        ``peer_closed``; anything else is an error."""
        self.state = TcpState.CLOSED
        self._acked_at_end = self.bytes_acked
        self.transport = None
        if self._linger is not None and self._linger.active():
            self._linger.cancel()
        self._linger = None
        why = reason_for_loss(reason.value)
        if why is not None and self.error is None:
            self.error = why
            if not self.released:
                self.listener.error(self, why)
        elif why is None and self.tls is not None and not self.peer_closed:
            # TLS ends with the peer's close_notify, and no half-close reaches us.
            self._fin()


class _OneProtocol(protocol.Factory):
    """The factory TLS wraps: it gives the socket's own connection."""

    def __init__(self, proto: protocol.Protocol) -> None:
        self.proto = proto

    def buildProtocol(self, addr):  # noqa: N802 - Twisted's name
        return self.proto


@implementer(IHalfCloseableProtocol, IPushProducer, IHandshakeListener)
class _Connection(protocol.Protocol):
    """The socket's protocol on its network transport; also the producer the transport
    pauses when the path is full."""

    def __init__(self, sock: TcpSocket) -> None:
        self.sock = sock

    def connectionMade(self) -> None:
        self.sock._made(self.transport)

    def dataReceived(self, data: bytes) -> None:
        self.sock._data(data)

    def handshakeCompleted(self) -> None:
        self.sock._handshake_done()

    def readConnectionLost(self) -> None:
        self.sock._fin()

    def writeConnectionLost(self) -> None:
        pass

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.sock._lost(reason)

    def pauseProducing(self) -> None:
        self.sock._network_paused = True

    def resumeProducing(self) -> None:
        self.sock._network_paused = False
        self.sock._flush()

    def stopProducing(self) -> None:
        pass


class TcpServer:
    """A listening socket.  Each incoming connection spawns a ``TcpSocket`` announced by
    ``accepted(server, child)``.

    ``max_spawn`` limits the spawned sockets not yet released by their owner (WIP: the
    indexes of the server's range); beyond it ``on_full`` decides: ``"close"`` accepts and
    closes at once (WIP: the peer sees accept then shutdown), ``"refuse"`` refuses (RST).
    ``accept_from(peer)`` may turn peers away (eDsoft's allowed peer); they are refused.
    """

    def __init__(self, bearer: Bearer, listener: SocketListener | None = None, *,
                 port: int = 0, max_spawn: int | None = None, on_full: str = "close",
                 accept_from: Callable[[tuple[str, int]], bool] | None = None,
                 send_buffer: int = DEFAULT_SEND_BUFFER,
                 receive_buffer: int = DEFAULT_RECEIVE_BUFFER,
                 send_low_water: int = DEFAULT_SEND_LOW_WATER) -> None:
        if on_full not in ("close", "refuse"):
            raise ValueError(f"on_full must be 'close' or 'refuse', not {on_full!r}")
        self.bearer = bearer
        self.listener = listener or SocketListener()
        self.max_spawn = max_spawn
        self.on_full = on_full
        self.accept_from = accept_from
        self._child_options = {"send_buffer": send_buffer, "receive_buffer": receive_buffer,
                               "send_low_water": send_low_water}
        self.children: list[TcpSocket] = []
        self._listening = bearer.listen_tcp(port, self._accept)
        self.port = self._listening.port
        self.address = bearer.address
        self.closed = False

    def __repr__(self) -> str:
        return f"<TcpServer {self.address}:{self.port}>"

    def close(self) -> None:
        """Stop listening; spawned sockets stay open."""
        if not self.closed:
            self.closed = True
            self._listening.close()

    def _accept(self, peer: tuple[str, int]):
        if self.closed:
            return None
        if self.accept_from is not None and not self.accept_from(peer):
            return None
        if self.max_spawn is not None and len(self.children) >= self.max_spawn:
            if self.on_full == "refuse":
                return None
            return _CloseAtOnce()
        child = TcpSocket(self.bearer, self.listener, **self._child_options)
        child.server = self
        self.children.append(child)
        return _Spawned(child, self)

    def _spawned(self, child: TcpSocket) -> None:
        log.debug("{server}: accepted {peer}", server=self, peer=child.peer)
        self.listener.accepted(self, child)

    def _child_released(self, child: TcpSocket) -> None:
        if child in self.children:
            self.children.remove(child)


class _Spawned(_Connection):
    def __init__(self, sock: TcpSocket, server: TcpServer) -> None:
        super().__init__(sock)
        self.server = server

    def connectionMade(self) -> None:
        super().connectionMade()
        self.server._spawned(self.sock)


class _CloseAtOnce(protocol.Protocol):
    def connectionMade(self) -> None:
        self.transport.loseConnection()
