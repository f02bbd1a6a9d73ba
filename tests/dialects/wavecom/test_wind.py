"""``+WIND`` (WM_DEV_OAT_UGD_049 §7.1), a firmware command every Wavecom dialect has, here on
a modem hosting the test-only Open AT application: the command's forms byte for byte, the
level kept in flash, and the indications atsim produces on a task.Clock: start-up (3, 1, 4),
registration (7, 8), CSD calls between two modems (5, 6), and python-gsmmodem-new's use of it."""

import re

import pytest

from simulator.dialects.wavecom.wind import AT_READY_DELAY, SIM_DETECT_DELAY, SIM_INIT_DELAY
from simulator.modem.calls import CREATED, RELEASED, CallService
from simulator.modem.csd import RING_INTERVAL
from simulator.network.calls import NO_ANSWER_TIMEOUT, SETUP_DELAY
from simulator.scenario.model import SimSpec
from tests.dialects.wavecom.bench import (
    ERROR,
    OK,
    REGISTRATION,
    TwoModems,
    WavecomBench,
    cme,
    elapse,
    flashed,
    info,
    urc,
)


def booting(level: int, **kwargs) -> WavecomBench:
    """A modem just powered on with ``level`` in flash, nothing shown yet."""
    return WavecomBench(store=flashed(level), registered=False, **kwargs)


# -- the command -------------------------------------------------------------------------------


def test_forms():
    bench = WavecomBench()
    assert bench.at("+WIND?") == info("+WIND: 0")
    assert bench.at("+WIND=?") == info("+WIND: (0-32767)")
    assert bench.at("+WIND=255") == OK
    assert bench.at("+WIND?") == info("+WIND: 255")
    assert bench.at("+WIND=32767") == OK
    assert bench.at("+WIND?") == info("+WIND: 32767")
    assert bench.at("+WIND=0") == OK
    assert bench.at("+WIND?") == info("+WIND: 0")


@pytest.mark.parametrize("line", ["+WIND=32768", "+WIND=-1", "+WIND=abc", "+WIND=1,2",
                                  "+WIND=", "+WIND"])
def test_bad_parameters_answer_the_dialect_error_and_change_nothing(line):
    bench = WavecomBench()
    bench.at("+WIND=12")
    assert bench.at(line) == cme(3)
    assert bench.at("+WIND?") == info("+WIND: 12")
    assert bench.at("") == OK


def test_bad_parameter_with_cmee_0_is_error():
    bench = WavecomBench(cmee=0)
    assert bench.at("+WIND=70000") == ERROR
    assert bench.at("") == OK


def test_level_survives_a_restart_and_a_reset():
    bench = WavecomBench()
    assert bench.at("+WIND=255") == OK
    again = bench.restart()
    assert again.at("+WIND?") == info("+WIND: 255")
    assert again.at("+CFUN=1,1") == OK
    assert again.at("+WIND?") == info("+WIND: 255")


# -- start-up ----------------------------------------------------------------------------------


def test_power_on_shows_3_1_4_then_7_at_registration():
    bench = booting(255)
    assert bench.port.take() == ""
    elapse(bench.clock, AT_READY_DELAY)
    assert bench.port.take() == urc("+WIND: 3")
    elapse(bench.clock, SIM_DETECT_DELAY)
    assert bench.port.take() == urc("+WIND: 1")
    elapse(bench.clock, SIM_INIT_DELAY - SIM_DETECT_DELAY)
    assert bench.port.take() == urc("+WIND: 4")
    elapse(bench.clock, REGISTRATION - AT_READY_DELAY - SIM_INIT_DELAY)
    assert bench.port.take() == urc("+WIND: 7")
    elapse(bench.clock, 60)
    assert bench.port.take() == ""


def test_only_the_bits_set_show():
    bench = booting(8)  # bit 3: "ready to process all AT commands"
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 4")
    silent = booting(0)
    elapse(silent.clock, REGISTRATION)
    assert silent.port.take() == ""


def test_every_port_shows_them():
    bench = booting(4, ports=2)
    elapse(bench.clock, AT_READY_DELAY)
    assert [p.take() for p in bench.ports] == [urc("+WIND: 3")] * 2


def test_reset_with_cfun_shows_the_start_up_again_without_network_lost():
    bench = WavecomBench(store=flashed(255))
    bench.port.take()
    assert bench.at("+CFUN=1,1") == OK  # no +WIND: 8: the reset loses the network silently
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 3", "+WIND: 1", "+WIND: 4", "+WIND: 7")


def test_pin_locked_sim_ready_only_after_the_pin():
    bench = booting(255, sim=SimSpec(pin="1234"))
    elapse(bench.clock, 10)
    assert bench.port.take() == urc("+WIND: 3", "+WIND: 1")
    assert bench.at("+CPIN=1234") == OK
    elapse(bench.clock, SIM_INIT_DELAY)
    assert bench.port.take() == urc("+WIND: 4")
    elapse(bench.clock, REGISTRATION - SIM_INIT_DELAY)
    assert bench.port.take() == urc("+WIND: 7")


def test_no_sim_only_the_emergency_mode_indication():
    bench = booting(255, sim=SimSpec(present=False))
    elapse(bench.clock, 60)
    assert bench.port.take() == urc("+WIND: 3")


# -- registration ------------------------------------------------------------------------------


def test_network_lost_and_back():
    bench = WavecomBench(store=flashed(64 + 128))
    bench.port.take()
    assert bench.at("+CFUN=0") == OK + urc("+WIND: 8")
    assert bench.at("+CFUN=1") == OK
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 7")
    assert bench.at("+COPS=2") == OK + urc("+WIND: 8")
    assert bench.port.send(b"AT+COPS=0\r") == ""
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == OK + urc("+WIND: 7")


