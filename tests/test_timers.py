"""Timers sharing one reactor call: each runs at its time, in the order they were set for
the same time, a cancelled one never, and what is set while they run waits for the next
firing."""

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock

from simulator.timers import Timers, timers_for


def test_timers_run_at_their_times_in_the_order_set_and_hold_one_reactor_call():
    clock = Clock()
    timers = Timers(clock)
    ran = []
    for delay, name in ((0.2, "b"), (0.1, "a"), (0.2, "c"), (0.0, "now")):
        timers.call_later(delay, lambda name=name: ran.append((name, clock.seconds())))
    assert len(clock.getDelayedCalls()) == 1
    clock.advance(0)
    assert ran == [("now", 0.0)]
    clock.advance(0.1)
    clock.advance(0.1)
    assert ran == [("now", 0.0), ("a", 0.1), ("b", 0.2), ("c", 0.2)]
    assert clock.getDelayedCalls() == []


def test_a_cancelled_timer_never_runs_and_an_earlier_one_moves_the_call():
    clock = Clock()
    timers = Timers(clock)
    ran = []
    late = timers.call_later(5, lambda: ran.append("late"))
    timers.call_later(1, lambda: ran.append("early"))
    [call] = clock.getDelayedCalls()
    assert call.getTime() == 1
    late.cancel()
    assert not late.active()
    clock.advance(10)
    assert ran == ["early"] and clock.getDelayedCalls() == []


def test_a_timer_set_while_timers_run_runs_in_the_next_firing():
    clock = Clock()
    timers = Timers(clock)
    ran = []

    def first():
        ran.append("first")
        timers.call_later(0, lambda: ran.append("set inside"))

    timers.call_later(0, first)
    timers.call_later(0, lambda: ran.append("second"))
    clock.advance(0)  # a Clock runs what became due meanwhile too: the next firing
    assert ran == ["first", "second", "set inside"]


def test_one_timers_per_clock():
    clock = Clock()
    assert timers_for(clock) is timers_for(clock) and timers_for(Clock()) is not timers_for(
        clock)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.05, 0.1, 0.3]), st.booleans()),
                max_size=20),
       st.lists(st.sampled_from([0.0, 0.05, 0.1, 0.2]), max_size=10))
def test_timers_run_as_the_clock_runs_its_own_calls(plan, steps):
    """Against ``callLater`` itself: the same calls at the same times in the same order."""
    def run(shared: bool):
        clock = Clock()
        timers = Timers(clock)
        ran = []
        handles = []
        for index, (delay, cancel) in enumerate(plan):
            call = timers.call_later if shared else clock.callLater
            handles.append((call(delay, lambda i=index: ran.append((i, clock.seconds()))),
                            cancel))
        for handle, cancel in handles:
            if cancel and handle.active():
                handle.cancel()
        for step in [*steps, 1.0]:
            clock.advance(step)
        return ran

    assert run(shared=True) == run(shared=False)
