"""The UART settings V.250 §6.2 gives the host: ``+ICF`` changes the bits per character the
port's line carries (a paced port's output rate follows, after the result code, on
task.Clock), and what ``+IPR``/``+ICF`` stored in flash is what the port starts with in the
next run, over the scenario's ``baudrate``."""

from __future__ import annotations

import pytest

from simulator.line import LineSettings
from simulator.modem.storage import NVStore
from simulator.modem.terminal import UART_KEY, framing, stored_line_settings
from simulator.service import make_service
from simulator.transport.pacing import PacedHost, bits_per_character
from tests.integration.test_service import MemoryReactorClock, modem, scenario_with, tcp
from tests.modem.bench import OK, Bench


def paced_bench() -> Bench:
    bench = Bench()
    channel = bench.port.channel
    channel.host_wrapper = lambda host: PacedHost(host, channel, bench.clock)
    channel.detach_host()
    channel.attach_host(bench.port.host)
    channel.set_line_settings(baudrate=9600)
    return bench


def answer_after(bench, seconds: float, line: bytes = b"AT\r") -> None:
    bench.port.channel.receive(line)
    bench.advance(seconds * 0.999)
    assert bench.port.take() == ""
    bench.advance(seconds * 0.002)
    assert bench.port.take() == OK


@pytest.mark.parametrize("fmt, parity, bits", [
    (1, 3, 11),  # 8N2
    (2, 1, 11),  # 8E1
    (3, 3, 10),  # 8N1
    (4, 0, 10),  # 7N2
    (5, 1, 10),  # 7E1
    (6, 3, 9),   # 7N1
])
def test_each_icf_format_has_its_bits_per_character(fmt, parity, bits):
    assert bits_per_character(LineSettings(**framing(fmt, parity))) == bits


def test_icf_answers_in_the_old_framing_and_paces_in_the_new_one_after():
    bench = paced_bench()
    answer_after(bench, len(OK) * 10 / 9600, b"AT+ICF=2,1\r")  # 8E1 from now on
    settings = bench.port.channel.line_settings
    assert (settings.bytesize, settings.parity, settings.stopbits) == (8, "E", 1)
    answer_after(bench, len(OK) * 11 / 9600)
    answer_after(bench, len(OK) * 11 / 9600, b"AT+ICF=6\r")  # 7N1, parity omitted
    answer_after(bench, len(OK) * 9 / 9600)
    bench.port.channel.receive(b"AT+ICF?\r")
    bench.advance(1.0)
    assert bench.port.take() == "\r\n+ICF: 6,3\r\n" + OK


def test_what_flash_holds_is_read_back_as_line_settings():
    store = NVStore(None)
    assert stored_line_settings(store) == {}
    store.put(UART_KEY, {"ipr": [9600], "icf": [5, 1], "ifc": [2, 2]})
    assert stored_line_settings(store) == {"baudrate": 9600, "bytesize": 7, "parity": "E",
                                           "stopbits": 1}
    store.put(UART_KEY, {"ipr": [0], "icf": [9, 9]})  # autobaud; a damaged file
    assert stored_line_settings(store) == {}


def test_a_rate_and_framing_set_in_one_run_are_the_ports_in_the_next(tmp_path):
    scenario = scenario_with(tmp_path, modem("a", tcp(7001)))
    first = make_service(scenario, reactor=MemoryReactorClock(), seed=1, state_dir=tmp_path)
    first.startService()
    (a,) = first.modems
    channel = a.interpreters[0].channel
    assert channel.line_settings.baudrate == 115200  # the scenario's
    channel.receive(b"AT+IPR=9600;+ICF=2,1\r")
    first.stopService()

    again = make_service(scenario, reactor=MemoryReactorClock(), seed=1, state_dir=tmp_path)
    again.startService()
    (a,) = again.modems
    settings = a.interpreters[0].channel.line_settings
    assert (settings.baudrate, settings.bytesize, settings.parity) == (9600, 8, "E")
    again.stopService()
