"""PPP (RFC 1661, 1662, 1332, 1334, 1877, 1994), sans-IO, with a thin Twisted glue.

``PppPeer`` is the protocol: fed line octets, it gives line octets, events and IPv4 packets;
``PeerConfig`` makes it a client or a server.  ``PppLink`` runs one on a Twisted transport
with the reactor's clock.  See docs/ppp.md.
"""

from simulator.ppp.config import AuthProtocol, Credentials, PeerConfig
from simulator.ppp.events import (
    Authenticated,
    IpcpOpened,
    IpPacketReceived,
    LinkEstablished,
    LinkTerminated,
    Termination,
)
from simulator.ppp.peer import Phase, PppPeer

__all__ = [
    "AuthProtocol",
    "Authenticated",
    "Credentials",
    "IpPacketReceived",
    "IpcpOpened",
    "LinkEstablished",
    "LinkTerminated",
    "PeerConfig",
    "Phase",
    "PppPeer",
    "Termination",
]
