"""pyserial's ``rfc2217://`` client, with no URL options: every SET-* it sends, DTR and RTS
included, must be answered or it times out."""

from __future__ import annotations

import time

import pytest

from tests.integration.harness import FINAL_RESULT, IDENTITY, info_lines, require_module, wait_for

# pyserial 3.5's reader thread uses setDaemon()/setName(); nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:serial.rfc2217")

#: pyserial waits this long for each option or SET-* answer; a server that does not answer
#: makes open() or a setter fail after it.
NETWORK_TIMEOUT = 3


@pytest.fixture
def rfc2217_port(lab):
    require_module("serial", "pyserial")
    import serial

    port = serial.serial_for_url(f"rfc2217://127.0.0.1:{lab.rfc2217}", baudrate=115200,
                                 timeout=0.2)
    try:
        yield port
    finally:
        port.close()


def command(port, line: bytes, timeout: float = 60) -> bytes:
    """The answer to ``line``; the deadline is a guard against a hang, not a measure."""
    port.write(line + b"\r")
    buffer = b""
    deadline = time.monotonic() + timeout
    while not FINAL_RESULT.search(buffer):
        assert time.monotonic() < deadline, f"no final result for {line!r}; got {buffer!r}"
        buffer += port.read(256)
    return buffer


def test_at_over_rfc2217(rfc2217_port):
    command(rfc2217_port, b"ATZ")
    assert info_lines(command(rfc2217_port, b"AT+CGMI")) == [IDENTITY["manufacturer"]]
    assert command(rfc2217_port, b"ATE0").endswith(b"OK\r\n")
    assert command(rfc2217_port, b"AT") == b"\r\nOK\r\n"


def test_dtr_rts_and_baud_changes_are_answered(rfc2217_port):
    """Each setter waits for the server's answer; pyserial raises SerialException if none
    comes within its network timeout."""
    for action in (
        lambda: setattr(rfc2217_port, "dtr", False),
        lambda: setattr(rfc2217_port, "dtr", True),
        lambda: setattr(rfc2217_port, "rts", False),
        lambda: setattr(rfc2217_port, "rts", True),
        lambda: setattr(rfc2217_port, "baudrate", 9600),
        lambda: setattr(rfc2217_port, "baudrate", 115200),
    ):
        action()
    assert command(rfc2217_port, b"AT").endswith(b"OK\r\n")


def test_dtr_drop_in_command_state_keeps_the_port(rfc2217_port):
    """&D2 (hang up on DTR drop) has nothing to hang up in command state: the modem stays in
    command mode and keeps answering."""
    command(rfc2217_port, b"ATE0&D2")
    rfc2217_port.dtr = False
    rfc2217_port.dtr = True
    assert command(rfc2217_port, b"AT") == b"\r\nOK\r\n"


def test_dsr_and_dcd_follow_at_and_c(rfc2217_port):
    """The modem's circuits reach the host through NOTIFY-MODEMSTATE: DSR is on while the
    modem is powered; DCD is off without a carrier under &C1 and always on under &C0."""
    command(rfc2217_port, b"ATE0&C1")
    wait_for(lambda: rfc2217_port.dsr, 3, "DSR on")
    wait_for(lambda: not rfc2217_port.cd, 3, "DCD off under &C1")
    command(rfc2217_port, b"AT&C0")
    wait_for(lambda: rfc2217_port.cd, 3, "DCD on under &C0")
    command(rfc2217_port, b"AT&C1")
    wait_for(lambda: not rfc2217_port.cd, 3, "DCD off again under &C1")
