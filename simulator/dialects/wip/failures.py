"""What the host sees for a ``WipError``: the revision's answer for that command.

Handlers raise the v5.01 code of a situation; v2.01 answered some commands otherwise (one
fixed code, plain ``ERROR``, renumbered codes), which is the revision's ``error_rules``.
The commands apply it through ``WipCommand.reported``; an unsolicited failure applies it
for the command that started what failed.
"""

from __future__ import annotations

from simulator.at.commands import AtError, CmeError
from simulator.dialects.wip.errors import WipError
from simulator.dialects.wip.revision import Revision


def shown(revision: Revision, command: str, error: WipError) -> AtError:
    code = revision.answer(command, error.code)
    return AtError(command) if code is None else CmeError(code)
