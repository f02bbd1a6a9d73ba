import operator
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from simulator.scenario.templates import MAX_EXPRESSION, TemplateError, compile_template, expand


@pytest.mark.parametrize(
    ("template", "n", "expected"),
    [
        ("lab-{n}", 3, "lab-3"),
        ("{n:03d}", 7, "007"),
        ("35209900{n:07d}", 12, "352099000000012"),
        ("tcp:{7000+n}:interface=127.0.0.1", 1, "tcp:7001:interface=127.0.0.1"),
        ("{18000+n*2}", 5, "18010"),
        ("{ 18000 + n * 2 }", 5, "18010"),
        ("{(n-1)//2}-{(n-1)%2}", 4, "1-1"),
        ("{-n}", 2, "-2"),
        ("{n:x}", 255, "ff"),
        ("{{n}} is {n}", 1, "{n} is 1"),
        ("no fields", 9, "no fields"),
        ("", 1, ""),
    ],
)
def test_expansion(template, n, expected):
    assert expand(template, n) == expected


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{__import__('os')}", "is not allowed"),
        ("{__import__('os').system('true')}", "is not allowed"),
        ("{n.real}", "is not allowed"),
        ("{n.__class__}", "is not allowed"),
        ("{n[0]}", "is not allowed"),
        ("{len}", "unknown name 'len'"),
        ("{x+1}", "unknown name 'x'"),
        ("{n**2}", "is not allowed"),
        ("{n/2}", "use //"),
        ("{n<<2}", "is not allowed"),
        ("{'a'}", "only whole numbers"),
        ("{1.5}", "only whole numbers"),
        ("{True}", "only whole numbers"),
        ("{n!r}", "conversions"),
        ("{n:{n}}", "inside a format spec"),
        ("{n:s}", "bad format spec"),
        ("{}", "is empty"),
        ("{n", "literal brace"),
        ("n}", "literal brace"),
        ("{n+}", "is not an expression"),
        ("{lambda: 1}", "is not an expression"),
        ("{" + "-" * 300 + "n}", "longer than"),
        ("{n//(n-n)}", "divides by zero"),
    ],
)
def test_rejected(template, message):
    with pytest.raises(TemplateError, match=re.escape(message)):
        expand(template, 1)


def test_unsafe_field_is_not_run(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(TemplateError):
        expand(f"{{__import__('pathlib').Path('{marker}').touch()}}", 1)
    assert not marker.exists()


def test_has_fields():
    assert compile_template("lab-{n}").has_fields
    assert not compile_template("lab-{{n}}").has_fields


# Arithmetic expressions over n, each with the value it must have, built side by side so the
# test needs no eval of its own.
_OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
    "%": operator.mod,
}


def _combine(pair):
    (left, op, right) = pair
    return (f"({left[0]}{op}{right[0]})", lambda n: _OPS[op](left[1](n), right[1](n)))


_leaves = st.one_of(
    st.just(("n", lambda n: n)),
    st.integers(0, 10**6).map(lambda i: (str(i), lambda n: i)),
)
expressions = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(sorted(_OPS)), inner).map(_combine),
        inner.map(lambda e: (f"-{e[0]}", lambda n: -e[1](n))),
    ),
    max_leaves=8,
)


@given(expressions, st.integers(1, 100_000))
def test_arithmetic_matches_python(expression, n):
    text, value = expression
    assume(len(text) <= MAX_EXPRESSION)
    try:
        expected = str(value(n))
    except ZeroDivisionError:
        with pytest.raises(TemplateError, match="divides by zero"):
            expand("{" + text + "}", n)
        return
    assert expand("{" + text + "}", n) == expected


@given(st.integers(1, 100_000))
def test_format_spec_matches_python(n):
    assert expand("m{n:05d}-{7000+n}", n) == f"m{n:05d}-{7000 + n}"


@given(st.text(max_size=30), st.integers(-5, 100_000))
def test_any_text_expands_or_raises_template_error(text, n):
    try:
        expand(text, n)
    except TemplateError:
        pass
