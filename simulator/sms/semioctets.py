"""Semi-octet (swapped BCD) digit strings (TS 23.040 §9.1.2.3).

The first digit sits in the low nibble; an odd count ends with the filler 0xF.
"""

from __future__ import annotations

from .errors import PduError

#: Semi-octet value → character; 0xA..0xE are the telephony symbols of §9.1.2.5.
DIGITS = "0123456789*#abc"


def encode(digits: str) -> bytes:
    """Digits as semi-octets.  Raises PduError on a character outside ``DIGITS``."""
    values = []
    for ch in digits:
        index = DIGITS.find(ch)
        if index < 0:
            raise PduError(f"{ch!r} is not a semi-octet digit")
        values.append(index)
    if len(values) % 2:
        values.append(0xF)
    return bytes(low | high << 4 for low, high in zip(values[::2], values[1::2], strict=True))


def decode(data: bytes, count: int) -> str:
    """The first ``count`` digits of ``data``.  Raises PduError on a filler or short data."""
    if count > 2 * len(data):
        raise PduError(f"{len(data)} octets cannot hold {count} digits")
    out = []
    for index in range(count):
        octet = data[index // 2]
        value = octet >> 4 if index % 2 else octet & 0x0F
        if value == 0xF:
            raise PduError("a filler semi-octet inside a number")
        out.append(DIGITS[value])
    return "".join(out)
