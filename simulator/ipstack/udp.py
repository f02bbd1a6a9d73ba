"""The modem's UDP socket: a bound port on a bearer, datagrams with their source.

Datagrams keep their boundaries and wait in a queue until read; past the queue's capacity new
ones are dropped, as a real stack does.  A socket given a peer is "connected": ``send`` goes
there, and (unless ``accept_any``) datagrams from anyone else are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet import defer, protocol

from simulator.ipstack.buffers import Datagram, DatagramQueue
from simulator.ipstack.dns import DnsClient
from simulator.ipstack.events import SocketListener
from simulator.network.errors import Reason, RouteError
from simulator.network.udp import MAX_DATAGRAM

if TYPE_CHECKING:
    from simulator.network.apn import Bearer

#: Bytes of datagrams a socket holds before dropping new ones.
DEFAULT_RECEIVE_BUFFER = 16384


class UdpSocket:
    def __init__(self, bearer: Bearer, listener: SocketListener | None = None, *,
                 receive_buffer: int = DEFAULT_RECEIVE_BUFFER, accept_any: bool = False,
                 accept_from: Callable[[tuple[str, int]], bool] | None = None,
                 resolver: DnsClient | None = None) -> None:
        """``accept_from(source)`` may turn senders away (eDsoft's UDPSERV filter); a
        connected socket ignores anyone but its peer unless ``accept_any``."""
        self.bearer = bearer
        self.listener = listener or SocketListener()
        self.resolver = resolver
        self.accept_any = accept_any
        self.accept_from = accept_from
        self._queue = DatagramQueue(receive_buffer)
        self._port = None
        self.local: tuple[str, int] | None = None
        self.peer: tuple[str, int] | None = None  # set once the peer's name is resolved
        self.closed = False
        self.error: Reason | None = None

    def __repr__(self) -> str:
        return f"<UdpSocket {self.local} -> {self.peer}>"

    def open(self, local_port: int = 0, peer: tuple[str, int] | None = None) -> defer.Deferred:
        """Bind (``local_port`` 0: any) and, with ``peer``, resolve it and connect to it.
        Raises ``RouteError(PORT_IN_USE)`` at once; the Deferred fires with the socket when
        ready (``connected`` event) or fails with the resolution's ``RouteError`` (``error``
        event), the port released."""
        self._port = self.bearer.open_udp(local_port, _Port(self))
        self.local = (self.bearer.address, self._port.port)
        if peer is None:
            self.listener.connected(self)
            return defer.succeed(self)
        d = (self.resolver or DnsClient(self.bearer)).resolve(peer[0])

        def resolved(address: str) -> UdpSocket:
            self.peer = (address, peer[1])
            if not self.closed:
                self.listener.connected(self)
            return self

        def failed(failure):
            failure.trap(RouteError)
            self.error = failure.value.reason
            if not self.closed:
                self.listener.error(self, self.error)
            self.close()  # an open that failed keeps no port bound
            return failure

        return d.addCallbacks(resolved, failed)

    # -- sending ------------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        if self.peer is None:
            raise RuntimeError(f"{self!r}: send without a peer (use sendto)")
        self.sendto(data, self.peer)

    def sendto(self, data: bytes, destination: tuple[str, int]) -> defer.Deferred:
        """Send one datagram.  ``destination`` may be a name: it is resolved first (the
        returned Deferred tells when it left, or why it could not).  Raises
        ``RouteError(MESSAGE_TOO_LONG)`` for more than 65507 bytes."""
        if self.closed or self._port is None:
            raise RuntimeError(f"{self!r}: sendto on a closed socket")
        if len(data) > MAX_DATAGRAM:
            raise RouteError(Reason.MESSAGE_TOO_LONG, f"{len(data)} bytes")
        host, port = destination
        resolver = self.resolver or DnsClient(self.bearer)
        d = resolver.resolve(host)

        def write(address: str) -> None:
            if not self.closed:
                self._port.write(bytes(data), (address, int(port)))

        return d.addCallback(write)

    # -- receiving ----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Datagrams waiting."""
        return len(self._queue)

    @property
    def available(self) -> int:
        """Bytes waiting, all datagrams together."""
        return self._queue.bytes

    @property
    def dropped(self) -> int:
        return self._queue.dropped

    def peek(self) -> Datagram | None:
        return self._queue.peek()

    def recv(self) -> Datagram | None:
        return self._queue.get()

    def _received(self, data: bytes, source: tuple[str, int]) -> None:
        if self.closed:
            return
        if self.peer is not None and not self.accept_any and source != self.peer:
            return
        if self.accept_from is not None and not self.accept_from(source):
            return
        if self._queue.put(Datagram(data, source[0], source[1])):
            self.listener.data_available(self, len(data))

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.listener = SocketListener()
        self._queue.clear()
        if self._port is not None:
            self._port.close()


class _Port(protocol.DatagramProtocol):
    noisy = False  # atsim logs sockets itself, with the modem's name

    def __init__(self, sock: UdpSocket) -> None:
        self.sock = sock

    def datagramReceived(self, data: bytes, addr) -> None:
        self.sock._received(data, (addr[0], addr[1]))
