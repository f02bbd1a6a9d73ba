"""A prompt for a payload (``Prompt(collector=DataCollector...)``): raw bytes up to a length
or Ctrl-Z, and a prompt that submits what it has when its time is up."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.at.assembler import CTRL_Z, DataCollector
from simulator.at.commands import Prompt
from tests.at.harness import Bench


def install(modem, table):
    modem.submitted = []

    def data(call):
        length = call.params.int(0, 0, 100, default=None)

        def submit(payload):
            modem.submitted.append(payload)
            call.info(f"+DATA: {len(payload)}")

        return Prompt(submit, prompt=b">", collector=lambda: DataCollector(length, limit=8),
                      timeout=5.0)

    table.add("+DATA", exec=data, set=data)


@pytest.fixture
def bench():
    bench = Bench(install=install)
    bench.send(b"ATE0\r")
    return bench


def test_length_ends_the_input_and_every_byte_is_data(bench):
    assert bench.send(b"AT+DATA=4\r") == b">"
    assert bench.send(b"\x1b\x08\x1a") == b""
    assert bench.send(b"xAT\r") == b"\r\n+DATA: 4\r\n\r\nOK\r\n\r\nOK\r\n"
    assert bench.modem.submitted == [b"\x1b\x08\x1ax"]


def test_ctrl_z_ends_the_input_without_a_length_and_the_limit_drops_the_rest(bench):
    bench.send(b"AT+DATA\r")
    assert bench.send(b"0123456789\x1a") == b"\r\n+DATA: 8\r\n\r\nOK\r\n"
    assert bench.modem.submitted == [b"01234567"]


def test_the_timeout_submits_what_was_typed(bench):
    bench.send(b"AT+DATA=50\r")
    bench.send(b"abc")
    bench.clock.advance(4.9)
    assert bench.host.take() == b""
    bench.clock.advance(0.2)
    assert bench.host.take() == b"\r\n+DATA: 3\r\n\r\nOK\r\n"
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"


def test_an_ended_prompt_leaves_no_timer_behind(bench):
    bench.send(b"AT+DATA=1\r")
    bench.send(b"z")
    bench.clock.advance(10)
    assert bench.host.take() == b""
    assert bench.modem.submitted == [b"z"]


@given(st.binary(max_size=40), st.integers(1, 30), st.lists(st.integers(1, 7), max_size=20))
def test_any_fragmentation_gives_the_same_payload(data, length, cuts):
    whole = DataCollector(length)
    used_whole, _, outcome_whole = whole.feed(data)
    pieces = DataCollector(length)
    used, outcome, rest = 0, None, data
    for cut in [*cuts, len(data)]:
        if outcome is not None or not rest:
            break
        n, _, outcome = pieces.feed(rest[:cut])
        used += n
        rest = rest[n:]
    assert (bytes(pieces.text), used, outcome) == (bytes(whole.text), used_whole, outcome_whole)
    assert CTRL_Z == 0x1A


def test_a_bytes_urc_is_shown_as_it_is_and_waits_for_the_final_result(bench):
    bench.interpreter.urc(b"raw\x00bytes")
    assert bench.host.take() == b"raw\x00bytes"
    bench.send(b"AT+DATA=1\r")
    bench.interpreter.urc(b"later")
    bench.interpreter.urc("+LINE")
    assert bench.send(b"z") == b"\r\n+DATA: 1\r\n\r\nOK\r\nlater\r\n+LINE\r\n"


def test_a_data_mode_announced_by_its_own_lines_has_no_connect():
    from simulator.at.commands import Connect

    class Sink:
        def __init__(self):
            self.data = bytearray()

        def attach(self, link):
            self.link = link

        def data_received(self, data):
            self.data += data

        def escaped(self):
            return False

        def hangup(self):
            pass

    sink = Sink()

    def install_online(modem, table):
        table.add("+ONLINE", exec=lambda call: Connect(
            sink, shown=b"\r\nOK\r\n\r\n+READY\r\n"))

    bench = Bench(install=install_online)
    bench.send(b"ATE0\r")
    assert bench.send(b"AT+ONLINE\rpayload") == b"\r\nOK\r\n\r\n+READY\r\n"
    assert bytes(sink.data) == b"payload"
