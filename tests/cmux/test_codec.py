"""The frame layer: FCS, encoding, and the decoder's promises (round trip, any split of the
stream, garbage, bad FCS), as properties over generated frames and streams."""

import dataclasses

import pytest
from construct import ConstructError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulator.cmux import frames
from simulator.cmux.decoder import AdvancedDecoder, BasicDecoder, Discarded, decoder_for
from simulator.cmux.fcs import TABLE, fcs, fcs_ok
from simulator.cmux.frames import (
    BASIC_FLAG,
    Frame,
    FrameKind,
    Option,
    UnknownFrame,
    encode,
    escape,
    unescape,
)
from tests.cmux import dte

#: Small enough that a basic-option false start resolves within a short run of flags.
LIMIT = 64

OPTIONS = [Option.BASIC, Option.ADVANCED]


def frames_strategy(max_information: int = LIMIT):
    return st.builds(
        Frame,
        kind=st.sampled_from(list(FrameKind)),
        dlci=st.integers(0, 61),
        cr=st.booleans(),
        pf=st.booleans(),
        information=st.binary(max_size=max_information),
    )


def decode_all(decoder, data: bytes, chunks: list[int] | None = None) -> list:
    events = []
    if chunks is None:
        chunks = [len(data)]
    position = 0
    for size in chunks:
        decoder.receive_data(data[position : position + size])
        position += size
        while (event := decoder.next_event()) is not None:
            events.append(event)
    decoder.receive_data(data[position:])
    while (event := decoder.next_event()) is not None:
        events.append(event)
    return events


def frames_of(events: list) -> list:
    return [e for e in events if not isinstance(e, Discarded)]


# -- FCS ---------------------------------------------------------------------------------------


def test_fcs_of_frames_captured_from_gsm0710muxd():
    assert fcs(bytes.fromhex("033f01")) == 0x1C  # basic SABM DLC 0
    assert fcs(bytes.fromhex("077301")) == 0x15  # basic UA DLC 1
    assert fcs(bytes.fromhex("01ef09")) == 0x9A  # basic UIH DLC 0 (header only)
    assert fcs(bytes.fromhex("033f")) == 0xFC  # advanced SABM DLC 0
    assert fcs(bytes.fromhex("05ef")) == 0xDF  # advanced UIH DLC 1
    assert fcs(bytes.fromhex("03c3")) == 0x41  # gsm0710muxd's 0xC3 frame


@given(st.binary(max_size=300))
def test_table_fcs_matches_the_independent_bitwise_one(data):
    assert fcs(data) == dte.fcs(data)
    assert fcs_ok(data, fcs(data))


@given(st.binary(min_size=1, max_size=40), st.integers(1, 255))
def test_fcs_detects_a_damaged_check_octet(data, damage):
    assert not fcs_ok(data, fcs(data) ^ damage)


def test_table_is_the_reflected_polynomial():
    assert TABLE[1] == 0x91 and TABLE[0x80] == 0xE0 and len(set(TABLE)) == 256


# -- encoding ----------------------------------------------------------------------------------


@given(frames_strategy(300))
def test_encoding_matches_the_independent_dte(frame):
    mode = dte.BASIC if frame.dlci % 2 else dte.ADVANCED
    option = Option.BASIC if mode == dte.BASIC else Option.ADVANCED
    ours = encode(frame, option)
    theirs = dte.Parser(mode).feed(ours)
    assert [(f.dlci, f.cr, f.control, f.info) for f in theirs] == [
        (frame.dlci, int(frame.cr), frame.control, frame.information)]


def test_basic_length_indicator_is_one_octet_up_to_127():
    short = encode(Frame(FrameKind.UIH, 1, False, information=b"x" * 127), Option.BASIC)
    long = encode(Frame(FrameKind.UIH, 1, False, information=b"x" * 128), Option.BASIC)
    assert short[3] == (127 << 1) | 1
    assert long[3:5] == bytes([0x00, 0x01])


