"""A dialect's own lines where the engine would show a result code: instead of ``CONNECT``
when data mode starts (``Connect.announce``), and as a command's final line (``Final``)."""

import pytest

from simulator.at.commands import Connect, Final
from tests.at.harness import Bench
from tests.at.test_interpreter import Sink


def banner(profile) -> bytes:
    return b"\r\nREADY\r\n" if profile.verbose else b"77\r"


def install(modem, table):
    state = modem.test_state = {"sink": None}

    def start(call):
        sink = state["sink"] = Sink(stays_online=False)
        return Connect(sink, announce=banner)

    table.add("+START", exec=start)
    table.add("+NOTHING", exec=lambda call: Final(banner))


@pytest.fixture
def bench():
    bench = Bench(install=install)
    bench.send(b"ATE0\r")
    return bench


def test_data_mode_starts_with_the_dialects_line(bench):
    assert bench.send(b"AT+START\r") == b"\r\nREADY\r\n"
    sink = bench.modem.test_state["sink"]
    assert sink.events == ["attach"]
    assert bench.send(b"data") == b"" and sink.received == b"data"
    sink.link.write(b"\x03")
    sink.link.end("DONE")
    assert bench.host.take() == b"\x03\r\nDONE\r\n"
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"


def test_a_final_line_ends_the_command_line(bench):
    assert bench.send(b"AT+NOTHING\r") == b"\r\nREADY\r\n"
    assert bench.send(b"ATV0\r") == b"0\r"
    assert bench.send(b"AT+NOTHING\r") == b"77\r"
    assert bench.send(b"AT\r") == b"0\r"
