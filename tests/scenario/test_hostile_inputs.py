"""Inputs that used to escape the file:line error (found by fuzzing): each is refused with the
line and key path, like any other mistake."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.scenario.nesting import first_too_deep
from simulator.scenario.templates import MAX_WIDTH, TemplateError, compile_template


def test_five_hundred_nested_lists(scenario):
    deep = "[" * 500 + "]" * 500
    assert scenario.error(f"modems:\n  - name: a\n    ports: {deep}\n") == (
        "3: modems[0].ports[0]…: lists and mappings nested more than 100 deep; no scenario "
        "needs that")


def test_nesting_deeper_than_the_recursion_limit_in_block_style(scenario):
    depth = sys.getrecursionlimit()
    lines = "".join("  " * (level + 2) + "- k:\n" for level in range(depth))
    message = scenario.error(f"network:\n  hosts:\n{lines}")
    # The list of the 101st level starts on line 3 + 49.
    assert message.startswith("52: network.hosts[0].k…: lists and mappings nested more than 100")


def test_unbalanced_nesting_is_still_found(scenario):
    message = scenario.error("modems:\n  - name: a\n    sim: " + "{a: " * 600 + "\n")
    assert message.startswith("3: modems[0].sim.a…: lists and mappings nested more than 100")


def test_nesting_a_scenario_can_have_is_not_too_deep():
    text = "modems:\n  - name: a\n    ports:\n      - tcp: {x: [[1]]}\n"
    assert first_too_deep(text) is None
    assert first_too_deep(text, limit=5) == (4, "modems[0].ports[0]…")


def test_a_template_width_of_ten_billion(scenario):
    message = scenario.error("""\
        modems:
          - name: "m{n:>10000000000}"
            ports: [{tcp: "tcp:0"}]
        """)
    assert message == (
        "2: modems[0].name: bad template 'm{n:>10000000000}': {n:>10000000000}: a width or "
        f"precision above {MAX_WIDTH} is not allowed, got 10000000000")


def test_a_huge_precision_is_refused_too():
    with pytest.raises(TemplateError, match="above 1000 is not allowed, got 99999"):
        compile_template("{n:.99999}")


@given(st.integers(0, MAX_WIDTH), st.sampled_from(["", "0", "x>", "0<", "^", "9>"]))
def test_widths_up_to_the_limit_expand_to_that_width(width, prefix):
    spec = f"{prefix}{width}" if prefix != "0" or width else "d"
    text = compile_template(f"{{n:{spec}}}").expand(7)
    assert len(text) == max(width, 1)


@pytest.mark.parametrize("kind, written", [
    ("pty", '"dev/modem-\\ud800"'),
    ("serial", '"/dev/tty\\udc80S0"'),
    ("serial", '{device: "/dev/ttyS\\udfff"}'),
])
def test_a_lone_surrogate_in_a_path(scenario, kind, written):
    message = scenario.error(f"modems:\n  - name: a\n    ports:\n      - {kind}: {written}\n")
    key = "serial.device" if written.startswith("{") else kind
    assert message.startswith(f"4: modems[0].ports[0].{key}: contains \\ud")
    assert "half of a UTF-16 surrogate pair; write the character itself" in message


def test_a_lone_surrogate_anywhere_else(scenario):
    message = scenario.error('modems:\n  - name: "lab-\\ud83d"\n    ports: [{tcp: "tcp:0"}]\n')
    assert message == (
        "2: modems[0].name: contains \\ud83d at character 5, half of a UTF-16 surrogate pair; "
        "write the character itself, or a \\U escape (\\U0001F600)")


def test_a_whole_character_from_an_escape_is_fine(scenario):
    loaded = scenario.load('modems:\n  - name: a\n    ports: [{pty: "dev/\\U0001F600"}]\n')
    assert loaded.modems[0].ports[0].target.endswith("/dev/\U0001F600")