@given(st.binary(max_size=200))
def test_escaping_round_trip_and_no_flag_inside(data):
    escaped = escape(data)
    assert 0x7E not in escaped
    for octet in (0x11, 0x13, 0x91, 0x93):
        assert octet not in escaped
    assert unescape(escaped) == data


def test_unescape_accepts_any_escaped_octet_and_reports_abort():
    assert unescape(b"\x7d\x5e\x7d\x31\x7d\x61") == b"\x7e\x11\x41"
    assert unescape(b"ab\x7d") is None


# -- decoding: properties ----------------------------------------------------------------------


@pytest.mark.parametrize("option", OPTIONS)
@given(frames=st.lists(frames_strategy(), max_size=8))
def test_round_trip(option, frames):
    stream = b"".join(encode(f, option) for f in frames)
    assert decode_all(decoder_for(option, LIMIT), stream) == frames


@pytest.mark.parametrize("option", OPTIONS)
@given(frames=st.lists(frames_strategy(), min_size=1, max_size=6), data=st.data())
def test_any_split_decodes_identically(option, frames, data):
    stream = b"".join(encode(f, option) for f in frames)
    cuts = data.draw(st.lists(st.integers(1, 7), max_size=len(stream)))
    assert frames_of(decode_all(decoder_for(option, LIMIT), stream, cuts)) == frames


#: Found by a host: a UI frame whose information is a whole UA frame.  Fed at once it used to
#: decode as the UI frame, but as the UA when its last two octets came in a later read.
UI_HIDING_A_UA = bytes.fromhex("f9 07 03 0d f9 07 73 01 15 f9 09 f9")


def coalesced(events: list) -> list:
    """Events with each run of garbage reports merged: garbage is reported as it arrives,
    so how many pieces a run comes in is the one thing a split may change."""
    out: list = []
    for event in events:
        if (isinstance(event, Discarded) and event.reason == "garbage" and out
                and isinstance(out[-1], Discarded) and out[-1].reason == "garbage"):
            out[-1] = Discarded("garbage", out[-1].octets + event.octets)
        else:
            out.append(event)
    return out


def streams_strategy(option: Option):
    """Anything a line may carry: frames, frames hiding frames in their information, flag
    runs, garbage, and the case above, in any order."""
    frames = frames_strategy().map(lambda f: encode(f, option))
    hiding = st.tuples(frames_strategy(), frames_strategy(20)).map(
        lambda pair: encode(dataclasses.replace(pair[0], information=encode(pair[1], option)),
                            option))
    pieces = st.one_of(
        frames,
        hiding,
        frames.map(lambda octets: octets[:-1]),  # sharing its closing flag with what follows
        st.integers(1, 4).map(lambda n: bytes([option.flag]) * n),
        st.binary(max_size=40),
        st.just(UI_HIDING_A_UA),
        st.just(UI_HIDING_A_UA[:-2]),
    )
    return st.lists(pieces, max_size=8).map(b"".join)


def decoded(option: Option, stream: bytes, chunks: list[int] | None = None):
    decoder = decoder_for(option, LIMIT)
    events = decode_all(decoder, stream, chunks)
    return coalesced(events), decoder.trailing_data


@pytest.mark.parametrize("option", OPTIONS)
@settings(max_examples=300)
@given(data=st.data())
def test_any_split_of_any_stream_gives_the_same_events(option, data):
    stream = data.draw(streams_strategy(option))
    cuts = data.draw(st.lists(st.integers(1, 12), max_size=40))
    assert decoded(option, stream, cuts) == decoded(option, stream)


@pytest.mark.parametrize("cut", range(1, len(UI_HIDING_A_UA)))
def test_a_frame_hidden_in_another_decodes_the_same_at_every_cut(cut):
    """The inner frame wins, fed whole or split anywhere."""
    events, trailing = decoded(Option.BASIC, UI_HIDING_A_UA, [cut])
    assert frames_of(events) == [Frame(FrameKind.UA, 1, True, pf=True)]
    assert (events, trailing) == decoded(Option.BASIC, UI_HIDING_A_UA)


