"""The timeline's clock-free core: given the entries, the modems' names and the run's seed,
it says which fault starts or ends on which modem at what time since start-up.  It never
reads a clock: the caller asks ``next_time()`` and hands in the time with ``advance(now)``,
so the same seed always gives the same actions, on a reactor or in a test.

Every random choice has its own generator: a share's modems from (seed, entry), each
modem's draws for an entry (probability, jitter) from (seed, modem, entry).  Adding a modem
or an entry therefore changes nothing that the others draw.
"""

from __future__ import annotations

import dataclasses
import heapq
import random
from collections.abc import Sequence

from simulator.faults.model import REGISTRY
from simulator.faults.timeline import END, START, After, At, Entry, Every, When, check_after

#: Slack when comparing times: a reactor's float arithmetic may wake a hair early.
EPSILON = 1e-9


@dataclasses.dataclass(frozen=True)
class Action:
    time: float
    edge: str  # START or END
    entry: int
    modem: str
    #: For the start of a ``when:`` entry: what the modem reported (the fault's target event).
    event: dict | None = dataclasses.field(default=None, compare=False)


def entry_rng(seed: int, modem: str, entry: int) -> random.Random:
    return random.Random(f"{seed}:{modem}:timeline[{entry}]")


def share_rng(seed: int, entry: int) -> random.Random:
    return random.Random(f"{seed}:timeline[{entry}]:share")


def targets(entry: Entry, index: int, modems: Sequence[str], seed: int) -> list[str]:
    """The modems ``entry`` acts on, in the scenario's order."""
    if not entry.modems:
        return list(modems)
    rng = share_rng(seed, index)
    chosen: set[str] = set()
    for selector in entry.modems:
        chosen.update(selector.choose(modems, rng))
    return [name for name in modems if name in chosen]


