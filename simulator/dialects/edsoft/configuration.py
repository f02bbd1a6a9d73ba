"""eDsoft's own configuration commands beside the shared ones
(``simulator.dialects.atsharp.configuration``): the multi-line entries ``AT#BODYi`` and
``AT#RECiADD`` / ``AT#CCRECiADD`` (002 §3.1.5, §3.1.7) and ``AT#DELFLASH`` (002 §8.4).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.at.commands import Prompt
from simulator.dialects.atsharp import configuration
from simulator.dialects.atsharp.command import AtSharpCommand, AtSharpContext
from simulator.dialects.atsharp.configuration import ParameterCommand
from simulator.dialects.atsharp.values import AddressList, BadValue

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable

#: The software: AT#VALL's first line (002 §8.3.2) and AT#VVERSION's file name; the size
#: and build date AT#VVERSION adds are those of 002 §8.1.2 (decision E16).
SOFTWARE = "eDsoft-W302_V03.00"
BUILD = "67826 Mar 18 2003 18:42:19"

#: Where a multi-line entry's lines end (002 §3.1.5: "enter the <CRLF> pair").
_LINE_END = re.compile(r"\r\n|\r|\n")


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
            raise self.value_error() from None
        self.store(value)


class Delflash(AtSharpCommand):
    name = "#DELFLASH"

    def exec(self, call) -> None:
        self.flash.erase()


def register(context: AtSharpContext, table: CommandTable) -> None:
    configuration.register(context, table)
    parameters = context.tables.parameters
    for i in (1, 2, 3):
        BodyEntry(context, parameters[f"BODY{i}"]).register(table)
        for family in ("REC", "CCREC"):
            AddressEntry(context, parameters[f"{family}{i}"],
                         f"#{family}{i}ADD").register(table)
    Delflash(context).register(table)
