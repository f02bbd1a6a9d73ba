"""The ``+++`` escape from data mode, with guard times (Hayes; S2 and S12 of V.250 modems).

The host leaves data mode by sending three escape characters (S2, ``+``) with at least the
guard time (S12 x 20 ms) of silence before the first, less than the guard time between them,
and the guard time of silence after the third.  Anything else is data: escape characters that
turn out not to be an escape are passed on in order, so no byte is lost or reordered.

Sans-IO: :meth:`feed` takes bytes with the time they arrived and returns what goes to the data
sink; :meth:`deadline` says when to call :meth:`expire` (the caller owns the timer).
"""

from __future__ import annotations

#: Three escape characters make an escape.
ESCAPE_COUNT = 3


class EscapeDetector:
    def __init__(self, now: float, guard: float, char: int = 0x2B) -> None:
        self.guard = guard
        self.char = char
        self._last_rx = now
        self._held = 0  # escape characters received and not yet passed on

    @property
    def holding(self) -> int:
        return self._held

    def feed(self, data: bytes, now: float) -> bytes:
        """Bytes received at ``now``; returns the bytes to pass to the sink."""
        if not data:
            return b""
        char, guard = self.char, self.guard
        silence = now - self._last_rx
        # Fast path: nothing held and no escape character: all of it is data.
        if self._held == 0 and char not in data:
            self._last_rx = now
            return data
        if guard > 0:
            return self._feed_guarded(data, silence, now)
        return self.feed_bytewise(data, now)

    def _feed_guarded(self, data: bytes, silence: float, now: float) -> bytes:
        """``feed`` with a guard time: bytes of one read arrive together, so an escape can
        start only at the first byte of a read, and once no escape character is held the
        rest of the read is data.  Only the few bytes around an escape go one by one."""
        char, guard = self.char, self.guard
        out = bytearray()
        for i, byte in enumerate(data):
            held = self._held
            if held == 0:
                if byte == char and silence >= guard:
                    self._held = 1
                else:
                    out.append(byte)
            elif held < ESCAPE_COUNT and byte == char and silence < guard:
                self._held = held + 1
            else:
                out += bytes([char]) * held
                self._held = 0
                out.append(byte)
            silence = 0.0
            if self._held == 0:
                out += data[i + 1:]
                break
        self._last_rx = now
        return bytes(out)

    def feed_bytewise(self, data: bytes, now: float) -> bytes:
        """``feed`` one byte at a time, every rule applied: the reference the shortcuts in
        ``feed`` must agree with (and the way with no guard time)."""
        char, guard = self.char, self.guard
        silence = now - self._last_rx
        out = bytearray()
        for byte in data:
            held = self._held
            if held == 0:
                if byte == char and silence >= guard:
                    self._held = 1
                else:
                    out.append(byte)
            elif held < ESCAPE_COUNT and byte == char and (guard == 0 or silence < guard):
                self._held = held + 1
            else:
                out += bytes([char]) * held
                self._held = 0
                out.append(byte)
            silence = 0.0  # bytes of one read arrived together
        self._last_rx = now
        return bytes(out)

    def deadline(self) -> float | None:
        """When :meth:`expire` must be called, or None if nothing is pending."""
        if self._held == 0:
            return None
        return self._last_rx + self.guard

    def expire(self, now: float) -> tuple[bool, bytes]:
        """The guard time since the last byte has run out.  Returns ``(escaped, released)``:
        an escape is complete, or the held escape characters were only data."""
        if self._held == 0 or now < self._last_rx + self.guard:
            return False, b""
        held, self._held = self._held, 0
        if held == ESCAPE_COUNT:
            return True, b""
        return False, bytes([self.char]) * held
