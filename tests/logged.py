"""What a test sees logged as an error: events at error or critical level, or carrying a
failure, from every logger in the process."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from twisted.logger import LogLevel, globalLogPublisher

_SERIOUS = (LogLevel.error, LogLevel.critical)


def _is_error(event: dict) -> bool:
    return event.get("log_failure") is not None or event.get("log_level") in _SERIOUS


def _is_failure(event: dict) -> bool:
    return event.get("log_failure") is not None


@contextlib.contextmanager
def errors_logged(keep=_is_error) -> Iterator[list[dict]]:
    """The error events logged while inside (the list fills as they come); ``keep`` picks
    them."""
    seen: list[dict] = []

    def observe(event: dict) -> None:
        if keep(event):
            seen.append(event)

    globalLogPublisher.addObserver(observe)
    try:
        yield seen
    finally:
        globalLogPublisher.removeObserver(observe)


def failures_logged() -> contextlib.AbstractContextManager[list[dict]]:
    """The events carrying a failure (a handler raised) logged while inside."""
    return errors_logged(_is_failure)


def watch_errors(case) -> list[dict]:
    """The error events logged from now until ``case`` (a trial TestCase) cleans up."""
    stack = contextlib.ExitStack()
    seen = stack.enter_context(errors_logged())
    case.addCleanup(stack.close)
    return seen


def describe(events: list[dict]) -> list:
    """What to show when a test finds error events."""
    return [e.get("log_failure") or e.get("log_format") for e in events]
