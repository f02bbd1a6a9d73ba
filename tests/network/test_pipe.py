"""The in-memory TCP connection: flow control, producers, large transfers."""

import os

from twisted.internet import error, task
from twisted.internet.interfaces import IPushProducer
from twisted.protocols.basic import FileSender
from zope.interface import implementer

from simulator.network import LinkParams
from simulator.network.pipe import Pipe
from tests.network.helpers import Recorder, advance


def pipe(clock, window=65535, up=None, down=None):
    import random

    from simulator.network.links import Link

    link = Link("t", LinkParams(latency=0.01, up=up or 1e9, down=down or 1e9), random.Random(1))
    p = Pipe(clock, ("10.0.0.1", 1000), ("10.0.0.2", 2000), (link.uplink,), (link.downlink,),
             a_link=link, window=window)
    a, b = Recorder(), Recorder()
    p.a.attach(a)
    p.b.attach(b)
    return p, a, b


@implementer(IPushProducer)
class Source:
    """A streaming producer writing ``total`` bytes in chunks while not paused."""

    def __init__(self, transport, data: bytes, chunk: int = 4096) -> None:
        self.transport = transport
        self.data = data
        self.chunk = chunk
        self.offset = 0
        self.paused = False
        self.pauses = 0
        self.stopped = False

    def run(self) -> None:
        while not self.paused and self.offset < len(self.data):
            piece = self.data[self.offset:self.offset + self.chunk]
            self.offset += len(piece)
            self.transport.write(piece)

    def pauseProducing(self) -> None:
        self.paused = True
        self.pauses += 1

    def resumeProducing(self) -> None:
        self.paused = False
        self.run()

    def stopProducing(self) -> None:
        self.stopped = True


def test_a_reader_that_stops_reading_stops_the_writer_and_nothing_is_lost():
    clock = task.Clock()
    p, a, b = pipe(clock, window=16_384)
    data = os.urandom(300_000)
    source = Source(p.a, data)
    p.a.registerProducer(source, True)
    p.b.pauseProducing()  # b's reader does not read
    source.run()
    advance(clock, 1.0, step=0.01)
    assert source.paused and source.offset < len(data)
    assert b.data == b""
    # What waits: at most the window in the lane plus the sender's buffer.
    assert p.a.lane_out.outstanding <= 16_384 + p.a.buffer_high + source.chunk
    p.b.resumeProducing()
    advance(clock, 2.0, step=0.01)
    assert bytes(b.data) == data
    assert source.pauses >= 1


def test_a_reader_pausing_now_and_then_gets_everything_in_order():
    clock = task.Clock()
    p, a, b = pipe(clock, window=8_192)
    data = os.urandom(100_000)

    class Choppy(Recorder):
        def dataReceived(self, chunk):
            super().dataReceived(chunk)
            if len(self.data) % 3 == 0:
                self.transport.pauseProducing()
                clock.callLater(0.05, self.transport.resumeProducing)

    choppy = Choppy()
    p.b.protocol = choppy
    choppy.makeConnection(p.b)
    p.a.write(data)
    advance(clock, 10.0, step=0.01)
    assert bytes(choppy.data) == data


def test_one_mebibyte_each_way_arrives_unchanged():
    clock = task.Clock()
    p, a, b = pipe(clock, up=2_000_000, down=4_000_000)
    up, down = os.urandom(1 << 20), os.urandom(1 << 20)
    p.a.write(up)
    p.b.write(down)
    advance(clock, 6.0, step=0.05)
    assert bytes(b.data) == up
    assert bytes(a.data) == down
    assert p.a.bytes_acked == len(up) and p.b.bytes_acked == len(down)


def test_a_pull_producer_sends_a_whole_file():
    import io

    clock = task.Clock()
    p, a, b = pipe(clock, window=10_000)
    data = os.urandom(200_000)
    done = FileSender().beginFileTransfer(io.BytesIO(data), p.a)
    finished = []
    done.addCallback(finished.append)
    advance(clock, 2.0, step=0.01)
    assert bytes(b.data) == data
    assert finished


def test_half_close_both_ways():
    clock = task.Clock()
    p, a, b = pipe(clock)
    p.a.write(b"request")
    p.a.loseWriteConnection()
    advance(clock, 0.1)
    assert b.read_closed and bytes(b.data) == b"request"
    p.b.write(b"response")
    p.b.loseWriteConnection()
    advance(clock, 0.1)
    assert a.read_closed and bytes(a.data) == b"response"
    assert a.lost.check(error.ConnectionDone) and b.lost.check(error.ConnectionDone)
    assert p.closed
    assert not p.links.pop().flows


def test_a_protocol_that_cannot_half_close_is_closed_by_a_fin():
    from twisted.internet import protocol

    clock = task.Clock()
    p, a, _ = pipe(clock)
    lost = []

    class Plain(protocol.Protocol):
        def connectionLost(self, reason):
            lost.append(reason)

    plain = Plain()
    p.b.protocol = plain
    plain.makeConnection(p.b)
    p.a.loseWriteConnection()
    advance(clock, 0.1)
    assert lost and lost[0].check(error.ConnectionDone)
    assert a.read_closed  # its FIN came back


def test_bytes_written_before_the_receiver_is_attached_wait_for_it():
    import random

    from simulator.network.links import Link

    clock = task.Clock()
    link = Link("t", LinkParams(), random.Random(1))
    p = Pipe(clock, ("a", 1), ("b", 2), (link.uplink,), (link.downlink,))
    b = Recorder()
    p.b.attach(b)
    b.transport.write(b"greeting")
    advance(clock, 0.1)
    a = Recorder()
    p.a.attach(a)
    assert bytes(a.data) == b"greeting"


def test_connection_lost_never_comes_from_inside_lose_connection():
    """A side whose peer already closed sends its own FIN at once on an ideal path; its
    protocol still hears connectionLost only after loseConnection returned (a TLS layer
    flushes its close_notify after the call)."""
    import random

    from simulator.network.links import Link

    clock = task.Clock()
    link = Link("t", LinkParams(), random.Random(1))
    p = Pipe(clock, ("10.0.0.1", 1000), ("10.0.0.2", 2000), (link.uplink,), (link.downlink,),
             a_link=link)
    a, b = Recorder(), Recorder()
    p.a.attach(a)
    p.b.attach(b)
    p.b.loseWriteConnection()
    clock.advance(0)
    assert a.read_closed
    p.a.loseConnection()
    assert a.lost is None
    clock.advance(0)
    assert a.lost.check(error.ConnectionDone)
