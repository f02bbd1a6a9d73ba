"""Host bytes on their way into a TCP socket: WIP's segmentation rules (001 §6.2.11.4) and
the socket's send buffer.

"The data sent to a mapped TCP socket through UART will be buffered before sending it to
the peer.  This buffered data will be sent to the peer when: total amount of buffered data
is twice or more than the preferred segmentation size [+WIPCFG option 4]; internal timer
expires [option 12, in 100 ms, restarted by every chunk]; socket is unmapped, shut down or
closed."  Option 12 at 0 (its default) means no buffering at all, as does the socket's
NODELAY option.

Bytes the send buffer cannot take yet wait here until the socket says it is writable again:
nothing the host sent is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Most bytes offered to the socket at once (it takes what fits in its send buffer).
MAX_OFFER = 65536
#: +WIPCFG option 12 counts in these (001 §4.1.3: "Each unit ... represents 100 msec").
PREF_TIMEOUT_UNIT = 0.1


class Uplink:
    def __init__(self, clock: Any, sock: Any, *, mss: Callable[[], int],
                 timeout_units: Callable[[], int], nodelay: Callable[[], bool]) -> None:
        self.clock = clock
        self.sock = sock
        self._mss = mss
        self._timeout_units = timeout_units
        self._nodelay = nodelay
        self.pending = bytearray()
        self._held = 0  # bytes of pending still inside the segmentation wait
        self._timer: Any = None
        self._then: str | None = None  # "shutdown" | "close" once everything left
        self.finished = False  # shut down or closed: the host can send no more
        self._pushing = False
        self._push_scheduled = False

    def write(self, data: bytes) -> None:
        """Bytes from the host.  After a shutdown "no more data can be sent from the host
        socket" (001 §6.2.11.1): they are refused (dropped, and logged by the caller)."""
        if self.finished or not data:
            return
        self.pending += data
        units = self._timeout_units()
        if units <= 0 or self._nodelay():
            self._held = 0
        else:
            self._held = len(self.pending)
            if self._held >= 2 * self._mss():
                self._held = 0
            else:
                self._restart_timer(units * PREF_TIMEOUT_UNIT)
        if not self._push_scheduled and len(self.pending) > self._held:
            # At the end of this turn of the reactor: a host writing byte by byte then
            # hands the socket what arrived together, not one segment per byte.
            self._push_scheduled = True
            self.clock.callLater(0, self._scheduled_push)

    def flush(self) -> None:
        """Unmapped: whatever waits for the segmentation rule goes now."""
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
        so, and ``writable`` (which calls this again, later) follows once it has room."""
        if self._pushing:
            return
        self._pushing = True
        try:
            # Offered even when the buffer is full: the refusal is what arms ``writable``.
            while len(self.pending) > self._held:
                chunk = bytes(self.pending[:min(len(self.pending) - self._held, MAX_OFFER)])
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
        self._timer = self.clock.callLater(delay, self.flush)

    def _cancel_timer(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
