"""Host bytes on their way into a socket: the vendor's rule for when a partly filled frame
goes, and the socket's send buffer.

Every socket data mode holds what the host writes for a while, so that a host typing byte
by byte does not cost a segment per byte, then sends it:

* when ``delay()`` seconds have passed (after the last write, or after the first one still
  held, per ``restart_on_write``): Wavecom WIP's +WIPCFG option 12, eDsoft's TCPTXDELAY and
  UDPTXDELAY, Fibocom's +MIPSETS timer;
* at once when ``watermark()`` bytes are held: WIP's twice the segment size, Fibocom's
  +MIPSETS size;
* when the owner calls ``flush`` (data mode left), ``shutdown`` or ``close``.

``delay()`` at 0 holds nothing: what the host wrote goes at the end of the reactor turn it
arrived in.  Both rules are callables, read at each write, so a setting changed while the
socket is open applies to the next bytes.

Bytes the socket cannot take yet wait here until its owner calls ``push`` again (on the
socket's ``writable`` event): nothing the host sent is dropped.

The socket needs ``send(bytes) -> int`` (how many it took), ``shutdown()`` and ``close()``.
The clock is the modem's ``IReactorTime`` (a ``task.Clock`` in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

#: Most bytes offered to the socket at once (it takes what fits in its send buffer).
MAX_OFFER = 65536


class Sendable(Protocol):
    def send(self, data: bytes) -> int: ...

    def shutdown(self) -> None: ...

    def close(self) -> None: ...


def _never() -> int:
    return 0


class Uplink:
    def __init__(self, clock: Any, sock: Sendable, *, delay: Callable[[], float],
                 watermark: Callable[[], int] = _never, restart_on_write: bool = True,
                 max_offer: int = MAX_OFFER) -> None:
        self.clock = clock
        self.sock = sock
        self._delay = delay
        self._watermark = watermark
        self._restart = restart_on_write
        self._max_offer = max_offer
        self.pending = bytearray()
        self._held = 0  # bytes of pending still waiting for the delay
        self._timer: Any = None
        self._then: str | None = None  # "shutdown" | "close" once everything left
        self.finished = False  # shut down or closed: the host can send no more
        self._pushing = False
        self._push_scheduled = False

    def write(self, data: bytes) -> None:
        """Bytes from the host.  After ``shutdown`` or ``close`` they are refused (dropped;
        the caller logs them if it wants)."""
        if self.finished or not data:
            return
        self.pending += data
        delay = self._delay()
        watermark = self._watermark()
        if delay <= 0 or (watermark and len(self.pending) >= watermark):
            self._held = 0
            self._cancel_timer()
        else:
            self._held = len(self.pending)
            if self._restart or self._timer is None:
                self._restart_timer(delay)
        if not self._push_scheduled and len(self.pending) > self._held:
            # At the end of this turn of the reactor: a host writing byte by byte then
            # hands the socket what arrived together, not one segment per byte.
            self._push_scheduled = True
            self.clock.callLater(0, self._scheduled_push)

    @property
    def held(self) -> int:
        """Bytes waiting for the delay or the watermark."""
        return self._held

    def flush(self) -> None:
        """Whatever waits for the delay goes now."""
        self._held = 0
        self._cancel_timer()
        self.push()

    def shutdown(self) -> None:
        """Send everything, then shut the sending side down."""
        self._finish("shutdown")

    def close(self) -> None:
        """Send everything, then close the socket."""
        self._finish("close")

    def _scheduled_push(self) -> None:
        self._push_scheduled = False
        self.push()

    def push(self) -> None:
        """Hand the socket what it can take now.  When it cannot take everything it says
        so, and its ``writable`` event (whose handler calls this again) follows once it has
        room."""
        if self._pushing:
            return
        self._pushing = True
        try:
            # Offered even when the buffer is full: the refusal is what arms ``writable``.
            while len(self.pending) > self._held:
                size = min(len(self.pending) - self._held, self._max_offer)
                chunk = bytes(self.pending[:size])
                taken = self.sock.send(chunk)
                del self.pending[:taken]
                if taken < len(chunk):
                    break
        finally:
            self._pushing = False
        if not self.pending and self._then is not None:
            then, self._then = self._then, None
            if then == "shutdown":
                self.sock.shutdown()
            else:
                self.sock.close()

    def drop(self) -> None:
        """The socket is gone: nothing more can be sent."""
        self.finished = True
        self.pending.clear()
        self._held = 0
        self._then = None
        self._cancel_timer()

    def _finish(self, then: str) -> None:
        if self.finished:
            return
        self.finished = True
        self._then = then
        self.flush()

    def _restart_timer(self, delay: float) -> None:
        self._cancel_timer()
        self._timer = self.clock.callLater(delay, self._expired)

    def _expired(self) -> None:
        self._timer = None
        self.flush()

    def _cancel_timer(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