@pytest.mark.parametrize("option", OPTIONS)
@given(frames=st.lists(frames_strategy(), min_size=2, max_size=6))
def test_frames_sharing_a_flag(option, frames):
    flag = bytes([option.flag])
    stream = b"".join(encode(f, option)[:-1] for f in frames) + flag
    assert frames_of(decode_all(decoder_for(option, LIMIT), stream)) == frames


@pytest.mark.parametrize("option", OPTIONS)
@given(garbage=st.binary(max_size=200), data=st.data())
def test_garbage_never_raises(option, garbage, data):
    cuts = data.draw(st.lists(st.integers(1, 9), max_size=30))
    events = decode_all(decoder_for(option, LIMIT), garbage, cuts)
    assert all(isinstance(e, (Frame, UnknownFrame, Discarded)) for e in events)


@given(garbage=st.binary(max_size=120).map(lambda b: b.replace(b"\xf9", b"")),
       frames=st.lists(frames_strategy(), min_size=1, max_size=5), data=st.data())
def test_basic_garbage_without_flags_loses_nothing(garbage, frames, data):
    """Octets outside frames that contain no flag are skipped at once.  (Excluded: garbage
    that is itself a frame body with a matching FCS, which any receiver would take.)"""
    assume(not frames_of(decode_all(BasicDecoder(LIMIT), b"\xf9" + garbage + b"\xf9")))
    stream = garbage + b"".join(encode(f, Option.BASIC) + garbage for f in frames)
    cuts = data.draw(st.lists(st.integers(1, 9), max_size=40))
    assert frames_of(decode_all(BasicDecoder(LIMIT), stream, cuts)) == frames


@given(garbage=st.binary(max_size=120), frames=st.lists(frames_strategy(), min_size=1,
                                                          max_size=5), data=st.data())
def test_basic_recovers_after_any_garbage_and_an_idle_line(garbage, frames, data):
    """Garbage with flags can start a false candidate; once the line has idled (flags)
    for one maximum frame, every frame after it decodes.  A false candidate may, like in
    any basic-option receiver, pass its FCS by chance: it then shows up before them."""
    idle = bytes([BASIC_FLAG]) * (LIMIT + 8)
    stream = garbage + idle + b"".join(encode(f, Option.BASIC) for f in frames)
    cuts = data.draw(st.lists(st.integers(1, 9), max_size=40))
    decoded = frames_of(decode_all(BasicDecoder(LIMIT), stream, cuts))
    assert decoded[len(decoded) - len(frames):] == frames


@given(garbage=st.binary(max_size=120), frames=st.lists(frames_strategy(), min_size=1,
                                                          max_size=5), data=st.data())
def test_advanced_garbage_between_frames_loses_nothing(garbage, frames, data):
    """In the advanced option a frame is whatever lies between two flags, so garbage can
    never swallow the frame after it.  (Garbage between two flags may pass its FCS by
    chance; it then decodes as an extra frame, never instead of a real one.)"""
    encoded = [encode(f, Option.ADVANCED) for f in frames]
    stream = garbage + garbage.join(encoded) + garbage
    cuts = data.draw(st.lists(st.integers(1, 9), max_size=40))
    decoded = frames_of(decode_all(AdvancedDecoder(LIMIT), stream, cuts))
    position = 0
    for frame in frames:  # the frames appear, in order, among whatever else decoded
        position = decoded.index(frame, position) + 1


@pytest.mark.parametrize("option", OPTIONS)
@given(frames=st.lists(frames_strategy(), min_size=1, max_size=5), bad=st.integers(0, 4),
       damage=st.integers(1, 255))
