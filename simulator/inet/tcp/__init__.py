"""A sans-IO TCP endpoint (RFC 9293) in the h11 style: ``TcpConnection`` is fed segments,
application calls and the time, and gives back segments to send and events.  See
``docs/tcpip.md`` for its scope, limits and constants."""

from simulator.inet.tcp.config import TcpConfig
from simulator.inet.tcp.connection import TcpConnection, TcpStateError, reset_reply
from simulator.inet.tcp.events import (
    Closed,
    Connected,
    DataReceived,
    Event,
    PeerClosed,
    Reset,
    TimedOut,
    Writable,
)
from simulator.inet.tcp.states import State

__all__ = [
    "Closed", "Connected", "DataReceived", "Event", "PeerClosed", "Reset", "State",
    "TcpConfig", "TcpConnection", "TcpStateError", "TimedOut", "Writable", "reset_reply",
]
