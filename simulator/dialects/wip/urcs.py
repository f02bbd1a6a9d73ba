"""The WIP stack's unsolicited result codes: shown on every AT port of the modem (a port in
data mode shows them when it is back in command mode)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.at.results import error_text
from simulator.dialects.wip.errors import WipError
from simulator.dialects.wip.failures import shown

if TYPE_CHECKING:
    from simulator.dialects.wip.revision import Revision

#: ``Modem.emit_urc``: a line per port, rendered with that port's session.
Emit = Callable[[Callable[[Any], str]], None]


class UrcEmitter:
    def __init__(self, emit: Emit, revision: Revision) -> None:
        self._emit = emit
        self._revision = revision

    def __call__(self, text: str) -> None:
        self._emit(lambda session: text)

    def unsolicited_error(self, code: int) -> None:
        """A failure after ``OK`` (a connection that could not be made), as the revision
        numbers it for +WIPCREATE and as each port's +CMEE shows it (the line a final
        result would show; plain ``ERROR`` as the URC's text)."""
        error = shown(self._revision, "+WIPCREATE", WipError(code))
        self._emit(lambda session: error_text(error, session) or "ERROR")
