"""+WIPBR (001 §4.2, 000 §5): the manuals' examples byte for byte, GPRS over the network's
APN activation, GSM over its data calls, flash storage, and bad input."""

import ipaddress

import pytest

from simulator.modem.storage import NVStore
from simulator.network.spec import ApnSpec, IpNetworkSpec, IspSpec, NumberSpec
from simulator.scenario.model import SimSpec
from tests.dialects.wip.bench import ERROR, OK, WipBench, cme, info

DNS = (ipaddress.IPv4Address("10.64.255.53"), ipaddress.IPv4Address("10.64.255.54"))


def apn(name="*", **fields):
    return ApnSpec(name, ipaddress.IPv4Network("10.64.0.0/16"), dns=DNS, **fields)


LAB = IpNetworkSpec(apns=(apn(),))


def started(revision=None, ip=LAB, **fields):
    bench = WipBench(revision=revision, ip=ip, **fields)
    assert bench.at("+WIPCFG=1") == OK
    return bench


def test_001_4_2_6_gprs_examples():
    bench = started()
    assert bench.at("+WIPBR?") == OK  # "No bearer has been opened yet"
    assert bench.at("+WIPBR=1,6") == OK
    assert bench.at('+WIPBR=2,6,11,"APN name"') == OK
    assert bench.at("+WIPBR=3,6,11") == info('+WIPBR: 6,11,"APN name"')
    assert bench.at("+WIPBR=4,6,0") == OK
    assert bench.at("+WIPBR?") == info("6,1")
    assert bench.at("+WIPBR=5,6") == OK
    assert bench.at("+WIPBR?") == info("6,0")
    assert bench.at("+WIPBR=0,6") == OK
    assert bench.at("+WIPBR?") == OK


def test_001_4_2_6_gsm_examples_before_the_call():
    bench = started()
    assert bench.at("+WIPBR=1,5") == OK
    assert bench.at('+WIPBR=2,5,0,"login"') == OK
    assert bench.at('+WIPBR=2,5,1,"password"') == OK
    assert bench.at('+WIPBR=2,5,2,"phonenumber"') == OK
    assert bench.at('+WIPBR=2,5,15,"1.1.1.1"') == OK
    assert bench.at('+WIPBR=2,5,16,"2.2.2.2"') == OK
    # "Local IP address is not set as GSM bearer is still not connected"
    assert bench.at("+WIPBR=3,5,15") == info('+WIPBR: 5,15,"0.0.0.0"')
    assert bench.at("+WIPBR=3,5,16") == info('+WIPBR: 5,16,"0.0.0.0"')
    assert bench.at("+WIPBR=3,5,0") == info('+WIPBR: 5,0,"login"')
    assert bench.at("+WIPBR=0,5") == OK


def test_000_5_6_examples():
    bench = started("2.01")
    assert bench.at("+WIPBR?") == OK
    assert bench.at("+WIPBR=1,6") == OK
    assert bench.at('+WIPBR=2,6,11,"APN name"') == OK
    assert bench.at("+WIPBR=3,6,11") == info('+WIPBR: 6,11,"APN name"')
    # 000 starts with "AT+WIPBR=4,6" although <mode> is mandatory: that is ERROR here.
    assert bench.at("+WIPBR=4,6") == ERROR
    assert bench.at("+WIPBR=4,6,0") == OK
    assert bench.at("+WIPBR?") == info("6,1")
    assert bench.at("+WIPBR=5,6") == OK
    assert bench.at("+WIPBR=0,6") == OK


def test_gprs_start_waits_for_the_activation_delay():
    bench = started(ip=IpNetworkSpec(apns=(apn(activation_delay=3.0),)))
    bench.at("+WIPBR=1,6")
    assert bench.at("+WIPBR=4,6,0") == ""
    bench.advance(2.9)
    assert bench.port.take() == ""
    bench.advance(0.1)
    assert bench.port.take() == OK


def test_started_gprs_bearer_reports_its_addresses():
    bench = started()
    bench.at("+WIPBR=1,6")
    bench.at("+WIPBR=4,6,0")
    local = bench.at("+WIPBR=3,6,15")
    assert local.startswith('\r\n+WIPBR: 6,15,"10.64.') and local.endswith(OK)
    assert bench.at("+WIPBR=3,6,17") == info('+WIPBR: 6,17,"10.64.255.53"')
    assert bench.at("+WIPBR=3,6,18") == info('+WIPBR: 6,18,"10.64.255.54"')
    bench.at("+WIPBR=5,6")
    assert bench.at("+WIPBR=3,6,15") == info('+WIPBR: 6,15,"0.0.0.0"')


