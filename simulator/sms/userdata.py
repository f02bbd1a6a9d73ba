"""TP-DCS (TS 23.038 §4), the user-data header (TS 23.040 §9.2.3.24) and TP-UD.

The user data is a header (a tuple of information elements, empty if TP-UDHI is 0) and a
payload: text for the 7-bit and UCS2 alphabets, bytes for 8-bit data.  TP-UDL counts
septets for 7-bit (header included, with the fill bits that align the text) and octets
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from . import gsm7
from .errors import PduError


class Alphabet(Enum):
    GSM7 = 0
    DATA8 = 1
    UCS2 = 2


#: Most user data one TPDU carries: 140 octets (160 septets).
MAX_OCTETS = 140


def dcs_alphabet(dcs: int) -> Alphabet:
    """The alphabet TP-DCS names.  Raises PduError for compressed or reserved codings."""
    group = dcs >> 4
    if group <= 0x7:                                   # general data coding, 00xx / 01xx
        if dcs & 0x20:
            raise PduError("compressed user data is not supported")
        coding = (dcs >> 2) & 0x03
        if coding == 3:
            raise PduError(f"TP-DCS {dcs:02X} names a reserved alphabet")
        return Alphabet(coding)
    if group in (0xC, 0xD):                            # message waiting, 7-bit
        return Alphabet.GSM7
    if group == 0xE:                                   # message waiting, UCS2
        return Alphabet.UCS2
    if group == 0xF:                                   # data coding / message class
        return Alphabet.DATA8 if dcs & 0x04 else Alphabet.GSM7
    raise PduError(f"TP-DCS {dcs:02X} is reserved")


def dcs_for(alphabet: Alphabet, message_class: int | None = None) -> int:
    """The general-coding TP-DCS for ``alphabet`` and an optional class 0–3."""
    dcs = alphabet.value << 2
    if message_class is not None:
        dcs |= 0x10 | (message_class & 0x03)
    return dcs


@dataclass(frozen=True)
class InformationElement:
    iei: int
    data: bytes


IEI_CONCAT_8 = 0x00
IEI_CONCAT_16 = 0x08


@dataclass(frozen=True)
class Concatenation:
    """Which part of which concatenated message (§9.2.3.24.1 and .8)."""

    reference: int
    total: int
    sequence: int
    wide: bool = False          # a 16-bit reference (IEI 0x08)

    def element(self) -> InformationElement:
        if self.wide:
            if not 0 <= self.reference <= 0xFFFF:
                raise PduError(f"reference {self.reference} is not 16 bits")
            return InformationElement(IEI_CONCAT_16, bytes(
                (self.reference >> 8, self.reference & 0xFF, self.total, self.sequence)))
        if not 0 <= self.reference <= 0xFF:
            raise PduError(f"reference {self.reference} is not 8 bits")
        return InformationElement(IEI_CONCAT_8,
                                  bytes((self.reference, self.total, self.sequence)))

    @classmethod
    def find(cls, header: tuple[InformationElement, ...]) -> Concatenation | None:
        """The concatenation element in ``header``, if a well-formed one is there."""
        for element in header:
            if element.iei == IEI_CONCAT_8 and len(element.data) == 3:
                reference, total, sequence = element.data
                wide = False
            elif element.iei == IEI_CONCAT_16 and len(element.data) == 4:
                reference = element.data[0] << 8 | element.data[1]
                total, sequence = element.data[2:]
                wide = True
            else:
                continue
            if total and 1 <= sequence <= total:
                return cls(reference, total, sequence, wide)
        return None


def encode_header(header: tuple[InformationElement, ...]) -> bytes:
    """The header with its UDHL octet, or nothing for an empty header."""
    if not header:
        return b""
    body = b""
    for element in header:
        if len(element.data) > 255:
            raise PduError(f"information element {element.iei:02X} is too long")
        body += bytes((element.iei, len(element.data))) + element.data
    return bytes((len(body),)) + body


def decode_header(data: bytes) -> tuple[tuple[InformationElement, ...], int]:
    """The header at the start of ``data`` and its length with the UDHL octet."""
    if not data:
        raise PduError("user-data header truncated")
    end = 1 + data[0]
    if end > len(data):
        raise PduError("user-data header longer than the user data")
    elements, offset = [], 1
    while offset < end:
        if offset + 2 > end:
            raise PduError("information element truncated")
        iei, length = data[offset], data[offset + 1]
        if offset + 2 + length > end:
            raise PduError("information element truncated")
        elements.append(InformationElement(iei, bytes(data[offset + 2:offset + 2 + length])))
        offset += 2 + length
    return tuple(elements), end


def header_septets(header_octets: int) -> int:
    """Septets a header of ``header_octets`` (UDHL included) takes with its fill bits."""
    return (8 * header_octets + 6) // 7


@dataclass(frozen=True)
class UserData:
    payload: str | bytes = ""
    header: tuple[InformationElement, ...] = ()

    @property
    def concatenation(self) -> Concatenation | None:
        return Concatenation.find(self.header)

    def encode(self, alphabet: Alphabet) -> tuple[int, bytes]:
        """TP-UDL and TP-UD.  Raises PduError if the payload does not fit or is of
        the wrong kind for ``alphabet``."""
        head = encode_header(self.header)
        if alphabet is Alphabet.DATA8:
            if not isinstance(self.payload, bytes):
                raise PduError("8-bit user data is bytes")
            udl, body = len(head) + len(self.payload), head + self.payload
        elif not isinstance(self.payload, str):
            raise PduError(f"{alphabet.name} user data is text")
        elif alphabet is Alphabet.UCS2:
            try:
                body = head + self.payload.encode("utf-16-be")
            except UnicodeEncodeError as error:
                raise PduError(f"text is not UCS2: {error}") from None
            udl = len(body)
        else:
            septets = gsm7.to_septets(self.payload)
            skip = header_septets(len(head))
            body = head + gsm7.pack(septets, 7 * skip - 8 * len(head))
            udl = skip + len(septets)
        if len(body) > MAX_OCTETS:
            raise PduError(f"user data of {len(body)} octets is longer than {MAX_OCTETS}")
        return udl, body

    @classmethod
    def decode(cls, alphabet: Alphabet, udl: int, data: bytes,
               has_header: bool) -> UserData:
        """User data from TP-UDL and the octets after it (exactly the TP-UD)."""
        if alphabet is Alphabet.GSM7:
            if udl > 160 or (7 * udl + 7) // 8 != len(data):
                raise PduError(f"TP-UDL {udl} septets does not match {len(data)} octets")
        elif udl != len(data):
            raise PduError(f"TP-UDL {udl} octets does not match {len(data)} octets")
        header, head_octets = decode_header(data) if has_header else ((), 0)
        if alphabet is Alphabet.DATA8:
            return cls(bytes(data[head_octets:]), header)
        if alphabet is Alphabet.UCS2:
            body = bytes(data[head_octets:])
            if len(body) % 2:
                raise PduError("UCS2 user data of an odd number of octets")
            try:
                return cls(body.decode("utf-16-be"), header)
            except UnicodeDecodeError as error:
                raise PduError(f"UCS2 user data is not UTF-16: {error}") from None
        skip = header_septets(head_octets)
        if skip > udl:
            raise PduError("user-data header longer than TP-UDL")
        septets = gsm7.unpack(data, udl)[skip:]
        return cls(gsm7.from_septets(septets), header)
