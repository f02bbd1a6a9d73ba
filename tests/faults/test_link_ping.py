"""A ``link`` fault narrowed to a host on ICMP echo: the request and the reply cross the
narrowed path's figures, other hosts are untouched, and a port-narrowed fault leaves ICMP
alone (it has no port).  On task.Clock, no reactor."""

import random
import types

from twisted.internet.task import Clock

from simulator.faults import Injector, make_fault
from simulator.network import Network
from simulator.network.errors import RouteError
from tests.network.helpers import host, result_of, spec


def lab():
    clock = Clock()
    network = Network(spec(hosts=(host("near.lab"), host("far.lab")), allow=["192.0.2.0/24"]),
                      clock=clock)
    network.attach_modem("lab-1", rng=random.Random(1))
    activation = network.activate("lab-1", "internet")
    clock.advance(0)
    bearer = result_of(activation)
    modem = types.SimpleNamespace(name="lab-1", ip_network=network, rng=random.Random(2))
    return clock, network, bearer, modem


def rtt(clock, network, bearer, target: str):
    d = network.router.ping(bearer, target, 56, timeout=10.0)
    clock.advance(20.0)
    return result_of(d)


def test_a_narrowed_latency_delays_the_echo_of_that_host_only():
    clock, network, bearer, modem = lab()
    base = {t: rtt(clock, network, bearer, t) for t in ("near.lab", "far.lab", "192.0.2.9")}
    fault = Injector().apply(make_fault("link", {"latency": 1.0, "host": "far.lab"}), modem)
    assert rtt(clock, network, bearer, "far.lab") == base["far.lab"] + 2.0
    assert rtt(clock, network, bearer, "near.lab") == base["near.lab"]
    allowed = Injector().apply(make_fault("link", {"latency": 0.5, "host": "192.0.2.9"}), modem)
    assert rtt(clock, network, bearer, "192.0.2.9") == base["192.0.2.9"] + 1.0
    fault.undo()
    allowed.undo()
    assert rtt(clock, network, bearer, "far.lab") == base["far.lab"]


def test_a_narrowed_loss_or_blackhole_times_the_echo_out_and_a_port_scope_does_not():
    clock, network, bearer, modem = lab()
    lost = Injector().apply(make_fault("link", {"loss": 1.0, "host": "far.lab"}), modem)
    assert isinstance(rtt(clock, network, bearer, "far.lab").value, RouteError)
    lost.undo()
    down = Injector().apply(make_fault("link_down", {"host": "far.lab"}), modem)
    assert isinstance(rtt(clock, network, bearer, "far.lab").value, RouteError)
    down.undo()
    web_only = Injector().apply(make_fault("link", {"loss": 1.0, "host": "far.lab", "port": 80}),
                                modem)
    assert isinstance(rtt(clock, network, bearer, "far.lab"), float)
    web_only.undo()
