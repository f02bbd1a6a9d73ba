"""Where a YAML text nests lists and mappings too deep to read.

PyYAML composes a document recursively, two Python frames per level, so a few hundred
``[`` in a row exhaust the interpreter's recursion limit.  Its parser, though, is a state
machine: walking its events finds the place, with the key path that leads there, without
recursing.
"""

from __future__ import annotations

import yaml

#: Deeper than any scenario needs (the deepest key path of the schema has a handful of
#: levels) and far below what the composer can take.
MAX_DEPTH = 100

#: How many levels of the key path the message shows.
SHOWN_LEVELS = 4

_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_NODE = (yaml.ScalarEvent, yaml.AliasEvent, *_OPEN)


class _Frame:
    __slots__ = ("path", "is_mapping", "index", "key", "expect_key")

    def __init__(self, path: str, is_mapping: bool) -> None:
        self.path = path
        self.is_mapping = is_mapping
        self.index = 0
        self.key = "?"
        self.expect_key = True

    def child_path(self, event: yaml.Event) -> str | None:
        """The key path of the node ``event`` starts; None for a mapping's key."""
        if not self.is_mapping:
            self.index += 1
            return f"{self.path}[{self.index - 1}]"
        if self.expect_key:
            self.expect_key = False
            self.key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            return None
        self.expect_key = True
        return f"{self.path}.{self.key}" if self.path else self.key


def first_too_deep(text: str, limit: int = MAX_DEPTH) -> tuple[int, str] | None:
    """(line, key path) of the first list or mapping nested deeper than ``limit``; None if
    there is none.  YAML errors are left for the composer to report."""
    stack: list[_Frame] = []
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            found = _visit(event, stack, limit)
            if found is not None:
                return found
    except yaml.YAMLError:
        pass
    return None


def _visit(event: yaml.Event, stack: list[_Frame], limit: int) -> tuple[int, str] | None:
    if isinstance(event, _NODE):
        path = stack[-1].child_path(event) if stack else ""
        if isinstance(event, _OPEN):
            if path is None:  # a list or mapping used as a key
                path = stack[-1].path
            stack.append(_Frame(path, isinstance(event, yaml.MappingStartEvent)))
            if len(stack) > limit:
                # The whole path would be ``limit`` levels long: where the nesting starts.
                return event.start_mark.line + 1, stack[min(SHOWN_LEVELS, limit)].path + "…"
    elif isinstance(event, _CLOSE):
        stack.pop()
    return None
