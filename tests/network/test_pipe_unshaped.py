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


class ChunkWriter:
    """Writes as a modem's TCP socket does: chunks of 1460 bytes while the lane does not
    push back (``buffer_high`` 0), or with ``bulk`` as many as ``bulk_size`` allows."""

    def __init__(self, end, bulk: bool) -> None:
        self.end = end
        self.bulk = bulk
        self.pending = bytearray()
        self.paused = False
        end.buffer_high = end.buffer_low = 0
        end.registerProducer(self, True)

    def add(self, data: bytes) -> None:
        self.pending += data
        self.flush()

    def flush(self) -> None:
        while self.pending and not self.paused:
            size = self.end.bulk_size(1460) if self.bulk else 1460
            chunk = bytes(self.pending[:size])
            del self.pending[:size]
            self.end.write(chunk)

    def pauseProducing(self) -> None:
        self.paused = True

    def resumeProducing(self) -> None:
        self.paused = False
        self.flush()

    def stopProducing(self) -> None:
        pass


writer_operations = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(1, 20000)),
        st.tuples(st.just("pause"), st.just(0)),
        st.tuples(st.just("resume"), st.just(0)),
        st.tuples(st.just("advance"), st.sampled_from([0.0, 0.001])),
    ),
    max_size=30,
)


def run_writer(ops, bulk: bool, mtu: int):
    clock = task.Clock()
    link = Link("t", LinkParams(mtu=mtu), random.Random(1))
    p = Pipe(clock, ("10.0.0.1", 1000), ("10.0.0.2", 2000), (link.uplink,), (link.downlink,),
             a_link=link, window=8192)
    a, b = Chunks(clock), Chunks(clock)
    p.a.attach(a)
    p.b.attach(b)
    writer = ChunkWriter(p.a, bulk)
    counter = 0
    for op, arg in ops:
        if op == "write":
            writer.add(bytes((counter + i) % 251 for i in range(arg)))
            counter += arg
        elif op == "pause":
            p.b.pauseProducing()
        elif op == "resume":
            p.b.resumeProducing()
        else:
            clock.advance(arg)
    p.b.resumeProducing()
    clock.advance(1)
    return b.chunks, len(writer.pending), p.a.lane_out.unsent, p.a.bytes_sent


@settings(max_examples=150, deadline=None)
@given(writer_operations, st.sampled_from([1500, 576]))
def test_bulk_writes_give_the_peer_the_segments_chunk_writes_give(ops, mtu):
    assert run_writer(ops, bulk=True, mtu=mtu) == run_writer(ops, bulk=False, mtu=mtu)


def test_a_bulk_write_carries_every_chunk_the_window_takes_plus_one():
    clock = task.Clock()
    p, _, _, _ = ideal_pipe(clock, window=8192)
    p.a.lane_out.write(b"x")  # looks at the path once: unshaped, MSS 1460
    clock.advance(0)
    assert p.a.bulk_size(1460) == (8192 // 1460 + 1) * 1460
    assert p.a.bulk_size(1000) == 1000  # not the lane's segment size


def test_after_delivery_runs_once_after_the_segments_that_arrived_together():
    clock = task.Clock()
    p, _, _, _ = ideal_pipe(clock)
    seen = []

    class Receiver(Chunks):
        def dataReceived(self, data):
            super().dataReceived(data)
            seen.append(len(data))
            p.b.after_delivery(lambda: seen.append("end"))

    receiver = Receiver(clock)
    p.b.protocol = receiver
    assert p.b.after_delivery(lambda: None) is False  # outside a run
    p.a.write(b"x" * 3000)
    clock.advance(0)
    assert seen == [1460, 1460, 80, "end", "end", "end"]
