"""The pipe across links that add no time (an ``ideal`` link): segments skip the shaping
stages but arrive exactly as the general path delivers them: same segments, same order,
same moments, same flow control and close."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet import task

from simulator.network import LinkParams
from simulator.network.links import Link
from simulator.network.pipe import Pipe
from tests.network.helpers import Recorder


class Chunks(Recorder):
    """Also keeps each delivery with the clock's time."""

    def __init__(self, clock) -> None:
        super().__init__()
        self.clock = clock
        self.chunks: list[tuple[float, bytes]] = []

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)
        self.chunks.append((self.clock.seconds(), data))


def ideal_pipe(clock, window=65535, general=False):
    link = Link("t", LinkParams(), random.Random(1))
    p = Pipe(clock, ("10.0.0.1", 1000), ("10.0.0.2", 2000), (link.uplink,), (link.downlink,),
             a_link=link, window=window)
    if general:  # as if a link shaped: every segment through the stages
        for lane in (p.a.lane_out, p.b.lane_out):
            lane._unshaped_mss = 0
    a, b = Chunks(clock), Chunks(clock)
    p.a.attach(a)
    p.b.attach(b)
    return p, link, a, b


def test_an_ideal_link_cuts_segments_of_the_mss_and_delivers_them_a_turn_later():
    clock = task.Clock()
    p, _, _, b = ideal_pipe(clock)
    p.a.write(b"x" * 5000)
    assert b.chunks == []  # never from inside the writer's own call
    clock.advance(0)
    assert [len(c) for _, c in b.chunks] == [1460, 1460, 1460, 620]


def test_a_segment_sent_after_the_latency_dropped_does_not_overtake_the_one_before():
    clock = task.Clock()
    p, link, _, b = ideal_pipe(clock)
    link.update(latency=1.0)
    p.a.write(b"first")
    link.update(latency=0.0)
    p.a.write(b"second")
    clock.advance(0)
    assert b.data == b""
    clock.advance(1.0)
    assert b.data == b"firstsecond"


def test_bytes_wait_while_the_ideal_link_is_down():
    clock = task.Clock()
    p, link, _, b = ideal_pipe(clock)
    link.down()
    p.a.write(b"held")
    clock.advance(5)
    assert b.data == b""
    link.up()
    clock.advance(0)
    assert b.data == b"held"


def test_a_held_lane_and_a_slice_still_apply_on_an_ideal_link():
    clock = task.Clock()
    p, _, _, b = ideal_pipe(clock)
    lane = p.a.lane_out
    lane.held += 1
    p.a.write(b"abcdef")
    clock.advance(1)
    assert b.data == b""
    lane.held -= 1
    lane.slice = (2, 0.5)
    lane.pump()
    clock.advance(0)
    assert b.data == b"ab"
    clock.advance(1.0)
    assert [c for _, c in b.chunks] == [b"ab", b"cd", b"ef"]


operations = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(1, 9000)),
        st.tuples(st.just("pause"), st.just(0)),
        st.tuples(st.just("resume"), st.just(0)),
        st.tuples(st.just("advance"), st.sampled_from([0.0, 0.001, 0.5])),
        st.tuples(st.just("half_close"), st.just(0)),
    ),
    max_size=40,
)


def run(ops, general: bool):
    clock = task.Clock()
    p, _, a, b = ideal_pipe(clock, window=8192, general=general)
    counter = 0
    for op, arg in ops:
        if op == "write":
            p.a.write(bytes((counter + i) % 251 for i in range(arg)))
            counter += arg
        elif op == "pause":
            p.b.pauseProducing()
        elif op == "resume":
            p.b.resumeProducing()
        elif op == "advance":
            clock.advance(arg)
        else:
            p.a.loseWriteConnection()
    p.b.resumeProducing()
    clock.advance(1)
    return (b.chunks, b.read_closed, p.a.lane_out.unsent, p.a.bytes_sent, p.a.bytes_acked,
            a.lost is None)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_the_ideal_path_delivers_what_the_general_path_delivers(ops):
    assert run(ops, general=False) == run(ops, general=True)


def test_a_stage_added_to_an_ideal_lane_shapes_it_from_then_on():
    clock = task.Clock()
    p, _, _, b = ideal_pipe(clock)
    slow = Link("slow", LinkParams(latency=1.0), random.Random(1))
    p.a.lane_out.stages = (*p.a.lane_out.stages, slow.uplink)
    p.a.write(b"late")
    clock.advance(0.5)
    assert b.data == b""
    clock.advance(0.5)
    assert b.data == b"late"
