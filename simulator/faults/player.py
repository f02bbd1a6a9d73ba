"""The timeline on a reactor: a ``Service`` that asks the ``Schedule`` when the next action
is due, waits for it with ``callLater`` on the injected clock (any ``IReactorTime``, a
``task.Clock`` in tests) and applies or undoes the faults through an ``Injector``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from twisted.application.service import Service
from twisted.internet.interfaces import IReactorTime

from simulator.faults.model import Active, FaultError, Injector, Target
from simulator.faults.schedule import Action, Schedule
from simulator.faults.timeline import START, Entry
from simulator.logs import Logger

if TYPE_CHECKING:
    from simulator.modem.modem import Modem

log = Logger(namespace="atsim.faults")


class TimelinePlayer(Service):
    name = "timeline"

    def __init__(self, entries: Sequence[Entry], modems: Mapping[str, Modem], *,
                 clock: IReactorTime, seed: int, injector: Injector | None = None,
                 names: Sequence[str] | None = None) -> None:
        """``names``: every modem of the scenario in order, when ``modems`` are only some of
        them (a shard's): the draws are made over all, the faults applied to ``modems``."""
        self.entries = tuple(entries)
        self.modems = dict(modems)
        self.clock = clock
        self.seed = seed
        self.injector = injector or Injector()
        self.schedule = Schedule(self.entries, list(self.modems if names is None else names),
                                 seed)
        self.active: dict[tuple[int, str], Active] = {}
        self._start_time = 0.0
        #: When the timeline's clock started (its entries' times count from there).
        self.started_at = 0.0
        self._call = None
        self._watched: list = []
        self._pending: list[tuple[str, str, dict]] = []
        self._handling = False

    def startService(self) -> None:
        super().startService()
        self._start_time = self.clock.seconds()
        self.started_at = self._start_time
        log.info("timeline: {count} entr{ies}, drawn from seed {seed} (the same --seed "
                 "repeats every fault at the same moment)", count=len(self.entries),
                 ies="y" if len(self.entries) == 1 else "ies", seed=self.seed)
        if self.schedule.watches_events:
            self._watch()
        self._arm()

    def _watch(self) -> None:
        """``when:`` entries: every modem's reports, and its network's (sockets, bytes)."""
        routers = []
        for modem in self.modems.values():
            modem.add_hook("observers", self._modem_event)
            network = modem.ip_network
            if network is not None and network.router not in routers:
                routers.append(network.router)
        for router in routers:
            router.observers.append(self._network_event)
        self._watched = routers

    def _unwatch(self) -> None:
        for modem in self.modems.values():
            modem.remove_hook("observers", self._modem_event)
        for router in self._watched:
            if self._network_event in router.observers:
                router.observers.remove(self._network_event)
        self._watched = []

    def _modem_event(self, modem, kind: str, port, fields) -> None:
        self._event(modem.name, kind, fields)

    def _network_event(self, modem: str, kind: str, fields) -> None:
        if modem in self.modems:
            self._event(modem, kind, fields)

    def _event(self, modem: str, kind: str, fields) -> None:
        """An event a modem reported.  A fault it starts acts at once (a ``reply`` answers the
        very command being reported).  Events reported while a fault starts (the URC an
        injected line shows, the registration a deregister changes) are taken afterwards,
        in order, so that an entry whose fault causes its own event cannot nest without
        end."""
        if not self.running:
            return
        self._pending.append((modem, kind, dict(fields)))
        if self._handling:
            return
        self._handling = True
        try:
            while self._pending:
                modem, kind, fields = self._pending.pop(0)
                actions = self.schedule.event(self.clock.seconds() - self._start_time, modem,
                                              kind, fields)
                for action in actions:
                    self._perform(action)
                if actions:
                    self._disarm()
                    self._arm()
        finally:
            self._handling = False

    def _disarm(self) -> None:
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None

    def stopService(self):
        self._unwatch()
        self._disarm()
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
        if action.modem not in self.modems:
            return  # another shard's modem
        key = (action.entry, action.modem)
        entry = self.entries[action.entry]
        if action.edge != START:
            active = self.active.pop(key, None)
            if active is not None:
                active.undo()
            return
        target = Target(self.modems[action.modem], event=action.event)
        try:
            active = self.injector.apply(entry.fault, target, cause=entry.describe(action.entry))
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
