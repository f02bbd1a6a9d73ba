"""What a socket tells its owner.  A dialect subclasses ``SocketListener`` and turns the
events into its URCs (``+WIPREADY``, ``+WIPDATA``, ``+WIPPEERCLOSE``, ``+MIPXOFF`` ...).

Every method gets the socket first, so one listener can serve all the sockets of a dialect
instance.  Events are called synchronously, from the reactor; a listener may call back into
the socket (read, send, close) from inside an event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.network.errors import Reason


class SocketListener:
    def connected(self, sock) -> None:
        """TCP: the connection is established.  UDP: the socket is bound (and, if it was
        given a peer, that peer's name resolved)."""

    def data_available(self, sock, n: int) -> None:
        """New data arrived.  TCP: ``n`` is every byte now readable.  UDP: ``n`` is the size
        of the datagram that just arrived (``sock.peek()`` gives the next one to read)."""

    def peer_closed(self, sock) -> None:
        """TCP: the peer shut down its sending side (FIN).  Data already received stays
        readable, and this side may still send."""

    def error(self, sock, reason: Reason) -> None:
        """The socket failed for ``reason`` (connect failure, reset, bearer released ...).
        It is closed; data received before stays readable."""

    def accepted(self, server, child) -> None:
        """A TCP server spawned ``child`` for an incoming connection.  Set
        ``child.listener`` here to receive its events (they go to the server's listener
        until then)."""

    def writable(self, sock) -> None:
        """A ``send`` was refused room earlier; at least the low-water mark is free again."""

    def buffer_full(self, sock) -> None:
        """A ``send`` could not take all its data: the send buffer is full."""
