"""The Internet checksum (RFC 1071) and the IPv4 pseudo-header TCP and UDP add to it
(RFC 9293 §3.1, RFC 768).

The one's complement sum runs in C: read as one big-endian integer, the data is the sum of its
16-bit words times powers of 2**16, and 2**16 leaves 1 modulo 0xFFFF, so that integer modulo
0xFFFF is the words' sum modulo 0xFFFF (RFC 1071 §2(B): the end-around carry is exactly that
reduction).  The carry loop never makes 0 out of a non-zero sum, so a remainder of 0 stands
for 0xFFFF unless every word was zero.  ``tests/inet/test_checksum.py`` compares it with the
word-by-word definition.
"""

from __future__ import annotations

import ipaddress

_MODULUS = 0xFFFF


def ones_complement_sum(data: bytes, start: int = 0) -> int:
    """The 16-bit one's complement sum of ``data`` (odd length padded with a zero byte),
    added to ``start`` (itself such a sum)."""
    total = int.from_bytes(data, "big")
    if len(data) & 1:
        total <<= 8  # the zero pad octet
    total += start
    return total % _MODULUS or (_MODULUS if total else 0)  # ``fold``, inline: it is hot


def fold(total: int) -> int:
    """A non-negative sum of 16-bit words folded to 16 bits with end-around carry."""
    return total % _MODULUS or (_MODULUS if total else 0)


def internet_checksum(data: bytes, start: int = 0) -> int:
    """The value to put in a checksum field so that the sum over the whole becomes 0xFFFF."""
    return ~ones_complement_sum(data, start) & 0xFFFF


def pseudo_header_sum(src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address,
                      protocol: int, length: int) -> int:
    """The partial sum of the pseudo-header: source, destination, zero, protocol, length."""
    return fold(address_pair_sum(int(src), int(dst)) + protocol + length)


def address_pair_sum(src: int, dst: int) -> int:
    """The source and destination words of a pseudo-header, summed (not yet folded: the
    callers add more and fold once)."""
    return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF)
