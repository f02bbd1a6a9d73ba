"""``TransferFeed``: the host's bytes reach a transfer that takes what fits, in order, and
the end only after them."""

from hypothesis import given
from hypothesis import strategies as st
from twisted.internet.task import Clock

from simulator.datamode.feed import TransferFeed
from simulator.ipstack.apps import Transfer


class Taker:
    """A transfer that takes at most ``room`` bytes per write."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.taken = bytearray()
        self.finished = False
        self.ended = self.closed = False

    def write(self, data: bytes) -> int:
        assert not self.finished
        chunk = data[:self.room]
        self.taken += chunk
        return len(chunk)

    def finish(self) -> None:
        self.finished = True


@given(st.lists(st.binary(max_size=30), max_size=10), st.integers(0, 7))
def test_every_byte_in_order_then_the_end(chunks, room):
    target = Taker(room)
    feed = TransferFeed(target)
    for chunk in chunks:
        feed.add(chunk)
    feed.finish()
    target.room = 7
    while len(feed):
        assert not target.finished
        feed.push()
    assert target.taken == b"".join(chunks) and target.finished


def test_a_transfer_that_ended_drops_what_waits():
    transfer = Transfer(Clock())
    feed = TransferFeed(transfer)
    transfer.close()
    feed.add(b"late bytes")
    feed.finish()
    assert len(feed) == 0 and not transfer.is_open
