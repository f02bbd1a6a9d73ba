"""The configuration commands every AT# dialect has, from its tables: each ``AT#<PARAM>``
set and read (one command per row of the parameter table, and per second spelling), the
display commands, ``AT#VTCP=<id>``, ``AT#VVERSION`` and ``AT#VSTATE``.

Every value set is in the parameter flash at once (``flash.ParameterFlash``).  A parameter
read under a second spelling answers with the name the host typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.command import AtSharpCommand, AtSharpContext
from simulator.dialects.atsharp.displays import render, render_all
from simulator.dialects.atsharp.parameters import Parameter, key
from simulator.dialects.atsharp.running import refuse_while_read
from simulator.dialects.atsharp.values import BadValue

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable


class ParameterCommand(AtSharpCommand):
    """A command that writes one parameter of the table."""

    def __init__(self, context: AtSharpContext, parameter: Parameter, name: str = "") -> None:
        super().__init__(context)
        self.parameter = parameter
        self.name = name or f"#{parameter.name}"

    @property
    def label(self) -> str:
        """The name a read shows: the one typed (``#FTTPW`` reads as ``#FTTPW: ...``)."""
        return self.name[1:]

    def store(self, text: str, socket: int | None = None) -> None:
        refuse_while_read(self.context, self.parameter.name, socket)  # 37123 (E100)
        try:
            value = self.parameter.kind.read(text)
        except BadValue:
            raise self.value_error() from None
        try:
            self.flash.put(key(self.parameter.name, socket), value)
        except OSError:
            raise codes.error(codes.EEPROM_WRITE_FAILED) from None


class ModuleParameter(ParameterCommand):
    """``AT#<P>=<value>`` sets, ``AT#<P>?`` reads."""

    forms = ("set", "read")

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 1)
        self.store(p.str(0))

    def read(self, call) -> None:
        call.info(self.parameter.line(self.flash.get(self.parameter.name), label=self.label))


class SocketParameter(ParameterCommand):
    """``AT#<P>=<id>`` reads, ``AT#<P>=<id>,<value>`` sets (002 §5.1, GenPro §4.1)."""

    forms = ("set",)

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 2)
        socket = self.socket(p)
        if len(p) == 1:
            value = self.flash.get(key(self.parameter.name, socket))
            call.info(self.parameter.line(value, socket, label=self.label))
        else:
            self.store(p.str(1), socket)


class Display(AtSharpCommand):
    """A display command without a parameter: ``lines()`` as information text."""

    def __init__(self, context: AtSharpContext, name: str,
                 lines: Callable[[], Iterable[str]]) -> None:
        super().__init__(context)
        self.name = name
        self.lines = lines

    def exec(self, call) -> None:
        for line in self.lines():
            call.info(line)


class Vtcp(AtSharpCommand):
    """``AT#VTCP=<id>``: one socket's parameters (002 §5.5, GenPro §4.5)."""

    name = "#VTCP"
    forms = ("exec", "set")

    def exec(self, call) -> None:
        """``AT#VTCP`` alone: every socket where the dialect allows it (GenPro §7.1.2,
        decision G7), else the dialect's syntax error (eDsoft E7)."""
        tables = self.context.tables
        if not tables.vtcp_alone_shows_all:
            self.refuse(call)
        for socket in tables.sockets:
            self.show(call, socket)

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 1)
        self.show(call, self.socket(p))

    def show(self, call, socket: int) -> None:
        tables = self.context.tables
        for line in render(tables.vtcp(socket), tables.parameters, self.flash.get):
            call.info(line)


def state_line(context: AtSharpContext) -> str:
    """What AT#VSTATE shows (decision E17 for the spacing and the final OK)."""
    tables = context.tables
    if not context.in_service():
        return tables.no_service_line
    return tables.state_format.format(context.state().value)


def register(context: AtSharpContext, table: CommandTable) -> None:
    tables = context.tables
    parameters = tables.parameters
    for parameter in parameters.values():
        kind = SocketParameter if parameter.per_socket else ModuleParameter
        kind(context, parameter).register(table)
    for alias, canonical in tables.aliases.items():
        parameter = parameters.get(canonical.lstrip("#"))
        if parameter is not None:
            kind = SocketParameter if parameter.per_socket else ModuleParameter
            kind(context, parameter, alias).register(table)
    values = context.flash.get
    displays = {
        **{name: partial(render, block, parameters, values)
           for name, block in tables.displays.items()},
        "#VALL": lambda: render_all(list(tables.vall_first), tables.vall_blocks,
                                    parameters, values),
        "#VVERSION": lambda: list(tables.version),
        "#VSTATE": lambda: [state_line(context)],
    }
    for name, lines in displays.items():
        Display(context, name, lines).register(table)
    Vtcp(context).register(table)
