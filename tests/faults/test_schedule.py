"""The timeline's schedule, without a reactor: every trigger, selectors, shares, seeds."""

import pytest

from simulator.faults import make_fault
from simulator.faults.schedule import Schedule
from simulator.faults.selectors import Selector
from simulator.faults.timeline import END, START, After, At, Entry, Every, TimelineError, When

MODEMS = [f"lab-{n}" for n in range(1, 21)]
DEREGISTER = make_fault("deregister")
REBOOT = make_fault("reboot")


def entry(trigger, *selectors, fault=DEREGISTER, **fields):
    return Entry(fault, trigger, tuple(Selector.parse(s) for s in selectors), **fields)


def run(entries, modems=MODEMS, seed=1, until=10_000.0):
    """Every action up to ``until`` as (time, edge, entry, modem), times rounded."""
    schedule = Schedule(entries, modems, seed)
    actions = []
    while schedule.next_time() is not None and schedule.next_time() <= until:
        actions += schedule.advance(schedule.next_time())
    return [(round(a.time, 6), a.edge, a.entry, a.modem) for a in actions]


def test_at_starts_once_on_each_selected_modem_and_for_ends_it():
    assert run([entry(At(30), "lab-{1..2}", duration=20)]) == [
        (30, START, 0, "lab-1"), (30, START, 0, "lab-2"),
        (50, END, 0, "lab-1"), (50, END, 0, "lab-2")]


def test_without_for_or_until_a_fault_stays():
    assert run([entry(At(5), "lab-1")]) == [(5, START, 0, "lab-1")]


def test_until_ends_at_a_time_since_start_up():
    assert run([entry(At(5), "lab-1", until=12)]) == [(5, START, 0, "lab-1"),
                                                      (12, END, 0, "lab-1")]


def test_without_modems_every_modem_is_selected():
    assert {m for _, _, _, m in run([entry(At(1), fault=REBOOT)])} == set(MODEMS)


def test_every_repeats_times_times_from_one_period_or_from_at():
    assert run([entry(Every(60, times=3), "lab-1", fault=REBOOT)]) == [
        (60, START, 0, "lab-1"), (120, START, 0, "lab-1"), (180, START, 0, "lab-1")]
    assert [t for t, *_ in run([entry(Every(60, first=5, times=2), "lab-1", fault=REBOOT)])
            ] == [5, 65]


def test_every_with_a_duration_equal_to_its_period_ends_before_it_starts_again():
    assert run([entry(Every(10, times=2), "lab-1", duration=10)]) == [
        (10, START, 0, "lab-1"), (20, END, 0, "lab-1"), (20, START, 0, "lab-1"),
        (30, END, 0, "lab-1")]


def test_an_occurrence_is_skipped_while_the_last_one_still_runs():
    assert run([entry(Every(10, times=3), "lab-1", duration=15)]) == [
        (10, START, 0, "lab-1"), (25, END, 0, "lab-1"), (30, START, 0, "lab-1"),
        (45, END, 0, "lab-1")]


def test_every_stops_starting_at_until():
    times = [t for t, edge, *_ in run([entry(Every(10), "lab-1", until=35, duration=1)])
             if edge == START]
    assert times == [10, 20, 30]


def test_jitter_delays_each_occurrence_without_accumulating():
    starts = [t for t, *_ in run([entry(Every(100, jitter=10, times=50), "lab-1",
                                        fault=REBOOT)])]
    lates = [t - 100 * (k + 1) for k, t in enumerate(starts)]
    assert all(0 <= late <= 10 for late in lates)
    assert len(set(lates)) == 50  # drawn, not constant


def test_probability_keeps_about_that_share_of_occurrences():
    actions = run([entry(Every(1, times=1000), "lab-1", fault=REBOOT, probability=0.2)])
    assert 150 < len(actions) < 250


def test_after_follows_the_end_or_the_start_of_another_entry_on_the_same_modem():
    entries = [entry(At(10), "lab-{1..2}", name="outage", duration=5),
               entry(After("outage", END, delay=2), "lab-2", fault=REBOOT),
               entry(After("outage", START), "lab-1", fault=REBOOT)]
    assert run(entries) == [
        (10, START, 0, "lab-1"), (10, START, 0, "lab-2"), (10, START, 2, "lab-1"),
        (15, END, 0, "lab-1"), (15, END, 0, "lab-2"), (17, START, 1, "lab-2")]


