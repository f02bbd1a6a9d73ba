"""A power-on runs the registration state machine once: the power, the SIM and the network
services all come up in it, and what a host sees is what each state change shows."""

from simulator.modem.network import NetworkService
from tests.modem.bench import DELAY, OK, Bench, spy, urc


def watched(bench: Bench) -> tuple[list, list]:
    """(runs of the registration state machine, each ending in ``_publish``, and the
    modem's events as (kind, fields))."""
    events = []
    bench.modem.add_hook("observers", lambda modem, kind, port, fields: events.append(
        (kind, dict(fields))))
    return spy(bench.modem.service(NetworkService), "_publish"), events


def test_power_on_updates_registration_once_with_the_usual_events_and_urcs():
    bench = Bench(power=False)
    assert bench.at("+CREG=1;+CGREG=1") == OK
    updates, events = watched(bench)
    bench.modem.power_on()
    assert len(updates) == 1
    assert [e for e in events if e[0] in ("power", "registration")] == [
        ("power", {"state": "on"}),
        ("registration", {"domain": "+CREG", "stat": 2}),
        ("registration", {"domain": "+CGREG", "stat": 2}),
    ]
    assert bench.port.take() == urc("+CREG: 2", "+CGREG: 2")
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 1", "+CGREG: 1")


def test_a_reset_updates_registration_once_going_down_and_once_coming_up():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1;+CGREG=1") == OK
    updates, events = watched(bench)
    assert bench.at("+CFUN=1,1") == OK + urc("+CREG: 0", "+CGREG: 0", "+CREG: 2", "+CGREG: 2")
    assert len(updates) == 2
    assert [e[1]["stat"] for e in events if e[0] == "registration"] == [0, 0, 2, 2]
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 1", "+CGREG: 1")


def test_a_sim_change_while_powered_still_updates_registration():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    updates, _ = watched(bench)
    bench.modem.service(NetworkService)._sim.remove_card()
    assert len(updates) == 1
    assert bench.port.take() == urc("+CREG: 0")
