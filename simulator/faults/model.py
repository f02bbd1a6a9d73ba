"""The fault vocabulary as values: a ``Fault`` names a kind and carries typed arguments; a
``FaultKind`` in the ``REGISTRY`` says which arguments it takes and how it is started on a
``Target``.  Starting one gives an ``Active`` handle whose ``undo()`` ends it.

A timeline entry, a control-API call and a test all go through ``Injector.apply``, so every
start and end is logged with the modem's name and counted in one place.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from simulator.logs import Logger

if TYPE_CHECKING:
    from simulator.modem.modem import Modem

log = Logger(namespace="atsim.faults")

#: The value types a fault argument can have.  The scenario reads each from YAML with the
#: reader of the same name (``250ms``, ``"30%"``, ``"40kbit/s"``), a caller in code passes the
#: Python value (seconds, 0..1, bit/s).
ARG_TYPES = ("duration", "probability", "rate", "integer", "text", "choice", "size")

_REQUIRED = object()


class FaultError(ValueError):
    """A fault that cannot be made or started: unknown kind, bad argument, wrong target."""

    def __init__(self, message: str, argument: str | None = None) -> None:
        super().__init__(message)
        #: The argument the message is about, for callers that point at where it was written.
        self.argument = argument


@dataclasses.dataclass(frozen=True)
class Arg:
    """One argument of a fault kind."""

    type: str
    help: str
    default: Any = _REQUIRED
    choices: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 2**31 - 1

    def __post_init__(self) -> None:
        assert self.type in ARG_TYPES, self.type

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED

    def check(self, value: Any) -> Any:
        """The value as the fault uses it; ValueError says what was expected."""
        if self.type == "text":
            if not isinstance(value, str):
                raise ValueError(f"expected text, got {value!r}")
            if "\r" in value or "\n" in value:
                raise ValueError("expected one line, without CR or LF")
            return value
        if self.type == "choice":
            if value not in self.choices:
                raise ValueError(f"{value!r} is not one of {', '.join(self.choices)}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a {self.type}, got {value!r}")
        if self.type == "size":
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"expected a number of bytes (10KiB, 512), got {value!r}")
            return value
        if self.type == "integer":
            if not isinstance(value, int) or not self.minimum <= value <= self.maximum:
                raise ValueError(f"expected a whole number from {self.minimum} to "
                                 f"{self.maximum}, got {value!r}")
            return value
        value = float(value)
        if math.isnan(value) or value < 0 or math.isinf(value) and self.type != "rate":
            raise ValueError(f"expected a {self.type}, got {value!r}")
        if self.type == "probability" and value > 1:
            raise ValueError(f"a probability is from 0 to 1, got {value!r}")
        if self.type == "rate" and value == 0:
            raise ValueError("a rate must be more than 0")
        return value


@dataclasses.dataclass(frozen=True)
class Target:
    """What a fault acts on: a modem, narrowed to a host or port where the kind allows it.

    ``event`` is what the modem reported when a ``when:`` entry started the fault (the command
    line, the connection whose bytes were counted), so that a fault can act on that very
    thing: a ``reply`` answers the command that triggered it, a ``reset_peer`` resets the
    connection that moved the bytes."""

    modem: Modem
    host: str | None = None
    port: int | None = None
    event: Mapping[str, Any] | None = dataclasses.field(default=None, compare=False)
    #: Set by ``Injector.apply``: a fault that is over by itself (a ``reply`` used its
    #: ``times``) calls it so that its handle ends, logged and counted like an undo.
    finished: Callable[[], None] = dataclasses.field(default=lambda: None, compare=False,
                                                     repr=False)

    def narrowing(self) -> frozenset[str]:
        return frozenset(k for k in ("host", "port") if getattr(self, k) is not None)


#: Ends a started fault (restores what it changed).
Undo = Callable[[], None]
#: Starts a fault of a kind on a target with its checked arguments; returns its ``Undo``, or
#: None for an event (a reboot, an injected line), which has nothing to undo.
Starter = Callable[[Target, Mapping[str, Any]], "Undo | None"]


@dataclasses.dataclass(frozen=True)
class FaultKind:
    name: str
    summary: str
    start: Starter
    args: Mapping[str, Arg] = dataclasses.field(default_factory=dict)
    #: An event by nature: it happens and is over (``for:`` makes no sense for it).
    event: bool = False
    #: The argument a bare value fills: ``{urc: "+CREG: 0"}`` is ``{urc: {line: "+CREG: 0"}}``.
    scalar: str | None = None
    #: What a ``Target`` may be narrowed to ("host", "port") for this kind.
    narrowing: frozenset[str] = frozenset()
    #: Every argument is optional but at least one must be given (``link``).
    at_least_one: bool = False
    #: Exactly one of these arguments must be given (``drop_bytes``: rate or count).
    exactly_one: tuple[str, ...] = ()

    def check(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """Every argument checked and defaults filled in; FaultError names the bad one."""
        checked = {}
        for name in args:
            if name not in self.args:
                allowed = ", ".join(self.args) or "none"
                raise FaultError(f"{self.name} has no argument {name!r} (arguments: {allowed})",
                                 name)
        if self.at_least_one and not args:
            raise FaultError(f"{self.name} needs at least one of: {', '.join(self.args)}")
        given = [name for name in self.exactly_one if args.get(name) is not None]
        if self.exactly_one and len(given) != 1:
            raise FaultError(f"{self.name} needs one of {' or '.join(self.exactly_one)}, "
                             f"not {'both' if given else 'neither'}",
                             given[-1] if given else None)
        for name, arg in self.args.items():
            if name not in args:
                if arg.required:
                    raise FaultError(f"{self.name} needs the argument {name!r}", name)
                checked[name] = arg.default
                continue
            if args[name] is None and arg.default is None:  # "not given", spelt out
                checked[name] = None
                continue
            try:
                checked[name] = arg.check(args[name])
            except ValueError as e:
                raise FaultError(f"{self.name}: {name}: {e}", name) from None
        return checked


class Registry:
    """Fault names to kinds: what a timeline, the control API and tests may apply."""

    def __init__(self) -> None:
        self._kinds: dict[str, FaultKind] = {}

    def add(self, kind: FaultKind) -> FaultKind:
        if kind.name in self._kinds:
            raise ValueError(f"fault {kind.name!r} is already registered")
        self._kinds[kind.name] = kind
        return kind

    def get(self, name: str) -> FaultKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise FaultError(f"unknown fault {name!r}; faults: {', '.join(self.names())}"
                             ) from None

    def names(self) -> list[str]:
        return sorted(self._kinds)

    def __contains__(self, name: str) -> bool:
        return name in self._kinds


REGISTRY = Registry()


@dataclasses.dataclass(frozen=True)
class Fault:
    """A fault kind with its checked arguments (defaults included)."""

    kind: str
    args: tuple[tuple[str, Any], ...] = ()

    @property
    def arguments(self) -> dict[str, Any]:
        return dict(self.args)

    def __str__(self) -> str:
        given = [f"{k}={v!r}" for k, v in self.args if v is not None]
        return f"{self.kind}({', '.join(given)})" if given else self.kind


def make_fault(name: str, args: Mapping[str, Any] | None = None,
               registry: Registry = REGISTRY) -> Fault:
    """A ``Fault`` after its arguments were checked against the kind's schema."""
    kind = registry.get(name)
    checked = kind.check(args or {})
    return Fault(name, tuple(checked.items()))


