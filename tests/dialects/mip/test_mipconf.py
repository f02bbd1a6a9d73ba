"""+MIPCONF (003 §1.1.13) and +MIPKEEPCONF (§1.1.14) on task.Clock: the values read back as
written, and what they do to a connection whose path goes silent (the modem's link down):
retransmissions given up, keep-alive probes unanswered, a close that cannot finish, and the
acknowledged-byte count of the indication feature."""

import pytest

from simulator.dialects.mip.service import MipService
from simulator.modem.storage import NVStore
from simulator.network.tcp_timers import Retransmission
from tests.dialects.mip.bench import MipBench, cme, info, urc
from tests.modem.bench import OK

DEFAULTS = [f"+MIPCONF: {n},5,5,600,75,0" for n in range(1, 7)]
DEFAULT_LINES = info(*DEFAULTS)


def online(**kw) -> MipBench:
    bench = MipBench(**kw)
    bench.online()
    bench.at("+CMEE=1")
    return bench


def open_echo(bench: MipBench, sid: int = 1) -> None:
    assert bench.at(f'+MIPOPEN={sid},,"echo.lab",7,0') + bench.settle() == OK + urc(
        f"+MIPOPEN: {sid},1")


def link(bench: MipBench):
    return bench.network.link("nl668")


def socket(bench: MipBench, sid: int = 1):
    return bench.modem.service(MipService).stack.sockets[sid]


# -- +MIPCONF: the values ------------------------------------------------------------------


def test_mipconf_reads_the_defaults_of_every_socket():
    bench = MipBench()
    assert bench.at("+MIPCONF?") == DEFAULT_LINES
    assert bench.at("+MIPCONF=?") == info(
        "+MIPCONF: (1-6),(1-12),(1-10),(10-600),(1-75),(0-2)")


def test_mipconf_needs_the_link():
    bench = MipBench()
    bench.at("+CMEE=1")
    assert bench.at("+MIPCONF=1,3") == cme(2031)


def test_mipconf_changes_what_is_given_and_keeps_the_rest():
    bench = online()
    assert bench.at("+MIPCONF=2,3,,,20") == OK
    assert bench.at("+MIPCONF=2,,10,100") == OK
    assert bench.at("+MIPCONF=6,12,1,10,1,2") == OK
    assert bench.at("+MIPCONF?") == (
        DEFAULT_LINES.replace("+MIPCONF: 2,5,5,600,75,0", "+MIPCONF: 2,3,10,100,20,0")
        .replace("+MIPCONF: 6,5,5,600,75,0", "+MIPCONF: 6,12,1,10,1,2"))


@pytest.mark.parametrize("line, code", [
    ("+MIPCONF=7,3", 2003), ("+MIPCONF=0", 2003), ("+MIPCONF=1,13", 2000),
    ("+MIPCONF=1,0", 2000), ("+MIPCONF=1,,11", 2000), ("+MIPCONF=1,,,9", 2000),
    ("+MIPCONF=1,,,601", 2000), ("+MIPCONF=1,,,,76", 2000), ("+MIPCONF=1,,,,,3", 2000),
    ("+MIPCONF=1,1,1,10,1,0,0", 2000), ("+MIPCONF=1,x", 2000), ("+MIPCONF=", 2000),
])
def test_mipconf_values_out_of_range(line, code):
    bench = online()
    assert bench.at(line) == cme(code)
    assert bench.at("+MIPCONF?") == DEFAULT_LINES


def test_mipconf_lasts_until_power_off():
    bench = online()
    bench.at("+MIPCONF=1,7")
    bench.at("+MIPCALL=0")
    bench.settle()
    assert "+MIPCONF: 1,7,5,600,75,0" in bench.at("+MIPCONF?")
    bench.modem.power_off()
    bench.modem.power_on()
    bench.settle(5)
    bench.at("E0")
    assert bench.at("+MIPCONF?") == DEFAULT_LINES


def test_the_give_up_time_adds_every_doubling_timeout():
    assert Retransmission(5, 0.5, 60.0).give_up == 0.5 + 1 + 2 + 4 + 8 + 16
    assert Retransmission(12, 0.5, 60.0).give_up == 0.5 + 1 + 2 + 4 + 8 + 16 + 32 + 6 * 60


# -- +MIPCONF: applied ---------------------------------------------------------------------


def test_data_the_peer_no_longer_acknowledges_is_given_up_after_the_retransmissions():
    bench = online()
    assert bench.at("+MIPCONF=1,2,1,10") == OK  # 0.1 s, 0.2 s, 0.4 s: given up at 0.7 s
    open_echo(bench)
    link(bench).down()
    bench.at('+MIPSEND=1,"414243"')
    assert bench.at("+MIPPUSH=1") == info("+MIPPUSH: 1,0,3")
    assert bench.settle(0.69) == ""
    assert bench.settle(0.02) == urc("+MIPSTAT: 1,1")
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")


def test_the_default_retransmissions_last_31_5_seconds():
    bench = online()
    open_echo(bench)
    link(bench).down()
    bench.at('+MIPSEND=1,"41"')
    bench.at("+MIPPUSH=1")
    assert bench.settle(31.4, step=0.1) == ""
    assert bench.settle(0.2) == urc("+MIPSTAT: 1,1")


def test_a_link_that_comes_back_in_time_keeps_the_connection():
    bench = online()
    bench.at("+MIPCONF=1,2,1,10")
    open_echo(bench)
    link(bench).down()
    bench.at('+MIPSEND=1,"41"')
    bench.at("+MIPPUSH=1")
    bench.settle(0.5)
    link(bench).up()
    assert bench.settle(2) == urc("+MIPRTCP: 1,0,41")


