import textwrap

import pytest

from simulator.cmux.config import CmuxSettings
from simulator.scenario.errors import ScenarioError
from simulator.scenario.loader import loads


def load(tmp_path, cmux_block: str):
    text = textwrap.dedent("""\
        modems:
          - name: m
            cmux:
        """) + textwrap.indent(textwrap.dedent(cmux_block), "      ")
    return loads(text, tmp_path / "s.yaml")


def test_every_key(tmp_path):
    scenario = load(tmp_path, """\
        modes: [0]
        subsets: [0, 1]
        max_n1: 512
        dlcs: 8
        first_frame_delay: 250ms
        msc_on_open: false
        refuse_pn: true
        default_port_speed: 6
        urcs: [1, 3]
        """)
    assert scenario.modems[0].cmux == CmuxSettings(
        modes=(0,), subsets=(0, 1), max_n1=512, dlcs=8, first_frame_delay=0.25,
        msc_on_open=False, refuse_pn=True, default_port_speed=6, urc_dlcs=(1, 3))


def test_urcs_all_is_every_dlc(tmp_path):
    assert load(tmp_path, "urcs: all\n").modems[0].cmux.urc_dlcs is None


def test_absent_means_defaults(tmp_path):
    scenario = loads("modems:\n  - name: m\n", tmp_path / "s.yaml")
    assert scenario.modems[0].cmux is None


@pytest.mark.parametrize("block,line,key,words", [
    ("dlcs: 99\n", 4, "modems[0].cmux.dlcs", "from 1 to 61"),
    ("max_n1: x\n", 4, "modems[0].cmux.max_n1", "whole number"),
    ("refuse_pn: 1\n", 4, "modems[0].cmux.refuse_pn", "true or false"),
    ("modes: [0, 2]\n", 4, "modems[0].cmux.modes[1]", "from 0 to 1"),
    ("subsets: [1]\n", 4, "modems[0].cmux", "include 0"),
    ("bogus: 1\n", 4, "modems[0].cmux.bogus", "bogus"),
    ("first_frame_delay: soon\n", 4, "modems[0].cmux.first_frame_delay", "soon"),
    ("urcs: [9]\n", 4, "modems[0].cmux", "urcs must name DLCs 1..4"),
    ("urcs: some\n", 4, "modems[0].cmux.urcs", "whole number"),
])
def test_errors_name_file_line_and_key(tmp_path, block, line, key, words):
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path, block)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 's.yaml'}:{line}: {key}: "), message
    assert words in message
