"""What every dialect's IP stack shares: the modem's sockets (TCP client and server, UDP) with
buffers, flow control and events, and its resolver.  No AT syntax here: the dialects turn the
events into their own URCs.  See ``simulator.ipstack.sockets`` for a tour."""

from simulator.ipstack.sockets import (
    Datagram,
    DnsClient,
    Reason,
    RouteError,
    SocketListener,
    TcpServer,
    TcpSocket,
    TcpState,
    UdpSocket,
)

__all__ = [
    "Datagram",
    "DnsClient",
    "Reason",
    "RouteError",
    "SocketListener",
    "TcpServer",
    "TcpSocket",
    "TcpState",
    "UdpSocket",
]
