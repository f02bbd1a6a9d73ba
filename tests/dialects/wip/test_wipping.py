"""+WIPPING (001 §7.1, 000 §8): the manuals' examples over lab hosts that answer (or not)."""

import ipaddress

import pytest

from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, PingSpec
from tests.dialects.wip.bench import OK, WipBench, cme, urc

A = ipaddress.IPv4Address
LAB = IpNetworkSpec(
    apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"), dns=(A("10.64.255.53"),)),),
    hosts=(HostSpec("192.168.0.1", ping=PingSpec(rtt=0.224)),
           HostSpec("slow.lab", address=A("192.0.2.9"), ping=PingSpec(rtt=0.880)),
           HostSpec("www.wavecom.com", address=A("192.0.2.10"), ping=PingSpec(enabled=False))),
    links=LinksSpec(default="ideal"),
)


def online(revision=None):
    bench = WipBench(revision=revision, ip=LAB)
    for line in ("+WIPCFG=1", "+WIPBR=1,6", "+WIPBR=4,6,0"):
        assert bench.at(line) == OK
    return bench


def after(bench, seconds):
    # In steps: task.Clock jumps to the end of an advance before running what falls due,
    # so a ping sent during one long advance would measure its round trip from its end.
    for _ in range(round(seconds / 0.001)):
        bench.advance(0.001)
    bench.advance(1e-6)  # past the rounding of a thousand small steps
    return bench.port.take()


def test_001_7_1_6_examples():
    bench = online()
    assert bench.at('+WIPPING="www.wavecom.com"') == OK
    assert after(bench, 2.0) == urc("+WIPPING: 1,0,0")  # timeout expired
    assert bench.at('+WIPPING="192.168.0.1"') == OK
    assert after(bench, 0.224) == urc("+WIPPING: 0,0,224")
    assert bench.at('+WIPPING="slow.lab",2,2000,1000') == OK
    assert after(bench, 0.880) == urc("+WIPPING: 0,0,880")
    assert after(bench, 2.0) == urc("+WIPPING: 0,1,880")
    assert bench.at('+WIPPING="slow.lab",2,2000,500') == OK
    assert after(bench, 3.0) == urc("+WIPPING: 1,0,0") + urc("+WIPPING: 1,1,0")


def test_000_8_6_examples_inverted_flag():
    bench = online("2.01")
    assert bench.at("+WIPPING=?") == OK
    assert bench.at("+WIPPING?") == OK
    assert bench.at('+WIPPING="www.wavecom.com"') == OK
    assert after(bench, 2.0) == urc("+WIPPING: 0,0,0")  # 000: 0 = timeout expired
    bench.at('+WIPPING="192.168.0.1"')
    assert after(bench, 1) == urc("+WIPPING: 1,0,224")


def test_unknown_name_times_out():
    bench = online()
    bench.at('+WIPPING="nowhere.lab",1,100,300')
    assert after(bench, 1) == urc("+WIPPING: 1,0,0")


@pytest.mark.parametrize(("line", "code"), [
    ('+WIPPING="192.168.0.1",0,100', 801),
    ('+WIPPING="192.168.0.1",1,0', 801),
    ('+WIPPING="192.168.0.1",1,100,70000', 801),
    ('+WIPPING="192.168.0.1",1,100,100,1501', 801),
    ('+WIPPING="192.168.0.1",1,100,100,64,256', 801),
])
def test_bad_values(line, code):
    bench = online()
    assert bench.at(line) == cme(code)


def test_ttl_zero_is_501_only():
    assert online().at('+WIPPING="192.168.0.1",1,100,100,64,0') == OK
    assert online("2.01").at('+WIPPING="192.168.0.1",1,100,100,64,0') == cme(801)


def test_ping_needs_a_started_bearer():
    bench = WipBench(ip=LAB)
    bench.at("+WIPCFG=1")
    assert bench.at('+WIPPING="192.168.0.1"') == cme(819)
