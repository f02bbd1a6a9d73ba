"""What a TCP connection tells its application.  ``Closed`` is always the last event: after
it the connection sends nothing more and may be forgotten."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Connected:
    """The three-way handshake completed."""


@dataclasses.dataclass(frozen=True)
class DataReceived:
    """Bytes in order.  They count against the receive window until the application says it
    has consumed them (``TcpConnection.consumed``)."""
    data: bytes


@dataclasses.dataclass(frozen=True)
class PeerClosed:
    """The peer sent FIN after all its data: end of the incoming stream."""


@dataclasses.dataclass(frozen=True)
class Writable:
    """The send buffer refused bytes earlier and has room again."""


@dataclasses.dataclass(frozen=True)
class Reset:
    """The peer reset the connection (or refused it: RST to our SYN)."""


@dataclasses.dataclass(frozen=True)
class TimedOut:
    """The peer stopped answering: retransmissions or the handshake ran out of tries."""


@dataclasses.dataclass(frozen=True)
class Closed:
    """The connection is over; nothing follows."""


Event = Connected | DataReceived | PeerClosed | Writable | Reset | TimedOut | Closed
