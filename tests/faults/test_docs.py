"""docs/faults.md stays true: its examples load, and it describes every fault there is."""

import re
from pathlib import Path

import pytest

from simulator.faults import REGISTRY
from simulator.scenario.loader import loads

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "faults.md"
TEXT = REFERENCE.read_text()
BLOCKS = re.findall(r"```yaml\n(.*?)```", TEXT, re.S)
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "flaky-network.yaml"


@pytest.mark.parametrize("block", BLOCKS)
def test_every_example_loads_with_a_timeline(tmp_path, block):
    assert loads(block, tmp_path / "example.yaml").timeline


def test_every_registered_fault_has_its_section():
    sections = set(re.findall(r"^#{3,4} `(\w+)`", TEXT, re.M))
    assert sections == set(REGISTRY.names())


def test_no_fault_listed_as_not_yet_available_exists():
    for later in TEXT.split("## Not yet available")[1:]:
        later = later.split("\n## ", 1)[0]
        assert not set(re.findall(r"`(\w+)`", later)) & set(REGISTRY.names())


def test_the_example_scenario_loads(tmp_path):
    scenario = loads(SCENARIO.read_text(), tmp_path / "flaky-network.yaml")
    assert len(scenario.modems) == 10 and len(scenario.timeline) == 4


def test_the_dying_server_scenario_loads(tmp_path):
    path = SCENARIO.with_name("dying-server.yaml")
    scenario = loads(path.read_text(), tmp_path / "dying-server.yaml")
    assert len(scenario.modems) == 20 and len(scenario.timeline) == 7
