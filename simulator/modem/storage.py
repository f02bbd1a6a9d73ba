"""Non-volatile storage of one modem: what a real module keeps in flash across power cycles
(stored profiles, +IPR, SIM-independent settings, later the dialects' flash-stored options).

One JSON file per modem under the state directory, rewritten atomically on every change, so a
crash never leaves half a file.  ``NVStore(None)`` keeps everything in memory (tests).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def stored_files(directory: Path) -> frozenset[str]:
    """The names of the files in ``directory`` (none if it does not exist): listed once
    for a fleet, so that its modems' stores need not each look for their file."""
    try:
        return frozenset(os.listdir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return frozenset()


class NVStore:
    def __init__(self, path: Path | None, *, exists: bool | None = None) -> None:
        """``exists``: whether ``path`` exists, where the caller knows it (a fleet lists its
        state directory once instead of asking for every modem's file); None asks."""
        self.path = path
        self._data: dict[str, Any] = {}
        if exists is None:
            exists = path is not None and path.exists()
        if path is not None and exists:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                self._data = loaded

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def put(self, key: str, value: Any) -> None:
        self._data[key] = value
        self._flush()

    def delete(self, key: str) -> None:
        if self._data.pop(key, None) is not None:
            self._flush()

    def _flush(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self._data, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)
