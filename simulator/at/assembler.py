"""Command-line assembly (V.250 §5.1, §5.2.1, §5.2.4): bytes in, echo and command lines out.

Sans-IO: :meth:`LineAssembler.feed` consumes bytes up to the end of one command line and says
how many it took, so the caller keeps the rest until the command has been executed (input
that arrives while a command runs is neither lost nor reordered).

Rules implemented:

* a command line starts with ``AT`` (either case) and ends with S3 (CR); what precedes ``A``
  is ignored; ``A/`` repeats the previous command line and needs no S3;
* S5 (BS) deletes the last character typed, never the ``AT`` prefix;
* other control characters inside a line are ignored (V.250 §5.2.1), so stray LF, NUL and
  bare CR between lines are harmless;
* ESC and Ctrl-Z are neither echoed nor kept: hosts send them to leave an SMS prompt they may
  not be in (gammu writes ``ESC CR``, gsm0710muxd writes Ctrl-Z before every command);
* a line longer than the limit is consumed to its S3 and reported as too long.
"""

from __future__ import annotations

import dataclasses
import re

ESC = 0x1B
CTRL_Z = 0x1A
CR = 0x0D
SILENT = frozenset((ESC, CTRL_Z))


@dataclasses.dataclass(frozen=True)
class CommandLine:
    """A complete line: the text after ``AT`` (as typed: case and spaces kept)."""

    text: str
    too_long: bool = False


@dataclasses.dataclass(frozen=True)
class RepeatLastLine:
    """``A/``: execute the previous command line again."""


Event = CommandLine | RepeatLastLine


#: A whole command line as most hosts send it: ``AT``, printable text, CR.  Nothing in it is
#: edited, ignored or kept from echo, so the byte loop below would give the same result.
_PLAIN_LINE = re.compile(rb"[Aa][Tt]([\x20-\x7e\x80-\xff]*)\r")


#: Plain lines seen before, by their bytes from ``AT`` to CR: a fleet of hosts sends the
#: same few lines again and again, mostly one per write, and a ``CommandLine`` is a frozen
#: value any channel can share.  Emptied when full.
_PLAIN_LINES: dict[bytes, CommandLine] = {}
PLAIN_LINES_LIMIT = 1024


class LineAssembler:
    """State machine over command-mode bytes."""

    # States: looking for 'A'; got 'A', want 'T' or '/'; inside a line.
    _IDLE, _GOT_A, _IN_LINE = range(3)

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self._state = self._IDLE
        self._line = bytearray()
        self._too_long = False

    @property
    def in_line(self) -> bool:
        """True while a command line is partly typed."""
        return self._state != self._IDLE

    def reset(self) -> None:
        self._state = self._IDLE
        self._line.clear()
        self._too_long = False

    def feed(self, data: bytes, s3: int = 13, s5: int = 8) -> tuple[int, bytes, Event | None]:
        """Consume ``data`` up to and including the end of the first complete line.

        Returns ``(consumed, echo, event)``: how many bytes were taken, the bytes to echo
        (when echo is on), and the completed line or ``None`` if more bytes are needed."""
        if self._state == self._IDLE and s3 == 13 and (s5 < 0x20 or s5 == 0x7F):
            # The commonest case: what came is one whole plain line seen before.
            line = _PLAIN_LINES.get(data)
            if line is not None and len(data) - 3 <= self.max_line:
                return len(data), data, line
            # The common case in one regular expression instead of a loop over the bytes.
            plain = _PLAIN_LINE.match(data)
            if plain is not None:
                text = plain.group(1)
                end = plain.end()
                if len(text) > self.max_line:
                    return end, data[:end], CommandLine(
                        text[:self.max_line].decode("latin-1"), True)
                whole = data[:end]
                line = _PLAIN_LINES.get(whole)
                if line is None:
                    if len(_PLAIN_LINES) >= PLAIN_LINES_LIMIT:
                        _PLAIN_LINES.clear()
                    line = _PLAIN_LINES[whole] = CommandLine(text.decode("latin-1"))
                return end, whole, line
        return self.feed_bytewise(data, s3, s5)

    def feed_bytewise(self, data: bytes, s3: int = 13,
                      s5: int = 8) -> tuple[int, bytes, Event | None]:
        """``feed`` one byte at a time, every rule applied: the reference the shortcut in
        ``feed`` must agree with."""
        echo = bytearray()
        for i, byte in enumerate(data):
            if byte in SILENT:
                continue
            echo.append(byte)
            state = self._state
            if state == self._IN_LINE:
                if byte == s3:
                    return i + 1, bytes(echo), self._finish()
                if byte == s5:
                    if self._line:
                        del self._line[-1]
                elif byte < 0x20 or byte == 0x7F:
                    pass  # V.250 §5.2.1: other control characters are ignored
                elif len(self._line) < self.max_line:
                    self._line.append(byte)
                else:
                    self._too_long = True
            elif state == self._GOT_A:
                if byte in b"Tt":
                    self._state = self._IN_LINE
                elif byte == 0x2F:  # '/'
                    self._state = self._IDLE
                    return i + 1, bytes(echo), RepeatLastLine()
                elif byte not in b"Aa":
                    self._state = self._IDLE
            elif byte in b"Aa":
                self._state = self._GOT_A
        return len(data), bytes(echo), None

    def _finish(self) -> CommandLine:
        line = CommandLine(self._line.decode("latin-1"), self._too_long)
        self.reset()
        return line


