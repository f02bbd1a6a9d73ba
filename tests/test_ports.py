"""``port_service``: one service per ``PortSpec`` kind, named by the label."""

from __future__ import annotations

import pytest
from twisted.internet import reactor

from simulator.line import Channel
from simulator.ports import port_service
from simulator.transport import (
    PtyPortService,
    SerialPortService,
    StreamPortService,
    TransportError,
)
from simulator.transport.rfc2217.protocol import Rfc2217HostConnection
from simulator.transport.spec import PortSpec
from simulator.transport.streamport import RawHostConnection


def build(kind: str, target: str, baudrate: int = 115200):
    spec = PortSpec(kind=kind, target=target, baudrate=baudrate)
    return port_service(spec, Channel("m1"), reactor, f"m1 {spec.label}")


def test_pty():
    service = build("pty", "/tmp/atsim/m1", 9600)
    assert isinstance(service, PtyPortService)
    assert (str(service.path), service.baudrate) == ("/tmp/atsim/m1", 9600)
    assert service.name == "m1 pty /tmp/atsim/m1"


def test_tcp_is_raw():
    service = build("tcp", "tcp:7000:interface=127.0.0.1")
    assert isinstance(service, StreamPortService)
    assert service.connection_class is RawHostConnection
    assert not service.gate.drives_signals


def test_rfc2217_carries_signals():
    service = build("rfc2217", "tcp:7001:interface=127.0.0.1")
    assert isinstance(service, StreamPortService)
    assert service.connection_class is Rfc2217HostConnection
    assert service.gate.drives_signals


def test_serial():
    service = build("serial", "/dev/ttyUSB7", 57600)
    assert isinstance(service, SerialPortService)
    assert (service.device, service.baudrate) == ("/dev/ttyUSB7", 57600)


def test_unknown_kind_names_the_port():
    with pytest.raises(TransportError, match="m1 usb x"):
        build("usb", "x")
