"""The timeline on a reactor: a ``Service`` that asks the ``Schedule`` when the next action
is due, waits for it with ``callLater`` on the injected clock (any ``IReactorTime``, a
``task.Clock`` in tests) and applies or undoes the faults through an ``Injector``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorTime

from simulator.faults.model import Active, FaultError, Injector
from simulator.faults.schedule import Action, Schedule
from simulator.faults.timeline import START, Entry
from simulator.logs import Logger

if TYPE_CHECKING:
    from simulator.modem.modem import Modem

log = Logger(namespace="atsim.faults")


class TimelinePlayer(Service):
    name = "timeline"

    def __init__(self, entries: Sequence[Entry], modems: Mapping[str, Modem], *,
                 clock: IReactorTime, seed: int, injector: Injector | None = None) -> None:
        self.entries = tuple(entries)
        self.modems = dict(modems)
        self.clock = clock
        self.seed = seed
        self.injector = injector or Injector()
        self.schedule = Schedule(self.entries, list(self.modems), seed)
        self.active: dict[tuple[int, str], Active] = {}
        self._start_time = 0.0
        #: When the timeline's clock started (its entries' times count from there).
        self.started_at = 0.0
        self._call = None

    def startService(self) -> None:
        super().startService()
        self._start_time = self.clock.seconds()
        self.started_at = self._start_time
        log.info("timeline: {count} entr{ies}, drawn from seed {seed} (the same --seed "
                 "repeats every fault at the same moment)", count=len(self.entries),
                 ies="y" if len(self.entries) == 1 else "ies", seed=self.seed)
        self._arm()

    def stopService(self):
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None
        for active in list(self.active.values()):
            active.undo()
        self.active.clear()
        return super().stopService()

    def _arm(self) -> None:
        due = self.schedule.next_time()
        if due is None or not self.running:
            self._call = None
            return
        delay = max(0.0, self._start_time + due - self.clock.seconds())
        self._call = self.clock.callLater(delay, self._tick)

    def _tick(self) -> None:
        self._call = None
        for action in self.schedule.advance(self.clock.seconds() - self._start_time):
            self._perform(action)
        self._arm()

    def _perform(self, action: Action) -> None:
        key = (action.entry, action.modem)
        entry = self.entries[action.entry]
        if action.edge != START:
            active = self.active.pop(key, None)
            if active is not None:
                active.undo()
            return
        try:
            active = self.injector.apply(entry.fault, self.modems[action.modem],
                                         cause=entry.describe(action.entry))
        except FaultError as e:  # the modem cannot take it (no IP network): say so, go on
            log.error("{modem} {entry}: {error}", modem=action.modem,
                      entry=entry.describe(action.entry), error=str(e))
            return
        except Exception:  # a bug in a fault must not stop the rest of the timeline
            log.failure("{modem} {entry}: {fault} failed", modem=action.modem,
                        entry=entry.describe(action.entry), fault=str(entry.fault))
            return
        if not active.ended:
            self.active[key] = active