class Schedule:
    """Raises ``TimelineError`` for ``after`` entries that name no entry or loop."""

    def __init__(self, entries: Sequence[Entry], modems: Sequence[str], seed: int) -> None:
        self.entries = tuple(entries)
        check_after(self.entries)
        self.seed = seed
        self.targets = [set(targets(e, i, modems, seed)) for i, e in enumerate(self.entries)]
        self._order = {name: i for i, name in enumerate(modems)}
        self._queue: list[tuple[float, int, str, int, str, int]] = []
        self._pushed = 0
        self._rngs: dict[tuple[int, str], random.Random] = {}
        self._active: set[tuple[int, str]] = set()
        #: (entry, modem) -> matching events seen / occurrences started, for ``when`` entries.
        self._seen: dict[tuple[int, str], int] = {}
        self._occurred: dict[tuple[int, str], int] = {}
        self._watching = [i for i, e in enumerate(self.entries) if isinstance(e.trigger, When)]
        #: (entry name, edge) -> the entries triggered by it.
        self._followers: dict[tuple[str, str], list[int]] = {}
        for i, entry in enumerate(self.entries):
            trigger = entry.trigger
            if isinstance(trigger, After):
                self._followers.setdefault((trigger.entry, trigger.edge), []).append(i)
            for modem in self._sorted(self.targets[i]):
                if isinstance(trigger, At):
                    self._push(trigger.time, START, i, modem)
                elif isinstance(trigger, Every):
                    first = trigger.period if trigger.first is None else trigger.first
                    self._push_occurrence(i, modem, first, 1)

    # -- the caller's side ----------------------------------------------------------------------

    def next_time(self) -> float | None:
        """When the next action may happen (since start-up), or None when nothing is left."""
        return self._queue[0][0] if self._queue else None

    def advance(self, now: float) -> list[Action]:
        """Every action due by ``now``, in order."""
        actions: list[Action] = []
        while self._queue and self._queue[0][0] <= now + EPSILON:
            time, _, edge, index, modem, occurrence = heapq.heappop(self._queue)
            if edge == START:
                self._start(time, index, modem, occurrence, actions)
            else:
                self._end(time, index, modem, actions)
        return actions

    @property
    def watches_events(self) -> bool:
        """Whether any entry is a ``when:`` entry (the player watches the modems only then)."""
        return bool(self._watching)

    def event(self, now: float, modem: str, kind: str, fields: dict) -> list[Action]:
        """What a modem reported at ``now``: the actions of the ``when`` entries it triggers,
        then every timed action due by ``now``.  An occurrence of a ``when`` entry that comes
        while its last one still runs on that modem ends the last one first."""
        actions: list[Action] = []
        for index in self._watching:
            trigger = self.entries[index].trigger
            if modem not in self.targets[index] or not trigger.matches(kind, fields):
                continue
            key = (index, modem)
            self._seen[key] = seen = self._seen.get(key, 0) + 1
            if seen % trigger.count:
                continue
            if trigger.times is not None and self._occurred.get(key, 0) >= trigger.times:
                continue
            self._occurred[key] = self._occurred.get(key, 0) + 1
            if key in self._active:
                self._end(now, index, modem, actions)
            self._occur(now, index, modem, actions, dict(fields))
        return actions + self.advance(now)

    def upcoming(self, limit: int) -> list[Action]:
        """The next ``limit`` actions queued, soonest first (for people watching: an
        ``every`` entry shows only its next occurrence, a probability is drawn later)."""
        return [Action(time, edge, index, modem)
                for time, _, edge, index, modem, _ in heapq.nsmallest(limit, self._queue)]

    def is_active(self, index: int, modem: str) -> bool:
        return (index, modem) in self._active

    # -- inside ---------------------------------------------------------------------------------

    def _sorted(self, modems) -> list[str]:
        return sorted(modems, key=self._order.__getitem__)

    def _rng(self, index: int, modem: str) -> random.Random:
        key = (index, modem)
        if key not in self._rngs:
            self._rngs[key] = entry_rng(self.seed, modem, index)
        return self._rngs[key]

    def _push(self, time: float, edge: str, index: int, modem: str, occurrence: int = 0,
              ) -> None:
        self._pushed += 1
        heapq.heappush(self._queue, (time, self._pushed, edge, index, modem, occurrence))

    def _push_occurrence(self, index: int, modem: str, nominal: float, occurrence: int) -> None:
        """The ``occurrence``-th start of an ``every`` entry, due at ``nominal`` + jitter.  The
        jitter does not accumulate: the next one is due a period after this one's nominal."""
        trigger = self.entries[index].trigger
        assert isinstance(trigger, Every)
        if trigger.times is not None and occurrence > trigger.times:
            return
        late = self._rng(index, modem).uniform(0, trigger.jitter) if trigger.jitter else 0.0
        self._push(nominal + late, START, index, modem, occurrence)

    def _start(self, time: float, index: int, modem: str, occurrence: int,
               actions: list[Action]) -> None:
        self._occur(time, index, modem, actions)
        trigger = self.entries[index].trigger
        if isinstance(trigger, Every):
            # After this occurrence's end: an end and the next start at the same moment
            # (``for:`` equal to the period) come in that order.
            first = trigger.period if trigger.first is None else trigger.first
            self._push_occurrence(index, modem, first + occurrence * trigger.period,
                                  occurrence + 1)

    def _occur(self, time: float, index: int, modem: str, actions: list[Action],
               event: dict | None = None) -> None:
        entry = self.entries[index]
        if entry.until is not None and time >= entry.until - EPSILON:
            return
        if entry.probability < 1 and not self._rng(index, modem).random() < entry.probability:
            return
        if (index, modem) in self._active:  # still running from its last occurrence
            return
        actions.append(Action(time, START, index, modem, event))
        self._follow(entry, START, time, modem)
        if REGISTRY.get(entry.fault.kind).event:
            self._follow(entry, END, time, modem)
            return
        self._active.add((index, modem))
        ends = [t for t in (entry.until,
                            None if entry.duration is None else time + entry.duration)
                if t is not None]
        if ends:
            self._push(min(ends), END, index, modem)

    def _end(self, time: float, index: int, modem: str, actions: list[Action]) -> None:
        if (index, modem) not in self._active:
            return
        self._active.discard((index, modem))
        actions.append(Action(time, END, index, modem))
        self._follow(self.entries[index], END, time, modem)

    def _follow(self, entry: Entry, edge: str, time: float, modem: str) -> None:
        if entry.name is None:
            return
        for follower in self._followers.get((entry.name, edge), ()):
            if modem in self.targets[follower]:
                trigger = self.entries[follower].trigger
                assert isinstance(trigger, After)
                self._push(time + trigger.delay, START, follower, modem)
