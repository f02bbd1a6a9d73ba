"""The examples of the scenario reference load."""

import re
import textwrap
from pathlib import Path

import pytest

from simulator.network.lab.ca import LabCa
from simulator.scenario.loader import loads

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "scenario.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", REFERENCE.read_text(), re.S)
MODEM = "modems:\n  - name: a-{n}\n"


def as_scenario(block: str) -> list[str]:
    """The scenarios a block of the reference stands for: itself when it is whole, else the
    snippet put where it belongs in a minimal scenario."""
    if re.search(r"^modems:", block, re.M):
        return [block]
    if block.startswith("network:"):
        return [MODEM + block]
    if block.startswith("- name:"):
        return ["modems:\n" + textwrap.indent(block, "  ")]
    if block.startswith("name:"):  # alternatives, one per line
        lines = [line for line in block.splitlines() if line.strip()]
        return [f"modems:\n  - {line}\n" for line in lines]
    return [MODEM + textwrap.indent(block, "    ")]  # a section of a modem entry


EXAMPLES = [scenario for block in BLOCKS for scenario in as_scenario(block)]


def test_reference_has_examples():
    assert len(BLOCKS) >= 8
    assert sum(bool(re.match(r"(#.*\n)*modems:", b)) for b in BLOCKS) >= 2


@pytest.mark.parametrize("text", EXAMPLES)
def test_reference_example_loads(tmp_path, text):
    for named in re.findall(r"ca: (\./\S+\.pem)", text):  # a CA file the example names
        (tmp_path / named).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / named).write_bytes(LabCa.create().pem)
    assert loads(text, tmp_path / "example.yaml").modems
