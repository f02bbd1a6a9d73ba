"""Helpers for scenario tests: write YAML next to a temporary scenario path and load it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulator.scenario.loader import ScenarioError, loads
from simulator.scenario.model import Scenario


class ScenarioFiles:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "lab.yaml"

    def load(self, text: str) -> Scenario:
        return loads(textwrap.dedent(text), self.path)

    def error(self, text: str) -> str:
        """The error message with the file name taken off: ``12: modems[0].name: ...``."""
        with pytest.raises(ScenarioError) as info:
            self.load(text)
        prefix = f"{self.path}:"
        message = str(info.value)
        assert message.startswith(prefix), message
        return message[len(prefix) :]


@pytest.fixture
def scenario(tmp_path: Path) -> ScenarioFiles:
    return ScenarioFiles(tmp_path)
