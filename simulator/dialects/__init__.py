"""The vendor dialects: one module or package per dialect, each exposing ``DIALECT``.

Adding a dialect is adding a module here; ``names()`` finds it and ``get()`` loads it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.modem.modem import Dialect

#: Modules of this package that are not dialects (shared bases and vendor platforms).
_NOT_DIALECTS = frozenset({"atsharp", "base", "command", "wavecom"})


def names() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name not in _NOT_DIALECTS
    )


def get(name: str) -> Dialect:
    """The dialect called ``name``.  Raises LookupError for one that does not exist."""
    if name not in names():
        raise LookupError(f"unknown dialect {name!r}; available: {', '.join(names())}")
    return importlib.import_module(f"{__name__}.{name}").DIALECT
