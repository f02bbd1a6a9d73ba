"""The vendor dialects: one module or package per dialect, each exposing ``DIALECT``.

Adding a dialect is adding a module here; ``names()`` finds it and ``get()`` loads it.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.modem.modem import Dialect

#: Modules of this package that are not dialects (shared bases and vendor platforms).
_NOT_DIALECTS = frozenset({"atsharp", "base", "command", "wavecom"})


def names() -> list[str]:
    return list(_names())


@functools.cache
def _names() -> tuple[str, ...]:
    """The package's dialect modules, listed once: every modem of a scenario asks."""
    return tuple(sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name not in _NOT_DIALECTS
    ))


def get(name: str) -> Dialect:
    """The dialect called ``name``.  Raises LookupError for one that does not exist."""
    dialect = _loaded.get(name)
    if dialect is None:
        if name not in _names():
            raise LookupError(f"unknown dialect {name!r}; available: {', '.join(names())}")
        dialect = _loaded[name] = importlib.import_module(f"{__name__}.{name}").DIALECT
    return dialect


#: Dialects by name once loaded: every modem of a fleet asks for its own.
_loaded: dict[str, Dialect] = {}
