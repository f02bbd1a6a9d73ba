"""Small formatters for information text, in the shapes 27.007 uses for test-command answers
and string values."""

from __future__ import annotations

from collections.abc import Iterable


def quote(text: str) -> str:
    """A 27.007 string value: ``"text"``."""
    return f'"{text}"'


def span(lo: int, hi: int) -> str:
    """A range of supported values, 27.007 style: ``(0-2)`` (``(1)`` when lo == hi)."""
    return f"({lo})" if lo == hi else f"({lo}-{hi})"


def listing(values: Iterable[int | str]) -> str:
    """A list of supported values: ``(0,1,4)``; strings are quoted: ``("GSM","IRA")``."""
    return "(" + ",".join(quote(v) if isinstance(v, str) else str(v) for v in values) + ")"


def hex_width(value: int, width: int) -> str:
    """Upper-case hexadecimal, zero-padded to ``width`` digits (LAC, cell id)."""
    return f"{value:0{width}X}"
