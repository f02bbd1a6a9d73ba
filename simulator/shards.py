"""One scenario spread over several processes: ``--shard i/N`` runs share ``i`` of ``N``.

A modem belongs to shard ``position mod N``, its position being its place in the scenario's
list of modems after templates are expanded (0-based).  The share depends on nothing but the
scenario and ``N``, so every process of a run computes the same partition without talking
to the others, and a modem gets in its shard exactly what it gets in one process: its name,
its ports (the scenario gives them), its generator (seeded from the run's seed and its name,
``service.modem_rng``) and its place in the timeline's draws (made over every modem of the
scenario, ``faults.schedule``).  Round robin keeps the shares within one modem of each
other, whatever the order of the scenario's templates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

_FORM = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ShardError(ValueError):
    """A ``--shard`` value that names no share."""


@dataclasses.dataclass(frozen=True)
class Shard:
    """Share ``index`` (0 to ``count`` - 1) of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ShardError(f"--shard {self}: the number of shards must be 1 or more")
        if not 0 <= self.index < self.count:
            raise ShardError(
                f"--shard {self}: the shard index counts from 0, so it must be 0 to "
                f"{self.count - 1} for {self.count} shard(s)")

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/8"`` -> share 2 of 8."""
        match = _FORM.fullmatch(text)
        if match is None:
            raise ShardError(
                f"--shard {text!r}: expected INDEX/COUNT, e.g. 0/4 for the first of four "
                "processes (the index counts from 0)")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def first(self) -> bool:
        """The shard that runs what must run once per scenario (the lab's real listeners)."""
        return self.index == 0

    def holds(self, position: int) -> bool:
        return position % self.count == self.index

    def share(self, items: Sequence[T]) -> list[T]:
        """The items of this shard, in their order."""
        return [item for position, item in enumerate(items) if self.holds(position)]


#: The whole scenario in one process.
WHOLE = Shard(0, 1)
