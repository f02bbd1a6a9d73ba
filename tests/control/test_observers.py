"""The hooks the event log reads: a modem's observers see the command lines and results of
its AT channels, its URCs, power and registration; the injector's observers see every fault
start and end; the fault book gives faults ids.  On ``task.Clock``."""

from __future__ import annotations

import pytest

from simulator.control.faults import FaultBook, FaultRequest
from simulator.faults import Injector, make_fault
from simulator.faults.selectors import Selector
from tests.modem.bench import DELAY, OK, Bench, cme


def watch(modem) -> list[tuple[str, str | None, dict]]:
    seen: list = []
    modem.add_hook("observers", lambda m, kind, port, fields: seen.append((kind, port,
                                                                      dict(fields))))
    return seen


def test_commands_results_and_urcs_of_each_port_are_reported():
    bench = Bench(registered=True, ports=2)
    seen = watch(bench.modem)
    assert bench.at("+CREG=1;+CPIN?") == "\r\n+CPIN: READY\r\n" + OK
    assert bench.ports[1].at("+CGDCONT=99") == cme(50)
    bench.at("+CFUN=4")
    assert seen[:4] == [
        ("command", "p0", {"line": "AT+CREG=1;+CPIN?"}),
        ("result", "p0", {"text": "OK", "error": False}),
        ("command", "p1", {"line": "AT+CGDCONT=99"}),
        ("result", "p1", {"text": "+CME ERROR: 50", "error": True}),
    ]
    kinds = [(kind, port) for kind, port, _ in seen[4:]]
    assert ("urc", "p0") in kinds and ("urc", "p1") not in kinds  # +CREG=1 on p0 only
    assert ("registration", None) in kinds
    urc = next(fields for kind, port, fields in seen if kind == "urc")
    assert urc == {"lines": ["+CREG: 0"]}


def test_power_is_reported():
    bench = Bench(registered=True)
    seen = watch(bench.modem)
    bench.modem.power_off()
    bench.modem.power_on()
    assert [f for kind, _, f in seen if kind == "power"] == [{"state": "off"},
                                                             {"state": "on"}]


def test_a_modem_nobody_watches_builds_no_events(monkeypatch):
    bench = Bench(registered=True)
    calls = []
    monkeypatch.setattr(bench.modem, "notify", lambda *a, **k: calls.append(a))
    assert bench.at("+CSQ") == "\r\n+CSQ: 20,99\r\n" + OK
    assert calls == []
    watch(bench.modem)
    bench.at("+CSQ")
    assert [c[0] for c in calls] == ["command", "result"]


def test_the_injector_tells_its_observers_of_every_start_and_end():
    bench = Bench(registered=True)
    injector = Injector()
    seen = []
    injector.observers.append(lambda active, edge: seen.append((active.fault.kind, edge,
                                                               active.ended)))
    active = injector.apply(make_fault("deregister"), bench.modem, cause="test")
    active.undo()
    active.undo()  # once only
    injector.apply(make_fault("urc", {"line": "+X"}), bench.modem)
    assert seen == [("deregister", "start", False), ("deregister", "end", True),
                    ("urc", "start", True)]


def test_the_fault_book_numbers_faults_ends_them_on_time_and_announces_them():
    bench = Bench(registered=True)
    injector = Injector()
    book = FaultBook({"lab-1": bench.modem}, injector, bench.clock, seed=1)
    seen = watch(bench.modem)
    request = FaultRequest(make_fault("deregister"), (Selector.parse("lab-*"),), 30.0)
    record, = book.apply(request)
    assert book.running() == [record]
    assert record.to_json()["ends"] == bench.clock.seconds() + 30.0
    assert bench.at("+CREG?") == "\r\n+CREG: 0,2\r\n" + OK
    bench.advance(30)
    assert book.running() == []
    bench.advance(DELAY)
    assert bench.at("+CREG?") == "\r\n+CREG: 0,1\r\n" + OK
    faults = [f for kind, _, f in seen if kind == "fault"]
    assert [(f["id"], f["edge"], f["cause"]) for f in faults] == [
        (record.id, "start", "control API"), (record.id, "end", "control API")]
    with pytest.raises(KeyError):
        book.remove(record.id)
    book.close()
    assert injector.observers == []


def test_an_event_about_a_port_names_it():
    bench = Bench(registered=True)
    seen = watch(bench.modem)
    assert bench.at("+CMUX=0") == OK
    assert ("cmux started", "p0") in [(kind, port) for kind, port, _ in seen]
