"""The parameter flash (002 §1.1, §8.4; GenPro §7.1.1): every value set is written to the modem's
non-volatile store at once, and read back at each power-on.

``erase`` (``AT#DELFLASH``) empties the flash but not the values in use: "the current
parameter values remain visible until the hard reset has completed" (002 §8.4.1); the next
power-on finds nothing stored and starts from the defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.atsharp.parameters import defaults

if TYPE_CHECKING:
    from simulator.dialects.atsharp.tables import AtSharpTables
    from simulator.modem.storage import NVStore

class ParameterFlash:
    """The values in use of one dialect's parameters, kept under ``tables.flash_key`` (a
    mapping of value keys, ``parameters.key``)."""

    def __init__(self, store: NVStore, tables: AtSharpTables) -> None:
        self._store = store
        self._tables = tables
        self.values: dict[str, int | str] = {}
        self.load()

    def load(self) -> None:
        """The values in use become what the flash holds (power-on)."""
        self.values = defaults(self._tables.parameters, self._tables.sockets)
        stored = self._store.get(self._tables.flash_key)
        if not isinstance(stored, dict):
            return
        for key, value in stored.items():
            parameter = self._tables.parameters.get(str(key).split(".")[0])
            # A value the file holds but the parameter would refuse is ignored, as if the
            # flash had never been written (a hand-edited state file).
            if key in self.values and parameter is not None and parameter.kind.accepts(value):
                self.values[key] = value

    def get(self, key: str) -> int | str:
        return self.values[key]

    def put(self, key: str, value: int | str) -> None:
        self.values[key] = value
        stored = self._store.get(self._tables.flash_key)
        stored = dict(stored) if isinstance(stored, dict) else {}
        stored[key] = value
        self._store.put(self._tables.flash_key, stored)

    def erase(self) -> None:
        self._store.delete(self._tables.flash_key)
