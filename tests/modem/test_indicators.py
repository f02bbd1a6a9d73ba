"""+CIND (27.007 §8.9) and +CMER (§8.10) with +CIEV: the forms byte for byte, per-channel
settings, and the indicator events that registration, roaming and signal changes cause."""

import pytest

from simulator.faults import Injector, make_fault
from simulator.modem.indicators import signal_bars
from tests.modem.bench import DELAY, OK, Bench, cme, info, urc


def fault(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


def test_forms():
    bench = Bench(registered=True)
    assert bench.at("+CIND=?") == info(
        '+CIND: ("battchg",(0-5)),("signal",(0-5)),("service",(0-1)),("roam",(0-1))')
    assert bench.at("+CIND?") == info("+CIND: 5,4,1,0")  # 100 %, rssi 20, home
    assert bench.at("+CMER=?") == info("+CMER: (0,3),(0),(0),(0-2),(0)")
    assert bench.at("+CMER?") == info("+CMER: 0,0,0,0,0")
    assert bench.at("+CMER=3,0,0,2") == OK
    assert bench.at("+CMER?") == info("+CMER: 3,0,0,2,0")
    assert bench.at("+CMER=,,,0") == OK  # omitted parameters keep their values
    assert bench.at("+CMER?") == info("+CMER: 3,0,0,0,0")


@pytest.mark.parametrize("line", ["+CMER=1", "+CMER=3,1", "+CMER=3,0,0,3", "+CMER=3,0,0,1,1"])
def test_bad_cmer_values_change_nothing(line):
    bench = Bench(registered=True)
    assert bench.at("+CMEE=1") == OK
    assert bench.at(line) == cme(50)
    assert bench.at("+CMER?") == info("+CMER: 0,0,0,0,0")


def test_no_indicator_is_the_hosts_to_set():
    bench = Bench(registered=True)
    assert bench.at("+CMEE=1") == OK
    assert bench.at("+CIND=1") == cme(3)


def test_not_registered_no_signal_no_service():
    bench = Bench(registered=False)
    assert bench.at("+CIND?") == info("+CIND: 5,0,0,0")


def test_signal_fault_shows_ciev_where_cmer_asks_for_it():
    bench = Bench(registered=True, ports=2)
    first, second = bench.ports
    assert first.at("+CMER=3,0,0,1") == OK
    assert second.at("+CMER=0,0,0,1") == OK  # buffered in the TA, never forwarded
    handle = fault(bench, "signal", {"rssi": 5})
    assert first.take() == urc("+CIEV: 2,1")
    assert second.take() == ""
    assert first.at("+CIND?") == info("+CIND: 5,1,1,0")
    handle.undo()
    assert first.take() == urc("+CIEV: 2,4")


def test_a_fading_signal_shows_each_change_of_bars_once():
    bench = Bench(registered=True)
    assert bench.at("+CMER=3,0,0,1") == OK
    fault(bench, "signal", {"rssi": 8, "over": 12.0})  # 20 -> 8, one unit a second
    shown = ""
    for _ in range(12):
        bench.advance(1)
        shown += bench.port.take()
    assert shown == urc("+CIEV: 2,3", "+CIEV: 2,2")


def test_service_and_roaming_indicators_follow_registration():
    bench = Bench(registered=True)
    assert bench.at("+CMER=3,0,0,2") == OK
    roaming = fault(bench, "roaming")
    assert bench.port.take() == urc("+CIEV: 4,1")
    roaming.undo()
    assert bench.port.take() == urc("+CIEV: 4,0")
    outage = fault(bench, "deregister")
    assert bench.port.take() == urc("+CIEV: 2,0", "+CIEV: 3,0")
    outage.undo()
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CIEV: 2,4", "+CIEV: 3,1")


def test_ind_0_shows_nothing():
    bench = Bench(registered=True)
    assert bench.at("+CMER=3,0,0,0") == OK
    fault(bench, "signal", {"rssi": 5})
    assert bench.port.take() == ""


@pytest.mark.parametrize(("rssi", "bars"), [(99, 0), (0, 0), (1, 1), (6, 1), (7, 2),
                                             (20, 4), (25, 5), (31, 5)])
def test_signal_bars(rssi, bars):
    assert signal_bars(rssi) == bars