def test_after_an_event_fault_counts_its_start_as_its_end():
    entries = [entry(At(3), "lab-1", fault=REBOOT, name="boot"),
               entry(After("boot"), "lab-1", duration=1)]
    assert run(entries) == [(3, START, 0, "lab-1"), (3, START, 1, "lab-1"),
                            (4, END, 1, "lab-1")]


def test_after_does_not_fire_where_the_other_entry_never_ran():
    entries = [entry(At(1), "lab-1", fault=REBOOT, name="boot"),
               entry(After("boot"), "lab-2", fault=REBOOT)]
    assert run(entries) == [(1, START, 0, "lab-1")]


def test_a_share_selects_the_same_modems_for_the_same_seed():
    share = [entry(At(1), "20% of lab-*", fault=REBOOT)]
    first = {m for *_, m in run(share, seed=7)}
    assert len(first) == 4
    assert {m for *_, m in run(share, seed=7)} == first
    assert any({m for *_, m in run(share, seed=s)} != first for s in (8, 9, 10))


def test_shares_of_two_selectors_are_joined():
    selected = {m for *_, m in run([entry(At(1), "10% of lab-*", "lab-20", fault=REBOOT)])}
    assert "lab-20" in selected and len(selected) in (2, 3)


FLEET = [entry(Every(300, jitter=60), "50% of lab-*", fault=REBOOT, probability=0.3),
         entry(At(30), "lab-{1..5}", name="outage", duration=20, probability=0.5),
         entry(After("outage", END, delay=5), fault=REBOOT)]


def test_the_same_seed_gives_the_same_schedule():
    assert run(FLEET, seed=42, until=5000) == run(FLEET, seed=42, until=5000)


def test_a_different_seed_gives_a_different_schedule():
    assert run(FLEET, seed=42, until=5000) != run(FLEET, seed=43, until=5000)


def test_a_modem_added_to_the_scenario_changes_nothing_for_the_others():
    before = run([entry(Every(300, jitter=60), "lab-*", fault=REBOOT, probability=0.3)],
                 until=5000)
    after = run([entry(Every(300, jitter=60), "lab-*", fault=REBOOT, probability=0.3)],
                modems=MODEMS + ["lab-99"], until=5000)
    assert [a for a in after if a[3] != "lab-99"] == before


def test_advance_returns_only_what_is_due():
    schedule = Schedule([entry(At(10), "lab-1", duration=5)], MODEMS, 1)
    assert schedule.next_time() == 10
    assert schedule.advance(9.5) == []
    [started] = schedule.advance(10)
    assert (started.edge, started.modem) == (START, "lab-1")
    assert schedule.is_active(0, "lab-1")
    assert schedule.next_time() == 15


@pytest.mark.parametrize("seed", [1, 2])
def test_each_draw_comes_from_the_seed_the_modem_and_the_entry(seed):
    one = run([entry(Every(10, jitter=5, times=3), "lab-1", fault=REBOOT)], seed=seed)
    two = run([entry(At(1000), "lab-2"), entry(Every(10, jitter=5, times=3), "lab-1",
                                               fault=REBOOT)], seed=seed)
    # Entry 1 of the second timeline draws from (seed, lab-1, entry 1): other times.
    assert [t for t, *_ in one] != [t for t, _, e, _ in two if e == 1]


