"""Turning a handler's ``WipError`` into what the revision shows for that command.

Handlers raise the v5.01 code of a situation; ``reported(revision, "+WIPCREATE", handler)``
wraps the handler so that v2.01's different answers (one fixed code, plain ``ERROR``,
renumbered codes) come from the revision's ``error_rules`` — for failures raised at once and
for Deferreds that fail later alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from simulator.at.commands import AtError, CmeError
from simulator.dialects.wip.errors import WipError
from simulator.dialects.wip.revision import Revision


def shown(revision: Revision, command: str, error: WipError) -> AtError:
    code = revision.answer(command, error.code)
    return AtError(command) if code is None else CmeError(code)


def reported(revision: Revision, command: str,
             handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def run(call: Any) -> Any:
        try:
            outcome = handler(call)
        except WipError as error:
            raise shown(revision, command, error) from None
        if isinstance(outcome, Deferred):
            outcome.addErrback(_translate, revision, command)
        return outcome

    run.__name__ = getattr(handler, "__name__", "handler")
    return run


def _translate(failure: Failure, revision: Revision, command: str) -> Failure:
    if failure.check(WipError):
        return Failure(shown(revision, command, failure.value))
    return failure
