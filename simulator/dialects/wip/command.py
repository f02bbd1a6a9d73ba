"""What every +WIP command shares: the parameter rules of the WIP manuals, the revision's
translation of failures, and the narrow view of the stack a command works on
(``WipContext``: the stack's options and tables, never the service that owns them).

The manuals split the blame (001 §2.2): a line without the command's *syntax* (a parameter
missing, one too many, text where a number belongs) answers plain ``ERROR`` whatever
``+CMEE`` says; a wrong *value* answers the ``+CME ERROR`` code the command's own table names
(800 invalid option, 801 invalid option value, 830 bad index ...).  Numbers may be quoted —
the manual's own SMTP example gives the port as ``"587"`` (001 §5.1.6) — and hosts type
strings bare as often as quoted.

Handlers raise the v5.01 code of a situation (``WipError``); ``reported`` shows it as the
revision does for that command (v2.01's one fixed code, plain ``ERROR``, renumbered codes:
``Revision.error_rules``), for failures raised at once and for Deferreds that fail later.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.at.commands import AtError
from simulator.dialects.command import DialectCommand
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.failures import shown

if TYPE_CHECKING:
    from simulator.dialects.wip.bearers import WipBearer
    from simulator.dialects.wip.revision import Revision
    from simulator.dialects.wip.stack import StackConfig
    from simulator.dialects.wip.table import SocketTable
    from simulator.modem.storage import NVStore


@dataclasses.dataclass(frozen=True)
class WipContext:
    """The part of the WIP stack a command works on."""

    revision: Revision
    stack: StackConfig
    #: The open sockets and sessions by (protocol, index) with their indexes, and the open
    #: bearers by id: the stack's own tables, live.
    sockets: SocketTable
    bearers: dict[int, WipBearer]
    #: Emit an unsolicited result code on every port.
    urc: Callable[[str], None]
    clock: Any
    store: NVStore

    def started_bearer(self) -> WipBearer | None:
        for bearer in self.bearers.values():
            if bearer.started:
                return bearer
        return None

    def close_all(self) -> None:
        """Everything built on the stack goes: its sockets and sessions, its bearers."""
        self.sockets.close_all()
        for bearer in list(self.bearers.values()):
            bearer.stop()
        self.bearers.clear()


class WipCommand(DialectCommand):
    quoted_numbers = True
    unquoted_text = True
    syntax_code = None
    value_code = Code.INVALID_OPTION_VALUE
    error = WipError

    def __init__(self, context: WipContext) -> None:
        self.context = context

    @property
    def revision(self) -> Revision:
        return self.context.revision

    @property
    def stack(self) -> StackConfig:
        return self.context.stack

    def reported(self, error: AtError) -> AtError:
        if isinstance(error, WipError):
            return shown(self.context.revision, self.name, error)
        return error

    def test(self, call) -> None:
        """``AT<command>=?`` answers ``OK`` alone."""
        return None
