"""The parameter flash (002 §1.1, §8.4): every value set is written to the modem's
non-volatile store at once, and read back at each power-on.

``erase`` (``AT#DELFLASH``) empties the flash but not the values in use: "the current
parameter values remain visible until the hard reset has completed" (002 §8.4.1); the next
power-on finds nothing stored and starts from the defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.edsoft.parameters import PARAMETERS, defaults

if TYPE_CHECKING:
    from simulator.modem.storage import NVStore

#: The store key of the parameter flash: a mapping of value keys (``parameters.key``).
FLASH_KEY = "edsoft.parameters"


class ParameterFlash:
    def __init__(self, store: NVStore) -> None:
        self._store = store
        self.values: dict[str, int | str] = {}
        self.load()

    def load(self) -> None:
        """The values in use become what the flash holds (power-on)."""
        self.values = defaults()
        stored = self._store.get(FLASH_KEY)
        if not isinstance(stored, dict):
            return
        for key, value in stored.items():
            parameter = PARAMETERS.get(str(key).split(".")[0])
            # A value the file holds but the parameter would refuse is ignored, as if the
            # flash had never been written (a hand-edited state file).
            if key in self.values and parameter is not None and parameter.kind.accepts(value):
                self.values[key] = value

    def get(self, key: str) -> int | str:
        return self.values[key]

    def put(self, key: str, value: int | str) -> None:
        self.values[key] = value
        stored = self._store.get(FLASH_KEY)
        stored = dict(stored) if isinstance(stored, dict) else {}
        stored[key] = value
        self._store.put(FLASH_KEY, stored)

    def erase(self) -> None:
        self._store.delete(FLASH_KEY)
