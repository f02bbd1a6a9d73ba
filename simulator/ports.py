"""The port service of one ``PortSpec``: which transport serves each kind of port.

============  =============================================  ==============================
kind          ``spec.target``                                host opens
============  =============================================  ==============================
``pty``       absolute symlink path                          the symlink, like a tty
``tcp``       Twisted server endpoint string                 a TCP connection (raw bytes)
``rfc2217``   Twisted server endpoint string                 telnet + COM-PORT-OPTION
``serial``    device path                                    the far end of a serial cable
============  =============================================  ==============================
"""

from __future__ import annotations

from twisted.application.service import Service

from simulator.line import Channel
from simulator.transport import (
    PtyPortService,
    SerialPortService,
    StreamPortService,
    TransportError,
)
from simulator.transport.pacing import PacedHost
from simulator.transport.rfc2217.protocol import Rfc2217HostConnection
from simulator.transport.spec import PortSpec
from simulator.transport.streamport import RawHostConnection

KINDS = ("pty", "tcp", "rfc2217", "serial")


def port_service(spec: PortSpec, channel: Channel, reactor, label: str) -> Service:
    """The service that opens ``spec``'s port on start and closes it on stop.

    ``label`` names the modem and port in every log line and error (``"lab-1 pty:/dev/x"``).
    Starting raises ``TransportError`` when the port cannot be opened.  A ``paced`` port
    hands its host the modem's output at the line rate."""
    if spec.paced:
        channel.host_wrapper = lambda host: PacedHost(host, channel, reactor)
    if spec.kind == "pty":
        return PtyPortService(spec.target, channel, reactor, label, baudrate=spec.baudrate)
    if spec.kind == "tcp":
        return StreamPortService(
            spec.target,
            channel,
            reactor,
            label,
            connection_class=RawHostConnection,
            baudrate=spec.baudrate,
        )
    if spec.kind == "rfc2217":
        return StreamPortService(
            spec.target,
            channel,
            reactor,
            label,
            connection_class=Rfc2217HostConnection,
            drives_signals=True,
            scheme="rfc2217",
            baudrate=spec.baudrate,
        )
    if spec.kind == "serial":
        return SerialPortService(spec.target, channel, reactor, label, baudrate=spec.baudrate)
    raise TransportError(f"{label}: unknown port kind {spec.kind!r} (expected one of {KINDS})")