@pytest.mark.parametrize("entries, message", [
    ([entry(After("nobody"), fault=REBOOT)], "timeline[0]: no entry named 'nobody'"),
    ([entry(After("b"), fault=REBOOT, name="a"), entry(After("a"), fault=REBOOT, name="b")],
     "timeline[0]: after: entries form a loop"),
    ([entry(After("a"), fault=REBOOT, name="a")], "timeline[0]: after: entries form a loop"),
])
def test_after_chains_that_name_nothing_or_loop_are_refused(entries, message):
    with pytest.raises(TimelineError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Schedule(entries, MODEMS, 1)


# -- when: events the modems report ----------------------------------------------------------


def command(line):
    return "command", {"line": line}


def feed(schedule, *events, modem="lab-1", now=1.0):
    actions = []
    for kind, fields in events:
        actions += schedule.event(now, modem, kind, fields)
    return [(a.edge, a.entry, a.modem, a.event) for a in actions]


def test_when_occurs_at_the_count_th_matching_event_of_each_modem_only():
    reply = make_fault("reply", {"text": "ERROR"})
    schedule = Schedule([entry(When("command", "AT+CGACT=1,1", count=3), "lab-{1..2}",
                               fault=reply)], MODEMS, 1)
    assert feed(schedule, command("AT+CGACT=1,1"), command("AT"), command("at+cgact=1,1")) == []
    assert feed(schedule, command("AT+CGACT=1,1"), modem="lab-2") == []  # its own count
    assert feed(schedule, command("AT+CGACT=1,1")) == [
        (START, 0, "lab-1", {"line": "AT+CGACT=1,1"})]
    assert feed(schedule, *[command("AT+CGACT=1,1")] * 6) == []  # times: 1 by default
    assert feed(schedule, command("AT+CGACT=1,1"), modem="lab-3") == []  # not selected


def test_when_times_repeats_every_count_events_and_ends_the_last_occurrence_first():
    schedule = Schedule([entry(When("urc", "+CREG: 2*", count=2, times=2), "lab-1")],
                        MODEMS, 1)
    urc = ("urc", {"lines": ["+CREG: 2"]})
    assert [e[:2] for e in feed(schedule, urc, urc)] == [(START, 0)]
    assert [e[:2] for e in feed(schedule, urc, urc)] == [(END, 0), (START, 0)]
    assert feed(schedule, urc, urc) == []


def test_when_with_for_ends_on_the_clock():
    schedule = Schedule([entry(When("registration", "searching"), "lab-1", duration=10)],
                        MODEMS, 1)
    assert feed(schedule, ("registration", {"domain": "+CREG", "stat": 1})) == []
    assert [e[:2] for e in feed(schedule, ("registration", {"domain": "+CREG", "stat": 2}),
                                now=5.0)] == [(START, 0)]
    assert schedule.next_time() == 15.0
    assert [(a.time, a.edge) for a in schedule.advance(15.0)] == [(15.0, END)]


def test_when_bytes_occurs_as_a_connection_crosses_the_threshold_to_its_host():
    schedule = Schedule([entry(When("bytes", 10240, host="www.example.com"), "lab-1",
                               fault=make_fault("reset_peer"))], MODEMS, 1)
    far = {"host": "198.18.0.7", "port": 80, "names": ("www.example.com",)}
    other = {"host": "198.18.0.8", "port": 80, "names": ("other.lab",)}
    assert feed(schedule, ("bytes", {"moved": 20000, "before": 0, **other})) == []
    assert feed(schedule, ("bytes", {"moved": 10000, "before": 0, **far})) == []
    started = feed(schedule, ("bytes", {"moved": 10300, "before": 10000, **far}))
    assert [e[:2] for e in started] == [(START, 0)] and started[0][3]["port"] == 80


def test_when_by_address_and_port_and_the_other_event_kinds():
    by_address = When("socket", "closed", host="198.18.0.7", port=80)
    assert by_address.matches("socket", {"state": "closed", "host": "198.18.0.7", "port": 80,
                                         "names": ()})
    assert not by_address.matches("socket", {"state": "closed", "host": "198.18.0.7",
                                             "port": 81, "names": ()})
    assert When("bearer", "down").matches("bearer", {"state": "down"})
    assert When("result", "+CME ERROR: *").matches("result", {"text": "+CME ERROR: 30"})
    assert When("call", "incoming").matches("incoming call", {"caller": "123"})
    assert not When("call", "incoming").matches("dial", {"number": "123"})
    assert When("call", "any").matches("dial", {"number": "123"})
    assert When("registration", "registered").matches("registration", {"stat": 5})


def test_when_probability_is_drawn_from_the_seed():
    def occurrences(seed):
        schedule = Schedule([entry(When("command", "AT", times=None), "lab-1",
                                   fault=REBOOT, probability=0.5)], MODEMS, seed)
        return [len(feed(schedule, command("AT"))) for _ in range(40)]
    assert occurrences(1) == occurrences(1)
    assert occurrences(1) != occurrences(2)
    assert 5 < sum(occurrences(1)) < 35
