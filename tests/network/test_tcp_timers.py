"""Keep-alive probes, the retransmission give-up and lingering closes on the in-memory TCP
connection (``simulator.network.tcp_timers``), on task.Clock."""

from twisted.internet import error, task

from simulator.network.errors import ConnectionReset
from simulator.network.tcp_timers import KeepAlive, Retransmission
from tests.network.test_pipe import pipe


def run(clock, seconds: float, step: float = 0.1) -> None:
    """Time passing in steps (task.Clock runs a long advance's calls at its end time)."""
    clock.pump([step] * round(seconds / step))


def test_an_answered_probe_keeps_the_connection_forever():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.set_keepalive(KeepAlive(10, 5, 2))
    clock.pump([1] * 1000)
    assert a.lost is None and b.lost is None
    assert p.a.getTcpKeepAlive()


def test_unanswered_probes_time_the_connection_out_at_idle_plus_count_intervals():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.set_keepalive(KeepAlive(10, 5, 2))
    p.a.link.down()
    run(clock, 19.9)
    assert a.lost is None
    run(clock, 0.2, 0.01)
    assert a.lost.check(error.TimeoutError)


def test_a_peer_that_forgot_the_connection_answers_the_probe_with_a_reset():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.set_keepalive(KeepAlive(10, 5, 2))
    p.b._lose(error.ConnectionLost("the peer rebooted"))  # no FIN, no reset reached us
    run(clock, 9.9)
    assert a.lost is None
    run(clock, 0.2, 0.01)
    assert a.lost.check(ConnectionReset)


def test_traffic_postpones_the_first_probe():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.set_keepalive(KeepAlive(10, 1, 1))
    run(clock, 8)
    p.b.write(b"x")
    run(clock, 0.1, 0.01)
    p.a.link.down()
    run(clock, 10.8)  # idle since 8.01 s: the probe at 18.01 s, the end at 19.01 s
    assert a.lost is None
    run(clock, 0.2, 0.01)
    assert a.lost.check(error.TimeoutError)


def test_switched_off_no_probe_ends_a_silent_connection():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.set_keepalive(KeepAlive(1, 1, 1))
    p.a.set_keepalive(None)
    p.a.link.down()
    clock.pump([1] * 100)
    assert a.lost is None


def test_data_that_cannot_arrive_is_given_up_after_the_retransmissions():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.set_retransmission(Retransmission(2, 0.5, 1.0))  # 0.5 + 1 + 1 = 2.5 s
    p.a.link.down()
    p.a.write(b"lost")
    run(clock, 2.4)
    assert a.lost is None
    run(clock, 0.2, 0.01)
    assert a.lost.check(error.TimeoutError)


def test_a_closed_window_is_not_a_loss():
    clock = task.Clock()
    p, a, b = pipe(clock, window=100)
    p.a.set_retransmission(Retransmission(1, 0.1, 0.1))
    p.b.pauseProducing()  # the peer stops reading: its window fills and stays shut
    p.a.write(bytes(1000))
    clock.pump([0.1] * 100)
    assert a.lost is None
    p.b.resumeProducing()
    clock.pump([0.1] * 10)
    assert len(b.data) == 1000
