"""A dialect's own result line instead of ``CONNECT`` when data mode starts
(``Connect.announce``)."""

import pytest

from simulator.at.commands import Connect, ResultLine
from tests.at.harness import Bench
from tests.at.test_interpreter import Sink

READY = ResultLine("READY", 77)


def install(modem, table):
    state = modem.test_state = {"sink": None}

    def start(call):
        sink = state["sink"] = Sink(stays_online=False)
        return Connect(sink, announce=READY)

    table.add("+START", exec=start)


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


def test_under_atv0_the_number(bench):
    assert bench.send(b"ATV0\r") == b"0\r"
    assert bench.send(b"AT+START\r") == b"77\r"
    bench.modem.test_state["sink"].link.end(None)
    assert bench.send(b"AT\r") == b"0\r"
