"""The Internet checksum in C against its word-by-word definition (RFC 1071)."""

from __future__ import annotations

import ipaddress
import struct

from hypothesis import given
from hypothesis import strategies as st

from simulator.inet.checksum import (
    fold,
    internet_checksum,
    ones_complement_sum,
    pseudo_header_sum,
)


def reference_sum(data: bytes, start: int = 0) -> int:
    """RFC 1071 §4.1's loop: add the 16-bit words, fold the carries back in."""
    if len(data) % 2:
        data = data + b"\x00"
    total = start + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


starts = st.integers(min_value=0, max_value=0x3FFFF)


@given(st.binary(max_size=3000), starts)
def test_the_sum_is_the_word_by_word_sum(data, start):
    assert ones_complement_sum(data, start) == reference_sum(data, start)


@given(st.integers(min_value=0, max_value=1500), st.sampled_from([0x00, 0xFF]), starts)
def test_all_zero_and_all_one_data(size, octet, start):
    """The edges of the folding: zero words stay zero, all-ones words are 0xFFFF."""
    data = bytes([octet]) * size
    assert ones_complement_sum(data, start) == reference_sum(data, start)


@given(st.binary(max_size=1500), starts)
def test_a_checksum_makes_the_whole_sum_ffff(data, start):
    if len(data) % 2:
        data += b"\x00"
    whole = data + internet_checksum(data, start).to_bytes(2, "big")
    assert reference_sum(whole, start) == 0xFFFF
    assert ones_complement_sum(whole, start) == 0xFFFF


@given(st.integers(min_value=0, max_value=(1 << 40)))
def test_fold_is_the_carry_loop(total):
    folded = total
    while folded > 0xFFFF:
        folded = (folded & 0xFFFF) + (folded >> 16)
    assert fold(total) == folded


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.integers(0, 255),
       st.integers(0, 0xFFFF))
def test_pseudo_header_sum_is_the_sum_of_its_bytes(src, dst, protocol, length):
    a, b = ipaddress.IPv4Address(src), ipaddress.IPv4Address(dst)
    header = a.packed + b.packed + struct.pack("!BBH", 0, protocol, length)
    assert pseudo_header_sum(a, b, protocol, length) == reference_sum(header)
