"""The hex coding of user data and the accumulating buffer, as properties."""

from hypothesis import given
from hypothesis import strategies as st

from simulator.dialects.mip import hexdata
from simulator.dialects.mip.accumulator import CAPACITY, Accumulator


@given(st.binary())
def test_hex_round_trips_in_upper_case(data):
    text = hexdata.encode(data)
    assert text == text.upper() and len(text) == 2 * len(data)
    assert hexdata.decode(text) == data
    assert hexdata.decode(text.lower()) == data


@given(st.text())
def test_decode_takes_only_even_runs_of_hex_digits(text):
    decoded = hexdata.decode(text)
    is_hex = len(text) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in text)
    assert (decoded is not None) == is_hex


@given(st.integers(1, CAPACITY), st.lists(st.binary(min_size=1, max_size=600), max_size=12))
def test_the_watermark_cuts_packets_of_its_size_and_keeps_the_rest(watermark, chunks):
    buffer = Accumulator()
    buffer.watermark = watermark
    sent = []
    kept = []
    for chunk in chunks:
        if not buffer.fits(chunk):
            continue
        kept.append(chunk)
        packets = buffer.append(chunk)
        assert all(len(p) == watermark for p in packets)
        sent += packets
        assert len(buffer) < watermark
        assert buffer.free == CAPACITY - len(buffer)
    rest = buffer.take_all()
    assert b"".join(sent) + rest == b"".join(kept)
    assert buffer.pushed == len(b"".join(kept))


def test_given_back_bytes_go_first_and_are_not_counted_as_pushed():
    buffer = Accumulator()
    buffer.append(b"abcdef")
    packet = buffer.take_all()
    buffer.append(b"gh")
    buffer.give_back(packet[3:])
    assert buffer.pushed == 3
    assert buffer.take_all() == b"defgh"
