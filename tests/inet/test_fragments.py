"""IPv4 reassembly: any split of a datagram into fragments, in any order and with duplicates,
gives the datagram back once; overlaps that disagree, oversize and stale pieces discard it."""

import dataclasses
import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from simulator.inet.fragments import Reassembler, fragment
from simulator.inet.ipv4 import Ipv4Packet

A, B = ipaddress.IPv4Address("10.70.0.1"), ipaddress.IPv4Address("198.18.0.10")


def fragments(payload: bytes, cuts: list[int], identification: int = 7) -> list[Ipv4Packet]:
    """``payload`` cut at the given multiples of 8."""
    bounds = [0, *sorted(set(cuts)), len(payload)]
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        if start >= end:
            continue
        out.append(Ipv4Packet(A, B, 17, payload[start:end], identification=identification,
                              dont_fragment=False, more_fragments=end < len(payload),
                              fragment_offset=start // 8))
    return out


@st.composite
def split(draw):
    payload = draw(st.binary(min_size=9, max_size=3000))
    cuts = draw(st.lists(st.integers(1, (len(payload) - 1) // 8).map(lambda n: n * 8),
                         min_size=1, max_size=12))
    order = draw(st.permutations(fragments(payload, cuts)))
    # pieces seen twice before the last one arrives (after it, a copy starts a new datagram)
    duplicates = draw(st.lists(st.sampled_from(order[:-1]), max_size=3)) if len(order) > 1 else []
    return payload, [*order[:-1], *duplicates, order[-1]]


@given(split())
def test_any_split_in_any_order_gives_the_datagram_once(case):
    payload, pieces = case
    r = Reassembler()
    whole = [p for p in (r.add(piece, 0.0) for piece in pieces) if p is not None]
    assert len(whole) == 1
    assert whole[0].payload == payload and not whole[0].is_fragment
    assert (whole[0].src, whole[0].dst, whole[0].protocol) == (A, B, 17)


def test_disagreeing_overlap_discards_the_datagram():
    first, last = fragments(bytes(range(32)), [16])
    r = Reassembler()
    assert r.add(first, 0.0) is None
    liar = dataclasses.replace(last, payload=b"\xff" * 16, fragment_offset=1)  # overlaps at 8
    assert r.add(liar, 0.0) is None
    assert r.discarded == 1 and len(r) == 0
    assert r.add(last, 0.0) is None  # the datagram is gone: this starts a new one


def test_stale_pieces_are_forgotten_and_the_number_waiting_is_bounded():
    first, last = fragments(bytes(64), [32])
    r = Reassembler(timeout=30.0, limit=2)
    r.add(first, 0.0)
    assert r.add(last, 31.0) is None  # the first piece timed out
    assert r.discarded == 1
    for n in range(3):
        r.add(fragments(bytes(64), [32], identification=100 + n)[0], 31.0)
    assert len(r) == 2


def test_garbage_lengths_are_refused():
    r = Reassembler()
    odd = Ipv4Packet(A, B, 17, b"123", dont_fragment=False, more_fragments=True)
    assert r.add(odd, 0.0) is None and r.discarded == 1  # a middle piece not a multiple of 8
    huge = Ipv4Packet(A, B, 17, b"x" * 16, dont_fragment=False, fragment_offset=0x1FFF)
    assert r.add(huge, 0.0) is None and r.discarded == 2


# -- fragmentation --------------------------------------------------------------------------

@given(st.binary(max_size=4000), st.integers(68, 1500), st.integers(0, 0xFFFF))
def test_fragments_fit_the_mtu_and_reassemble_to_the_packet(payload, mtu, identification):
    packet = Ipv4Packet(A, B, 17, payload, identification=identification)
    pieces = fragment(packet, mtu)
    assert all(len(piece.build()) <= mtu for piece in pieces)
    if len(pieces) == 1:
        assert pieces == [packet]
        return
    assert all(len(p.payload) % 8 == 0 for p in pieces[:-1])
    reassembler = Reassembler()
    results = [reassembler.add(piece, 0.0) for piece in reversed(pieces)]
    assert results[:-1] == [None] * (len(pieces) - 1)
    assert results[-1].payload == payload and results[-1].identification == identification


def test_only_copied_options_go_into_later_fragments():
    # security (130, copied) and record route (7, not copied), padded with end of list
    options = bytes([130, 4, 0xAB, 0xCD, 7, 7, 4, 0, 0, 0, 0, 0])
    pieces = fragment(Ipv4Packet(A, B, 17, bytes(200), options=options), 100)
    assert pieces[0].options == options
    assert {p.options for p in pieces[1:]} == {bytes([130, 4, 0xAB, 0xCD])}
    assert all(len(p.build()) <= 100 for p in pieces)


def test_a_fragment_is_fragmented_further_at_its_own_offset():
    head = Ipv4Packet(A, B, 17, bytes(range(256)) * 2, dont_fragment=False,
                      more_fragments=True, fragment_offset=100)
    pieces = fragment(head, 276)
    assert [p.fragment_offset for p in pieces] == [100, 132]
    assert all(p.more_fragments for p in pieces)
