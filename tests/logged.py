"""What a test sees logged as an error: events at error or critical level, or carrying a
failure, from every logger in the process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from twisted.logger import LogLevel, globalLogPublisher

_SERIOUS = (LogLevel.error, LogLevel.critical)


def _is_error(event: dict) -> bool:
    return event.get("log_failure") is not None or event.get("log_level") in _SERIOUS


@contextlib.contextmanager
def errors_logged() -> Iterator[list[dict]]:
    """The error events logged while inside (the list fills as they come)."""
    seen: list[dict] = []

    def observe(event: dict) -> None:
        if _is_error(event):
            seen.append(event)

    globalLogPublisher.addObserver(observe)
    try:
        yield seen
    finally:
        globalLogPublisher.removeObserver(observe)


def watch_errors(case) -> list[dict]:
    """The error events logged from now until ``case`` (a trial TestCase) cleans up."""
    stack = contextlib.ExitStack()
    seen = stack.enter_context(errors_logged())
    case.addCleanup(stack.close)
    return seen


def describe(events: list[dict]) -> list:
    """What to show when a test finds error events."""
    return [e.get("log_failure") or e.get("log_format") for e in events]
