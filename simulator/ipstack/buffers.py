"""The byte and datagram buffers of a socket, without I/O.

A ``SendBuffer`` takes what fits and remembers that a writer was turned away, so the socket
can say "writable again" once enough room is back (``low_water``, WIP's SND_LOWAT).  A
``ReceiveBuffer`` never refuses bytes already received (nothing is lost: a segment may push
it slightly past its capacity); ``full`` is the signal to stop reading from the network.
"""

from __future__ import annotations

import collections
import dataclasses


class SendBuffer:
    def __init__(self, capacity: int, low_water: int | None = None) -> None:
        if capacity <= 0:
            raise ValueError("a send buffer needs room for at least one byte")
        self.capacity = capacity
        self.low_water = min(capacity, low_water if low_water is not None else capacity // 2)
        self._data = bytearray()
        self.blocked = False  # a writer was refused room and has not been told it is back

    def __len__(self) -> int:
        return len(self._data)

    @property
    def free(self) -> int:
        return max(0, self.capacity - len(self._data))

    def offer(self, data: bytes) -> int:
        """Take as much of ``data`` as fits; how many bytes were taken."""
        taken = min(len(data), self.free)
        self._data += data[:taken]
        if taken < len(data):
            self.blocked = True
        return taken

    def take(self, n: int) -> bytes:
        chunk = bytes(self._data[:n])
        del self._data[:n]
        return chunk

    def clear(self) -> None:
        self._data.clear()

    def writable_again(self) -> bool:
        """True once, when a refused writer may write again."""
        if self.blocked and self.free >= self.low_water:
            self.blocked = False
            return True
        return False


class ReceiveBuffer:
    """Received bytes in the order they came.  Kept as the segments themselves, joined only
    when read: a socket read after every segment (a port in data mode) copies nothing."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("a receive buffer needs room for at least one byte")
        self.capacity = capacity
        self._chunks: collections.deque[bytes] = collections.deque()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    @property
    def full(self) -> bool:
        return self._size >= self.capacity

    def put(self, data: bytes) -> None:
        if data:
            self._chunks.append(bytes(data))
            self._size += len(data)

    def read(self, n: int | None = None) -> bytes:
        chunks = self._chunks
        if n is None or n >= self._size:
            chunk = chunks.popleft() if len(chunks) == 1 else b"".join(chunks)
            chunks.clear()
            self._size = 0
            return chunk
        taken = []
        left = n
        while left > 0:
            head = chunks[0]
            if len(head) <= left:
                taken.append(chunks.popleft())
                left -= len(head)
            else:
                taken.append(head[:left])
                chunks[0] = head[left:]
                left = 0
        self._size -= n
        return b"".join(taken)

    def peek(self, n: int | None = None) -> bytes:
        data = b"".join(self._chunks)
        return data if n is None else data[:n]


@dataclasses.dataclass(frozen=True)
class Datagram:
    data: bytes
    address: str  # the sender, as the modem sees it
    port: int

    @property
    def size(self) -> int:
        return len(self.data)


class DatagramQueue:
    """Received datagrams waiting to be read, boundaries kept.  Past ``capacity`` bytes a new
    datagram is dropped, as a real stack drops what its socket buffer cannot hold."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._queue: collections.deque[Datagram] = collections.deque()
        self._bytes = 0
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def bytes(self) -> int:
        return self._bytes

    def put(self, datagram: Datagram) -> bool:
        if self._bytes + datagram.size > self.capacity and self._queue:
            self.dropped += 1
            return False
        self._queue.append(datagram)
        self._bytes += datagram.size
        return True

    def peek(self) -> Datagram | None:
        return self._queue[0] if self._queue else None

    def get(self) -> Datagram | None:
        if not self._queue:
            return None
        datagram = self._queue.popleft()
        self._bytes -= datagram.size
        return datagram

    def clear(self) -> None:
        self._queue.clear()
        self._bytes = 0
