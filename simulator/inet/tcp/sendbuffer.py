"""The bytes the application gave a connection that the peer has not acknowledged yet: sent
and in flight first, then not yet sent.  Bounded, so a writer faster than the path is told to
wait (``offer`` takes what fits) and told once when room is back (``writable_again``)."""

from __future__ import annotations


class SendBuffer:
    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("a send buffer needs room for at least one byte")
        self.capacity = capacity
        self._data = bytearray()
        self._refused = False

    def __len__(self) -> int:
        return len(self._data)

    @property
    def free(self) -> int:
        return self.capacity - len(self._data)

    def offer(self, data: bytes) -> int:
        """Take as much of ``data`` as fits; how many bytes were taken."""
        taken = min(len(data), self.free)
        self._data += data[:taken]
        if taken < len(data):
            self._refused = True
        return taken

    def peek(self, offset: int, size: int) -> bytes:
        """Up to ``size`` bytes starting ``offset`` bytes after the oldest unacknowledged one."""
        return bytes(self._data[offset:offset + size])

    def acknowledge(self, size: int) -> None:
        """The peer has the oldest ``size`` bytes: forget them."""
        del self._data[:size]

    def writable_again(self) -> bool:
        """True once after ``offer`` refused bytes, when at least half the buffer is free."""
        if self._refused and self.free >= self.capacity // 2:
            self._refused = False
            return True
        return False