def test_bad_fcs_is_dropped_and_counted(option, frames, bad, damage):
    """A frame with a damaged FCS is dropped and counted; the others all decode."""
    bad %= len(frames)
    assume(all(option.flag not in f.information for f in frames))
    encoded = [bytearray(encode(f, option)) for f in frames]
    damaged = encoded[bad]
    if option is Option.ADVANCED:
        damaged[1:-1] = escape(bytes(unescape(bytes(damaged[1:-1]))[:-1]) + bytes(
            [unescape(bytes(damaged[1:-1]))[-1] ^ damage]))
    else:
        damaged[-2] ^= damage
        assume(damaged[-2] != BASIC_FLAG)
    decoder = decoder_for(option, LIMIT)
    decoded = frames_of(decode_all(decoder, b"".join(bytes(e) for e in encoded)))
    assert decoded == frames[:bad] + frames[bad + 1 :]
    assert decoder.bad_fcs == 1


# -- decoding: cases ---------------------------------------------------------------------------


def test_two_octet_length_is_accepted():
    frame = dte.frame(dte.BASIC, 1, dte.UIH, b"AT\r", long_length=True)
    assert frames_of(decode_all(BasicDecoder(), frame)) == [
        Frame(FrameKind.UIH, 1, True, information=b"AT\r")]


def test_basic_length_over_the_limit_is_a_false_start():
    decoder = BasicDecoder(max_information=10)
    stream = dte.frame(dte.BASIC, 1, dte.UIH, b"x" * 11) + dte.frame(dte.BASIC, 1, dte.UIH,
                                                                     b"ok")
    assert frames_of(decode_all(decoder, stream)) == [
        Frame(FrameKind.UIH, 1, True, information=b"ok")]
    assert decoder.discarded >= 1


def test_advanced_oversized_frame_is_dropped_without_waiting_for_its_flag():
    decoder = AdvancedDecoder(max_information=10)
    decoder.receive_data(b"\x7e" + b"x" * 100)
    events = decode_all(decoder, b"")
    # The opening flag and one octet more than the longest escaped frame, then garbage.
    assert events == [Discarded("too long", 2 * (10 + 3) + 2), Discarded("garbage", 73)]
    assert frames_of(decode_all(decoder, b"yy" + dte.frame(dte.ADVANCED, 2, dte.UIH, b"ok"))) \
        == [Frame(FrameKind.UIH, 2, True, information=b"ok")]


def test_advanced_abort_sequence_discards_the_frame():
    stream = b"\x7e\x07\xef\x41\x7d\x7e" + dte.frame(dte.ADVANCED, 1, dte.UIH, b"ok")
    events = decode_all(AdvancedDecoder(), stream)
    assert [getattr(e, "reason", None) for e in events] == ["aborted", None]


def test_unknown_control_and_bad_address_are_reported_not_raised():
    events = decode_all(AdvancedDecoder(), bytes.fromhex("7e03c3417e"))
    assert events == [UnknownFrame(0, True, 0xC3)]
    # EA = 0 in the address: not a 27.010 frame.
    body = bytes([0x04, 0xEF])
    events = decode_all(AdvancedDecoder(), b"\x7e" + body + bytes([fcs(body)]) + b"\x7e")
    assert [e.reason for e in events] == ["bad address"]
    events = decode_all(BasicDecoder(), b"\xf9\x04\xef\x01" + bytes([fcs(b"\x04\xef\x01")])
                        + b"\xf9")
    assert "bad address" in [getattr(e, "reason", None) for e in events]


def test_gsm0710muxd_wakeup_octet_before_advanced_frames_is_garbage():
    stream = b"\xf9" + dte.frame(dte.ADVANCED, 0, dte.SABM | dte.PF)
    assert frames_of(decode_all(AdvancedDecoder(), stream)) == [
        Frame(FrameKind.SABM, 0, True, pf=True)]


