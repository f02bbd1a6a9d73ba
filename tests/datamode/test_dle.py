"""DLE/ETX transparency: the rules as examples (Wavecom WIP 001 §6.2.2, §6.1.2-6.1.3; eDsoft
002 §4.2.1, §5.1.1, §6.2.1), and as properties over any payload, any fragmentation, any
escaped set and any garbage."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.datamode.dle import (
    DLE,
    DLE_ETX,
    END_OF_DATA,
    ETX,
    NEED_DATA,
    Data,
    Datagram,
    DatagramDecoder,
    Escaping,
    StreamDecoder,
    escape,
    frame_datagram,
)

D, E = bytes([DLE]), bytes([ETX])
#: WIP's datagram limit (001 §6.2.2.2), as the tests' size.
MAX_DATAGRAM = 5840


def stream(chunks, escaping=DLE_ETX):
    """Feed the chunks one by one; the payload bytes, with None for each END_OF_DATA."""
    decoder = StreamDecoder(escaping)
    out: list = []
    for chunk in chunks:
        decoder.receive_data(chunk)
        for event in decoder.events():
            if event is END_OF_DATA:
                out.append(None)
            elif out and isinstance(out[-1], bytes):
                out[-1] += event.payload
            else:
                out.append(event.payload)
    return out


def datagrams(chunks, flush=False, max_size=MAX_DATAGRAM):
    decoder = DatagramDecoder(max_size)
    out = []
    for chunk in chunks:
        decoder.receive_data(chunk)
        out += [d.payload for d in decoder.events()]
    if flush:
        out += [d.payload for d in decoder.flush()]
    return out


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, last = [], 0
    for point in points:
        pieces.append(data[last:point])
        last = point
    pieces.append(data[last:])
    return pieces


# -- the manual's tables (001 §6.2.2.3, §6.2.2.4) ---------------------------------------------


def test_escaped_etx_and_dle_are_data():
    assert stream([b"a" + D + E + b"b" + D + D + b"c"]) == [b"a\x03b\x10c"]


def test_lone_etx_ends_the_data():
    assert stream([b"abc" + E + b"def"]) == [b"abc", None, b"def"]


def test_lone_dle_is_ignored():
    assert stream([b"a" + D + b"b"]) == [b"ab"]
    assert stream([D + b"x", D + D + D + b"y"]) == [b"x\x10y"]


def test_dle_waits_for_its_partner_across_chunks():
    decoder = StreamDecoder()
    decoder.receive_data(b"ab" + D)
    assert decoder.next_event() == Data(b"ab")
    assert decoder.next_event() is NEED_DATA and decoder.pending_dle
    decoder.receive_data(E)
    assert decoder.next_event() == Data(b"\x03")
    assert decoder.next_event() is NEED_DATA


def test_received_bytes_are_escaped_for_the_host():
    assert escape(b"a\x03b\x10c") == b"a" + D + E + b"b" + D + D + b"c"
    assert frame_datagram(b"\x10\x03") == D + D + D + E + E


def test_udp_datagram_boundaries():
    assert datagrams([b"one" + E + b"two" + E]) == [b"one", b"two"]
    assert datagrams([E + E + b"x" + E]) == [b"x"]  # no empty datagrams


def test_udp_datagram_is_cut_at_5840_bytes():
    data = b"x" * (MAX_DATAGRAM + 10)
    assert datagrams([data + E]) == [b"x" * MAX_DATAGRAM, b"x" * 10]
    # exactly the limit, then ETX: the ETX ends an empty datagram, nothing more is sent
    assert datagrams([b"y" * MAX_DATAGRAM + E]) == [b"y" * MAX_DATAGRAM]


def test_leaving_data_mode_sends_the_unsent_data_as_one_datagram():
    decoder = DatagramDecoder(MAX_DATAGRAM)
    decoder.receive_data(b"one" + E + b"par" + D)
    assert decoder.flush() == [Datagram(b"one"), Datagram(b"par")]
    assert decoder.flush() == []
    decoder.receive_data(E + b"z" + E)  # the pending DLE was dropped with the flush
    assert [d.payload for d in decoder.events()] == [b"z"]


def test_another_escaped_set():
    plus = Escaping(b"\x10\x03+")
    assert plus.escape(b"a+\x03") == b"a" + D + b"+" + D + E
    assert plus.frame(b"+") == D + b"+" + E
    # behind a DLE a byte of the set is data; without one it is data too
    assert stream([D + b"+" + b"+" + D + b"x"], plus) == [b"++x"]
    assert stream([D + b"+"]) == [b"+"]  # the default set drops that DLE as well


def test_dle_and_etx_are_always_escaped():
    with pytest.raises(ValueError):
        Escaping(b"\x10")
    with pytest.raises(ValueError):
        DatagramDecoder(0)


# -- properties ---------------------------------------------------------------------------------

payloads = st.binary(max_size=2000)
cuts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=30)


@given(payloads, cuts)
def test_round_trip_any_fragmentation(payload, where):
    encoded = escape(payload)
    assert b"".join(p for p in stream(split(encoded, where)) if p) == payload
    assert None not in stream(split(encoded, where))
    assert stream(split(encoded + E, where))[-1] is None


escaped_sets = st.sets(st.integers(0, 255)).map(lambda s: bytes(sorted(s | {DLE, ETX})))


@given(payloads, cuts, escaped_sets)
def test_round_trip_any_escaped_set(payload, where, escaped):
    escaping = Escaping(escaped)
    encoded = escaping.escape(payload)
    # every escaped byte travels behind a DLE, nothing else does
    assert not set(re.sub(b"\x10.", b"", encoded, flags=re.S)) & set(escaped)
    assert len(encoded) == len(payload) + sum(b in escaped for b in payload)
    assert b"".join(p for p in stream(split(encoded, where), escaping) if p) == payload
    assert stream(split(escaping.frame(payload), where), escaping)[-1] is None


@given(payloads)
def test_the_default_set_is_the_general_one(payload):
    assert escape(payload) == Escaping(bytes([ETX, DLE])).escape(payload)
    general = Escaping(bytes([DLE, ETX, 0x2B]))  # not the fast path: same for DLE and ETX
    assert general.escape(payload).replace(b"\x10+", b"+") == escape(payload)


@given(st.lists(st.binary(min_size=1, max_size=MAX_DATAGRAM), max_size=6), cuts)
@settings(max_examples=50)
def test_udp_round_trip_any_fragmentation(sent, where):
    encoded = b"".join(frame_datagram(d) for d in sent)
    assert datagrams(split(encoded, where)) == sent


@given(st.binary(max_size=3000), cuts)
def test_garbage_is_fragmentation_invariant_and_never_grows(garbage, where):
    whole = stream([garbage])
    assert stream(split(garbage, where)) == whole
    assert sum(len(p) for p in whole if p) <= len(garbage)
    assert datagrams(split(garbage, where), flush=True) == datagrams([garbage], flush=True)
    for datagram in datagrams([garbage], flush=True):
        assert 0 < len(datagram) <= MAX_DATAGRAM


@given(st.lists(st.binary(min_size=1, max_size=300), max_size=6), cuts,
       st.integers(min_value=1, max_value=400))
def test_datagrams_never_exceed_the_size_and_keep_every_byte(sent, where, size):
    encoded = b"".join(frame_datagram(d) for d in sent)
    out = datagrams(split(encoded, where), max_size=size)
    assert all(0 < len(d) <= size for d in out)
    assert b"".join(out) == b"".join(sent)


@given(st.binary(max_size=3000))
def test_decoding_what_a_host_would_send_unescaped_loses_only_specials(garbage):
    # Without escaping, every DLE/ETX the host meant as data is lost or becomes a marker;
    # ordinary bytes all arrive, in order.
    ordinary = bytes(b for b in garbage if b not in (DLE, ETX))
    decoded = b"".join(p for p in stream([garbage]) if p)
    it = iter(decoded)
    assert all(any(b == c for c in it) for b in ordinary)