@pytest.mark.parametrize(("ip", "sim", "code"), [
    (IpNetworkSpec(apns=(apn("other"),)), None, 812),  # unknown APN
    (IpNetworkSpec(apns=(apn(user="u", password="p"),)), None, 814),
    (IpNetworkSpec(apns=(apn(failure_probability=1.0),)), None, 812),
    (None, None, 812),  # a modem without a network
    (LAB, SimSpec(present=False), 810),
    (LAB, SimSpec(pin="1234"), 811),
])
def test_gprs_start_failures(ip, sim, code):
    bench = started(ip=ip, sim=sim)
    bench.at("+WIPBR=1,6")
    assert bench.at("+WIPBR=4,6,0") == cme(code)
    assert bench.at("+WIPBR?") == info("6,0")
    assert bench.at("+WIPBR=3,6,15") == info('+WIPBR: 6,15,"0.0.0.0"')


def test_gprs_credentials_come_from_the_bearer_options():
    bench = started(ip=IpNetworkSpec(apns=(apn("internet", user="u", password="p"),)))
    bench.at("+WIPBR=1,6")
    bench.at('+WIPBR=2,6,11,"internet"')
    bench.at('+WIPBR=2,6,0,"u"')
    bench.at('+WIPBR=2,6,1,"wrong"')
    assert bench.at("+WIPBR=4,6,0") == cme(814)
    bench.at('+WIPBR=2,6,1,"p"')
    assert bench.at("+WIPBR=4,6,0") == OK


def test_gprs_start_needs_registration():
    bench = started(registered=False)
    bench.at("+WIPBR=1,6")
    assert bench.at("+WIPBR=4,6,0") == cme(812)


def test_network_release_stops_the_bearer():
    bench = started()
    bench.at("+WIPBR=1,6")
    bench.at("+WIPBR=4,6,0")
    (connection,) = bench.network.bearers("wip1")
    connection.release(by_network=True)
    assert bench.at("+WIPBR?") == info("6,0")
    assert bench.at("+WIPBR=4,6,0") == OK  # and it can start again


def test_stop_and_close_release_the_pdp_context():
    bench = started()
    bench.at("+WIPBR=1,6")
    bench.at("+WIPBR=4,6,0")
    assert len(bench.network.bearers("wip1")) == 1
    assert bench.at("+WIPBR=0,6") == OK  # closing a started bearer stops it
    assert bench.network.bearers("wip1") == []
    bench.at("+WIPBR=1,6")
    bench.at("+WIPBR=4,6,0")
    assert bench.at("+WIPCFG=0") == OK  # stopping the stack closes every bearer
    assert bench.network.bearers("wip1") == []
    bench.at("+WIPCFG=1")
    assert bench.at("+WIPBR?") == OK


@pytest.mark.parametrize(("number", "code"), [
    ("", 809),
    ("+33699999999", 809),  # no such number
    ("0800", 814),  # an ISP refusing the empty default login (tests: test_gsm_bearer.py)
])
def test_gsm_start_outcomes(number, code):
    ip = IpNetworkSpec(apns=(apn(),), numbers=(NumberSpec("0800", isp=IspSpec("a", "b")),))
    bench = started(ip=ip)
    bench.at("+WIPBR=1,5")
    bench.at(f'+WIPBR=2,5,2,"{number}"')
    answer = bench.at("+WIPBR=4,5,0")
    for _ in range(100):  # 10 s in small steps: PPP takes round trips over the call
        bench.advance(0.1)
    assert answer + bench.port.take() == cme(code)
    assert bench.at("+WIPBR?") == info("5,0")


def test_only_one_bearer_started_at_a_time():
    bench = started()
    bench.at("+WIPBR=1,6")
    bench.at("+WIPBR=1,5")
    assert bench.at("+WIPBR?") == info("5,0", "6,0")
    bench.at("+WIPBR=4,6,0")
    assert bench.at("+WIPBR=4,5,0") == cme(803)
    assert bench.at("+WIPBR=4,6,0") == cme(803)  # already started


