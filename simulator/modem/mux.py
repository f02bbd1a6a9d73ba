"""+CMUX (3GPP TS 27.007 §5.7): start a 27.010 multiplexer on the port the command came in on.

After ``OK`` the physical port belongs to a :class:`simulator.cmux.device.Multiplexer`; each
DLC the host opens gets its own AT interpreter on its own channel (own echo, profile, data
mode, ``&D``/``&C`` on the DLC's V.24 signals carried by MSC).  When the multiplexer ends
(CLD, DISC on DLC 0, DTR drop, the host closing the port, power off) every DLC interpreter is
detached and the physical port is back in AT command mode.

What the modem supports comes from the modem spec's optional ``cmux`` (a
:class:`~simulator.cmux.config.CmuxSettings` or a mapping of its fields), else defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from simulator.at.commands import CmeError, TakeOver
from simulator.cmux.config import (
    K_RANGE,
    N2_RANGE,
    PORT_SPEEDS,
    T1_RANGE,
    T2_RANGE,
    T3_RANGE,
    CmuxSettings,
    MuxParameters,
)
from simulator.cmux.device import Multiplexer
from simulator.cmux.frames import Option
from simulator.cmux.injected import MuxFaults
from simulator.modem import errors
from simulator.modem.modem import Service

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.at.interpreter import Interpreter
    from simulator.line import Channel
    from simulator.modem.modem import Modem

#: ``session.vars`` key of a DLC's AT channel: the multiplexer it belongs to.
SESSION_KEY = "cmux"


def settings_of(spec: Any) -> CmuxSettings:
    """The modem's multiplexer settings from its spec's optional ``cmux`` attribute."""
    value = getattr(spec, "cmux", None)
    if value is None:
        return CmuxSettings()
    if isinstance(value, CmuxSettings):
        return value
    if isinstance(value, Mapping):
        from simulator.durations import parse_duration

        return CmuxSettings.from_mapping(value, parse_duration)
    raise ValueError(f"cmux settings must be a mapping, not {type(value).__name__}")


def ranges(values: Iterable[int]) -> str:
    """A 27.007 test-form list with every run collapsed: ``(0-1)``, ``(1-6)``, ``(0,2-4)``.

    A run of two is a range too, as modules print it (``(0-1)``): oFono's multiplexer
    setup reads each +CMUX field as one range and gives up on a list such as ``(0,1)``."""
    items = sorted(set(values))
    parts: list[str] = []
    start = previous = None
    for value in [*items, None]:
        if start is not None and (value is None or value != previous + 1):
            parts.append(f"{start}-{previous}" if previous > start else str(start))
            start = None
        if value is not None and start is None:
            start = value
        previous = value
    return "(" + ",".join(parts) + ")"


def span(low: int, high: int) -> str:
    return f"({low}-{high})" if high > low else f"({low})"


class _DlcAttacher:
    """The DLC hooks of one multiplexer: an AT interpreter per DLC."""

    def __init__(self, modem: Modem, port: str) -> None:
        self.modem = modem
        self.port = port
        self.multiplexer: Multiplexer | None = None
        self.interpreters: dict[int, Interpreter] = {}

    def dlc_opened(self, dlci: int, channel: Channel) -> None:
        interpreter = self.modem.attach(channel, f"{self.port}/dlc{dlci}")
        interpreter.session.vars[SESSION_KEY] = self.multiplexer
        interpreter.receives_urcs = settings_of(self.modem.spec).sends_urcs_on(dlci)
        self.interpreters[dlci] = interpreter

    def dlc_closed(self, dlci: int, channel: Channel) -> None:
        interpreter = self.interpreters.pop(dlci, None)
        if interpreter is not None:
            self.modem.detach(interpreter)
        channel.detach_device()


class MuxService(Service):
    """+CMUX and the multiplexer sessions of one modem."""

    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.settings = settings_of(modem.spec)
        #: Running multiplexers (one per physical port at most).
        self.multiplexers: list[Multiplexer] = []
        #: Injected misbehaviour, kept here so that it also acts on a multiplexer started
        #: while it lasts (``simulator.faults.cmux``).
        self.faults = MuxFaults()

    def register(self, table: CommandTable) -> None:
        table.add("+CMUX", set=self.cmux_set, read=self.cmux_read, test=self.cmux_test)

    def power_off(self) -> None:
        for multiplexer in list(self.multiplexers):
            multiplexer.close_down("power off")

    # -- +CMUX ----------------------------------------------------------------------------------

    def cmux_test(self, call: Any) -> None:
        s = self.settings
        call.info("+CMUX: " + ",".join([
            ranges(s.modes), ranges(s.subsets), ranges(PORT_SPEEDS), span(1, s.max_n1),
            span(*T1_RANGE), span(*N2_RANGE), span(*T2_RANGE), span(*T3_RANGE),
            span(*K_RANGE),
        ]))

    def cmux_read(self, call: Any) -> None:
        """Inside a DLC: the running session's values.  Elsewhere (before +CMUX, or after
        the multiplexer ended) the defaults, as modules that do not answer ERROR do."""
        multiplexer = call.session.vars.get(SESSION_KEY)
        if multiplexer is not None:
            parameters = multiplexer.session.parameters
        else:
            parameters = self.settings.default_parameters()
        call.info("+CMUX: " + ",".join(str(v) for v in parameters.values()))

    def cmux_set(self, call: Any) -> TakeOver:
        if call.session.vars.get(SESSION_KEY) is not None or call.interpreter.online:
            # A DLC cannot carry a multiplexer of its own, and a call held in online
            # command state would be stranded under the multiplexer.
            raise CmeError(errors.OPERATION_NOT_ALLOWED)
        parameters = self.parse(call)
        interpreter = call.interpreter
        return TakeOver(lambda give_back: self._start(interpreter, parameters, give_back))

    def parse(self, call: Any) -> MuxParameters:
        s = self.settings
        p = call.params
        p.at_most(9)
        option = Option(p.int(0, choices=s.modes))
        return MuxParameters(
            option=option,
            subset=p.int(1, default=0, choices=s.subsets),
            port_speed=p.int(2, default=s.default_port_speed, choices=PORT_SPEEDS),
            n1=p.int(3, 1, s.max_n1, default=s.default_n1(option)),
            t1=p.int(4, *T1_RANGE, default=MuxParameters.t1),
            n2=p.int(5, *N2_RANGE, default=MuxParameters.n2),
            t2=p.int(6, *T2_RANGE, default=MuxParameters.t2),
            t3=p.int(7, *T3_RANGE, default=MuxParameters.t3),
            k=p.int(8, *K_RANGE, default=MuxParameters.k),
        )

    def _start(self, interpreter: Interpreter, parameters: MuxParameters,
               give_back: Any) -> Multiplexer:
        attacher = _DlcAttacher(self.modem, interpreter.port)

        def ended() -> None:
            if multiplexer in self.multiplexers:
                self.multiplexers.remove(multiplexer)
            self.modem.event("cmux ended", port=interpreter.port)
            give_back()

        multiplexer = Multiplexer(
            interpreter.channel, parameters, self.settings, self.modem.clock, attacher,
            ended, label=f"{self.modem.name} {interpreter.port}", faults=self.faults,
        )
        attacher.multiplexer = multiplexer
        self.multiplexers.append(multiplexer)
        self.modem.event("cmux started", port=interpreter.port,
                         mode=parameters.option.value, n1=parameters.n1)
        return multiplexer
