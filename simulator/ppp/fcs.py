"""The 16-bit frame check sequence of RFC 1662 (appendix C.2): CRC-CCITT, reflected.

``fcs16`` runs in C: ``binascii.crc_hqx`` is the same polynomial unreflected, so the octets
go in bit-reversed (one ``bytes.translate``) and the register comes out bit-reversed.
``fcs16_table`` is the RFC's own table-driven loop, kept as the reference the tests compare
with.
"""

from __future__ import annotations

import binascii

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


#: Each octet with its bits in reverse order.
_REVERSED = bytes(int(f"{octet:08b}"[::-1], 2) for octet in range(256))


def _reverse16(value: int) -> int:
    return _REVERSED[value & 0xFF] << 8 | _REVERSED[value >> 8]


def fcs16(data: bytes, fcs: int = FCS_INIT) -> int:
    """Run the FCS register over ``data``."""
    return _reverse16(binascii.crc_hqx(bytes(data).translate(_REVERSED), _reverse16(fcs)))


def fcs16_table(data: bytes, fcs: int = FCS_INIT) -> int:
    """RFC 1662 appendix C.2, octet by octet: the reference for ``fcs16``."""
    for byte in data:
        fcs = (fcs >> 8) ^ _TABLE[(fcs ^ byte) & 0xFF]
    return fcs


def fcs_trailer(data: bytes) -> bytes:
    """The two FCS octets a sender appends to ``data``: complemented, least significant first."""
    value = fcs16(data) ^ 0xFFFF
    return bytes((value & 0xFF, value >> 8))
