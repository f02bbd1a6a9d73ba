"""The frame check sequence of 3GPP TS 27.010 §5.2.1.6: CRC-8 with the generator polynomial
x^8 + x^2 + x + 1, processed least significant bit first (the "reflected" form, as the octets
go out on a UART), register preset to all ones, ones' complement sent.

A receiver runs the same register over the covered octets *and* the received FCS; an
undamaged frame leaves the fixed remainder ``GOOD_REMAINDER`` (27.010 Annex B).
"""

from __future__ import annotations

#: x^8 + x^2 + x + 1 is 0x07 written most significant bit first; bit-reversed for an LSB-first
#: register it is 0xE0.
REFLECTED_POLYNOMIAL = 0xE0
PRESET = 0xFF
#: What the register holds after the covered octets and a correct FCS (27.010 Annex B).
GOOD_REMAINDER = 0xCF


def _make_table() -> bytes:
    table = bytearray(256)
    for value in range(256):
        crc = value
        for _ in range(8):
            crc = (crc >> 1) ^ REFLECTED_POLYNOMIAL if crc & 1 else crc >> 1
        table[value] = crc
    return bytes(table)


#: One step of the register per octet: ``crc = TABLE[crc ^ octet]``.
TABLE = _make_table()


def _register(data: bytes | bytearray | memoryview) -> int:
    crc = PRESET
    for octet in data:
        crc = TABLE[crc ^ octet]
    return crc


def fcs(covered: bytes | bytearray | memoryview) -> int:
    """The FCS octet to send after ``covered``."""
    return 0xFF - _register(covered)


def fcs_ok(covered: bytes | bytearray | memoryview, received: int) -> bool:
    """True when ``received`` is the right FCS for ``covered``."""
    return TABLE[_register(covered) ^ received] == GOOD_REMAINDER


#: FCS by header, for the covered octets of UIH frames (address, control, a length octet or
#: two): a host sends the same few headers again and again, so each is computed once.
_HEADERS: dict[bytes, int] = {}
_HEADERS_LIMIT = 4096


def header_fcs(covered: bytes) -> int:
    """``fcs(covered)``, remembered for up to ``_HEADERS_LIMIT`` different headers."""
    check = _HEADERS.get(covered)
    if check is None:
        if len(_HEADERS) >= _HEADERS_LIMIT:
            _HEADERS.clear()
        check = _HEADERS[bytes(covered)] = fcs(covered)
    return check
