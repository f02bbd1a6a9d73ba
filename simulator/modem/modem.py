"""One virtual modem: its identity, its services (one per telephony domain), its command table
and the AT channels hosts have opened on it.

The modem does not know its dialect's syntax: the dialect object passed in supplies the V.250
traits, identity defaults, and registers its command handlers after the generic services.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from twisted.internet.interfaces import IReactorTime

from simulator import logs
from simulator.at.commands import CommandTable
from simulator.at.session import Traits
from simulator.logs import Logger
from simulator.modem.spec import ModemSpec
from simulator.modem.storage import NVStore
from simulator.network.spec import NetworkSpec

if TYPE_CHECKING:
    from simulator.at.interpreter import Interpreter
    from simulator.at.session import Session
    from simulator.line import Channel
    from simulator.network import Network

log = Logger(namespace="atsim.modem")

S = TypeVar("S", bound="Service")

#: A URC renderer: given a channel's session, the lines to show there (or None for nothing),
#: or bytes to show exactly as they are.
UrcRenderer = Callable[["Session"], "str | Iterable[str] | bytes | None"]
#: Sees a modem's events: ``(modem, kind, port or None, fields)``.
Observer = Callable[["Modem", str, "str | None", dict], None]


class CommandMeter(Protocol):
    """What counts a modem's commands (the control API's metrics): told of every command
    line and its final result by direct calls, no event built for them, and of every other
    event as an observer is."""

    def line(self, modem: Modem, port: str, text: str) -> None:
        """A command line arrived on ``port``; ``text`` without its ``AT``."""

    def result(self, modem: Modem, port: str, data: bytes, error: bool) -> None:
        """The line's final result code, ``data`` as the host sees it."""

    def event(self, modem: Modem, kind: str, port: str | None, fields: dict) -> None:
        """Any other event (``notify``); ``command`` and ``result`` come as above."""


class Dialect(Protocol):
    """What a vendor dialect provides to a modem (see ``simulator.dialects``)."""

    name: str
    traits: Traits

    def identity_defaults(self) -> dict[str, str]:
        """manufacturer, model, revision, imei defaults (may contain ``{n}``-free text)."""

    def traits_for(self, spec: ModemSpec) -> Traits:
        """The traits of the modem ``spec`` describes (``traits`` unless modems differ)."""

    def service_classes(self) -> list[type[Service]]:
        """The modem services this dialect runs, generic ones included."""

    def install(self, modem: Modem, table: CommandTable) -> None:
        """Register the dialect's own handlers; called after every service registered."""


class Service:
    """One domain of a modem (identity, SIM, network registration, packet data ...).

    Subclasses register their commands in ``register`` and react to power with ``power_on``
    and ``power_off``.  Per-channel settings live in ``session.vars`` under the service's keys.
    """

    def __init__(self, modem: Modem) -> None:
        self.modem = modem

    def watch_siblings(self) -> None:
        """Subscribe to the events of the modem's other services (called once every service
        exists, before the command table is built)."""

    def register(self, table: CommandTable) -> None:
        """Add this service's commands to ``table`` (and nothing else: the table is built
        only when the modem first needs it, see ``Modem.commands``)."""

    def power_on(self) -> None:
        pass

    def power_off(self) -> None:
        pass

    def socket_views(self) -> list:
        """The sockets the host opened through this service's commands, as
        ``simulator.ipstack.view.SocketView``s with the host's numbers (none here)."""
        return []


