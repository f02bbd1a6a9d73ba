"""A modem's ``cmux:`` mapping: what its 27.010 multiplexer supports and how it behaves
(see docs/cmux.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.cmux.config import MAX_DLCS, PORT_SPEEDS, CmuxSettings
from simulator.cmux.frames import MAX_N1
from simulator.scenario.nodes import Node


def _codes(allowed: tuple[int, ...]) -> Callable[[Node], tuple[int, ...]]:
    def read(node: Node) -> tuple[int, ...]:
        items = node.sequence() if not _is_scalar(node) else [node]
        values = tuple(item.integer(min(allowed), max(allowed)) for item in items)
        if not values:
            node.fail(f"needs at least one of {', '.join(map(str, allowed))}")
        return values

    return read


def _is_scalar(node: Node) -> bool:
    import yaml

    return isinstance(node.yaml, yaml.ScalarNode)


def _urc_dlcs(node: Node) -> tuple[int, ...] | None:
    """``urcs: all`` (the default) or a list of DLCIs."""
    if _is_scalar(node) and node.yaml.value == "all":
        return None
    return _codes(tuple(range(1, MAX_DLCS + 1)))(node)


READERS: dict[str, Callable[[Node], Any]] = {
    "modes": _codes((0, 1)),
    "subsets": _codes((0, 1)),
    "max_n1": lambda node: node.integer(1, MAX_N1),
    "dlcs": lambda node: node.integer(1, MAX_DLCS),
    "first_frame_delay": Node.duration,
    "msc_on_open": Node.boolean,
    "refuse_pn": Node.boolean,
    "default_port_speed": lambda node: node.integer(min(PORT_SPEEDS), max(PORT_SPEEDS)),
    "urcs": _urc_dlcs,
}


def read_cmux(node: Node) -> CmuxSettings:
    values = node.mapping(READERS).read(READERS)
    if "urcs" in values:
        values["urc_dlcs"] = values.pop("urcs")
    try:
        return CmuxSettings(**values)
    except ValueError as e:  # rules across keys (subsets must include 0 ...)
        node.fail(str(e))
