"""Keeping output bounded when a host stops reading.

A modem keeps talking whether or not the host reads (URCs, echo, data-mode payload).  A real
UART overruns and loses characters; atsim does the same instead of buffering without limit:
each transport keeps at most a fixed amount of unread output and drops (and counts) the rest.
"""

from __future__ import annotations

from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer

from simulator.logs import Logger

log = Logger()

#: Output held for a host that is not reading, per port.  64 KiB is far more than any burst
#: of AT responses or URCs, and about 5.6 s of data at 115200 bit/s: a host that has not read
#: that much is not coming back soon, and a simulator with thousands of ports must not keep
#: megabytes per idle port.
MAX_PENDING_OUTPUT = 64 * 1024


class BoundedOutput:
    """A byte queue that accepts at most ``limit`` bytes; what does not fit is dropped, like
    characters arriving at a full UART FIFO.  ``dropped`` counts them."""

    def __init__(self, limit: int = MAX_PENDING_OUTPUT) -> None:
        self.limit = limit
        self.dropped = 0
        self._data = bytearray()

    def __len__(self) -> int:
        return len(self._data)

    def append(self, data: bytes) -> int:
        """Queue what fits of ``data``; return how many bytes were dropped."""
        room = self.limit - len(self._data)
        kept = data[: max(room, 0)]
        self._data += kept
        lost = len(data) - len(kept)
        self.dropped += lost
        return lost

    def peek(self) -> bytes:
        return bytes(self._data)

    def consume(self, count: int) -> None:
        del self._data[:count]

    def clear(self) -> int:
        """Forget everything queued; return how many bytes that was."""
        count = len(self._data)
        self._data.clear()
        return count


class OverrunReporter:
    """Logs the start and end of an overrun episode once each, not once per dropped write."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.active = False

    def dropped(self, count: int, total: int) -> None:
        if count and not self.active:
            self.active = True
            log.warn(
                "{label}: host is not reading; dropping output ({total} bytes dropped so far)",
                label=self.label,
                total=total,
            )

    def drained(self, total: int) -> None:
        if self.active:
            self.active = False
            log.info(
                "{label}: host is reading again ({total} bytes dropped so far)",
                label=self.label,
                total=total,
            )


@implementer(IPushProducer)
class DropWhilePaused:
    """A streaming producer registered on a Twisted transport (TCP connection, serial port).

    Twisted pauses its producer when the transport's write buffer passes its high-water mark
    (64 KiB); while paused, ``write`` drops and counts instead of growing that buffer.
    """

    def __init__(self, transport, label: str) -> None:
        self._transport = transport
        #: Whether Twisted paused this producer: the host is not reading.
        self.paused = False
        self._overrun = OverrunReporter(label)
        self.dropped = 0
        transport.registerProducer(self, True)

    def write(self, data: bytes, write=None) -> bool:
        """Write ``data`` unless the host is not keeping up; return whether it was written.
        ``write(data)``: how it reaches the transport (default ``transport.write``)."""
        if self.paused:
            self.dropped += len(data)
            self._overrun.dropped(len(data), self.dropped)
            return False
        if write is None:
            self._transport.write(data)
        else:
            write(data)
        return True

    # IPushProducer

    def pauseProducing(self) -> None:
        self.paused = True

    def resumeProducing(self) -> None:
        self.paused = False
        self._overrun.drained(self.dropped)

    def stopProducing(self) -> None:
        self.paused = True
