"""What the host types behind a running command: a bounded FIFO with flow control, worked off
a bounded number of lines per reactor turn, and gone with the host that typed it.  On a
bare modem and task.Clock."""

from twisted.internet.defer import Deferred

from simulator.at.interpreter import (
    ABORT_GUARD,
    INPUT_HOLD,
    INPUT_LIMIT,
    INPUT_RESUME,
    LINES_PER_TURN,
)
from tests.at.harness import Bench, RecordingHost

OK = b"\r\nOK\r\n"


class HoldingHost(RecordingHost):
    """A host end that can be held, like a TCP connection or a PTY."""

    def __init__(self) -> None:
        super().__init__()
        self.holds: list[bool] = []

    def hold_input(self, held: bool) -> None:
        self.holds.append(held)


def turn(clock) -> None:
    """One reactor turn: the calls due now run, not the ones they schedule (a real reactor
    runs those in its next turn; ``Clock.advance(0)`` would run them all)."""
    due = [call for call in clock.getDelayedCalls() if call.getTime() <= clock.seconds()]
    for call in due:
        clock.calls.remove(call)
        call.called = 1
        call.func(*call.args, **call.kw)


def slow_commands(state):
    def slow(call):
        state["slow"] = d = Deferred(lambda _: state.setdefault("cancelled", True))
        return d

    def dial(call):
        state["dial"] = d = Deferred(lambda _: state.setdefault("dial cancelled", True))
        return d

    def install(modem, table):
        table.add("+SLOW", exec=slow)
        table.add("D", exec=dial)

    return install


def bench_with(host=None):
    state = {}
    bench = Bench(install=slow_commands(state))
    if host is not None:
        bench.channel.detach_host()
        bench.host = host
        bench.channel.attach_host(host)
    bench.send(b"ATE0\r")
    return bench, state


def test_a_backlog_holds_the_host_and_cts_until_it_is_worked_off():
    host = HoldingHost()
    bench, state = bench_with(host)
    backlog = b"AT\r" * 2000  # 6000 bytes
    assert bench.send(b"AT+SLOW\r" + backlog) == b""
    assert host.holds == [True]
    assert bench.channel.input_held
    assert host.signals[-1].cts is False
    state["slow"].callback(None)
    # The answer and the first LINES_PER_TURN lines now, the rest a turn at a time.
    assert bench.host.take() == OK * (1 + LINES_PER_TURN)
    turns = 0
    while host.holds == [True]:
        turn(bench.clock)
        turns += 1
    assert host.holds == [True, False]
    assert host.signals[-1].cts is True
    lines = (len(backlog) - INPUT_RESUME) // 3
    assert turns >= lines // LINES_PER_TURN - 1
    answered = LINES_PER_TURN + bench.host.take().count(OK)
    assert answered == (1 + turns) * LINES_PER_TURN
    while bench.clock.getDelayedCalls():
        turn(bench.clock)
    assert answered + bench.host.take().count(OK) == 2000


def test_each_turn_runs_at_most_a_bounded_number_of_lines():
    bench, state = bench_with()
    bench.send(b"AT+SLOW\r" + b"AT\r" * (3 * LINES_PER_TURN))
    state["slow"].callback(None)
    assert bench.host.take() == OK * (1 + LINES_PER_TURN)
    turn(bench.clock)
    assert bench.host.take() == OK * LINES_PER_TURN
    turn(bench.clock)
    assert bench.host.take() == OK * LINES_PER_TURN
    assert not bench.clock.getDelayedCalls()


def test_bytes_typed_during_a_backlog_keep_their_place():
    bench, state = bench_with()
    bench.send(b"AT+SLOW\r" + b"AT\r" * (2 * LINES_PER_TURN))
    state["slow"].callback(None)
    bench.host.take()
    assert bench.send(b"ATS3?\r") == b""  # behind what waits
    turn(bench.clock)
    assert bench.host.take() == OK * LINES_PER_TURN
    turn(bench.clock)
    assert bench.host.take() == b"\r\n013\r\n" + OK


def test_a_port_that_cannot_hold_its_host_keeps_a_bounded_queue():
    bench, state = bench_with()  # RecordingHost has no hold_input
    bench.send(b"AT+SLOW\r")
    bench.send(b"x" * (INPUT_LIMIT + 100))
    assert bench.interpreter.input_overrun == 100
    assert bench.channel.input_held


def test_the_queue_resumes_the_host_only_below_the_low_mark():
    host = HoldingHost()
    bench, state = bench_with(host)
    bench.send(b"AT+SLOW\r" + b"x" * INPUT_HOLD)
    assert host.holds == [True]
    state["slow"].callback(None)  # x's are no command: consumed at once
    assert host.holds == [True, False]


def test_a_departed_hosts_backlog_goes_with_it():
    host = HoldingHost()
    bench, state = bench_with(host)
    bench.send(b"AT+SLOW\r" + b"ATS7=77\r" * 1000)
    bench.channel.detach_host()
    assert host.holds == [True, False]  # the next host finds the port reading
    nxt = RecordingHost()
    bench.channel.attach_host(nxt)
    assert nxt.signals[-1].cts is True  # and CTS on
    state["slow"].callback(None)
    assert "cancelled" not in state  # only a dial or an answer is cancelled
    assert nxt.take() == b""  # the departed host's OK is not the newcomer's
    assert bench.send(b"ATS7?\r") == b""
    assert nxt.take() == b"\r\n050\r\n" + OK


def test_a_command_the_host_left_runs_on_and_the_newcomer_waits_for_it():
    bench, state = bench_with()
    bench.send(b"AT+SLOW\r")
    bench.channel.detach_host()
    nxt = RecordingHost()
    bench.channel.attach_host(nxt)
    bench.channel.receive(b"AT\r")
    assert nxt.take() == b""
    state["slow"].callback(None)
    assert nxt.take() == OK


def test_an_aborted_dial_drops_what_its_handler_gives_later():
    bench, state = bench_with()
    bench.send(b"ATD123\r")
    dial = state["dial"]
    bench.clock.advance(ABORT_GUARD)
    assert bench.send(b"\r") == b"\r\nNO CARRIER\r\n"
    assert state["dial cancelled"]
    assert dial.called and dial.result is None  # its CancelledError was swallowed
    assert bench.send(b"AT\r") == OK


def test_only_d_and_a_are_aborted_by_a_character():
    bench, state = bench_with()
    bench.send(b"AT+SLOW\r")
    bench.clock.advance(ABORT_GUARD)
    assert bench.send(b"AT\r") == b""
    assert "cancelled" not in state
    state["slow"].callback(None)
    assert bench.host.take() == OK + OK
