"""``--transcripts DIR``: what each host sent and what the modem answered, one readable file
per modem port (``DIR/<modem>/<port>.txt``; a CMUX channel gets its own file beside its
port's), in the form people paste into bug reports:

    # atsim transcript of lab-1, port tcp tcp:7001:interface=127.0.0.1
    # --> the host sent, <-- the modem answered; times are UTC
    2026-12-07 03:01:12.018 --> AT+CREG?
    2026-12-07 03:01:12.019 <-- +CREG: 0,1
    2026-12-07 03:01:12.019 <-- OK

One line of the file per line on the wire (CR and LF end it, empty lines are left out), with
the time its first byte passed.  Bytes that are not printable ASCII are written ``\\xNN``.
A line a direction change interrupts (the ``> `` prompt before the host's text) is written as
it is.  The parameters of ``+CPIN``, ``+CLCK`` and the like are redacted as in the event log,
the modem's echo of them too.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Sequence
from pathlib import Path

from simulator.control.events import redact
from simulator.control.outfiles import ChannelRecorder, safe_name
from simulator.modem.modem import Modem

ARROWS = {"rx": "-->", "tx": "<--"}
#: The longest line written before it is cut (binary data has no line ends).
LINE_LIMIT = 256
_PRINTABLE = {i: chr(i) for i in range(0x20, 0x7F)}
_LINE_END = re.compile(rb"[\r\n]")
_ONLY_PRINTABLE = re.compile(rb"[\x20-\x7e]*")


def shown(data: bytes) -> str:
    """The bytes as text: printable ASCII as it is, anything else ``\\xNN``."""
    if _ONLY_PRINTABLE.fullmatch(data):
        return data.decode("ascii")
    return "".join(_PRINTABLE.get(b) or f"\\x{b:02x}" for b in data)


@functools.lru_cache(maxsize=64)
def _second(whole: int) -> str:
    return datetime.datetime.fromtimestamp(whole, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S")


def timestamp(seconds: float) -> str:
    """``2026-12-07 03:01:12.018`` (UTC, milliseconds)."""
    whole = int(seconds)
    millis = min(999, int((seconds - whole) * 1000))
    return f"{_second(whole)}.{millis:03d}"


class PortTranscript:
    """The lines of one port, sans-IO: fed ``(direction, bytes, time)``, returns the lines
    of the file it completes."""

    def __init__(self) -> None:
        self._direction: str | None = None
        self._buffer = bytearray()
        self._since = 0.0

    def feed(self, direction: str, data: bytes, now: float) -> list[str]:
        lines: list[str] = []
        if direction != self._direction:
            lines.extend(self.flush())
            self._direction = direction
        pieces = _LINE_END.split(data)
        for i, piece in enumerate(pieces):
            if i:  # a CR or LF came before this piece: the line so far is complete
                lines.extend(self.flush())
            while piece:
                if not self._buffer:
                    self._since = now
                room = LINE_LIMIT - len(self._buffer)
                self._buffer += piece[:room]
                piece = piece[room:]
                if len(self._buffer) >= LINE_LIMIT:
                    lines.extend(self.flush())
        return lines

    def flush(self) -> list[str]:
        if not self._buffer or self._direction is None:
            return []
        text = redact(shown(bytes(self._buffer)))
        self._buffer.clear()
        return [f"{timestamp(self._since)} {ARROWS[self._direction]} {text}"]


class TranscriptRecorder(ChannelRecorder):
    """Writes a transcript of every AT channel of ``modems`` into ``directory``."""

    def __init__(self, directory: Path, modems: Sequence[Modem], clock) -> None:
        super().__init__(directory, modems, clock, header=self._header)
        self.lines = 0
        self._ports: dict[Path, tuple[str, str]] = {}
        self._taps: dict[tuple[str, str], PortTranscript] = {}

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        super().start()

    def _flush(self) -> None:
        for (modem, port), transcript in self._taps.items():
            self._write(modem, port, transcript.flush())

    def _tap(self, modem: Modem, interpreter) -> None:
        key = (modem.name, interpreter.port)
        if key in self._taps:
            return
        transcript = self._taps[key] = PortTranscript()
        path = self.path(modem.name, interpreter.port)
        self._ports[path] = key

        def tap(direction: str, data: bytes) -> None:
            lines = transcript.feed(direction, data, self.clock.seconds())
            if lines:
                self._write_lines(path, lines)

        interpreter.channel.add_tap(tap)

    def path(self, modem: str, port: str) -> Path:
        return self.directory / safe_name(modem) / f"{safe_name(port)}.txt"

    def _write(self, modem: str, port: str, lines: list[str]) -> None:
        if lines:
            self._write_lines(self.path(modem, port), lines)

    def _write_lines(self, path: Path, lines: list[str]) -> None:
        self.files.write(path, "".join(f"{line}\n" for line in lines).encode())
        self.lines += len(lines)

    def _header(self, path: Path) -> bytes:
        modem, port = self._ports[path]
        return (f"# atsim transcript of {modem}, port {port}\n"
                "# --> the host sent, <-- the modem answered; times are UTC\n").encode()
