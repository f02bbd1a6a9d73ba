"""The hex coding of user data in +MIPSEND and +MIPRTCP/+MIPRUDP: each byte as two digits
"0-F" (003 §1.1.6.4, §1.1.10.4).  The module prints upper case; it reads either case (M6)."""

from __future__ import annotations

import binascii


def encode(data: bytes) -> str:
    return data.hex().upper()


def decode(text: str) -> bytes | None:
    """The bytes ``text`` codes, or None when it is not an even run of hex digits."""
    if len(text) % 2 or not text.isascii():
        return None
    try:
        return binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        return None
