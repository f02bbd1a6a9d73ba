"""``AT#PING`` (002 §7.2) on a task.Clock: the lab's hosts answer after their round trip,
names resolve through DNSSERV1/DNSSERV2 or the link's DNS (decisions E81, E90)."""

from __future__ import annotations

import ipaddress

import pytest

from simulator.dialects.atsharp.link import Resource
from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, PingSpec
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error

A = ipaddress.IPv4Address
DNS = A("10.64.255.53")


def lab(**hosts_ping) -> IpNetworkSpec:
    return IpNetworkSpec(
        apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"), dns=(DNS,)),),
        hosts=(HostSpec("wavecom.com", address=A("192.0.2.7"), ping=PingSpec(rtt=0.9)),
               HostSpec("quiet.lab", address=A("192.0.2.8"), ping=PingSpec(enabled=False)),
               HostSpec("fast.lab", address=A("192.0.2.9"), ping=PingSpec(rtt=0.25))),
        links=LinksSpec(default="ideal"))


def alive(name: str, ms: int) -> str:
    return f' " {name} " is alive : time =  {ms} ms\r\n'


def online() -> EdsoftBench:
    bench = EdsoftBench(ip=lab())
    bench.link_up()
    return bench


def elapse(bench: EdsoftBench, seconds: float) -> str:
    """Simulated time in small steps (a timer fires on time, and what it schedules runs
    from then, not from the end of one big jump); what the port received meanwhile."""
    for _ in range(round(seconds / 0.05)):
        bench.clock.advance(0.05)
    return bench.port.take()


def run(bench: EdsoftBench, line: str = "#PING", seconds: float = 60) -> str:
    """The command, then simulated time until its end."""
    return bench.at(line) + elapse(bench, seconds)


def test_002_7_2_2_every_request_a_line_then_ok():
    bench = online()
    assert bench.at('#PINGREMOTE="wavecom.com"') == OK
    assert bench.at("#PINGNUM=10") == OK
    answer = run(bench)
    assert answer == "\r\n" + alive("wavecom.com", 900) * 10 + OK


def test_lines_come_as_the_replies_do_pingdelay_apart():
    bench = online()
    bench.at('#PINGREMOTE="fast.lab"')
    bench.at("#PINGNUM=3")
    bench.at("#PINGDELAY=2")
    assert bench.at("#PING") == ""
    assert elapse(bench, 0.5) == "\r\n" + alive("fast.lab", 250)  # lookup, round trip
    assert elapse(bench, 1.5) == ""
    assert elapse(bench, 0.5) == alive("fast.lab", 250)
    assert elapse(bench, 2) == alive("fast.lab", 250) + OK


def test_no_answer_from_a_host_that_does_not_answer_then_ok():
    bench = online()
    bench.at('#PINGREMOTE="quiet.lab"')
    bench.at("#PINGNUM=2")
    assert run(bench) == '\r\nNo answer from " quiet.lab "\r\nNo answer from " quiet.lab "\r\n' + OK


def test_an_address_is_pinged_as_typed():
    bench = online()
    bench.at('#PINGREMOTE="192.0.2.7"')
    bench.at("#PINGNUM=1")
    assert run(bench) == "\r\n" + alive("192.0.2.7", 900) + OK


def test_the_default_is_four_requests_and_the_link_is_free_again():
    bench = online()
    bench.at('#PINGREMOTE="fast.lab"')
    assert run(bench) == "\r\n" + alive("fast.lab", 250) * 4 + OK
    assert bench.edsoft.resources.held == frozenset()


@pytest.mark.parametrize("remote", ["nosuch.lab", "", "a..b", "x" * 64 + ".lab"])
def test_a_name_that_does_not_resolve_is_38027(remote):
    bench = online()
    bench.at(f'#PINGREMOTE="{remote}"')
    assert run(bench, seconds=20) == edsoft_error(38027)
    assert bench.at("#VPING").endswith(OK)  # the modem keeps answering


def test_dnsserv1_then_dnsserv2_when_the_first_does_not_answer():
    bench = online()
    bench.at('#PINGREMOTE="fast.lab"')
    bench.at("#PINGNUM=1")
    bench.at('#DNSSERV1="192.0.2.200"')  # nobody there
    assert run(bench, seconds=20) == edsoft_error(38027)
    bench.at(f'#DNSSERV2="{DNS}"')
    assert run(bench, seconds=20) == "\r\n" + alive("fast.lab", 250) + OK


def test_without_a_link_35867_and_with_the_stack_busy_37122():
    bench = EdsoftBench(ip=lab())
    bench.at('#PINGREMOTE="wavecom.com"')
    assert bench.at("#PING") == edsoft_error(35867)
    bench.link_up()
    assert bench.at("#PING") == ""
    elapse(bench, 10)
    claim = bench.edsoft.resources.claim(Resource.FTP)
    assert bench.at("#PING") == edsoft_error(37122)
    claim.release()


def test_the_link_going_ends_the_ping_with_its_code():
    bench = online()
    bench.at('#PINGREMOTE="wavecom.com"')
    bench.at("#PINGNUM=5")
    bench.at("#PING")
    assert elapse(bench, 1.5) == "\r\n" + alive("wavecom.com", 900)
    bench.edsoft.link.lost(35841)
    assert elapse(bench, 10) == edsoft_error(35841)
    assert bench.edsoft.resources.held == frozenset()
    assert bench.at("#PING") == edsoft_error(35867)


def test_bad_forms_are_34819():
    bench = online()
    for line in ("#PING=1", "#PING?", "#PING=?"):
        assert bench.at(line) == edsoft_error(34819)


def test_atv0_frames_the_lines_as_information_text():
    bench = online()
    bench.at('#PINGREMOTE="fast.lab"')
    bench.at("#PINGNUM=2")
    assert bench.at("V0") == "0\r"
    assert run(bench) == alive("fast.lab", 250) * 2 + "0\r"
