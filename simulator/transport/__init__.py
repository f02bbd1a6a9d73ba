"""Transports: how a host reaches a modem's port.  See ``docs/transports.md``."""

from simulator.transport.errors import TransportError
from simulator.transport.ptyport import PtyPortService
from simulator.transport.serialdevice import SerialPortService
from simulator.transport.streamport import StreamPortService

__all__ = ["PtyPortService", "SerialPortService", "StreamPortService", "TransportError"]
