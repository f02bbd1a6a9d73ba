import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.durations import parse_duration

finite = st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("250ms", 0.25),
        ("2s", 2.0),
        ("1.5s", 1.5),
        ("1m", 60.0),
        ("0", 0.0),
        ("2", 2.0),
        (".5s", 0.5),
        ("3.s", 3.0),
        ("1e3ms", 1.0),
        (" 2s ", 2.0),
        ("10 ms", 0.01),
        (2, 2.0),
        (0.25, 0.25),
    ],
)
def test_valid_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "s",
        "ms",
        "2h",
        "2 hours",
        "-1s",
        "+1s",
        "1_000ms",
        "inf",
        "nan",
        "1e999s",
        "2ss",
        "1m30s",
        "0x10",
        True,
        None,
        [],
        -1,
        float("nan"),
        float("inf"),
    ],
)
def test_invalid_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_negative_number_says_why():
    with pytest.raises(ValueError, match="cannot be negative"):
        parse_duration(-0.5)


@given(finite)
def test_seconds_round_trip(x):
    assert parse_duration(f"{x}s") == x
    assert parse_duration(x) == x


@given(finite)
def test_milliseconds_round_trip(x):
    assert math.isclose(parse_duration(f"{x}ms"), x / 1000, rel_tol=1e-12)


@given(st.floats(min_value=0, max_value=1e200, allow_nan=False))
def test_minutes_round_trip(x):
    assert math.isclose(parse_duration(f"{x}m"), x * 60, rel_tol=1e-12)


@given(st.integers(min_value=0, max_value=10**12))
def test_whole_milliseconds(i):
    assert math.isclose(parse_duration(f"{i}ms"), i / 1000, rel_tol=1e-12)


@given(st.text(max_size=12))
def test_any_text_is_a_duration_or_a_value_error(text):
    try:
        seconds = parse_duration(text)
    except ValueError:
        return
    assert math.isfinite(seconds) and seconds >= 0
