"""Durations as people write them, in a scenario file or a multiplexer's settings: ``250ms``,
``2s``, ``1.5s``, ``1m`` or a bare number of seconds.
"""

from __future__ import annotations

import math
import re

#: Seconds per unit.  ``m`` is minutes: a scenario has no use for metres or months.
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}

# A plain decimal number, with the exponent Python itself prints for very small and very
# large floats (``1e-05``), so that ``f"{x}ms"`` reads back for every float.  No sign (a
# duration cannot be negative), no ``_`` separators, no ``inf``/``nan``: float() would accept
# those, a person writing a scenario never means them.
_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_DURATION = re.compile(rf"({_NUMBER})\s*(ms|s|m)?")

EXAMPLES = '"250ms", "2s", "1.5s", "1m" or a number of seconds'


def parse_duration(value: str | int | float) -> float:
    """The duration in seconds; ValueError (with a message for people) for anything else."""
    if isinstance(value, bool):  # bool is an int subclass; ``delay: yes`` is a mistake
        raise ValueError(f"expected a duration like {EXAMPLES}, got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION.fullmatch(value.strip())
        if match is None:
            raise ValueError(f"expected a duration like {EXAMPLES}, got {value!r}")
        number, unit = match.groups()
        seconds = float(number) * UNITS[unit or "s"]
    else:
        raise ValueError(f"expected a duration like {EXAMPLES}, got {value!r}")
    if math.isnan(seconds):
        raise ValueError(f"expected a duration like {EXAMPLES}, got {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {value!r}")
    if math.isinf(seconds):
        raise ValueError(f"a duration must be finite, got {value!r}")
    return seconds