def test_the_indication_adds_the_acknowledged_bytes_to_mipclose_and_mipstat():
    bench = online()
    bench.at("+MIPCONF=1,,,,,1")
    bench.at("+MIPCONF=2,2,1,10,,2")
    open_echo(bench, 1)
    open_echo(bench, 2)
    for sid in (1, 2):
        bench.at(f'+MIPSEND={sid},"313233343536"')
        bench.at(f"+MIPPUSH={sid}")
    bench.settle()
    assert bench.at("+MIPCLOSE=1") == OK + urc("+MIPCLOSE: 1,6,0")
    link(bench).down()
    bench.at('+MIPSEND=2,"3738"')
    bench.at("+MIPPUSH=2")
    assert bench.settle(1) == urc("+MIPSTAT: 2,1,6")


def test_a_close_that_cannot_finish_is_reset_after_the_close_delay():
    bench = online()
    bench.at("+MIPCONF=1,,,,5")  # 500 ms
    open_echo(bench)
    tcp = socket(bench).tcp
    link(bench).down()
    bench.at('+MIPSEND=1,"41"')
    bench.at("+MIPPUSH=1")
    assert bench.at("+MIPCLOSE=1") == OK + urc("+MIPCLOSE: 1,0")
    bench.settle(0.45)
    assert tcp.state.value == "connected"
    bench.settle(0.1)
    assert tcp.state.value == "closed"


# -- +MIPKEEPCONF --------------------------------------------------------------------------


def test_mipkeepconf_reads_back_and_tests():
    bench = MipBench()
    bench.at("+CMEE=1")
    assert bench.at("+MIPKEEPCONF?") == info("+MIPKEEPCONF: 0")
    assert bench.at("+MIPKEEPCONF=?") == info("+MIPKEEPCONF: (0-1),(1-36000),(1-750),(1-50)")
    assert bench.at("+MIPKEEPCONF=1,7200,65,9") == OK
    assert bench.at("+MIPKEEPCONF?") == info("+MIPKEEPCONF: 1,7200,65,9")
    assert bench.at("+MIPKEEPCONF=0") == OK
    assert bench.at("+MIPKEEPCONF?") == info("+MIPKEEPCONF: 0")


@pytest.mark.parametrize("line", [
    "+MIPKEEPCONF=1", "+MIPKEEPCONF=1,10,5", "+MIPKEEPCONF=0,10,5,3", "+MIPKEEPCONF=2",
    "+MIPKEEPCONF=1,0,5,3", "+MIPKEEPCONF=1,36001,5,3", "+MIPKEEPCONF=1,10,751,3",
    "+MIPKEEPCONF=1,10,5,51", "+MIPKEEPCONF=1,10,5,0", "+MIPKEEPCONF=", "+MIPKEEPCONF=1,,5,3",
])
def test_mipkeepconf_bad_values(line):
    bench = MipBench()
    bench.at("+CMEE=1")
    assert bench.at(line) == cme(2000)
    assert bench.at("+MIPKEEPCONF?") == info("+MIPKEEPCONF: 0")


def test_mipkeepconf_is_kept_in_flash_across_a_restart(tmp_path):
    store = tmp_path / "nl668.json"
    bench = MipBench(store=NVStore(store))
    assert bench.at("+MIPKEEPCONF=1,30,10,4") == OK
    bench.modem.power_off()
    again = MipBench(store=NVStore(store))
    assert again.at("+MIPKEEPCONF?") == info("+MIPKEEPCONF: 1,30,10,4")


def test_keepalive_probes_find_a_silent_path_after_idle_plus_count_intervals():
    bench = online()
    bench.at("+MIPKEEPCONF=1,10,5,3")
    open_echo(bench)  # connected at the start of its 1 s settle: the idle time runs since
    link(bench).down()
    assert bench.settle(23.8, step=0.1) == ""  # probes at 10, 15, 20 s unanswered
    assert bench.settle(0.4) == urc("+MIPSTAT: 1,1")  # 25 s after the last traffic


def test_answered_probes_keep_an_idle_connection():
    bench = online()
    bench.at("+MIPKEEPCONF=1,10,5,3")
    open_echo(bench)
    assert bench.settle(100, step=0.5) == ""
    assert bench.at("+MIPCLOSE?") == info("+MIPCLOSE: 1")


def test_traffic_restarts_the_idle_time():
    bench = online()
    bench.at("+MIPKEEPCONF=1,10,5,1")
    open_echo(bench)
    bench.settle(8)
    bench.at('+MIPSEND=1,"41"')
    bench.at("+MIPPUSH=1")
    bench.settle(0.5)
    link(bench).down()
    # Idle from about 8 s: the probe goes at 18 s, and the connection ends 5 s later.
    assert bench.settle(14, step=0.1) == ""
    assert bench.settle(1) == urc("+MIPSTAT: 1,1")


def test_without_keepalive_a_silent_idle_connection_stays():
    bench = online()
    open_echo(bench)
    link(bench).down()
    assert bench.settle(1000, step=1) == ""


def test_switching_keepalive_on_applies_to_open_sockets():
    bench = online()
    open_echo(bench)
    link(bench).down()
    bench.settle(100, step=1)
    bench.at("+MIPKEEPCONF=1,1,1,1")
    assert bench.settle(2.1) == urc("+MIPSTAT: 1,1")


def test_an_open_that_fails_shows_no_count():
    bench = online()
    bench.at("+MIPCONF=1,,,,,2")
    assert bench.at('+MIPOPEN=1,,"echo.lab",4444,0') + bench.settle() == OK + urc(
        "+MIPSTAT: 1,1")
