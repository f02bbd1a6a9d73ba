"""The Internet checksum (RFC 1071) and the IPv4 pseudo-header TCP and UDP add to it
(RFC 9293 §3.1, RFC 768)."""

from __future__ import annotations

import ipaddress
import struct


def ones_complement_sum(data: bytes, start: int = 0) -> int:
    """The 16-bit one's complement sum of ``data`` (odd length padded with a zero byte)."""
    if len(data) % 2:
        data = data + b"\x00"
    total = start + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def internet_checksum(data: bytes, start: int = 0) -> int:
    """The value to put in a checksum field so that the sum over the whole becomes 0xFFFF."""
    return ~ones_complement_sum(data, start) & 0xFFFF


def pseudo_header_sum(src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address,
                      protocol: int, length: int) -> int:
    """The partial sum of the pseudo-header: source, destination, zero, protocol, length."""
    return ones_complement_sum(src.packed + dst.packed + struct.pack("!BBH", 0, protocol, length))
