"""The IP link the services run on and the stack's one-thing-at-a-time rule (002 §1.6;
decisions E31 and E32)."""

import ipaddress

import pytest

from simulator.dialects.atsharp.codes import AtSharpError
from simulator.dialects.atsharp.link import (
    NO_LINK,
    STACK_BUSY,
    IpLink,
    LinkKind,
    Resource,
    StackResources,
)
from simulator.network.spec import ApnSpec, IpNetworkSpec
from tests.dialects.edsoft.bench import EdsoftBench


def code_of(excinfo) -> int:
    return excinfo.value.code


def test_without_a_link_a_service_fails_with_35867():
    link = IpLink()
    with pytest.raises(AtSharpError) as excinfo:
        link.require()
    assert code_of(excinfo) == NO_LINK == 35867


def test_the_services_hear_the_link_go_once():
    link, heard = IpLink(), []
    link.on_down(heard.append)
    link.lost(35841)  # not up: nothing to tell
    link.established(object(), LinkKind.GPRS, "10.0.0.1")
    assert link.up and link.kind is LinkKind.GPRS
    link.lost(35841)
    link.lost(35841)
    assert heard == [35841] and not link.up and link.peer_address is None


def test_only_the_two_tcp_sockets_share_the_stack():
    stack = StackResources()
    tcp1 = stack.claim(Resource.TCP1)
    tcp2 = stack.claim(Resource.TCP2)
    for other in (Resource.TCP1, Resource.UDP, Resource.FTP, Resource.MAIL, Resource.PING):
        with pytest.raises(AtSharpError) as excinfo:
            stack.claim(other)
        assert code_of(excinfo) == STACK_BUSY == 37122
    tcp1.release()
    tcp2.release()
    tcp2.release()
    ping = stack.claim(Resource.PING)
    with pytest.raises(AtSharpError):
        stack.claim(Resource.TCP1)
    ping.release()
    assert stack.held == frozenset()


def test_a_bench_link_is_a_network_bearer_and_goes_with_the_module():
    apn = ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"))
    bench = EdsoftBench(ip=IpNetworkSpec(apns=(apn,)))
    bench.link_up()
    link = bench.edsoft.link
    assert link.up and ipaddress.IPv4Address(link.require().address) in apn.pool
    heard = []
    link.on_down(heard.append)
    bench.modem.power_off()
    assert heard == [None] and not link.up