# -- calls between two modems ------------------------------------------------------------------

A_NUMBER, B_NUMBER = TwoModems.A_NUMBER, TwoModems.B_NUMBER


@pytest.fixture
def two():
    return TwoModems()


def test_csd_call_created_and_released_by_the_far_end(two):
    # The dialling port shows the new call at once, before the ATD's result.
    assert two.pa.send(f"ATD{B_NUMBER}\r".encode()) == urc("+WIND: 5,1")
    two.advance(SETUP_DELAY)
    assert two.pb.take() == urc("+WIND: 5,1", "RING")
    assert two.pb.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    two.pb.send(b"hello")
    two.advance(1)
    assert two.pa.take() == "hello"
    two.advance(1)
    two.pb.send(b"+++")
    two.advance(1.1)
    assert two.pb.take() == OK
    assert two.pb.send(b"ATH\r") == OK  # this side released it: no +WIND: 6 here
    two.advance(1)
    assert two.pa.take() == "\r\nNO CARRIER\r\n" + urc("+WIND: 6,1")
    two.advance(RING_INTERVAL)
    assert two.pb.take() == ""


def test_refused_call_released_for_the_caller_only(two):
    two.pa.send(f"ATD{B_NUMBER}\r".encode())
    two.advance(SETUP_DELAY)
    two.pb.take()
    assert two.pb.send(b"ATH\r") == OK
    two.advance(0)
    assert two.pa.take() == "\r\nBUSY\r\n" + urc("+WIND: 6,1")
    assert two.pb.take() == ""


def test_unanswered_call_released_on_both_sides(two):
    two.pa.send(f"ATD{B_NUMBER}\r".encode())
    two.advance(SETUP_DELAY)
    two.pb.take()
    two.advance(NO_ANSWER_TIMEOUT)
    assert two.pa.take() == "\r\nNO ANSWER\r\n" + urc("+WIND: 6,1")
    assert two.pb.take().endswith(urc("+WIND: 6,1"))


def test_a_second_call_is_numbered_1_again(two):
    for _ in range(2):
        assert two.pa.send(f"ATD{B_NUMBER}\r".encode()) == urc("+WIND: 5,1")
        two.advance(SETUP_DELAY)
        two.pb.take()
        two.pb.send(b"ATH\r")
        two.advance(0)
        assert two.pa.take() == "\r\nBUSY\r\n" + urc("+WIND: 6,1")


def test_call_bits_off_show_nothing():
    two = TwoModems(level=64 + 128)
    assert two.pa.send(f"ATD{B_NUMBER}\r".encode()) == ""
    two.advance(SETUP_DELAY)
    assert two.pb.take() == urc("RING")


def test_call_service_observers_hear_creation_and_who_released():
    two = TwoModems(level=0)
    heard = {"a": [], "b": []}
    two.a.service(CallService).on_call_event(
        lambda e: heard["a"].append((e.kind, e.call_id, e.remote, e.command is not None)))
    two.b.service(CallService).on_call_event(
        lambda e: heard["b"].append((e.kind, e.call_id, e.remote, e.command is not None)))
    two.pa.send(f"ATD{B_NUMBER}\r".encode())
    two.advance(SETUP_DELAY)
    two.pb.send(b"ATA\r")
    two.pa.channel.set_host_signals(dtr=False)  # the caller hangs up (&D2)
    two.advance(1)
    assert heard["a"] == [(CREATED, 1, False, True), (RELEASED, 1, False, False)]
    assert heard["b"] == [(CREATED, 1, True, False), (RELEASED, 1, True, False)]


# -- python-gsmmodem-new -----------------------------------------------------------------------


def test_python_gsmmodem_enables_call_updates_and_sees_them(two):
    """GsmModem.connect(): +WIND in +CLAC -> AT+WIND? (``int(line[7:])``) -> AT+WIND=50
    (bits 1, 4, 5); then its Wavecom table matches ``^\\+WIND: 5,(\\d)$`` and
    ``^\\+WIND: 6,(\\d)$``."""
    for port in (two.pa, two.pb):
        port.send(b"AT+WIND=0\r")
        port.take()
    pb = two.pb
    assert pb.send(b"ATZ\r") == OK
    assert pb.send(b"ATE0\r") == "ATE0\r" + OK
    assert pb.send(b"AT+CFUN?\r") == info("+CFUN: 1")
    assert pb.send(b"AT+CMEE=1\r") == OK
    assert pb.send(b"AT+CPIN?\r") == info("+CPIN: READY")
    clac = pb.send(b"AT+CLAC\r")
    assert "\r\nAT+WIND\r\n" in clac and clac.endswith(OK)  # its removeAtPrefix: +WIND
    wind = pb.send(b"AT+WIND?\r")
    line = next(x for x in wind.split("\r\n") if x.startswith("+WIND:"))
    assert int(line[7:]) == 0
    assert pb.send(b"AT+WIND=50\r") == OK
    assert pb.send(b"AT+WIND?\r") == info("+WIND: 50")

    two.pa.send(f"ATD{B_NUMBER}\r".encode())
    two.advance(SETUP_DELAY)
    shown = pb.take().split("\r\n")
    assert shown == ["", "+WIND: 5,1", "", "RING", ""]
    assert re.match(r"^\+WIND: 5,(\d)$", shown[1]).group(1) == "1"
    two.advance(NO_ANSWER_TIMEOUT)
    ended = [x for x in pb.take().split("\r\n") if x.startswith("+WIND")]
    assert ended == ["+WIND: 6,1"]
    assert re.match(r"^\+WIND: 6,(\d)$", ended[0]).group(1) == "1"
    assert pb.send(b"AT\r") == OK
