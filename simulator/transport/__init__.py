"""Transports: how a host reaches a modem's port.  See ``docs/transports.md``."""

from simulator.transport.errors import TransportError
from simulator.transport.ptyport import PtyPortService

__all__ = ["PtyPortService", "TransportError"]
