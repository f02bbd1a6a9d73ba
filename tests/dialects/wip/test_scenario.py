"""The scenario picks the WIP revision per modem; the dialect is found by name."""

import textwrap

import pytest

from simulator.scenario.loader import ScenarioError, loads
from tests.dialects.wip.bench import OK, WipBench, info


def load(tmp_path, text):
    return loads(textwrap.dedent(text), tmp_path / "lab.yaml")


def test_revision_is_read_per_modem(tmp_path):
    scenario = load(tmp_path, """\
        modems:
          - name: new
            dialect: wip
          - name: old
            dialect: wip
            revision: "2.01"
        """)
    assert [m.revision for m in scenario.modems] == [None, "2.01"]


def test_unknown_revision_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ScenarioError) as error:
        load(tmp_path, """\
            modems:
              - name: a
                dialect: wip
                revision: "3.00"
            """)
    assert "modems[0].revision" in str(error.value)
    assert str(error.value).endswith("'3.00' is not one of 2.01, 5.01")


def test_default_revision_is_501():
    bench = WipBench()
    assert bench.wip.revision.name == "5.01"
    assert bench.at("+WIPCFG=3").count("\r\n") == 5  # two lines, then OK


def test_wavecom_identity_and_traits():
    bench = WipBench()
    assert bench.at("+CGMI") == info("WAVECOM MODEM")
    assert bench.at("+CGMI?") == "\r\n+CME ERROR: 3\r\n"  # a form the command lacks
    assert bench.at("+CFUN=7") == "\r\n+CME ERROR: 3\r\n"  # a bad parameter
    assert bench.at("+WCFM=?") == "\r\nERROR\r\n"  # not simulated: unknown
    assert bench.at("") == OK


def test_the_doc_example_loads(tmp_path):
    import re
    from pathlib import Path

    doc = Path(__file__).resolve().parents[3] / "docs" / "dialects" / "wip.md"
    (block,) = re.findall(r"```yaml\n(.*?)```", doc.read_text(), re.S)
    scenario = loads(block, tmp_path / "lab.yaml")
    assert scenario.modems[0].dialect == "wip" and scenario.modems[0].revision == "2.01"


def test_commands_not_simulated_answer_as_unknown():
    bench = WipBench()
    for line in ("+WCFM=?", "+WMFMM?", "+WMFM?"):
        assert bench.at(line) == "\r\nERROR\r\n", line
