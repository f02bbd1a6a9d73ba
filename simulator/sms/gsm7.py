"""The GSM 7-bit default alphabet (TS 23.038 §6.2.1) and septet packing (§6.1.2.1).

A character of the extension table (§6.2.1.1) takes two septets: the escape 0x1B, then
its code.  Septets are packed least significant bit first; user data that follows a
header starts on a septet boundary, so ``fill_bits`` zero bits come before the first one.
"""

from __future__ import annotations

from .errors import PduError

#: The default alphabet, indexed by code; 0x1B is the escape to the extension table.
ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
ESCAPE = 0x1B
#: The extension table: code after the escape → character.
EXTENSION = {0x0A: "\x0c", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
             0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}

_BASIC = {ch: code for code, ch in enumerate(ALPHABET) if code != ESCAPE}
_EXTENDED = {ch: code for code, ch in EXTENSION.items()}


def encodable(text: str) -> bool:
    """Whether every character of ``text`` is in the default alphabet or its extension."""
    return all(ch in _BASIC or ch in _EXTENDED for ch in text)


def char_septets(ch: str) -> tuple[int, ...]:
    """The septets of one character.  Raises PduError if the alphabet lacks it."""
    if ch in _BASIC:
        return (_BASIC[ch],)
    if ch in _EXTENDED:
        return (ESCAPE, _EXTENDED[ch])
    raise PduError(f"{ch!r} is not in the GSM 7-bit default alphabet")


def to_septets(text: str) -> list[int]:
    """``text`` as septet codes.  Raises PduError if the alphabet lacks a character."""
    return [septet for ch in text for septet in char_septets(ch)]


def from_septets(septets: list[int] | bytes) -> str:
    """Septet codes as text.

    An escape followed by a code the extension table lacks stands for the basic
    character of that code; a second escape (reserved for a further table) and a
    trailing escape stand for a space (§6.2.1.1's fallbacks).
    """
    out = []
    escaped = False
    for septet in septets:
        if escaped:
            fallback = " " if septet == ESCAPE else ALPHABET[septet]
            out.append(EXTENSION.get(septet, fallback))
            escaped = False
        elif septet == ESCAPE:
            escaped = True
        else:
            out.append(ALPHABET[septet])
    if escaped:
        out.append(" ")
    return "".join(out)


def pack(septets: list[int], fill_bits: int = 0) -> bytes:
    """Septets packed into octets, after ``fill_bits`` zero bits."""
    value = 0
    for index, septet in enumerate(septets):
        value |= (septet & 0x7F) << (fill_bits + 7 * index)
    length = (fill_bits + 7 * len(septets) + 7) // 8
    return value.to_bytes(length, "little")


def unpack(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """``count`` septets from ``data``, skipping ``fill_bits`` bits.

    Raises PduError if ``data`` is too short for them.
    """
    if fill_bits + 7 * count > 8 * len(data):
        raise PduError(f"{len(data)} octets cannot hold {count} septets")
    value = int.from_bytes(data, "little") >> fill_bits
    return [(value >> (7 * index)) & 0x7F for index in range(count)]
