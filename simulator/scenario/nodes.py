"""Reading a composed YAML document against the scenario schema.

The loader works on PyYAML's node graph (``yaml.compose``) instead of plain Python values
because every node keeps the line it was written on; a ``Node`` adds the key path that leads to
it, so any check anywhere can fail with ``file:line: key.path: message`` in one call.

Reading a section is declarative; a new key is one more entry in a table::

    fields = node.mapping(("name", "tech", "delay"), required=("name",))
    name = fields["name"].text()                   # required: always there
    tech = fields.get("tech")                      # None when absent or empty
    timing = fields.read({"delay": Node.duration}) # {} or {"delay": 2.0}: model defaults apply
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor

from simulator.durations import EXAMPLES as DURATION_EXAMPLES
from simulator.durations import parse_duration
from simulator.scenario.errors import ScenarioError
from simulator.scenario.templates import TemplateError, compile_template
from simulator.source import Source

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (TAG + t for t in ("str", "int", "float", "bool", "null"))
MERGE = TAG + "merge"

# How an error message names a scalar it did not expect: "got the integer 1234".
_SCALAR_NAMES = {STR: "the string", INT: "the integer", FLOAT: "the number", BOOL: "the boolean"}

# Turns an int/float scalar into its value with YAML's own rules (0x1F, 1_000, .5, 1e3).
_CONSTRUCTOR = SafeConstructor()


class Node:
    """A YAML node with the key path that leads to it and the file it is in.

    ``n`` is set inside a modem entry: there every string is a template and ``text()``
    returns it expanded for that modem.
    """

    __slots__ = ("yaml", "path", "file", "n")

    def __init__(self, node: yaml.Node, path: str, file: Path, n: int | None = None) -> None:
        self.yaml = node
        self.path = path
        self.file = file
        self.n = n

    # -- where --------------------------------------------------------------------------------

    @property
    def line(self) -> int:
        return self.yaml.start_mark.line + 1

    @property
    def source(self) -> Source:
        return Source(self.file, self.line, self.path)

    def fail(self, message: str) -> NoReturn:
        if self._is_template():
            message += f" (with n={self.n})"
        raise ScenarioError(self.file, self.line, self.path, message)

    def key(self, name: str, node: yaml.Node) -> Node:
        return Node(node, f"{self.path}.{name}" if self.path else name, self.file, self.n)

    def item(self, index: int, node: yaml.Node) -> Node:
        return Node(node, f"{self.path}[{index}]", self.file, self.n)

    def with_n(self, n: int) -> Node:
        return Node(self.yaml, self.path, self.file, n)

    # -- what ---------------------------------------------------------------------------------

    @property
    def is_null(self) -> bool:
        return self.yaml.tag == NULL

    def describe(self) -> str:
        """``a list``, ``a mapping``, ``the integer 1234`` ... for 'expected X, got Y'."""
        if isinstance(self.yaml, yaml.MappingNode):
            return "a mapping"
        if isinstance(self.yaml, yaml.SequenceNode):
            return "a list"
        if self.yaml.tag == NULL:
            return "nothing"
        if self.yaml.tag == STR:
            return f'the string "{self.yaml.value}"'
        if self.yaml.tag in _SCALAR_NAMES:
            return f"{_SCALAR_NAMES[self.yaml.tag]} {self.yaml.value}"
        return f"a value tagged {self.yaml.tag}"

    # -- shapes -------------------------------------------------------------------------------

    def mapping(self, allowed: Collection[str], required: Collection[str] = ()) -> Fields:
        """The keys of a mapping; unknown keys and missing required ones are errors."""
        if not isinstance(self.yaml, yaml.MappingNode):
            self.fail(f"expected a mapping (keys: {_listing(allowed)}), got {self.describe()}")
        fields: dict[str, Node] = {}
        for key_node, value_node in self.yaml.value:
            written = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            at_key = Node(key_node, self.key(written, key_node).path, self.file)
            if key_node.tag == MERGE:
                at_key.fail("YAML merge keys (<<) are not supported; write the keys out")
            if key_node.tag != STR:
                at_key.fail(f"keys must be names, got {at_key.describe()}")
            if key_node.value not in allowed:
                at_key.fail(_unknown_key_message(key_node.value, allowed))
            fields[key_node.value] = self.key(key_node.value, value_node)
        for name in required:
            if name not in fields:
                self.key(name, self.yaml).fail("required key is missing")
            if fields[name].is_null:
                fields[name].fail("required key has no value")
        return Fields(self, fields)

    def sequence(self) -> list[Node]:
        if not isinstance(self.yaml, yaml.SequenceNode):
            self.fail(f"expected a list (lines starting with '- '), got {self.describe()}")
        return [self.item(i, child) for i, child in enumerate(self.yaml.value)]

    # -- scalars ------------------------------------------------------------------------------

    def string(self) -> str:
        """The string as written (no template expansion).  Numbers are not strings: YAML turns
        ``001`` into 1, so a value whose digits matter has to be quoted."""
        if isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag == STR:
            _reject_surrogates(self)
            return self.yaml.value
        if isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag in (INT, FLOAT, BOOL):
            self.fail(
                f'expected a string, got {self.describe()}; write it in quotes: "{self.yaml.value}"'
            )
        self.fail(f"expected a string, got {self.describe()}")

    def text(self) -> str:
        """The string, with its template expanded inside a modem entry."""
        raw = self.string()
        if self.n is None:
            return raw
        try:
            return compile_template(raw).expand(self.n)
        except TemplateError as e:
            self.fail(f"bad template {raw!r}: {e}")

    def integer(self, minimum: int, maximum: int) -> int:
        if not (isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag == INT):
            self.fail(f"expected a whole number, got {self.describe()}")
        value = _CONSTRUCTOR.construct_yaml_int(self.yaml)
        if not minimum <= value <= maximum:
            self.fail(f"must be from {minimum} to {maximum}, got {value}")
        return value

    def boolean(self) -> bool:
        if not (isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag == BOOL):
            self.fail(f"expected true or false, got {self.describe()}")
        return _CONSTRUCTOR.construct_yaml_bool(self.yaml)

    def duration(self) -> float:
        value: str | int | float
        if isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag == INT:
            value = _CONSTRUCTOR.construct_yaml_int(self.yaml)
        elif isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag == FLOAT:
            value = _CONSTRUCTOR.construct_yaml_float(self.yaml)
        elif isinstance(self.yaml, yaml.ScalarNode) and self.yaml.tag == STR:
            value = self.text()
        else:
            self.fail(f"expected a duration like {DURATION_EXAMPLES}, got {self.describe()}")
        try:
            return parse_duration(value)
        except ValueError as e:
            self.fail(str(e))

    def choice(self, options: Collection[str]) -> str:
        value = self.text()
        if value not in options:
            self.fail(f"{value!r} is not one of {_listing(options)}")
        return value

    def _is_template(self) -> bool:
        if self.n is None or not isinstance(self.yaml, yaml.ScalarNode) or self.yaml.tag != STR:
            return False
        try:
            return compile_template(self.yaml.value).has_fields
        except TemplateError:
            return False


class Fields:
    """The entries of a mapping that passed ``Node.mapping``, each a ``Node``."""

    def __init__(self, owner: Node, fields: dict[str, Node]) -> None:
        self.owner = owner
        self._fields = fields

    def __getitem__(self, name: str) -> Node:
        return self._fields[name]

    def get(self, name: str) -> Node | None:
        """The value, or None when the key is absent or has no value (``sim:`` alone)."""
        node = self._fields.get(name)
        return None if node is None or node.is_null else node

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None

    def where(self, name: str) -> Node:
        """The value's node; for an absent key, its would-be path at the mapping's line: where
        to point an error about a default value."""
        return self.get(name) or self.owner.key(name, self.owner.yaml)

    def section(
        self, name: str, allowed: Collection[str], required: Collection[str] = ()
    ) -> Fields:
        """The nested mapping under ``name``; an absent one reads as empty (all defaults)."""
        node = self.get(name)
        if node is None:
            return Fields(self.owner.key(name, self.owner.yaml), {})
        return node.mapping(allowed, required)

    def read(self, readers: Mapping[str, Callable[[Node], Any]]) -> dict[str, Any]:
        """Each present key's value through its reader; absent keys are left out, so the
        model's own defaults apply: ``IdentitySpec(**fields.read(IDENTITY))``."""
        return {name: read(self._fields[name]) for name, read in readers.items() if name in self}