@pytest.mark.parametrize(("line", "code"), [
    ("+WIPBR=7,6", 800),  # no such cmdtype
    ("+WIPBR=1,7", 800),  # no such bearer
    ("+WIPBR=4,1,0", 803),  # UART1 is not open (opening it: test_uart_bearer.py)
    ("+WIPBR=1,3", 805),  # N/A in v5.01
    ("+WIPBR=1,6", 804),  # already open
    ("+WIPBR=2,6,3,1", 800),  # reserved option
    ("+WIPBR=2,6,21,1", 800),
    ("+WIPBR=2,6,12,5", 801),  # CID 1-4
    ("+WIPBR=2,6,7,2", 801),
    ('+WIPBR=2,6,15,"1.2.3"', 801),
    ('+WIPBR=2,6,11,"' + "a" * 97 + '"', 801),  # APN longer than 96
    ("+WIPBR=2,5,0,1", 803),  # GSM is not open
    ("+WIPBR=5,6", 803),  # not started
    ("+WIPBR=4,6,2", 801),
    ('+WIPBR=4,6,1,"l","p"', 806),  # GPRS has no server mode
    ("+WIPBR=6,6,2", 801),
    ("+WIPBR=6,5,1", 803),  # storing a bearer that is not open
])
def test_bad_input(line, code):
    bench = started()
    bench.at("+WIPBR=1,6")
    assert bench.at(line) == cme(code)
    assert bench.at("+WIPBR?") == info("6,0")


@pytest.mark.parametrize("line", [
    "+WIPBR=1", "+WIPBR=1,6,0", "+WIPBR=2,6,11", "+WIPBR=3,6", "+WIPBR=4,6,0,1",
    "+WIPBR=5,6,1", "+WIPBR=6,6", "+WIPBR=x,6", "+WIPBR=2,6,7,yes",
])
def test_syntax_errors(line):
    bench = started()
    bench.at("+WIPBR=1,6")
    assert bench.at(line) == ERROR


def test_cid_range_and_bid_3_in_201():
    bench = started("2.01")
    assert bench.at("+WIPBR=1,3") == cme(805)  # USB: a PPP bearer
    bench.at("+WIPBR=1,6")
    assert bench.at("+WIPBR=2,6,12,200") == OK
    assert bench.at('+WIPBR=2,6,11,"' + "a" * 200 + '"') == OK  # no length limits


def test_bearers_need_the_stack():
    bench = WipBench(ip=LAB)
    assert bench.at("+WIPBR=1,6") == cme(803)
    assert bench.at("+WIPBR?") == OK
    assert bench.at("+WIPBR=?") == OK


def test_stored_bearer_configuration_survives_a_restart(tmp_path):
    path = tmp_path / "wip1.json"
    bench = WipBench(ip=LAB, store=NVStore(path))
    bench.at("+WIPCFG=1")
    bench.at("+WIPBR=1,6")
    bench.at('+WIPBR=2,6,11,"stored.apn"')
    assert bench.at("+WIPBR=6,6,1") == OK
    bench.at('+WIPBR=2,6,11,"later"')
    assert bench.at("+WIPBR=6,6,1") == OK  # storing twice keeps the last set
    again = WipBench(ip=LAB, store=NVStore(path))
    again.at("+WIPCFG=1")
    again.at("+WIPBR=1,6")
    assert again.at("+WIPBR=3,6,11") == info('+WIPBR: 6,11,"later"')
    assert again.at("+WIPBR=6,6,0") == OK
    again.at("+WIPBR=0,6")
    again.at("+WIPBR=1,6")
    assert again.at("+WIPBR=3,6,11") == info('+WIPBR: 6,11,""')


def test_a_second_port_can_stop_a_start_in_progress():
    bench = WipBench(ip=IpNetworkSpec(apns=(apn(activation_delay=10.0),)), ports=2)
    a, b = bench.ports
    a.at("+WIPCFG=1")
    a.at("+WIPBR=1,6")
    assert a.at("+WIPBR=4,6,0") == ""
    assert b.at("+WIPBR=5,6") == OK
    assert a.take() == cme(803)
    bench.advance(20)
    assert a.take() == "" and b.at("+WIPBR?") == info("6,0")
