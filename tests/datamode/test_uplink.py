"""The uplink's rules on a task.Clock: nothing held at delay 0, the delay (restarted or not
by each write), the watermark, flush/shutdown/close, and flow control that loses nothing."""

from hypothesis import given
from hypothesis import strategies as st
from twisted.internet import task

from simulator.datamode.uplink import Uplink


class FakeSocket:
    """Takes at most ``room`` bytes until ``drain``."""

    def __init__(self, room=10**9):
        self.room = room
        self.sent = bytearray()
        self.segments = []
        self.ended = None

    def send(self, data):
        taken = data[:self.room]
        self.room -= len(taken)
        self.sent += taken
        if taken:
            self.segments.append(bytes(taken))
        return len(taken)

    def drain(self, room):
        self.room = room

    def shutdown(self):
        self.ended = "shutdown"

    def close(self):
        self.ended = "close"


def uplink(delay=0.0, watermark=0, restart=True, room=10**9):
    clock, sock = task.Clock(), FakeSocket(room)
    up = Uplink(clock, sock, delay=lambda: delay, watermark=lambda: watermark,
                restart_on_write=restart)
    return clock, sock, up


def test_delay_zero_sends_what_arrived_together_in_one_segment():
    clock, sock, up = uplink()
    for byte in b"abc":
        up.write(bytes([byte]))
    assert sock.sent == b""  # at the end of the reactor turn
    clock.advance(0)
    assert sock.segments == [b"abc"]
    up.write(b"d")
    clock.advance(0)
    assert sock.segments == [b"abc", b"d"]


def test_the_delay_restarts_with_each_write():
    clock, sock, up = uplink(delay=1.0)
    up.write(b"a")
    clock.advance(0.6)
    up.write(b"b")
    clock.advance(0.6)
    assert sock.sent == b""
    clock.advance(0.4)
    assert sock.segments == [b"ab"] and up.held == 0


def test_a_delay_counted_from_the_first_held_byte():
    clock, sock, up = uplink(delay=1.0, restart=False)
    up.write(b"a")
    clock.advance(0.6)
    up.write(b"b")
    clock.advance(0.4)
    assert sock.segments == [b"ab"]
    up.write(b"c")  # a new frame: a new delay
    clock.advance(0.9)
    assert sock.segments == [b"ab"]
    clock.advance(0.1)
    assert sock.segments == [b"ab", b"c"]


def test_the_watermark_sends_everything_at_once():
    clock, sock, up = uplink(delay=5.0, watermark=4)
    up.write(b"abc")
    clock.advance(0)
    assert sock.sent == b""
    up.write(b"de")
    clock.advance(0)
    assert sock.segments == [b"abcde"]
    clock.advance(10)  # the timer went with them
    assert sock.segments == [b"abcde"]


def test_flush_shutdown_and_close_send_what_waits_first():
    clock, sock, up = uplink(delay=5.0)
    up.write(b"abc")
    up.flush()
    assert sock.sent == b"abc" and sock.ended is None
    up.write(b"de")
    up.shutdown()
    assert sock.sent == b"abcde" and sock.ended == "shutdown"
    up.write(b"refused")
    clock.advance(10)
    assert sock.sent == b"abcde"
    clock, sock, up = uplink(room=2)
    up.write(b"abcd")
    up.close()
    assert sock.sent == b"ab" and sock.ended is None  # closes once everything left
    sock.drain(10)
    up.push()
    assert sock.sent == b"abcd" and sock.ended == "close"


def test_drop_forgets_everything():
    clock, sock, up = uplink(delay=1.0)
    up.write(b"abc")
    up.drop()
    clock.advance(2)
    assert sock.sent == b"" and not up.pending and up.finished


@given(st.lists(st.binary(min_size=1, max_size=50), max_size=30),
       st.lists(st.integers(0, 40), min_size=1, max_size=30),
       st.sampled_from([0.0, 0.1, 1.0]), st.integers(0, 200))
def test_every_byte_arrives_once_in_order(writes, rooms, delay, watermark):
    clock, sock, up = uplink(delay=delay, watermark=watermark, room=rooms[0])
    for i, data in enumerate(writes):
        up.write(data)
        clock.advance(0.05)
        sock.drain(rooms[i % len(rooms)])
        up.push()
    sock.drain(10**9)
    up.shutdown()
    clock.advance(2)
    assert sock.sent == b"".join(writes) and not up.pending
    assert sock.ended == "shutdown"
