"""The parameter reader: which failures are syntax and which are values, and the leniencies a
command family may choose."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.at.commands import AtError, CmeError, Param
from simulator.at.params import Params
from simulator.at.parser import split_params


class Syntax(Exception):
    pass


class Value(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def params(text: str, **style) -> Params:
    return Params(split_params(text), Syntax, Value, **style)


@pytest.mark.parametrize(("text", "read"), [
    ("", lambda p: p.int(0)),  # missing
    ("1,,3", lambda p: p.int(1)),  # empty = omitted, and required
    ("X", lambda p: p.int(0)),  # text where a number belongs
    ('"1"', lambda p: p.int(0)),  # quoted number, not accepted
    ("1,2,3", lambda p: p.count(1, 2)),  # one too many
    ("1", lambda p: p.count(2, 3)),
    ("1,,3", lambda p: p.at_least(2)),
    ("ABC", lambda p: p.str(0)),  # a bare word where a string belongs
])
def test_syntax_errors(text, read):
    with pytest.raises(Syntax):
        read(params(text))


@pytest.mark.parametrize(("text", "read", "code"), [
    ("9", lambda p: p.int(0, 0, 2), None),  # out of range: the default bad-parameter error
    ("9", lambda p: p.int(0, 0, 2, code=801), 801),  # the code the command names
    ("4", lambda p: p.int(0, choices=(1, 2)), None),
    ('"abcdef"', lambda p: p.str(0, maxlen=3, code=24), 24),
    ('"x"', lambda p: p.str(0, choices=("a", "b")), None),
])
def test_value_errors(text, read, code):
    with pytest.raises(Value) as raised:
        read(params(text))
    assert raised.value.code == code


def test_one_error_for_both_when_no_value_error_is_given():
    p = Params(split_params("9"), lambda: CmeError(50))
    with pytest.raises(CmeError):
        p.int(0, 0, 2)
    with pytest.raises(CmeError):
        p.int(1)
    assert p.bad().code == 50


def test_leniencies_of_a_command_family():
    p = params('" 587 ",host,', quoted_numbers=True, unquoted_text=True)
    assert p.int(0) == 587
    assert p.str(1) == "host"
    assert len(p) == 3 and not p.present(2)
    assert p.int(2, default=7) == 7
    assert p.quoted(0) and not p.quoted(1)


def test_defaults_and_choices():
    p = params('1,"IP"')
    assert p.int(0, 0, 2) == 1
    assert p.str(1, choices=("ip", "ppp"), casefold=True) == "ip"
    assert p.int(5, default=None) is None


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_a_number_is_read_or_refused_as_a_value(value, lo, hi):
    p = Params((Param(str(value)),), Syntax, Value)
    if lo <= value <= hi:
        assert p.int(0, lo, hi) == value
    else:
        with pytest.raises(Value):
            p.int(0, lo, hi, code=3)


@given(st.text(min_size=1).filter(lambda t: not (t.isascii() and t.isdigit())))
def test_anything_else_is_a_syntax_error(text):
    p = Params((Param(text),), lambda: AtError("x"), Value)
    with pytest.raises(AtError):
        p.int(0, 0, 10)


def test_a_family_may_keep_the_case_a_bare_word_was_typed_in():
    typed = (Param("BOB@HOST", typed="Bob@Host"), Param("Ann", quoted=True))
    assert Params(typed, Syntax, Value, unquoted_text=True).str(0) == "BOB@HOST"
    kept = Params(typed, Syntax, Value, unquoted_text=True, keep_case=True)
    assert kept.str(0) == "Bob@Host"
    assert kept.str(1) == "Ann"
