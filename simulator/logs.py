"""atsim's loggers: ``twisted.logger.Logger`` with a process-wide threshold applied at the
source, so a debug line that nobody asked for costs one comparison instead of building an
event for every observer.  With a thousand modems answering back to back, per-command debug
lines are most of the cost of a run when they are built and then dropped downstream.

``twistd atsim --log-level`` sets the threshold (default ``info``).
"""

from __future__ import annotations

from typing import Any

from twisted.logger import Logger as _TwistedLogger
from twisted.logger import LogLevel

#: LogLevel constants in increasing severity.
LEVELS = (LogLevel.debug, LogLevel.info, LogLevel.warn, LogLevel.error, LogLevel.critical)
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

_threshold = _RANK[LogLevel.info]


def set_level(level: LogLevel | str) -> None:
    """Events below ``level`` are not emitted by atsim's loggers."""
    global _threshold
    if isinstance(level, str):
        level = LogLevel.levelWithName(level)
    _threshold = _RANK[level]


def level() -> LogLevel:
    return LEVELS[_threshold]


def enabled(level: LogLevel) -> bool:
    return _RANK[level] >= _threshold


def debugging() -> bool:
    """Whether debug events are logged: test it before a debug line on a hot path, so the
    line's fields are not even gathered when nobody wants them."""
    return _threshold == 0


class Logger(_TwistedLogger):
    """A ``twisted.logger.Logger`` that drops events below the threshold at once."""

    def emit(self, level: LogLevel, format: str | None = None, **kwargs: Any) -> None:
        if _RANK[level] >= _threshold:
            super().emit(level, format, **kwargs)