class Active:
    """A started fault.  ``undo()`` ends it once; later calls do nothing."""

    def __init__(self, injector: Injector, fault: Fault, target: Target, undo: Undo | None,
                 cause: str) -> None:
        self.fault = fault
        self.target = target
        self.cause = cause
        self._injector = injector
        self._undo = undo
        self.ended = undo is None

    def undo(self) -> None:
        if self.ended:
            return
        self.ended = True
        undo, self._undo = self._undo, None
        assert undo is not None
        undo()
        self._injector._ended(self)


class Injector:
    """Starts and ends faults, logging each with the modem and counting them by kind."""

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self.registry = registry
        #: ``(kind, "start" | "end")`` -> how many times.
        self.counts: Counter[tuple[str, str]] = Counter()
        #: ``observer(active, "start" | "end")`` sees every fault start and end (the control
        #: API keeps its list of active faults with it).  An event has only a start, with
        #: ``active.ended`` already true.
        self.observers: list[Callable[[Active, str], None]] = []

    def apply(self, fault: Fault, target: Target | Modem, *, cause: str = "") -> Active:
        """Start ``fault`` on ``target`` (a modem is the whole modem).  ``cause`` says in the
        log who asked: a timeline entry, an API call."""
        if not isinstance(target, Target):
            target = Target(target)
        kind = self.registry.get(fault.kind)
        extra = target.narrowing() - kind.narrowing
        if extra:
            raise FaultError(f"{kind.name} cannot be narrowed to a {', '.join(sorted(extra))}")
        handle: list[Active] = []
        over = []

        def finished() -> None:  # the fault says it is over by itself
            if handle:
                handle[0].undo()
            else:  # over while it was starting: ended right after the start is logged
                over.append(True)

        target = dataclasses.replace(target, finished=finished)
        undo = kind.start(target, kind.check(fault.arguments))
        self.counts[kind.name, "start"] += 1
        active = Active(self, fault, target, undo, cause)
        handle.append(active)
        log.info("{modem} fault {fault} started{how}{why}", modem=target.modem.name,
                 fault=str(fault), how=" (an event)" if undo is None else "",
                 why=f" by {cause}" if cause else "", kind=kind.name, edge="start")
        self._tell(active, "start")
        if over:
            active.undo()
        return active

    def _tell(self, active: Active, edge: str) -> None:
        for observer in list(self.observers):
            observer(active, edge)

    def _ended(self, active: Active) -> None:
        self.counts[active.fault.kind, "end"] += 1
        log.info("{modem} fault {fault} ended", modem=active.target.modem.name,
                 fault=str(active.fault), kind=active.fault.kind, edge="end")
        self._tell(active, "end")


_holders: weakref.WeakKeyDictionary[object, dict[str, int]] = weakref.WeakKeyDictionary()


def held(thing: object, what: str, begin: Callable[[], None], end: Callable[[], None]) -> Undo:
    """Overlapping faults that switch the same state of ``thing`` (two ``link_down`` on one
    link): ``begin`` runs for the first, ``end`` when the last is undone, so the state comes
    back only when no fault holds it any more."""
    counts = _holders.setdefault(thing, {})
    counts[what] = counts.get(what, 0) + 1
    if counts[what] == 1:
        begin()

    def undo() -> None:
        counts[what] -= 1
        if counts[what] == 0:
            end()

    return undo
