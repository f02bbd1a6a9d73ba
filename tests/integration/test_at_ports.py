"""AT over the real ports of a running simulator: a PTY and a TCP socket, good and bad input."""

from __future__ import annotations

import time

import pytest

from tests.integration.harness import IDENTITY, final_result, info_lines


@pytest.fixture(params=["pty", "tcp"])
def link(request, lab):
    opened = lab.open_pty() if request.param == "pty" else lab.open_tcp()
    with opened as link:
        link.command("ATZ")  # the profile of whoever used the port before
        yield link


def test_identity(link):
    assert info_lines(link.command("AT+CGMI")) == [IDENTITY["manufacturer"]]
    assert info_lines(link.command("AT+CGSN")) == [IDENTITY["imei"]]
    assert info_lines(link.command("AT+CIMI")) == [IDENTITY["imsi"]]


def test_echo_and_framing(link):
    assert link.command("ATE1") == b"ATE1\r\r\nOK\r\n"
    assert link.command("AT") == b"AT\r\r\nOK\r\n"
    assert link.command("ATE0") == b"ATE0\r\r\nOK\r\n"
    assert link.command("AT") == b"\r\nOK\r\n"


def test_signal_quality(link):
    lines = info_lines(link.command("AT+CSQ"))
    assert len(lines) == 1 and lines[0].startswith("+CSQ: "), lines


def test_line_sent_one_byte_at_a_time(link):
    """gammu and chat write one byte per write()."""
    link.command("ATE0")
    for byte in b"AT+CGMI":
        link.send(bytes([byte]))
        time.sleep(0.002)  # so the bytes arrive in separate reads
    response = link.command(b"")
    assert info_lines(response) == [IDENTITY["manufacturer"]]


def test_unknown_command_then_port_still_answers(link):
    assert final_result(link.command("AT+NOSUCHTHING")) == "ERROR"
    link.command("AT+CMEE=1")
    assert final_result(link.command("AT+NOSUCHTHING")).startswith(("+CME ERROR", "ERROR"))
    assert final_result(link.command("AT")) == "OK"


def test_garbage_and_nuls_then_port_still_answers(link):
    link.command("ATE0")
    link.send(bytes(range(256)) + b"\x00" * 100 + b"\xff\xfe\r")
    link.drain()
    link.send(b"\r\n\x00\x00garbage\x1b\x1a\r")
    link.drain()
    assert link.command("AT") == b"\r\nOK\r\n"


def test_64_kib_without_cr_then_cr_is_error(link):
    link.command("ATE0")
    link.send(b"AT" + b"A" * (64 * 1024))
    link.drain()
    assert final_result(link.command(b"")) == "ERROR"
    assert link.command("AT") == b"\r\nOK\r\n"


def test_tcp_client_closes_midline_and_reconnects(lab):
    with lab.open_tcp() as first:
        first.send(b"AT+CG")
    with lab.open_tcp() as second:
        assert final_result(second.command("AT")) == "OK"


def test_pty_closed_and_reopened(lab):
    """Hosts open, close and reopen a PTY (gammu does it on every run)."""
    for _ in range(3):
        with lab.open_pty() as link:
            assert final_result(link.command("AT")) == "OK"
