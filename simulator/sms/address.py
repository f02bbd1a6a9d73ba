"""Addresses: TP-OA/TP-DA/TP-RA (TS 23.040 §9.1.2.5) and the service centre's RP address.

The type-of-address octet is 1, the type of number (3 bits) and the numbering plan (4 bits).
A TP address counts its useful semi-octets; an RP address (the SMSC prefix of a 27.005
PDU, TS 24.011 §8.2.5.1) counts its octets, type included.  An alphanumeric address
(TON 5) is GSM 7-bit text packed into the semi-octets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from . import gsm7, semioctets
from .errors import PduError


class Ton(IntEnum):
    UNKNOWN = 0
    INTERNATIONAL = 1
    NATIONAL = 2
    NETWORK_SPECIFIC = 3
    SUBSCRIBER = 4
    ALPHANUMERIC = 5
    ABBREVIATED = 6
    RESERVED = 7


class Npi(IntEnum):
    UNKNOWN = 0
    ISDN = 1
    DATA = 3
    TELEX = 4
    NATIONAL = 8
    PRIVATE = 9
    ERMES = 10


#: The longest TP address: 20 semi-octets (§9.1.2.5, 12 octets in all).
MAX_DIGITS = 20
#: The longest alphanumeric address: 11 characters in 10 octets.
MAX_ALPHANUMERIC_OCTETS = 10


@dataclass(frozen=True)
class Address:
    """A number (digits without '+') or, for TON 5, an alphanumeric name."""

    number: str
    ton: int = Ton.UNKNOWN
    npi: int = Npi.ISDN

    def __post_init__(self):
        if not (0 <= self.ton <= 7 and 0 <= self.npi <= 15):
            raise PduError(f"type of number {self.ton} / numbering plan {self.npi}")

    @classmethod
    def parse(cls, text: str) -> Address:
        """An address as a host writes it: "+33612..." is international, digits are of
        unknown type, anything else is alphanumeric."""
        if text.startswith("+") and text[1:] and all(c in semioctets.DIGITS for c in text[1:]):
            return cls(text[1:], Ton.INTERNATIONAL, Npi.ISDN)
        if text and all(c in semioctets.DIGITS for c in text):
            return cls(text, Ton.UNKNOWN, Npi.ISDN)
        return cls(text, Ton.ALPHANUMERIC, Npi.UNKNOWN)

    @property
    def text(self) -> str:
        """The address as a host reads it: "+" before an international number."""
        return "+" + self.number if self.ton == Ton.INTERNATIONAL else self.number

    @property
    def type_octet(self) -> int:
        """The type-of-address octet (27.005's ``<tooa>``/``<toda>``: 145, 129...)."""
        return 0x80 | (self.ton & 0x07) << 4 | (self.npi & 0x0F)

    def _body(self) -> tuple[bytes, int]:
        """The address value and its count of useful semi-octets."""
        if self.ton == Ton.ALPHANUMERIC:
            septets = gsm7.to_septets(self.number)
            body = gsm7.pack(septets)
            if len(body) > MAX_ALPHANUMERIC_OCTETS:
                raise PduError(f"alphanumeric address {self.number!r} is too long")
            return body, (7 * len(septets) + 3) // 4
        if len(self.number) > MAX_DIGITS:
            raise PduError(f"number {self.number!r} has more than {MAX_DIGITS} digits")
        return semioctets.encode(self.number), len(self.number)

    def encode_tp(self) -> bytes:
        """As TP-OA/TP-DA/TP-RA: semi-octet count, type, value."""
        body, count = self._body()
        return bytes((count, self.type_octet)) + body

    def encode_rp(self) -> bytes:
        """As an RP address (the SMSC prefix): octet count, type, value."""
        body, _ = self._body()
        return bytes((len(body) + 1, self.type_octet)) + body


def _from_type(octet: int) -> tuple[int, int]:
    return Ton((octet >> 4) & 0x07), octet & 0x0F


def _decode_body(value: bytes, ton: int, npi: int, digits: int) -> Address:
    if ton == Ton.ALPHANUMERIC:
        septets = gsm7.unpack(value, digits * 4 // 7)
        return Address(gsm7.from_septets(septets), ton, npi)
    return Address(semioctets.decode(value, digits), ton, npi)


def decode_tp(data: bytes, offset: int) -> tuple[Address, int]:
    """The TP address at ``offset`` and the offset after it."""
    if offset + 2 > len(data):
        raise PduError("address truncated")
    count, type_octet = data[offset], data[offset + 1]
    if count > MAX_DIGITS:
        raise PduError(f"address of {count} semi-octets")
    end = offset + 2 + (count + 1) // 2
    if end > len(data):
        raise PduError("address truncated")
    ton, npi = _from_type(type_octet)
    return _decode_body(data[offset + 2:end], ton, npi, count), end


def decode_rp(data: bytes, offset: int = 0) -> tuple[Address | None, int]:
    """The RP address at ``offset`` (None if its length is 0) and the offset after it.

    A trailing filler ends the number early, as it does on odd-length numbers.
    """
    if offset >= len(data):
        raise PduError("service centre address truncated")
    length = data[offset]
    if length == 0:
        return None, offset + 1
    end = offset + 1 + length
    if end > len(data) or length > 1 + MAX_DIGITS // 2:
        raise PduError("service centre address truncated")
    ton, npi = _from_type(data[offset + 1])
    value = data[offset + 2:end]
    if ton == Ton.ALPHANUMERIC:
        return _decode_body(value, ton, npi, (8 * len(value)) // 4), end
    digits = 2 * len(value)
    if value and value[-1] >> 4 == 0xF:
        digits -= 1
    return _decode_body(value, ton, npi, digits), end
