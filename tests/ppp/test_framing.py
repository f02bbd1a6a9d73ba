"""RFC 1662 framing: FCS vectors, escaping, and properties of the decoder."""

from hypothesis import given
from hypothesis import strategies as st

from simulator.ppp.fcs import FCS_GOOD, fcs16, fcs_trailer
from simulator.ppp.framing import (
    DEFAULT_ACCM,
    ESCAPE,
    FLAG,
    MAX_FRAME_OCTETS,
    Frame,
    FrameDecoder,
    encode_frame,
    escape,
)
from simulator.ppp.protocols import Protocol

protocols = st.sampled_from([Protocol.LCP, Protocol.IPCP, Protocol.IPV4, Protocol.PAP,
                             Protocol.CHAP, 0x0023, 0x8057])
frames = st.builds(Frame, protocols, st.binary(max_size=300))
accms = st.one_of(st.just(0), st.just(DEFAULT_ACCM), st.integers(0, 0xFFFFFFFF))


def test_a_frame_with_its_fcs_leaves_the_good_residue():
    data = b"\xff\x03\xc0\x21\x01\x01\x00\x04"
    assert fcs16(data + fcs_trailer(data)) == FCS_GOOD


def test_a_known_lcp_frame_byte_for_byte():
    # A Configure-Request with no option, as pppd would frame it with the default ACCM.
    frame = encode_frame(Protocol.LCP, bytes([1, 1, 0, 4]))
    assert frame[0] == FLAG and frame[-1] == FLAG
    assert frame.startswith(b"\x7e\xff\x7d\x23\xc0\x21\x7d\x21\x7d\x21\x7d\x20\x7d\x24")


def test_escaping_follows_the_accm():
    assert escape(b"\x11\x13\x7e\x7d", accm=0) == b"\x11\x13\x7d\x5e\x7d\x5d"
    assert escape(b"\x11\x13", accm=1 << 0x11) == b"\x7d\x31\x13"


@given(st.lists(frames, max_size=8), accms, st.booleans(), st.booleans(), accms)
def test_round_trip(sent, accm, acfc, pfc, receive_accm):
    # The receiver drops unescaped control characters its map names; the sender escapes what
    # its (the receiver's) map names, so the two maps agree on a real link.
    decoder = FrameDecoder(accm=receive_accm & accm)
    stream = b"".join(encode_frame(f.protocol, f.information, accm=accm, acfc=acfc, pfc=pfc)
                      for f in sent)
    assert decoder.feed(stream) == sent
    assert decoder.stats.frames == len(sent)


@given(st.lists(frames, max_size=6), st.data())
def test_any_fragmentation_gives_the_same_frames(sent, data):
    stream = b"".join(encode_frame(f.protocol, f.information) for f in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=20)))
    decoder = FrameDecoder()
    got = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += decoder.feed(stream[start:end])
    assert got == sent


@given(st.binary(max_size=2000), st.lists(frames, max_size=3))
def test_garbage_never_raises_and_good_frames_after_a_flag_still_arrive(garbage, sent):
    decoder = FrameDecoder()
    decoder.feed(garbage)
    stream = b"".join(encode_frame(f.protocol, f.information) for f in sent)
    got = decoder.feed(bytes([FLAG]) + stream)
    assert got == sent


@given(frames, st.integers(min_value=1), st.integers(0, 255))
def test_a_corrupted_octet_is_counted_not_delivered(frame, position, value):
    encoded = bytearray(encode_frame(frame.protocol, frame.information, accm=DEFAULT_ACCM))
    body = range(1, len(encoded) - 1)
    index = body[position % len(body)]
    if value in (FLAG, ESCAPE) or encoded[index] in (FLAG, ESCAPE) or value < 0x20 \
            or value == encoded[index]:
        return  # a changed flag or escape is another kind of damage, tested elsewhere
    encoded[index] = value
    decoder = FrameDecoder()
    assert decoder.feed(bytes(encoded)) == []
    assert decoder.stats.bad_fcs == 1


def test_abort_sequence_too_short_and_too_long_are_counted():
    decoder = FrameDecoder()
    decoder.feed(b"\x7e\xff\x03\xc0\x7d\x7e")
    decoder.feed(b"\x7e\x21\x7e")
    decoder.feed(b"\x7e" + b"a" * (MAX_FRAME_OCTETS + 5) + b"\x7e")
    assert (decoder.stats.aborted, decoder.stats.too_short, decoder.stats.too_long) == (1, 1, 1)
    good = encode_frame(Protocol.IPV4, b"ok")
    assert decoder.feed(good) == [Frame(Protocol.IPV4, b"ok")]


def test_unescaped_control_characters_in_the_receive_map_are_dropped():
    decoder = FrameDecoder(accm=1 << 0x11)  # XON inserted by a DCE's flow control
    frame = encode_frame(Protocol.IPV4, b"data", accm=0)
    assert decoder.feed(frame[:3] + b"\x11" + frame[3:]) == [Frame(Protocol.IPV4, b"data")]
    assert decoder.stats.dropped_control == 1


def test_compressed_address_and_protocol_fields_are_accepted():
    frame = encode_frame(Protocol.IPV4, b"x", acfc=True, pfc=True)
    assert b"\xff\x03" not in frame
    assert FrameDecoder().feed(frame) == [Frame(Protocol.IPV4, b"x")]


# -- the fast paths against the octet-by-octet definitions ----------------------------------

class OctetwiseDecoder(FrameDecoder):
    """The decoder's per-octet path for every octet: the definition the fast path (regular
    expressions over runs of octets) must match in frames, counts and state."""

    def frames(self, data):
        for byte in bytes(data):
            if byte == FLAG:
                frame = self._end_of_frame()
                if frame is not None:
                    yield frame
            else:
                self._take_octetwise(bytes([byte]))


tricky = st.lists(st.sampled_from([FLAG, ESCAPE, 0x11, 0x13, 0x00, 0x5D, 0x5E, 0xFF, 0x03,
                                   0xC0, 0x21, 0x41]), max_size=80).map(bytes)
line_octets = st.one_of(tricky, st.binary(max_size=120),
                        st.builds(lambda f, a, g: g + encode_frame(f.protocol, f.information,
                                                                   accm=a) + g,
                                  frames, accms, tricky))


@given(line_octets, accms, st.sampled_from([8, 40, MAX_FRAME_OCTETS]), st.data())
def test_the_fast_decoder_matches_the_octetwise_definition(data, accm, max_frame, draw):
    cuts = sorted(draw.draw(st.lists(st.integers(0, len(data)), max_size=4)))
    pieces = [data[i:j] for i, j in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    fast = FrameDecoder(accm=accm, max_frame=max_frame)
    reference = OctetwiseDecoder(accm=accm, max_frame=max_frame)
    assert ([f for p in pieces for f in fast.frames(p)]
            == [f for p in pieces for f in reference.frames(p)])
    assert fast.stats == reference.stats
    assert (fast._escaped, fast._overflow, bytes(fast._buffer)) == (
        reference._escaped, reference._overflow, bytes(reference._buffer))


@given(st.one_of(tricky, st.binary(max_size=300)), accms)
def test_fast_escaping_and_fcs_match_their_definitions(data, accm):
    from simulator.ppp.fcs import fcs16_table
    from simulator.ppp.framing import escape_octetwise

    assert escape(data, accm) == escape_octetwise(data, accm)
    assert fcs16(data) == fcs16_table(data)
