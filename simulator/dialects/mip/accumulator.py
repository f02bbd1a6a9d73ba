"""A socket's accumulating buffer (003 §1.1.4, §1.1.6), without I/O: +MIPSEND appends, the
watermark of +MIPSETS cuts packets of exactly its size, +MIPPUSH takes everything, +MIPFLUSH
drops it.  "Free size is calculated from the 2048" (§1.1.6.4)."""

from __future__ import annotations

#: Bytes one socket's accumulating buffer holds (§1.1.6.4) and the default watermark (§1.1.4.4).
CAPACITY = 2048


class Accumulator:
    def __init__(self) -> None:
        self._data = bytearray()
        self.watermark = CAPACITY
        #: +MIPSETS <Timeout>: milliseconds from the last +MIPSEND to an automatic push
        #: (0: none).
        self.timeout_ms = 0
        #: Bytes handed to the protocol stack since the socket opened (+MIPPUSH's
        #: <accumulated_sent_length>, M9).
        self.pushed = 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def free(self) -> int:
        return max(0, CAPACITY - len(self._data))

    def fits(self, data: bytes) -> bool:
        return len(data) <= self.free

    def append(self, data: bytes) -> list[bytes]:
        """Add ``data`` (the caller checked it ``fits``); the packets the watermark sends
        now: "only data equal to the watermark is sent.  Data remaining in the buffer is
        sent with the next packet" (§1.1.4.1)."""
        self._data += data
        packets = []
        while len(self._data) >= self.watermark:
            packets.append(self._cut(self.watermark))
        return packets

    def take_all(self) -> bytes:
        return self._cut(len(self._data))

    def give_back(self, data: bytes) -> None:
        """Bytes the protocol stack could not take return to the front of the buffer."""
        self._data[:0] = data
        self.pushed -= len(data)

    def clear(self) -> None:
        self._data.clear()

    def _cut(self, n: int) -> bytes:
        packet = bytes(self._data[:n])
        del self._data[:n]
        self.pushed += len(packet)
        return packet
