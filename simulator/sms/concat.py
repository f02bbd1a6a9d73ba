"""Texts longer than one TPDU: the smallest alphabet, splitting into concatenated parts
(TS 23.040 §9.2.3.24.1) and putting them back together.

One part carries 160 septets, 70 UCS2 characters or 140 octets; with the six-octet
header of an 8-bit reference, 153, 67 and 134.  A part never ends inside an escape
sequence or a UTF-16 surrogate pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import gsm7
from .errors import PduError
from .userdata import Alphabet, Concatenation, UserData, dcs_for

#: What one TPDU carries, alone and as a part of a message with an 8-bit reference.
SINGLE = {Alphabet.GSM7: 160, Alphabet.UCS2: 70, Alphabet.DATA8: 140}
PART = {Alphabet.GSM7: 153, Alphabet.UCS2: 67, Alphabet.DATA8: 134}
#: A 16-bit reference takes one octet more: one septet, half a UCS2 character.
PART_WIDE = {Alphabet.GSM7: 152, Alphabet.UCS2: 66, Alphabet.DATA8: 133}
MAX_PARTS = 255


def alphabet_for(text: str) -> Alphabet:
    """GSM 7-bit when every character is in it (with the extension table), else UCS2."""
    return Alphabet.GSM7 if gsm7.encodable(text) else Alphabet.UCS2


def _units(text: str, alphabet: Alphabet) -> list[int]:
    """The size of each character in the alphabet's units (septets, UTF-16 units)."""
    if alphabet is Alphabet.GSM7:
        return [len(gsm7.char_septets(ch)) for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _chunks(sizes: list[int], limit: int) -> list[tuple[int, int]]:
    """Index ranges of consecutive items whose sizes sum to at most ``limit``."""
    ranges, start, used = [], 0, 0
    for index, size in enumerate(sizes):
        if used + size > limit:
            ranges.append((start, index))
            start, used = index, 0
        used += size
    ranges.append((start, len(sizes)))
    return ranges


def split(payload: str | bytes, reference: int, alphabet: Alphabet | None = None,
          wide: bool = False) -> tuple[int, list[UserData]]:
    """TP-DCS and the user data of each TPDU that together carry ``payload``.

    Text goes in ``alphabet`` (the smallest that holds it by default), bytes as 8-bit
    data.  One part needs no header; more get a concatenation element with
    ``reference``.  Raises PduError beyond 255 parts or for a text the alphabet lacks.
    """
    if isinstance(payload, bytes):
        alphabet = Alphabet.DATA8
        sizes = [1] * len(payload)
    else:
        alphabet = alphabet or alphabet_for(payload)
        if alphabet is Alphabet.DATA8:
            raise PduError("8-bit data is bytes")
        sizes = _units(payload, alphabet)
    dcs = dcs_for(alphabet)
    if sum(sizes) <= SINGLE[alphabet]:
        return dcs, [UserData(payload)]
    ranges = _chunks(sizes, (PART_WIDE if wide else PART)[alphabet])
    if len(ranges) > MAX_PARTS:
        raise PduError(f"{len(ranges)} parts are more than {MAX_PARTS}")
    parts = [UserData(payload[start:end],
                      (Concatenation(reference, len(ranges), number, wide).element(),))
             for number, (start, end) in enumerate(ranges, 1)]
    return dcs, parts


def join(parts: list[UserData]) -> str | bytes:
    """The payload of a whole message from its parts, in any order.

    Raises PduError if a part lacks its concatenation element, the parts disagree on
    the reference or the count, a part repeats, or one is missing.
    """
    if len(parts) == 1 and parts[0].concatenation is None:
        return parts[0].payload
    numbered = {}
    for part in parts:
        concat = part.concatenation
        if concat is None:
            raise PduError("a part without a concatenation element")
        numbered[concat.sequence] = (concat.reference, concat.total, part.payload)
    keys = {(reference, total) for reference, total, _ in numbered.values()}
    if len(keys) != 1 or len(numbered) != len(parts):
        raise PduError("the parts are not of one message")
    (_, total), = keys
    if sorted(numbered) != list(range(1, total + 1)):
        raise PduError(f"{len(numbered)} of {total} parts")
    pieces = [numbered[number][2] for number in range(1, total + 1)]
    return b"".join(pieces) if isinstance(pieces[0], bytes) else "".join(pieces)


@dataclass
class Reassembler:
    """Collects parts as they arrive and gives each message when its last part comes.

    ``sender`` tells apart messages of equal reference from different originators
    (§9.2.3.24.1 makes the reference unique per originator only).
    """

    _pending: dict[tuple, dict[int, UserData]] = field(default_factory=dict)

    def add(self, sender: str, part: UserData) -> str | bytes | None:
        """The whole payload if ``part`` completes a message, else None."""
        concat = part.concatenation
        if concat is None:
            return part.payload
        key = (sender, concat.reference, concat.total, concat.wide)
        collected = self._pending.setdefault(key, {})
        collected[concat.sequence] = part
        if len(collected) < concat.total:
            return None
        del self._pending[key]
        return join(list(collected.values()))

    @property
    def incomplete(self) -> int:
        """How many messages wait for parts."""
        return len(self._pending)
