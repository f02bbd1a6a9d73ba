"""Host names a DNS query cannot carry: the resolver refuses them as names that are not
found, at once, without sending a query and without raising."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.ipstack.apps import AppError, AppFailure
from simulator.ipstack.apps.dns import resolve
from simulator.ipstack.dns import MAX_NAME, DnsClient, query_name
from simulator.ipstack.sockets import TcpSocket, UdpSocket
from simulator.network.errors import Reason, RouteError
from tests.ipstack.helpers import Events, advance, bearer, network, result_of
from tests.network.helpers import host

BAD_NAMES = ["a..b", "a" * 64 + ".lab", ".", "..", ".lab", "x" * 63 + "." + "y" * 63 + "."
             + "z" * 63 + "." + "w" * 63 + ".lab", "bad\udcffname.lab", ""]


def reason(failure) -> Reason:
    failure.trap(RouteError)
    return failure.value.reason


@pytest.mark.parametrize("name", BAD_NAMES)
def test_query_name_refuses_what_no_query_carries(name):
    assert query_name(name) is None


def test_query_name_keeps_good_names():
    assert query_name("www.lab.") == b"www.lab"
    assert query_name("a" * 63 + ".lab") == b"a" * 63 + b".lab"
    assert query_name("bücher.lab") == b"xn--bcher-kva.lab"


@given(st.text(max_size=300))
def test_query_name_is_none_or_a_name_of_valid_labels(name):
    encoded = query_name(name)
    if encoded is not None:
        assert 0 < len(encoded) <= MAX_NAME
        assert all(0 < len(label) <= 63 for label in encoded.split(b"."))


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_bad_name_fails_as_not_found_without_a_query(name):
    net, clock = network(host("www.lab", "echo"))
    b = bearer(net, clock)
    sent = []
    b.open_udp = lambda *a: sent.append(a)  # a query would open a port first
    d = DnsClient(b).resolve(name)
    assert reason(result_of(d)) is Reason.NAME_NOT_FOUND
    assert sent == []


@pytest.mark.parametrize("name", BAD_NAMES[:2])
def test_sockets_and_app_lookups_see_the_same_failure(name):
    net, clock = network(host("www.lab", "echo"))
    b = bearer(net, clock)
    events = Events()
    tcp = TcpSocket(b, events)
    d = tcp.connect(name, 7)
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.NAME_NOT_FOUND
    assert events.events == [("error", tcp, Reason.NAME_NOT_FOUND)]

    events = Events()
    udp = UdpSocket(b, events)
    d = udp.open(5000, (name, 7))
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.NAME_NOT_FOUND
    assert events.events == [("error", udp, Reason.NAME_NOT_FOUND)]
    # The failed open keeps no port: 5000 can be bound again.
    again = UdpSocket(b, Events())
    assert result_of(again.open(5000)) is again

    failure = result_of(resolve(b, name))
    failure.trap(AppError)
    assert failure.value.reason is AppFailure.NAME_NOT_FOUND
