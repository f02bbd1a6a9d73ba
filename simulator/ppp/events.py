"""What a ``PppPeer`` reports, as small immutable values (``next_event()``)."""

from __future__ import annotations

import dataclasses
import enum


class Termination(enum.Enum):
    """Why the link ended; the first cause wins (a Terminate-Request that follows an
    authentication failure does not hide it)."""

    LCP_FAILED = "LCP negotiation failed"  # Max-Configure requests went unanswered
    AUTHENTICATION_FAILED = "authentication failed"  # either direction
    IPCP_FAILED = "IPCP negotiation failed"  # no address agreed, IPCP gave up or was rejected
    PEER_TERMINATED = "peer terminated the link"
    ECHO_TIMEOUT = "peer does not answer echo requests"
    LOCAL_CLOSE = "closed"
    LOWER_LAYER_DOWN = "the line went down"  # the call or serial line dropped


@dataclasses.dataclass(frozen=True)
class LinkEstablished:
    """LCP is opened: the authentication phase starts (or the network phase, without)."""

    peer_mru: int


@dataclasses.dataclass(frozen=True)
class Authenticated:
    """The authentication phase succeeded in every direction that was asked for.
    ``peer_name`` is the name the peer authenticated with (None if we did not ask)."""

    peer_name: str | None


@dataclasses.dataclass(frozen=True)
class IpcpOpened:
    """IPv4 runs: ``local_address`` is ours, ``peer_address`` the other end's, ``dns`` the
    name servers learnt (a client) or given (a server)."""

    local_address: str
    peer_address: str
    dns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class IpPacketReceived:
    packet: bytes


@dataclasses.dataclass(frozen=True)
class LinkTerminated:
    reason: Termination
    detail: str = ""


Event = LinkEstablished | Authenticated | IpcpOpened | IpPacketReceived | LinkTerminated
