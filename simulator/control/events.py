"""The event log: what the modems report (commands, results, URCs, power, registration,
faults ...) as ``Event`` values, handed to every subscriber through its own bounded queue.

A subscriber that does not keep up loses the oldest events of its queue and counts them; it
never holds up a modem, which only appends to a ``deque``.  The log watches the modems only
while somebody subscribes, so a run nobody watches builds no events at all.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from simulator.modem.modem import Modem

#: Version of the event objects' JSON shape (``Event.to_json``); raised when a key changes
#: meaning or goes away (new keys do not raise it).
SCHEMA_VERSION = 1

#: Events one subscriber may have waiting before the oldest are dropped.
QUEUE_LIMIT = 1000

#: The kind of the events of the bytes on a port: many, so only for subscribers that ask for
#: it by name (``?kind=bytes``, ``--events-bytes``); built only while one does.
BYTES = "bytes"

# Commands whose parameters are secrets (PIN, PUK, facility passwords): a log keeps only the
# command name.
_SECRET_COMMAND = re.compile(r"^(AT\s*[+]\s*(?:CPIN2?|CLCK|CPWD|CPINR))\s*=.*$",
                             re.IGNORECASE | re.DOTALL)


def redact(line: str) -> str:
    """``AT+CPIN="1234"`` -> ``AT+CPIN=<redacted>``; other lines unchanged."""
    match = _SECRET_COMMAND.match(line)
    return f"{match[1]}=<redacted>" if match else line


@dataclasses.dataclass(frozen=True)
class Event:
    seq: int
    time: float
    modem: str
    kind: str
    port: str | None
    data: dict[str, Any]
    #: A monotonic clock's seconds (differences between events are exact even when the
    #: wall clock is set); None where there is none (tests on a fake clock).
    mono: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"v": SCHEMA_VERSION, "seq": self.seq, "time": self.time, "mono": self.mono,
                "modem": self.modem, "port": self.port, "kind": self.kind, "data": self.data}


@dataclasses.dataclass(frozen=True)
class EventFilter:
    """Which events a subscriber wants: modems by glob pattern, kinds by name (empty: all)."""

    modems: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    #: ``bytes`` events too, with every kind (``kinds`` empty); naming ``bytes`` in
    #: ``kinds`` asks for them as well.
    with_bytes: bool = False

    @property
    def bytes(self) -> bool:
        return self.with_bytes or BYTES in self.kinds

    def wants(self, modem: str, kind: str) -> bool:
        if kind == BYTES:
            if not self.bytes:
                return False  # only for subscribers that ask for them
        elif self.kinds and kind not in self.kinds:
            return False
        return not self.modems or any(fnmatch.fnmatchcase(modem, p) for p in self.modems)


class Subscription:
    """One subscriber's queue.  ``wake`` is called when an event arrives in an empty queue
    (the stream writes it out); ``dropped`` counts events lost because the queue was full."""

    def __init__(self, log: EventLog, wanted: EventFilter, limit: int,
                 wake: Callable[[], None]) -> None:
        self.filter = wanted
        self.queue: deque[Event] = deque()
        self.limit = limit
        self.dropped = 0
        self._log = log
        self._wake = wake

    def offer(self, event: Event) -> None:
        if len(self.queue) >= self.limit:
            self.queue.popleft()
            self.dropped += 1
            self._log.dropped += 1
        self.queue.append(event)
        if len(self.queue) == 1:
            self._wake()

    def take(self) -> list[Event]:
        events = list(self.queue)
        self.queue.clear()
        return events

    def close(self) -> None:
        self._log.unsubscribe(self)


class EventLog:
    """Events of a set of modems, for any number of subscribers."""

    def __init__(self, modems: Sequence[Modem], clock,
                 monotonic: Callable[[], float] | None = None) -> None:
        self._modems = list(modems)
        self._clock = clock
        self._monotonic = monotonic
        self._subscriptions: list[Subscription] = []
        self._seq = 0
        #: Events dropped over every subscriber's queue since the start.
        self.dropped = 0
        #: Events built since the start.
        self.published = 0
        #: Subscribers that asked for ``bytes`` events; the ports tapped for them.
        self._bytes_wanted = 0
        self._tapped: set[int] = set()

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def subscribe(self, wanted: EventFilter = EventFilter(), *, wake: Callable[[], None],
                  limit: int = QUEUE_LIMIT) -> Subscription:
        subscription = Subscription(self, wanted, limit, wake)
        if not self._subscriptions:
            for modem in self._modems:
                modem.add_hook("observers", self.observe)
        self._subscriptions.append(subscription)
        if wanted.bytes:
            self._bytes_wanted += 1
            for modem in self._modems:
                for interpreter in list(modem.interpreters):
                    self._tap(modem, interpreter)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if subscription not in self._subscriptions:
            return
        self._subscriptions.remove(subscription)
        if subscription.filter.bytes:
            self._bytes_wanted -= 1
        if not self._subscriptions:
            for modem in self._modems:
                modem.remove_hook("observers", self.observe)

    def _tap(self, modem: Modem, interpreter) -> None:
        """Report the bytes of ``interpreter``'s channel as ``bytes`` events while somebody
        wants them (a channel's taps stay; they cost a test while nobody does)."""
        if id(interpreter) in self._tapped:
            return
        self._tapped.add(id(interpreter))
        lines = {"rx": _SecretLine(), "tx": _SecretLine()}

        def tap(direction: str, data: bytes) -> None:
            if not self._bytes_wanted:
                return
            secret = lines[direction].feed(data)
            fields: dict[str, Any] = {"direction": direction, "length": len(data)}
            if secret:
                fields["text"] = "<redacted>"
            else:
                fields["text"] = data.decode("latin-1")
                fields["hex"] = data.hex()
            self.observe(modem, BYTES, interpreter.port, fields)

        interpreter.channel.add_tap(tap)

    def observe(self, modem: Modem, kind: str, port: str | None, fields: dict) -> None:
        """A modem observer (``Modem.observers``)."""
        if kind == "port" and self._bytes_wanted and fields.get("state") == "attached":
            for interpreter in modem.interpreters:
                if interpreter.port == port:
                    self._tap(modem, interpreter)
        wanting = [s for s in self._subscriptions if s.filter.wants(modem.name, kind)]
        if not wanting:
            return
        self._seq += 1
        self.published += 1
        event = Event(self._seq, self._clock.seconds(), modem.name, kind, port,
                      _plain(kind, fields),
                      self._monotonic() if self._monotonic is not None else None)
        for subscription in wanting:
            subscription.offer(event)


class _SecretLine:
    """Whether bytes belong to a line that carries a secret (``AT+CPIN="1234"``), whatever
    pieces the line comes in: the line so far is kept up to its ``=``, and every piece of a
    line found secret is, until the line ends."""

    LIMIT = 64

    def __init__(self) -> None:
        self._line = ""
        self._secret = False

    def feed(self, data: bytes) -> bool:
        secret = self._secret
        for piece in re.split(rb"([\r\n])", data):
            if piece in (b"\r", b"\n"):
                self._line, self._secret = "", False
                continue
            if not self._secret and len(self._line) < self.LIMIT:
                self._line += piece.decode("latin-1")[:self.LIMIT]
                if _SECRET_COMMAND.match(self._line.lstrip()):
                    self._secret = True
            secret = secret or self._secret
        return secret


def _plain(kind: str, fields: dict) -> dict[str, Any]:
    """The fields as JSON values, secrets left out."""
    data = {key: _json_value(value) for key, value in fields.items() if key != "port"}
    if kind == "command" and "line" in data:
        data["line"] = redact(data["line"])
    return data


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray)):
        return [_json_value(v) for v in value]
    return str(value)
