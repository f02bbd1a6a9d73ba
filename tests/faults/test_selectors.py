"""Which modems a timeline entry selects."""

import random

import pytest

from simulator.faults.selectors import Selector

NAMES = [f"lab-{n}" for n in range(1, 51)] + ["gw-001", "gw-002", "gw-010"]


@pytest.mark.parametrize("text, expected", [
    ("lab-3", ["lab-3"]),
    ("lab-4?", [f"lab-{n}" for n in range(40, 50)]),
    ("gw-*", ["gw-001", "gw-002", "gw-010"]),
    ("lab-{2..4}", ["lab-2", "lab-3", "lab-4"]),
    ("gw-{001..002}", ["gw-001", "gw-002"]),
    ("lab-[12]", ["lab-1", "lab-2"]),
    ("lab-99", []),
])
def test_names_globs_and_ranges(text, expected):
    assert Selector.parse(text).matches(NAMES) == expected


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("lab-{4..2}", "runs backwards"),
    ("lab-{n}", "a range is written {1..10}"),
    ("lab 1", "is not a modem name or pattern"),
    ("10 % lab-*", "a share is written"),
    ("0% of lab-*", "more than 0%"),
    ("150% of lab-*", "at most 100%"),
    ("x-{1..1000}y{1..1000}", "more than 100000"),
])
def test_bad_selectors(text, message):
    with pytest.raises(ValueError, match=message):
        Selector.parse(text)


def test_a_share_takes_that_many_of_the_matches_drawn_from_the_generator():
    share = Selector.parse("10% of lab-*")
    chosen = share.choose(NAMES, random.Random(1))
    assert len(chosen) == 5 and set(chosen) <= set(NAMES[:50])
    assert chosen == share.choose(NAMES, random.Random(1))
    assert chosen != share.choose(NAMES, random.Random(2))


def test_a_share_rounds_to_the_nearest_modem_and_never_to_none():
    assert len(Selector.parse("25% of lab-{1..10}").choose(NAMES, random.Random(0))) == 3
    assert len(Selector.parse("1% of lab-{1..10}").choose(NAMES, random.Random(0))) == 1
    assert Selector.parse("100% of gw-*").choose(NAMES, random.Random(0)) == [
        "gw-001", "gw-002", "gw-010"]
