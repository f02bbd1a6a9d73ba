"""Where a value of a configuration was written, so that an error about it can say so.  The
spec types of every layer may carry one; only the scenario loader fills it in."""

from __future__ import annotations

import dataclasses
from pathlib import Path


@dataclasses.dataclass(frozen=True)
class Source:
    """Where a value was written, for messages: ``scenario.yaml:12: modems[0].ports[1].tcp``."""

    file: Path
    line: int
    key: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}"
