"""Scenario file → validated ``Scenario``.  Everything is read and checked before anything is
created, and the first problem found is raised as a ``ScenarioError`` naming its file, line
and key path.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from simulator.scenario.errors import ScenarioError
from simulator.scenario.ipnetwork import check_numbers, link_names
from simulator.scenario.model import Scenario
from simulator.scenario.modems import read_modems
from simulator.scenario.nesting import MAX_DEPTH, first_too_deep
from simulator.scenario.network import read_network
from simulator.scenario.nodes import NULL, Node, reject_duplicate_keys
from simulator.scenario.ports import prepare_filesystem
from simulator.scenario.timeline import read_timeline

__all__ = ["ScenarioError", "load", "loads"]

TOP_LEVEL_KEYS = ("modems", "network", "timeline")


def load(path: str | Path) -> Scenario:
    file = Path(os.path.abspath(path))
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(file, None, "", f"not UTF-8 text: {e}") from None
    except OSError as e:
        raise ScenarioError(file, None, "", f"cannot read the scenario: {e.strerror}") from None
    return loads(text, file)


def loads(text: str, path: Path) -> Scenario:
    """Read a scenario from ``text`` as if it were the file ``path`` (for messages and for
    the paths inside it, which are relative to the file's directory)."""
    file = Path(os.path.abspath(path))
    root = _compose(text, file)
    if root is None or root.tag == NULL:  # nothing, or only "---"
        raise ScenarioError(file, 1, "modems", "required key is missing (the file is empty)")
    document = Node(root, "", file)
    reject_duplicate_keys(document)
    fields = document.mapping(TOP_LEVEL_KEYS, required=("modems",))
    network = read_network(fields.get("network"), file.parent)
    # The first operator is the home network: default IMSIs belong to it.
    home = network.operators[0].numeric
    modems = read_modems(fields["modems"], file.parent, home, links=link_names(network))
    scenario = Scenario(
        path=file,
        modems=modems,
        network=network,
        timeline=read_timeline(fields.get("timeline"), [modem.name for modem in modems]),
    )
    check_numbers(network, scenario.modems)
    prepare_filesystem(scenario.modems)
    return scenario


def _compose(text: str, file: Path) -> yaml.Node | None:
    """The YAML node graph: like ``safe_load``, but every value keeps its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        where = first_too_deep(text)
        line, key = where if where is not None else (None, "")
        raise ScenarioError(
            file, line, key,
            f"lists and mappings nested more than {MAX_DEPTH} deep; no scenario needs that",
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = ": ".join(part for part in (e.context, e.problem) if part)
        raise ScenarioError(file, line, "", f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as e:  # the reader's "unacceptable character" has no line
        raise ScenarioError(file, None, "", f"YAML syntax error: {e}") from None