class TextCollector:
    """Text typed after a prompt (``> ``), up to Ctrl-Z (submit) or ESC (cancel).

    S5 deletes the last character; everything else is kept as typed, CR and LF included,
    because a multi-line SMS or mail body is made of them."""

    #: Longest text accepted; a real module's buffer for one message is a few KiB.
    limit = 64 * 1024

    def __init__(self, prompt_after_cr: bool = False) -> None:
        self.text = bytearray()
        #: 27.005 text mode: every CR typed is kept and answered with the prompt again;
        #: ``feed`` stops after it and returns the outcome ``"line"``.
        self.prompt_after_cr = prompt_after_cr

    def feed(self, data: bytes, s5: int = 8) -> tuple[int, bytes, str | None]:
        """Returns ``(consumed, echo, outcome)`` with outcome ``"submit"``, ``"cancel"``,
        ``"line"`` (a CR was typed; show the prompt again, then feed the rest) or None
        (more needed)."""
        echo = bytearray()
        for i, byte in enumerate(data):
            if byte == CTRL_Z:
                return i + 1, bytes(echo), "submit"
            if byte == ESC:
                return i + 1, bytes(echo), "cancel"
            echo.append(byte)
            if byte == s5:
                if self.text:
                    del self.text[-1]
            elif len(self.text) < self.limit:
                self.text.append(byte)
            if byte == CR and self.prompt_after_cr:
                return i + 1, bytes(echo), "line"
        return len(data), bytes(echo), None


class DataCollector:
    """Bytes typed after a data prompt (a socket's payload rather than text): kept as they
    come, with no editing and no ESC; the input ends after ``length`` bytes, or at Ctrl-Z
    (not kept) when no length was given.  Past ``limit`` bytes the rest is dropped."""

    def __init__(self, length: int | None = None, limit: int = 64 * 1024) -> None:
        self.length = length
        self.limit = limit
        self.text = bytearray()
        self._count = 0

    def feed(self, data: bytes, s5: int = 8) -> tuple[int, bytes, str | None]:
        """Like ``TextCollector.feed``; the outcome is ``"submit"`` or None."""
        for i, byte in enumerate(data):
            if self.length is None and byte == CTRL_Z:
                return i + 1, data[:i], "submit"
            self._count += 1
            if len(self.text) < self.limit:
                self.text.append(byte)
            if self.length is not None and self._count >= self.length:
                return i + 1, data[:i + 1], "submit"
        return len(data), data, None
