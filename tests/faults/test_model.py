"""Faults as values: the registry's schemas, the injector's log and counts, undo handles."""

import pytest
from twisted.logger import globalLogPublisher

from simulator.faults import REGISTRY, FaultError, Injector, Target, make_fault
from simulator.faults.model import Arg, FaultKind, Registry, held
from tests.modem.bench import Bench


def test_the_first_kinds_are_registered():
    assert {"deregister", "link", "link_down", "power_off", "reboot", "urc"} <= set(
        REGISTRY.names())


def test_defaults_are_filled_in_and_values_checked():
    assert make_fault("deregister").arguments == {"stat": "searching"}
    assert make_fault("link", {"latency": 2, "loss": 0.3}).arguments["latency"] == 2.0
    assert str(make_fault("link", {"loss": 0.5})) == "link(loss=0.5)"


@pytest.mark.parametrize("name, args, message", [
    ("flood", {}, "unknown fault 'flood'"),
    ("link", {}, "link needs at least one of"),
    ("link", {"latncy": 1.0}, "link has no argument 'latncy'"),
    ("link", {"loss": 1.5}, "a probability is from 0 to 1"),
    ("link", {"latency": "2s"}, "expected a duration"),
    ("link", {"mtu": 20}, "from 68 to 65535"),
    ("link", {"bandwidth": 0}, "more than 0"),
    ("deregister", {"stat": "gone"}, "'gone' is not one of searching, denied"),
    ("urc", {}, "urc needs the argument 'line'"),
    ("urc", {"line": "a\r\nb"}, "one line"),
    ("reboot", {"down": True}, "expected a duration"),
])
def test_bad_faults_are_refused_with_the_argument_named(name, args, message):
    with pytest.raises(FaultError) as info:
        make_fault(name, args)
    assert message in str(info.value)
    if args and name in REGISTRY and "needs at least" not in message:
        assert info.value.argument == next(iter(args))


def test_a_kind_narrowed_where_it_does_not_allow_it_is_refused():
    bench = Bench()
    with pytest.raises(FaultError, match="cannot be narrowed to a host"):
        Injector().apply(make_fault("deregister"), Target(bench.modem, host="www.example.com"))


def test_each_start_and_end_is_logged_with_the_modem_and_counted():
    events = []
    globalLogPublisher.addObserver(events.append)
    try:
        bench = Bench(registered=True)
        injector = Injector()
        active = injector.apply(make_fault("deregister"), bench.modem, cause="a test")
        active.undo()
        active.undo()  # once only
        injector.apply(make_fault("urc", {"line": "+X"}), bench.modem)
    finally:
        globalLogPublisher.removeObserver(events)
    assert injector.counts == {("deregister", "start"): 1, ("deregister", "end"): 1,
                               ("urc", "start"): 1}
    mine = [e for e in events if e.get("log_namespace") == "atsim.faults"]
    assert [(e["modem"], e["kind"], e["edge"]) for e in mine] == [
        ("m1", "deregister", "start"), ("m1", "deregister", "end"), ("m1", "urc", "start")]


def test_a_registry_refuses_a_name_twice():
    registry = Registry()
    kind = FaultKind("x", "x", start=lambda target, args: None,
                     args={"n": Arg("integer", "n", default=1)})
    registry.add(kind)
    with pytest.raises(ValueError):
        registry.add(kind)
    assert make_fault("x", {}, registry).arguments == {"n": 1}


def test_overlapping_holds_release_with_the_last():
    calls = []
    thing = Registry()  # any object that can be weakly referenced
    first = held(thing, "down", lambda: calls.append("begin"), lambda: calls.append("end"))
    second = held(thing, "down", lambda: calls.append("begin"), lambda: calls.append("end"))
    first()
    assert calls == ["begin"]
    second()
    assert calls == ["begin", "end"]
