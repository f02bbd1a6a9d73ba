"""Which modems a timeline entry acts on: ``lab-3``, globs (``lab-*``, ``gw-?``), ``{a..b}``
number ranges (``lab-{1..10}``, ``gw-{001..050}``), and a share of what a pattern matches
(``"10% of lab-*"``).  Which modems make up a share is drawn once per run from the seed."""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import math
import random
import re
from collections.abc import Sequence

#: More names than this from one pattern's ranges is a typo, not a selection.
MAX_EXPANSION = 100_000

_SHARE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s+of\s+(\S.*?)\s*")
_RANGE = re.compile(r"\{([0-9]+)\.\.([0-9]+)\}")
_PATTERN = re.compile(r"[A-Za-z0-9._*?\[\]!-]+")


@dataclasses.dataclass(frozen=True)
class Selector:
    """One selector as written, parsed: the glob patterns its ranges expand to, and the share
    of the matching modems it takes (1.0 for all of them)."""

    text: str
    patterns: tuple[str, ...]
    share: float = 1.0

    @classmethod
    def parse(cls, text: str) -> Selector:
        """ValueError with a message for people when ``text`` is not a selector."""
        share = 1.0
        pattern = text.strip()
        match = _SHARE.fullmatch(text)
        if match is not None:
            share = float(match[1]) / 100
            if not 0 < share <= 1:
                raise ValueError(f"a share is more than 0% and at most 100%, got {match[1]}%")
            pattern = match[2]
        elif "%" in text:
            raise ValueError(f'a share is written "10% of lab-*", got {text!r}')
        if not pattern:
            raise ValueError("an empty selector selects nothing")
        return cls(text, _expand(pattern), share)

    def matches(self, names: Sequence[str]) -> list[str]:
        """The names any pattern matches, in the order of ``names``."""
        return [name for name in names
                if any(fnmatch.fnmatchcase(name, p) for p in self.patterns)]

    def choose(self, names: Sequence[str], rng: random.Random) -> list[str]:
        """The modems this selector takes: all it matches, or a share drawn with ``rng`` —
        rounded to the nearest whole modem, and never none of them."""
        matched = self.matches(names)
        if self.share >= 1 or not matched:
            return matched
        count = max(1, math.floor(self.share * len(matched) + 0.5))
        chosen = set(rng.sample(matched, count))
        return [name for name in matched if name in chosen]


def _expand(pattern: str) -> tuple[str, ...]:
    ranges = list(_RANGE.finditer(pattern))
    literal = _RANGE.sub("0", pattern)
    if "{" in literal or "}" in literal:
        raise ValueError(f"{pattern!r}: a range is written {{1..10}}")
    if not _PATTERN.fullmatch(literal):
        raise ValueError(f"{pattern!r} is not a modem name or pattern (letters, digits, "
                         "'.', '_', '-', globs * ? [...] and ranges {1..10})")
    choices = []
    total = 1
    for match in ranges:
        first, last = match[1], match[2]
        if int(first) > int(last):
            raise ValueError(f"{match[0]}: the range runs backwards")
        width = len(first) if first.startswith("0") and len(first) > 1 else 0
        choices.append([f"{n:0{width}d}" for n in range(int(first), int(last) + 1)])
        total *= len(choices[-1])
        if total > MAX_EXPANSION:
            raise ValueError(f"{pattern!r} names more than {MAX_EXPANSION} modems")
    pieces = _RANGE.split(pattern)[::3]  # the text around the ranges
    return tuple("".join(itertools.chain.from_iterable(itertools.zip_longest(pieces, numbers,
                                                                             fillvalue="")))
                 for numbers in itertools.product(*choices))