def test_trailing_data_is_what_follows_the_last_frame():
    decoder = BasicDecoder()
    decoder.receive_data(dte.frame(dte.BASIC, 0, dte.DISC | dte.PF) + b"AT\r")
    assert isinstance(decoder.next_event(), Frame)
    assert decoder.trailing_data == b"\xf9AT\r"


@settings(max_examples=30)
@given(st.binary(min_size=1, max_size=2000))
def test_decoder_buffers_stay_bounded(noise):
    for decoder in (BasicDecoder(LIMIT), AdvancedDecoder(LIMIT)):
        decode_all(decoder, noise * 5)
        assert len(decoder.trailing_data) <= 2 * (LIMIT + 3) + 1


# -- the octet-by-octet header code agrees with the construct layouts ------------------------


@given(st.integers(0, frames.MAX_DLCI), st.booleans())
def test_address_octet_is_the_address_layout(dlci, cr):
    built = frames.Address.build({"dlci": dlci, "cr": cr, "ea": 1})
    assert bytes([frames.address_octet(dlci, cr)]) == built
    parsed = frames.Address.parse(built)
    assert frames.parse_address(built[0]) == {key: parsed[key] for key in ("dlci", "cr", "ea")}


@given(st.integers(0, frames.MAX_BASIC_LENGTH))
def test_length_octets_are_the_length_indicator(length):
    assert frames.length_octets(length) == frames.LengthIndicator.build(length)


@given(st.binary(max_size=5), st.integers(0, 2))
def test_parse_basic_header_is_the_header_layout(data, start):
    """The same fields, or the same kind of error (octets missing, or a bad address)."""

    def outcome(parse):
        try:
            address, control, length = parse()
        except ConstructError as error:
            return type(error)
        return {key: address[key] for key in ("dlci", "cr", "ea")}, control, length

    def by_construct():
        header = frames.BasicHeader.parse(bytes(data[start:start + 4]))
        return header.address, header.control, header.length

    def octet_by_octet():
        header = frames.parse_basic_header(data, start)
        return header.address, header.control, header.length

    assert outcome(octet_by_octet) == outcome(by_construct)


class ReferenceBasicDecoder(BasicDecoder):
    """The general rules only, without the head-of-buffer fast path."""

    fast_path = False


def events_and_counters(decoder, stream: bytes, chunks: list[int]):
    events = decode_all(decoder, stream, chunks)
    return (events, decoder.trailing_data, decoder.frames, decoder.bad_fcs,
            decoder.discarded, decoder.garbage_octets)


@settings(max_examples=400)
@given(data=st.data(), limit=st.sampled_from([LIMIT, 5, frames.MAX_BASIC_LENGTH]))
def test_the_basic_fast_path_decides_every_stream_as_the_general_rules(data, limit):
    stream = data.draw(st.one_of(streams_strategy(Option.BASIC), st.lists(
        frames_strategy().map(lambda f: encode(f, Option.BASIC)), max_size=10).map(b"".join)))
    cuts = data.draw(st.lists(st.integers(1, 12), max_size=40))
    assert (events_and_counters(BasicDecoder(limit), stream, cuts)
            == events_and_counters(ReferenceBasicDecoder(limit), stream, cuts))


@given(frames_strategy(300))
def test_a_uih_frame_built_from_its_cached_ends_is_the_general_encoding(frame):
    frame = dataclasses.replace(frame, kind=FrameKind.UIH)
    general = frames.encode(frame, Option.BASIC, bad_fcs=True)
    general = general[:-2] + bytes([general[-2] ^ 0xFF, general[-1]])
    assert frames.encode_uih_basic(frame.dlci, frame.cr, frame.information, frame.pf) == general
    assert frames.encode(frame, Option.BASIC) == general


@given(frames_strategy())
def test_new_frame_is_the_dataclass_value(frame):
    made = frames.new_frame(frame.kind, frame.dlci, frame.cr, frame.pf, frame.information)
    assert made == frame and hash(made) == hash(frame) and repr(made) == repr(frame)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.dlci = 1
