"""A timeline: entries that say when which fault starts on which modems, and for how long.

An ``Entry`` is data: a trigger, the fault, the selectors of its modems, the chance that an
occurrence happens, and how it ends.  ``simulator.faults.schedule`` turns entries into
start and end actions; ``simulator.faults.player`` performs them on a reactor.

Triggers are a closed set of small records so that a new kind is one more record and one
more branch in the schedule.  ``At``, ``After`` and ``Every`` are known in advance; a
``When`` (a command line received, bytes moved) occurs when the running modem reports the
event: the player hands each event to ``Schedule.event``.
"""

from __future__ import annotations

import dataclasses
import fnmatch

from simulator.faults.model import Fault
from simulator.faults.selectors import Selector
from simulator.source import Source

START, END = "start", "end"


@dataclasses.dataclass(frozen=True)
class At:
    """Once, ``time`` seconds after start-up."""

    time: float


@dataclasses.dataclass(frozen=True)
class After:
    """On each modem, ``delay`` seconds after the entry named ``entry`` started or ended there
    (``edge``).  An event fault (a reboot) ends as it starts."""

    entry: str
    edge: str = END
    delay: float = 0.0


@dataclasses.dataclass(frozen=True)
class Every:
    """Every ``period`` seconds, the first at ``first`` (one period after start-up if None),
    each occurrence late by a random 0..``jitter``; ``times`` occurrences at most."""

    period: float
    first: float | None = None
    jitter: float = 0.0
    times: int | None = None


#: What a ``when:`` trigger can watch: the key in the scenario -> the event kinds the modem
#: (``Modem.notify``) or its network (``Router.observers``) reports for it.
WHEN_EVENTS = {
    "command": ("command",),
    "result": ("result",),
    "urc": ("urc",),
    "registration": ("registration",),
    "bearer": ("bearer",),
    "socket": ("socket",),
    "bytes": ("bytes",),
    "call": ("incoming call", "dial"),
}

#: ``registration:`` states -> the <stat> values of +CREG that reach them.
REGISTRATION_STATES = {
    "registered": (1, 5), "home": (1,), "roaming": (5,), "searching": (2,), "denied": (3,),
    "not_registered": (0,), "unknown": (4,),
}
BEARER_STATES = ("up", "down")
SOCKET_STATES = ("opened", "closed")
CALL_STATES = ("incoming", "outgoing", "any")


@dataclasses.dataclass(frozen=True)
class When:
    """On each modem, at the ``count``-th event it reports that matches, then again every
    ``count`` matching events, ``times`` occurrences at most (None: no limit).

    ``what`` is a key of ``WHEN_EVENTS``; ``value`` what it must be: a glob for a command
    line, a result or a URC line (case-insensitive), a state for a registration, bearer,
    socket or call, a number of bytes for ``bytes``.  ``host`` / ``port`` narrow a socket
    or bytes event to connections with that far end (a host name matches the addresses the
    network's hosts table gives it)."""

    what: str
    value: object
    count: int = 1
    times: int | None = 1
    host: str | None = None
    port: int | None = None

    def matches(self, kind: str, fields: dict) -> bool:
        if kind not in WHEN_EVENTS[self.what]:
            return False
        what, value = self.what, self.value
        if what == "command":
            return _glob(str(fields.get("line", "")), str(value))
        if what == "result":
            return _glob(str(fields.get("text", "")), str(value))
        if what == "urc":
            return any(_glob(line, str(value)) for line in fields.get("lines", ()))
        if what == "registration":
            return fields.get("stat") in REGISTRATION_STATES[str(value)]
        if what == "call":
            return value == "any" or (kind == "dial") == (value == "outgoing")
        if not self._far_end(fields):
            return False
        if what == "bytes":  # the connection's count crossed the threshold
            return fields["before"] < float(value) <= fields["moved"]
        return fields.get("state") == value

    def _far_end(self, fields: dict) -> bool:
        if self.port is not None and fields.get("port") != self.port:
            return False
        if self.host is None:
            return True
        host = self.host.lower().rstrip(".")  # as the hosts table writes names
        return host == fields.get("host") or host in fields.get("names", ())


def _glob(text: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(text.upper().strip(), pattern.upper().strip())


Trigger = At | After | Every | When


@dataclasses.dataclass(frozen=True)
class Entry:
    fault: Fault
    trigger: Trigger
    #: Which modems; empty means every modem.
    modems: tuple[Selector, ...] = ()
    #: For ``after:`` references from other entries.
    name: str | None = None
    #: The chance each occurrence happens on each modem, drawn from the run's seed.
    probability: float = 1.0
    #: ``for:``: each occurrence is undone this long after it starts.
    duration: float | None = None
    #: ``until:``: undone at this time since start-up, and nothing starts from then on.
    until: float | None = None
    source: Source | None = None

    def describe(self, index: int) -> str:
        """How logs name the entry: ``timeline[2] (line 14)``."""
        where = f" (line {self.source.line})" if self.source is not None else ""
        return f"timeline[{index}]{where}"


class TimelineError(ValueError):
    """Entries that do not make a timeline; ``index`` is the entry at fault."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"timeline[{index}]: {message}")
        self.index = index
        self.message = message


def check_after(entries: tuple[Entry, ...] | list[Entry]) -> None:
    """Every ``after`` names an entry, and no chain of them comes back to itself (it would
    run for ever at one moment; ``every`` repeats)."""
    named = {entry.name: i for i, entry in enumerate(entries) if entry.name is not None}
    for i, entry in enumerate(entries):
        if not isinstance(entry.trigger, After):
            continue
        if entry.trigger.entry not in named:
            known = ", ".join(sorted(named)) or "none (give an entry a name:)"
            raise TimelineError(i, f"no entry named {entry.trigger.entry!r}; names: {known}")
        seen, j = {i}, named[entry.trigger.entry]
        while j not in seen and isinstance(entries[j].trigger, After):
            seen.add(j)
            j = named.get(entries[j].trigger.entry, i)
        if j in seen:
            raise TimelineError(i, "after: entries form a loop")
