"""``--events FILE``: the event log as JSON Lines, one object per event, the same objects the
event stream (``GET /events``) carries (``Event.to_json``: ``v``, ``seq``, ``time``,
``mono``, ``modem``, ``port``, ``kind``, ``data``), secrets redacted.

The file is a subscriber of the event log like a stream client, but one that always keeps
up: each event is written as it is built (Python's buffered file, flushed every
``FLUSH_EVERY`` events, each second by the recording service, and at the end), so it never
drops any.
"""

from __future__ import annotations

import json
from pathlib import Path

from simulator.control.events import EventFilter, EventLog, Subscription

#: Events written between two flushes of the file to the system.
FLUSH_EVERY = 256


class EventFileError(OSError):
    """The event file cannot be opened."""


class EventFile:
    def __init__(self, path: Path, log: EventLog, *, with_bytes: bool = False) -> None:
        self.path = path
        self.log = log
        #: The ``bytes`` events of every port too (``--events-bytes``).
        self.with_bytes = with_bytes
        self.written = 0
        self._file = None
        self._subscription: Subscription | None = None

    def start(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise EventFileError(f"event file {self.path}: {error.strerror}") from None
        self._subscription = self.log.subscribe(EventFilter(with_bytes=self.with_bytes),
                                                wake=self._write)

    def _write(self) -> None:
        if self._subscription is None or self._file is None:
            return
        for event in self._subscription.take():
            self._file.write(json.dumps(event.to_json(), separators=(",", ":")) + "\n")
            self.written += 1
            if self.written % FLUSH_EVERY == 0:
                self._file.flush()

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def stop(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None
        if self._file is not None:
            self._file.close()
            self._file = None
