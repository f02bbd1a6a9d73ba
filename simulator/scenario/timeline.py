"""The ``timeline:`` list: faults on a schedule (``simulator.faults.timeline``).  Every fault
name, argument, selector and trigger is checked here against the fault registry and the
scenario's modems, so a mistake stops start-up with its file, line and key."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from simulator.faults import REGISTRY, Fault, FaultError, FaultKind, make_fault
from simulator.faults.selectors import Selector
from simulator.faults.timeline import (
    BEARER_STATES,
    CALL_STATES,
    END,
    REGISTRATION_STATES,
    SOCKET_STATES,
    START,
    WHEN_EVENTS,
    After,
    At,
    Entry,
    Every,
    TimelineError,
    When,
    check_after,
)
from simulator.scenario.ipnetwork import _probability, _rate
from simulator.scenario.nodes import BOOL, Node
from simulator.scenario.unique import UniqueValues

ENTRY_KEYS = ("name", "at", "after", "every", "jitter", "times", "when", "probability",
              "modems", "do", "for", "until")
AFTER_KEYS = (START, END, "delay")
WHEN_KEYS = (*WHEN_EVENTS, "count", "host", "port")

_SIZE = re.compile(r"\s*([0-9]+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*")
_UNITS = {None: 1, "B": 1, "KB": 1000, "KiB": 1024, "MB": 1000**2, "MiB": 1024**2,
          "GB": 1000**3, "GiB": 1024**3}


def read_size(node: Node) -> int:
    """A number of bytes: ``512``, ``10KiB`` (1024), ``10KB`` (1000), ``2MiB``."""
    if isinstance(node.yaml, yaml.ScalarNode) and node.yaml.tag.endswith(":int"):
        return node.integer(0, 2**62)
    match = _SIZE.fullmatch(node.string()) if isinstance(node.yaml, yaml.ScalarNode) else None
    if match is None:
        node.fail(f"expected a number of bytes such as 512, 10KiB or 2MB, got "
                  f"{node.yaml.value if isinstance(node.yaml, yaml.ScalarNode) else 'a list'!r}")
    return int(match[1]) * _UNITS[match[2]]

#: How each argument type of a fault kind is read from YAML.
ARG_READERS: dict[str, Callable[..., Any]] = {
    "duration": Node.duration,
    "probability": _probability,
    "rate": _rate,
    "text": Node.string,
    "size": read_size,
}


def read_timeline(node: Node | None, modems: Sequence[str]) -> tuple[Entry, ...]:
    if node is None:
        return ()
    items = node.sequence()
    names = UniqueValues()
    entries = []
    for index, item in enumerate(items):
        entry = _read_entry(item, modems)
        if entry.name is not None:
            names.claim(entry.name, f"timeline[{index}]", item, f"the name {entry.name!r}")
        entries.append(entry)
    _check_after(entries, items)
    return tuple(entries)


def _read_entry(item: Node, modems: Sequence[str]) -> Entry:
    if isinstance(item.yaml, yaml.MappingNode):
        for key_node, _ in item.yaml.value:
            if key_node.tag == BOOL and key_node.value.lower() == "on":
                item.key("on", key_node).fail(
                    "the modems of an entry are given with modems:, not on: "
                    "(which YAML reads as true)")
    fields = item.mapping(ENTRY_KEYS, required=("do",))
    fault = read_fault(fields["do"])
    values: dict[str, Any] = {"fault": fault, "source": item.source}
    values["trigger"] = _read_trigger(fields, item)
    if "name" in fields:
        name = fields["name"].string()
        if not name:
            fields["name"].fail("must not be empty")
        values["name"] = name
    if "probability" in fields:
        values["probability"] = _probability(fields["probability"])
    if "modems" in fields:
        values["modems"] = read_selectors(fields["modems"], modems)
    if "for" in fields and "until" in fields:
        fields["until"].fail("give for or until, not both")
    ending = fields.get("for") or fields.get("until")
    if ending is not None and REGISTRY.get(fault.kind).event:
        ending.fail(f"{fault.kind} is an event: it has no duration to end")
    if "for" in fields:
        values["duration"] = fields["for"].duration()
    if "until" in fields:
        values["until"] = fields["until"].duration()
        trigger = values["trigger"]
        start = trigger.time if isinstance(trigger, At) else (
            trigger.first if isinstance(trigger, Every) and trigger.first is not None else None)
        if start is not None and values["until"] <= start:
            fields["until"].fail(f"is not after the entry starts ({start:g}s)")
    return Entry(**values)


def _read_trigger(fields, item: Node) -> At | After | Every | When:
    given = [key for key in ("at", "after", "every", "when") if key in fields]
    if not given:
        item.fail("needs a trigger: at, after, every or when")
    for alone in ("after", "when"):
        if alone in fields and len(given) > 1:
            other = [key for key in given if key != alone][0]
            fields[other].fail(f"{alone} cannot be combined with {other}")
    if "jitter" in fields and "every" not in fields:
        fields["jitter"].fail("jitter goes with every")
    if "times" in fields and "every" not in fields and "when" not in fields:
        fields["times"].fail("times goes with every or when")
    if "when" in fields:
        times = fields["times"].integer(1, 2**31 - 1) if "times" in fields else 1
        return read_when(fields["when"], times)
    if "every" in fields:
        period = fields["every"].duration()
        if period <= 0:
            fields["every"].fail("the period must be more than 0")
        return Every(
            period=period,
            first=fields["at"].duration() if "at" in fields else None,
            jitter=fields["jitter"].duration() if "jitter" in fields else 0.0,
            times=fields["times"].integer(1, 2**31 - 1) if "times" in fields else None,
        )
    if "at" in fields:
        return At(fields["at"].duration())
    return _read_after(fields["after"])


def read_when(node: Node, times: int = 1) -> When:
    """``when: {command: "AT+CGACT=1,1", count: 3}``, ``when: {bytes: 10KiB, host: www}``."""
    fields = node.mapping(WHEN_KEYS)
    events = [key for key in WHEN_EVENTS if key in fields]
    if len(events) != 1:
        node.fail(f"name one event: {', '.join(WHEN_EVENTS)}")
    what = events[0]
    where = fields[what]
    if what in ("command", "result", "urc"):
        value: object = where.string()
        if not value:
            where.fail("must not be empty")
    elif what == "registration":
        value = where.choice(tuple(REGISTRATION_STATES))
    elif what == "bearer":
        value = where.choice(BEARER_STATES)
    elif what == "socket":
        value = where.choice(SOCKET_STATES)
    elif what == "call":
        value = where.choice(CALL_STATES)
    else:
        value = read_size(where)
        if value <= 0:
            where.fail("must be more than 0 bytes")
    for key in ("host", "port"):
        if key in fields and what not in ("socket", "bytes"):
            fields[key].fail(f"{key} narrows socket and bytes events only")
    host = fields["host"].string() if "host" in fields else None
    port = fields["port"].integer(1, 65535) if "port" in fields else None
    count = fields["count"].integer(1, 2**31 - 1) if "count" in fields else 1
    return When(what, value, count=count, times=times, host=host, port=port)


def _read_after(node: Node) -> After:
    """``after: outage`` (its end), ``after: {start: outage, delay: 5s}``."""
    if isinstance(node.yaml, yaml.ScalarNode):
        return After(node.string(), END)
    fields = node.mapping(AFTER_KEYS)
    edges = [edge for edge in (START, END) if edge in fields]
    if len(edges) != 1:
        node.fail("name the entry once, as start: <name> or end: <name>")
    delay = fields["delay"].duration() if "delay" in fields else 0.0
    return After(fields[edges[0]].string(), edges[0], delay)


def _check_after(entries: list[Entry], items: list[Node]) -> None:
    try:
        check_after(entries)
    except TimelineError as e:
        items[e.index].key("after", items[e.index].yaml).fail(e.message)


def read_selectors(node: Node, modems: Sequence[str]) -> tuple[Selector, ...]:
    items = node.sequence() if isinstance(node.yaml, yaml.SequenceNode) else [node]
    if not items:
        node.fail("an empty list selects no modem; leave modems out for every modem")
    selectors = []
    for item in items:
        try:
            selector = Selector.parse(item.string())
        except ValueError as e:
            item.fail(f"bad selector: {e}")
        if not selector.matches(modems):
            listing = ", ".join(modems[:10]) + (" ..." if len(modems) > 10 else "")
            item.fail(f"{selector.text!r} matches no modem; modems: {listing}")
        selectors.append(selector)
    return tuple(selectors)


def read_fault(node: Node) -> Fault:
    """``deregister``, ``{deregister: denied}``, ``{link: {latency: 2s}}``."""
    if isinstance(node.yaml, yaml.ScalarNode):
        name, value = node.string(), None
        where = node
    else:
        pairs = node.yaml.value if isinstance(node.yaml, yaml.MappingNode) else ()
        if len(pairs) != 1 or not isinstance(pairs[0][0], yaml.ScalarNode):
            node.fail("expected a fault: a name, or {name: arguments} with one name")
        key_node, value_node = pairs[0]
        name = key_node.value
        where, value = node.key(name, key_node), node.key(name, value_node)
    try:
        kind = REGISTRY.get(name)
    except FaultError as e:
        where.fail(str(e))
    args = _read_args(kind, value)
    try:
        return make_fault(name, args)
    except FaultError as e:
        (value.key(e.argument, value.yaml) if value is not None and e.argument else
         value or where).fail(str(e))


def _read_args(kind: FaultKind, node: Node | None) -> dict[str, Any]:
    if node is None or node.is_null:
        return {}
    if not isinstance(node.yaml, yaml.MappingNode):
        if kind.scalar is None:
            node.fail(f"{kind.name} takes arguments as a mapping "
                      f"({', '.join(kind.args) or 'it has none'})")
        return {kind.scalar: _read_arg(kind, kind.scalar, node)}
    fields = node.mapping(kind.args)
    return {name: _read_arg(kind, name, fields[name]) for name in kind.args if name in fields}


def _read_arg(kind: FaultKind, name: str, node: Node) -> Any:
    arg = kind.args[name]
    if arg.type == "integer":
        return node.integer(arg.minimum, arg.maximum)
    if arg.type == "choice":
        return node.choice(arg.choices)
    return ARG_READERS[arg.type](node)