class Modem:
    def __init__(
        self,
        spec: ModemSpec,
        dialect: Dialect,
        network_spec: NetworkSpec,
        clock: IReactorTime,
        rng: random.Random,
        store: NVStore,
        ip_network: Network | None = None,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.dialect = dialect
        #: The scenario's network section: operators, registration timing.
        self.network_spec = network_spec
        #: The simulated packet network the modem's IP stack reaches (bearers, routing, lab
        #: services); None for a modem on its own (tests of commands that need no network).
        self.ip_network = ip_network
        self.clock = clock
        self.rng = rng
        self.store = store
        self.traits = dialect.traits_for(spec)
        self.interpreters: list[Interpreter] = []
        #: ``service(cls)``'s answers: services look each other up on every event.
        self._service_of: dict[type, Service] = {}
        self.services: list[Service] = [cls(self) for cls in dialect.service_classes()]
        for service in self.services:
            service.watch_siblings()
        self._commands: CommandTable | None = None
        self.powered = False
        # What watches or hooks the modem is kept in tuples, replaced by ``add_hook`` and
        # ``remove_hook``, never changed: a modem nothing watches holds the one shared empty
        # tuple, which its command path tests without reaching memory of the modem's own (in
        # a fleet, a list per modem is one more object per test to fetch from memory), and a
        # tuple being iterated stays as it was when a hook adds or removes one.
        #: ``observer(modem, kind, port, fields)`` sees every event of this modem (commands,
        #: results, URCs, state changes) for the event log.  Reporters test the tuple before
        #: building an event, so a modem nobody watches pays one truth test.
        self.observers: tuple[Observer, ...] = ()
        #: Meters (``CommandMeter``) of the modem's commands: two plain calls per command
        #: line, where an observer is handed two events built for it.
        self.meters: tuple[CommandMeter, ...] = ()
        # Faults of the AT engine (``simulator.faults.at``) hook every channel here, so that
        # a modem without faults pays one truth test per line and per write:
        #: ``hook(interpreter, line) -> bool``: True takes the command line (``AT...``) from
        #: the engine; the hook answers it (``answer_line``) or runs it later (``run_line``).
        self.line_hooks: tuple[Callable[[Interpreter, str], bool], ...] = ()
        #: ``hook(interpreter, data) -> data``: the final result code about to be shown.
        self.final_hooks: tuple[Callable[[Interpreter, bytes], bytes], ...] = ()
        #: ``hook(interpreter, data) -> data``: every write outside data mode.
        self.output_hooks: tuple[Callable[[Interpreter, bytes], bytes], ...] = ()

    def __repr__(self) -> str:
        return f"<Modem {self.name} ({self.dialect.name})>"

    def add_hook(self, kind: str, hook) -> None:
        """Add ``hook`` to the modem's ``kind``: ``observers``, ``meters``, ``line_hooks``,
        ``final_hooks`` or ``output_hooks``."""
        setattr(self, kind, (*getattr(self, kind), hook))

    def remove_hook(self, kind: str, hook) -> None:
        """Remove ``hook`` from the modem's ``kind``, if it is there."""
        hooks = getattr(self, kind)
        if hook in hooks:
            index = hooks.index(hook)
            setattr(self, kind, hooks[:index] + hooks[index + 1:])

    @property
    def commands(self) -> CommandTable:
        """The modem's command table, built the first time it is needed (a command line
        arrives, ``+CLAC`` lists it): some seventy handlers per modem that a fleet of idle
        modems would build at start-up and never use.  Registering only adds handlers; what
        a service does on another's events it subscribed to in ``watch_siblings``."""
        table = self._commands
        if table is None:
            table = self._commands = self._build_commands()
        return table

    def _build_commands(self) -> CommandTable:
        from simulator.at import engine_commands  # the V.250 engine's own commands

        table = CommandTable()
        engine_commands.register(table)
        for service in self.services:
            service.register(table)
        self.dialect.install(self, table)
        return table

    def service(self, cls: type[S]) -> S:
        found = self._service_of.get(cls)
        if found is None:
            found = next((s for s in self.services if isinstance(s, cls)), None)
            if found is None:
                raise LookupError(f"{self.name} has no {cls.__name__}")
            self._service_of[cls] = found
        return found

    # -- life cycle ------------------------------------------------------------------------

    def power_on(self) -> None:
        if self.powered:
            return
        self.powered = True
        # Debug: a fleet powers on thousands of modems at start, and the simulator says once
        # that they all did (``SimulatorService``).
        log.debug("{modem} powered on", modem=self.name)
        self.notify("power", state="on")
        for service in self.services:
            service.power_on()

    def power_off(self) -> None:
        if not self.powered:
            return
        self.powered = False
        for service in reversed(self.services):
            service.power_off()
        self.notify("power", state="off")

    # -- channels --------------------------------------------------------------------------

    def attach(self, channel: Channel, port: str) -> Interpreter:
        """Open an AT channel on this modem (one per host-facing port or CMUX DLC)."""
        from simulator.at.interpreter import Interpreter

        interpreter = Interpreter(self, channel, port)
        self.interpreters.append(interpreter)
        channel.attach_device(interpreter)
        self.notify("port", port, state="attached")  # transcripts tap its channel
        return interpreter

    def detach(self, interpreter: Interpreter) -> None:
        if interpreter in self.interpreters:
            self.interpreters.remove(interpreter)
            self.notify("port", interpreter.port, state="detached")

    def emit_urc(self, render: UrcRenderer) -> None:
        """Show an unsolicited result code on every AT channel, each formatted by ``render``
        with that channel's settings (``+CREG=<n>`` is per channel)."""
        for interpreter in list(self.interpreters):
            interpreter.urc(render(interpreter.session))

    def event(self, kind: str, *, quiet: bool = False, **fields: Any) -> None:
        """A structured event for the event log: ``lab-1 registration domain=+CREG stat=1``.
        The fields are also kept as keys of the log event for observers that read them.
        ``quiet`` logs it at debug level only (observers see it all the same): for passing
        states every modem of a fleet goes through at once, such as searching at power-on."""
        if quiet and not logs.debugging():
            self.notify(kind, **fields)
            return
        details = "".join(f" {key}={value}" for key, value in fields.items())
        text = f"{self.name} {kind}{details}".replace("{", "{{").replace("}", "}}")
        emit = log.debug if quiet else log.info
        emit(text, modem=self.name, event=kind, **fields)
        self.notify(kind, **fields)  # a "port" field is the port the event is about

    def notify(self, kind: str, port: str | None = None, **fields: Any) -> None:
        """Tell the observers of an event on ``port`` (None: the modem as a whole)."""
        for observer in self.observers:
            observer(self, kind, port, fields)
        for meter in self.meters:
            meter.event(self, kind, port, fields)
