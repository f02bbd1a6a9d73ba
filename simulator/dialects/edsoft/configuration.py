"""The eDsoft application's configuration commands (002 §2.1-§8.4), one ``EdsoftCommand``
each: every ``AT#<PARAM>`` set and read (one command per row of the parameter table), the
multi-line entries ``AT#BODYi`` and ``AT#RECiADD`` / ``AT#CCRECiADD``, the display
commands, ``AT#VVERSION``, ``AT#VSTATE`` and ``AT#DELFLASH``.

Every value set is in the parameter flash at once (``flash.ParameterFlash``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from simulator.at.commands import Prompt
from simulator.dialects.edsoft import codes
from simulator.dialects.edsoft.command import EdsoftCommand, EdsoftContext
from simulator.dialects.edsoft.displays import DISPLAYS, render, render_all, tcp
from simulator.dialects.edsoft.parameters import PARAMETERS, Parameter, key
from simulator.dialects.edsoft.running import refuse_while_read
from simulator.dialects.edsoft.state import state_line
from simulator.dialects.edsoft.values import AddressList, BadValue

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable

#: The software: AT#VALL's first line (002 §8.3.2) and AT#VVERSION's file name; the size
#: and build date AT#VVERSION adds are those of 002 §8.1.2 (decision E16).
SOFTWARE = "eDsoft-W302_V03.00"
BUILD = "67826 Mar 18 2003 18:42:19"

#: Where a multi-line entry's lines end (002 §3.1.5: "enter the <CRLF> pair").
_LINE_END = re.compile(r"\r\n|\r|\n")


# -- parameters ------------------------------------------------------------------------------

class ParameterCommand(EdsoftCommand):
    """A command that writes one parameter of the table."""

    def __init__(self, context: EdsoftContext, parameter: Parameter, name: str = "") -> None:
        super().__init__(context)
        self.parameter = parameter
        self.name = name or f"#{parameter.name}"

    def store(self, text: str, socket: int | None = None) -> None:
        refuse_while_read(self.context, self.parameter.name, socket)  # 37123 (E100)
        try:
            value = self.parameter.kind.read(text)
        except BadValue:
            raise codes.error(codes.BAD_ARGUMENT) from None
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
        call.info(self.parameter.line(self.flash.get(self.parameter.name)))


class SocketParameter(ParameterCommand):
    """``AT#<P>=<id>`` reads, ``AT#<P>=<id>,<value>`` sets (002 §5.1)."""

    forms = ("set",)

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 2)
        socket = self.socket(p)
        if len(p) == 1:
            name = self.parameter.name
            call.info(self.parameter.line(self.flash.get(key(name, socket)), socket))
        else:
            self.store(p.str(1), socket)


# -- multi-line entries ----------------------------------------------------------------------

class BodyEntry(ParameterCommand):
    """``AT#BODYi<CR>`` text ``Ctrl-Z`` (002 §3.1.7); no prompt (decision E18).  The other
    forms are the parameter's (``ModuleParameter``)."""

    refuses_other_forms = False

    def exec(self, call) -> Prompt:
        return Prompt(self.submit, prompt=b"")

    def submit(self, text: bytes) -> None:
        body = text.decode("latin-1")
        for end in ("\r\n", "\r", "\n"):  # the Enter typed before Ctrl-Z
            if body.endswith(end):
                body = body[: -len(end)]
                break
        self.store(body)


class AddressEntry(ParameterCommand):
    """``AT#RECiADD<CR>`` addresses, one a line, ``Ctrl-Z`` (002 §3.1.5)."""


    def exec(self, call) -> Prompt:
        return Prompt(self.submit, prompt=b"")

    def submit(self, text: bytes) -> None:
        kind = self.parameter.kind
        assert isinstance(kind, AddressList)
        addresses = [line for line in _LINE_END.split(text.decode("latin-1")) if line]
        try:
            value = kind.join(addresses)
        except BadValue:
            raise codes.error(codes.BAD_ARGUMENT) from None
        self.store(value)


# -- display commands ------------------------------------------------------------------------

class Display(EdsoftCommand):
    """A display command without a parameter: ``lines()`` as information text."""


    def __init__(self, context: EdsoftContext, name: str,
                 lines: Callable[[], Iterable[str]]) -> None:
        super().__init__(context)
        self.name = name
        self.lines = lines

    def exec(self, call) -> None:
        for line in self.lines():
            call.info(line)


class Vtcp(EdsoftCommand):
    """``AT#VTCP=<id>``: one socket's parameters (002 §5.5)."""

    name = "#VTCP"
    forms = ("set",)

    def set(self, call) -> None:
        p = self.params(call)
        p.count(1, 1)
        for line in render(tcp(self.socket(p)), self.flash.get):
            call.info(line)


class Delflash(EdsoftCommand):
    name = "#DELFLASH"

    def exec(self, call) -> None:
        self.flash.erase()


def register(context: EdsoftContext, table: CommandTable) -> None:
    for parameter in PARAMETERS.values():
        kind = SocketParameter if parameter.per_socket else ModuleParameter
        kind(context, parameter).register(table)
    for i in (1, 2, 3):
        BodyEntry(context, PARAMETERS[f"BODY{i}"]).register(table)
        for family in ("REC", "CCREC"):
            AddressEntry(context, PARAMETERS[f"{family}{i}"], f"#{family}{i}ADD").register(table)
    values = context.flash.get
    displays = {
        **{name: partial(render, block, values) for name, block in DISPLAYS.items()},
        "#VALL": partial(render_all, SOFTWARE, values),
        "#VVERSION": lambda: [f'#VERSION: "{SOFTWARE} {BUILD}"'],
        "#VSTATE": lambda: [state_line(context.state(), context.in_service())],
    }
    for name, lines in displays.items():
        Display(context, name, lines).register(table)
    Vtcp(context).register(table)
    Delflash(context).register(table)
