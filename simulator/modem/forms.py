"""Handlers shared by many commands: the test forms whose answer never changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def ok(call: Any) -> None:
    """A test form whose whole answer is OK (27.007 defines no information text for it)."""


def fixed(*lines: str) -> Callable[[Any], None]:
    """A handler answering the same information text every time (test forms)."""

    def handler(call: Any) -> None:
        for line in lines:
            call.info(line)

    return handler
