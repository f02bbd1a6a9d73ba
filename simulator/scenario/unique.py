"""Values that only one thing in a scenario may have: modem names, ports, IMEIs ..."""

from __future__ import annotations

from collections.abc import Hashable

from simulator.scenario.nodes import Node


class UniqueValues:
    """Remembers who took each value first, so the second taker's error can point at it."""

    def __init__(self) -> None:
        self._first: dict[Hashable, tuple[str, int]] = {}

    def claim(self, value: Hashable, owner: str, node: Node, label: str) -> None:
        """Take ``value`` for ``owner``; fail at ``node`` with '<label> is already used by ...'
        if someone has it.  ``label`` names the value for people: ``port 7001``."""
        if value in self._first:
            first_owner, first_line = self._first[value]
            node.fail(f"{label} is already used by {first_owner} (line {first_line})")
        self._first[value] = (owner, node.line)
