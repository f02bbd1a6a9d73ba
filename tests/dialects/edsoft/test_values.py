"""The kinds of parameter value (simulator.dialects.atsharp.values): what each reads, refuses
and shows, as properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.dialects.atsharp.values import (
    TX_DELAY,
    AddressList,
    BadValue,
    Ipv4,
    Letter,
    Number,
    Text,
)


@given(st.integers(min_value=-10, max_value=40000))
def test_tx_delay_reads_exactly_the_multiples_of_20_up_to_32760(value):
    legal = 0 <= value <= 32760 and value % 20 == 0
    if legal:
        assert TX_DELAY.read(str(value)) == value
        assert TX_DELAY.accepts(value)
    else:
        with pytest.raises(BadValue):
            TX_DELAY.read(str(value))
        assert not TX_DELAY.accepts(value)


@given(st.integers(min_value=0, max_value=300))
def test_a_number_shows_what_it_reads(value):
    kind = Number(5, 14, extra=frozenset({0}))
    if value == 0 or 5 <= value <= 14:
        assert kind.show(kind.read(str(value))) == str(value)
    else:
        with pytest.raises(BadValue):
            kind.read(str(value))


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_text_up_to_its_length(text):
    kind = Text(64)
    if len(text) <= 64:
        assert kind.read(text) == text
        assert kind.show(text) == f'"{text}"'
    else:
        with pytest.raises(BadValue):
            kind.read(text)


@given(st.text(min_size=1, max_size=5).filter(lambda t: any(not " " <= c <= "~" for c in t)))
def test_text_refuses_control_and_non_ascii_characters(text):
    with pytest.raises(BadValue):
        Text(64).read(text)


@given(st.tuples(*[st.integers(0, 255)] * 4))
def test_ipv4_reads_dotted_decimal(octets):
    text = ".".join(map(str, octets))
    assert Ipv4().read(text) == text


@given(st.text(max_size=20))
def test_ipv4_refuses_anything_else(text):
    try:
        parts = text.split(".")
        valid = (len(parts) == 4 and all(p.isascii() and p.isdigit() and int(p) <= 255
                                         and (p == "0" or not p.startswith("0"))
                                         for p in parts))
    except ValueError:
        valid = False
    if valid:
        assert Ipv4().read(text) == text
    else:
        with pytest.raises(BadValue):
            Ipv4().read(text)


def test_letter_either_case():
    kind = Letter("AI")
    assert kind.read("i") == "I" and kind.read("A") == "A"
    for bad in ("", "B", "AI", "1"):
        with pytest.raises(BadValue):
            kind.read(bad)


@given(st.lists(st.text(alphabet="abc@.", min_size=1, max_size=130), max_size=14))
def test_address_list_keeps_ten_addresses_of_120_characters(addresses):
    kind = AddressList()
    if all(len(a) <= 120 for a in addresses[:10]):
        assert kind.join(addresses) == ",".join(addresses[:10])
    else:
        with pytest.raises(BadValue):
            kind.join(addresses)
