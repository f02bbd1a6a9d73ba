"""An AT# parameter as data: its kind of value, its default, whether it exists once per TCP
socket, and how it is displayed.  Each dialect lists its own parameters
(``AtSharpTables.parameters``); the engine keeps, reads, shows and stores them alike.

A parameter is displayed ``#<NAME>: <value>`` (strings quoted, numbers bare), a TCP socket
parameter ``#<NAME>: <id>,<value>``; a ``Letter`` (FTPTYPE) alone shows ``#FTPTYPE = I``, in
both manuals of the family.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from simulator.dialects.atsharp.values import Kind, Letter


@dataclasses.dataclass(frozen=True)
class Parameter:
    name: str
    kind: Kind
    default: int | str
    section: str
    per_socket: bool = False

    def line(self, value: int | str, socket: int | None = None, *, colon: str = ": ",
             label: str | None = None) -> str:
        """How the module displays it; ``colon`` is what separates name and value (the
        AT#VALL spacing quirks), ``label`` the name printed when it is not the parameter's
        own (a second spelling)."""
        name = label or self.name
        if isinstance(self.kind, Letter):
            return f"#{name} = {self.kind.show(value)}"
        shown = self.kind.show(value)
        if socket is not None:
            shown = f"{socket},{shown}"
        return f"#{name}{colon}{shown}"


def table(parameters: Iterable[Parameter]) -> dict[str, Parameter]:
    return {p.name: p for p in parameters}


def key(name: str, socket: int | None = None) -> str:
    """Where a value is kept: the name, or ``<NAME>.<id>`` for a TCP socket's."""
    return name if socket is None else f"{name}.{socket}"


def defaults(parameters: Mapping[str, Parameter],
             sockets: Iterable[int]) -> dict[str, int | str]:
    values: dict[str, int | str] = {}
    sockets = tuple(sockets)
    for p in parameters.values():
        for socket in sockets if p.per_socket else (None,):
            values[key(p.name, socket)] = p.default
    return values
