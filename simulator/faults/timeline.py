"""A timeline: entries that say when which fault starts on which modems, and for how long.

An ``Entry`` is data: a trigger, the fault, the selectors of its modems, the chance that an
occurrence happens, and how it ends.  ``simulator.faults.schedule`` turns entries into
start and end actions; ``simulator.faults.player`` performs them on a reactor.

Triggers are a closed set of small records so that a new kind is one more record and one
more branch in the schedule: an event trigger (``when:``, a command line received, bytes
moved) will be a ``When`` whose occurrences the player feeds in as the events happen, where
``At``, ``After`` and ``Every`` are known in advance.
"""

from __future__ import annotations

import dataclasses

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


Trigger = At | After | Every


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
