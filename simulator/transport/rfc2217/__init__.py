"""RFC 2217 (Telnet Com Port Control): a sans-IO server state machine (``server``) and its
Twisted glue (``protocol``)."""

from simulator.transport.rfc2217.server import NEED_DATA, ComPortServer

__all__ = ["NEED_DATA", "ComPortServer"]
