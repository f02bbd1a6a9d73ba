"""The 16-bit frame check sequence of RFC 1662 (appendix C.2): CRC-CCITT, reflected, computed
with a 256-entry table."""

from __future__ import annotations

#: The FCS register starts with all ones, so leading zero octets still change it.
FCS_INIT = 0xFFFF
#: The register's value after running over a frame *and* its (complemented) FCS, whatever the
#: frame: a receiver checks this instead of recomputing and comparing.
FCS_GOOD = 0xF0B8
#: x**0 + x**5 + x**12 + x**16, bit-reversed (the LSB-first form of CRC-CCITT).
_POLYNOMIAL = 0x8408


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ _POLYNOMIAL if value & 1 else value >> 1
        table.append(value)
    return tuple(table)


_TABLE = _table()


def fcs16(data: bytes, fcs: int = FCS_INIT) -> int:
    """Run the FCS register over ``data``."""
    for byte in data:
        fcs = (fcs >> 8) ^ _TABLE[(fcs ^ byte) & 0xFF]
    return fcs


def fcs_trailer(data: bytes) -> bytes:
    """The two FCS octets a sender appends to ``data``: complemented, least significant first."""
    value = fcs16(data) ^ 0xFFFF
    return bytes((value & 0xFF, value >> 8))