def _listing(names: Collection[str]) -> str:
    return ", ".join(sorted(names))


def _unknown_key_message(name: str, allowed: Collection[str]) -> str:
    message = f"unknown key; allowed keys here: {_listing(allowed)}"
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return message + (f" (did you mean {close[0]}?)" if close else "")


def _reject_surrogates(node: Node) -> None:
    """A ``"\\ud800"`` escape gives half of a UTF-16 pair, which no file name, log line or
    modem answer can encode: refused here rather than failing when a port opens."""
    value = node.yaml.value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        node.fail(
            f"contains \\u{ord(value[e.start]):04x} at character {e.start + 1}, half of a "
            "UTF-16 surrogate pair; write the character itself, or a \\U escape "
            "(\\U0001F600)"
        )


def reject_duplicate_keys(root: Node) -> None:
    """YAML lets a later key silently replace an earlier one; in a scenario that is a mistake."""
    seen: set[int] = set()  # aliases share nodes, and a node may even contain itself
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node.yaml) in seen:
            continue
        seen.add(id(node.yaml))
        if isinstance(node.yaml, yaml.MappingNode):
            first_lines: dict[tuple[str, object], int] = {}
            for key_node, value_node in node.yaml.value:
                # Only scalar keys can repeat; a list or mapping used as a key is caught later.
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
                written = str(name) if isinstance(key_node, yaml.ScalarNode) else "?"
                at_key = node.key(written, key_node)
                if (key_node.tag, name) in first_lines:
                    at_key.fail(f"duplicate key (first on line {first_lines[key_node.tag, name]})")
                first_lines[key_node.tag, name] = at_key.line
                stack.append(node.key(written, value_node))
        elif isinstance(node.yaml, yaml.SequenceNode):
            stack.extend(node.item(i, child) for i, child in enumerate(node.yaml.value))
