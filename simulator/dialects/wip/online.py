"""``ATO`` on a WIP modem: a WIP port left data mode for good (``+++`` unmaps its socket), so
there is nothing to go back to — "+CME ERROR:3 will be received when GPRS bearer is used"
(001 §6.2.11.2).  A call suspended in online command state (a CSD data call) still resumes,
as the V.250 engine's ``ATO`` does."""

from __future__ import annotations

from simulator.at.commands import AtError, CmeError
from simulator.dialects.command import DialectCommand
from simulator.modem.errors import OPERATION_NOT_ALLOWED


class Online(DialectCommand):
    name = "O"
    forms = ("exec",)

    def exec(self, call):
        if call.command.value not in (None, 0):
            raise AtError("O")
        if call.interpreter.online:
            return call.interpreter.resume(call)
        raise CmeError(OPERATION_NOT_ALLOWED)
