"""The faults of a run as the control API shows them: every fault started through the
injector — by the timeline, the API or anything else — gets an id while it runs, can be
listed and ended by that id, and is announced to the modem's observers (``fault`` events).

A request from the API is applied all or nothing: everything it names is checked before the
first fault starts (``FaultRequest`` is only made from a checked request), and should a start
fail all the same, the ones already started are ended again.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Mapping, Sequence
from typing import Any

from simulator.faults import Active, Fault, Injector
from simulator.faults.selectors import Selector
from simulator.modem.modem import Modem

#: Who asked, in the log line of each fault the API starts.
API_CAUSE = "control API"


@dataclasses.dataclass(frozen=True)
class FaultRequest:
    """A checked request: the fault, the selectors and how long (None: until removed)."""

    fault: Fault
    selectors: tuple[Selector, ...]
    duration: float | None = None


@dataclasses.dataclass
class Record:
    id: int
    active: Active
    started: float
    ends: float | None = None
    timer: Any = None

    def to_json(self) -> dict[str, Any]:
        fault = self.active.fault
        return {"id": self.id, "modem": self.active.target.modem.name, "fault": fault.kind,
                "args": {k: v for k, v in fault.args if v is not None},
                "text": str(fault), "cause": self.active.cause, "started": self.started,
                "ends": self.ends, "active": not self.active.ended}


class StartFailed(Exception):
    """A fault refused to start on one of the modems; none of the request's is left running."""


class FaultBook:
    def __init__(self, modems: Mapping[str, Modem], injector: Injector, clock, seed: int
                 ) -> None:
        self._modems = dict(modems)
        self._injector = injector
        self._clock = clock
        self._seed = seed
        self._ids = itertools.count(1)
        self._requests = itertools.count(1)
        self._records: dict[int, Record] = {}
        self._by_active: dict[int, Record] = {}  # id(active) -> record, while it runs
        #: The records of the faults an ``apply`` started, while it runs.
        self._collected: dict[int, Record] | None = None
        injector.observers.append(self._observe)

    def close(self) -> None:
        if self._observe in self._injector.observers:
            self._injector.observers.remove(self._observe)
        for record in self._records.values():
            self._cancel_timer(record)

    # -- what the API asks ---------------------------------------------------------------------

    def chosen(self, request: FaultRequest) -> list[str]:
        """The modems ``request`` selects, in scenario order; a share is drawn from the run's
        seed and the request's number."""
        names = list(self._modems)
        rng = random.Random(f"{self._seed}:control:{next(self._requests)}")
        wanted: set[str] = set()
        for selector in request.selectors:
            wanted.update(selector.choose(names, rng))
        return [name for name in names if name in wanted]

    def apply(self, request: FaultRequest) -> list[Record]:
        """Start the fault on every modem the request selects, or on none."""
        started: list[Active] = []
        self._collected = collected = {}
        try:
            for name in self.chosen(request):
                started.append(self._injector.apply(request.fault, self._modems[name],
                                                    cause=API_CAUSE))
        except Exception as error:
            for active in reversed(started):
                active.undo()
            raise StartFailed(f"{request.fault} could not start on {name}: {error}; "
                              "no modem of the request keeps it") from error
        finally:
            self._collected = None
        records = []
        for active in started:
            record = collected[id(active)]
            if request.duration is not None and not active.ended:
                record.ends = record.started + request.duration
                record.timer = self._clock.callLater(request.duration, active.undo)
            records.append(record)
        return records

    def inject(self, fault: Fault, name: str) -> Record:
        """Apply ``fault`` (an event, such as a URC line) to the modem ``name`` once."""
        self._collected = collected = {}
        try:
            active = self._injector.apply(fault, self._modems[name], cause=API_CAUSE)
        except Exception as error:
            raise StartFailed(f"{fault} could not start on {name}: {error}") from error
        finally:
            self._collected = None
        return collected[id(active)]

    def remove(self, fault_id: int) -> Record:
        """End a running fault; KeyError if no fault of that id runs."""
        record = self._records[fault_id]
        record.active.undo()
        return record

    def running(self, modem: str | None = None) -> list[Record]:
        return [r for r in self._records.values()
                if modem is None or r.active.target.modem.name == modem]

    def now(self) -> float:
        return self._clock.seconds()

    def modem_names(self) -> Sequence[str]:
        return list(self._modems)

    # -- what the injector reports -------------------------------------------------------------

    def _observe(self, active: Active, edge: str) -> None:
        modem = active.target.modem
        if edge == "start":
            record = Record(next(self._ids), active, self._clock.seconds())
            if self._collected is not None:
                self._collected[id(active)] = record
            if not active.ended:
                self._records[record.id] = record
                self._by_active[id(active)] = record
        else:
            record = self._by_active.pop(id(active), None)
            if record is None:  # started before the API was watching
                return
            self._records.pop(record.id, None)
            self._cancel_timer(record)
        modem.notify("fault", id=record.id, edge=edge, fault=active.fault.kind,
                     text=str(active.fault), cause=active.cause)

    def _cancel_timer(self, record: Record) -> None:
        if record.timer is not None and record.timer.active():
            record.timer.cancel()
        record.timer = None
