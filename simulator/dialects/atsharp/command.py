"""What every ``AT#`` command of the family shares: the parameter rules of the application
and the narrow view of the module a command works on.

The application reads every form of its commands itself: a line without the command's
syntax — a parameter missing, one too many, a form the command does not have — is the
dialect's syntax error (eDsoft ``#CME ERROR: 34819``, decision E7); a wrong value its bad
value (eDsoft 34882).  Values are text whether typed quoted or not (002 A.6.1, A.8; GenPro
§7.1.1, §7.1.3), with the case the host typed; the parameter's own kind judges them
(``values.Kind``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from simulator.dialects.atsharp import codes
from simulator.dialects.command import DialectCommand

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.at.params import Params
    from simulator.dialects.atsharp.flash import ParameterFlash
    from simulator.dialects.atsharp.link import IpLink, StackResources
    from simulator.dialects.atsharp.state import ConnectionState
    from simulator.dialects.atsharp.tables import AtSharpTables


@dataclasses.dataclass(frozen=True)
class AtSharpContext:
    """The part of the module an AT# command works on (the service keeps the rest)."""

    #: The dialect's differences.
    tables: AtSharpTables
    flash: ParameterFlash
    #: The IP link the services run on, and who holds the stack (002 §1.6).
    link: IpLink
    resources: StackResources
    #: Where the connection stands (002 §8.2), read and moved.
    state: Callable[[], ConnectionState]
    set_state: Callable[[ConnectionState], None]
    #: Whether the module has radio service (``AT#VSTATE``).
    in_service: Callable[[], bool]
    #: Lines on every AT channel: ``urc(lambda session: [lines])``.
    urc: Callable[[Callable[[Any], list[str]]], None]
    clock: Any


class AtSharpCommand(DialectCommand):
    #: Most of the application's commands are ``AT#<C>`` alone.
    forms = ("exec",)
    unquoted_text = True
    keep_case = True
    error = codes.AtSharpError
    refuses_other_forms = True

    def __init__(self, context: AtSharpContext, service: Any = None) -> None:
        self.context = context
        self.syntax_code = context.tables.syntax_code
        self.value_code = context.tables.value_code
        #: The part of the application the command drives (the connection, the sockets, a
        #: service), if any.
        self.service = service

    @property
    def flash(self) -> ParameterFlash:
        return self.context.flash

    def socket(self, p: Params, i: int = 0) -> int:
        """A TCP socket id typed as ``1`` or ``2``; anything else is a bad value (E27)."""
        typed = p.str(i)
        if typed not in {str(s) for s in self.context.tables.sockets}:
            raise p.bad()
        return int(typed)


class CommandGroup:
    """A part of the application (the connection, the TCP sockets, a service) and the
    commands that drive it, each built with the context and the part."""

    def __init__(self, context: AtSharpContext) -> None:
        self.context = context

    def commands(self) -> Iterable[AtSharpCommand]:
        raise NotImplementedError

    def register(self, table: CommandTable) -> None:
        for command in self.commands():
            command.register(table)
