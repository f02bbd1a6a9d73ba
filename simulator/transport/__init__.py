"""Transports: how a host reaches a modem's port.

============================  =====================================  ==========================
transport                     opens                                  host sees
============================  =====================================  ==========================
``PtyPortService``            a PTY behind a stable symlink          the symlink, like a tty
``StreamPortService``         a Twisted server endpoint              a TCP connection: raw
                                                                     bytes or RFC 2217
``SerialPortService``         a real serial device                   the far end of the cable
============================  =====================================  ==========================

Each transport moves bytes and V.24 circuit states between its host and a ``Channel``, and
nothing else; see ``docs/transports.md``.  ``simulator.ports.port_service`` picks the one a
``PortSpec`` (``simulator.transport.spec``) names.
"""

from __future__ import annotations

from simulator.transport.errors import TransportError
from simulator.transport.ptyport import PtyPortService
from simulator.transport.serialdevice import SerialPortService
from simulator.transport.streamport import StreamPortService

__all__ = [
    "PtyPortService",
    "SerialPortService",
    "StreamPortService",
    "TransportError",
]
