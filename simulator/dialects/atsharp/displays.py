"""Display commands as data: a ``Block`` is the rows one command shows, in the manual's
order and spelling; ``render`` turns it into lines from the values in use.

Most rows are ``#<NAME>: <value>``; a row may print another name than the parameter's own
(``label``: GenPro's VTCP prints TCPPORT as ``#TCPPOINT``), another separator (``colon``:
eDsoft's AT#VALL spacing quirks) or ``NAME=value`` (``assign``: eDsoft's AT#VMAILi).
``AT#VALL`` is a header, then each block after an empty line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from simulator.dialects.atsharp.parameters import Parameter, key

Lookup = Callable[[str], "int | str"]


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    socket: int | None = None
    #: What separates name and value: ": " (the rule), " : " or ":" (eDsoft AT#VALL).
    colon: str = ": "
    #: ``RECi=value``: the AT#VMAILi style (no "#", no quotes).
    assign: bool = False
    #: The name printed, when not the parameter's own.
    label: str | None = None

    def line(self, parameters: Mapping[str, Parameter], values: Lookup) -> str:
        value = values(key(self.name, self.socket))
        if self.assign:
            return f"{self.name}={value}"
        return parameters[self.name].line(value, self.socket, colon=self.colon,
                                          label=self.label)


Block = tuple[Row, ...]


def rows(*names: str, socket: int | None = None) -> Block:
    return tuple(Row(name, socket) for name in names)


def render(block: Block, parameters: Mapping[str, Parameter], values: Lookup) -> list[str]:
    return [row.line(parameters, values) for row in block]


def render_all(header: list[str], blocks: tuple[Block, ...],
               parameters: Mapping[str, Parameter], values: Lookup) -> list[str]:
    """AT#VALL: the header (the software version), then each block after an empty line
    ("displayed by blocks of categories separated by a <CR><LF> sequence")."""
    lines = list(header)
    for block in blocks:
        lines.append("")
        lines += render(block, parameters, values)
    return lines
