"""Control packets (RFC 1661 §5: code, identifier, length, data) and the option lists of
Configure packets (type, length, data), as immutable values with an encoder and a decoder
that answers None instead of raising on malformed input."""

from __future__ import annotations

import dataclasses
import ipaddress

#: Code, identifier and the two-octet length.
PACKET_HEADER_OCTETS = 4
#: Type and length octets of an option.
OPTION_HEADER_OCTETS = 2


@dataclasses.dataclass(frozen=True)
class Packet:
    code: int
    identifier: int
    data: bytes = b""

    def encode(self) -> bytes:
        length = PACKET_HEADER_OCTETS + len(self.data)
        return bytes((self.code, self.identifier)) + length.to_bytes(2, "big") + self.data


def decode_packet(information: bytes) -> Packet | None:
    """The packet at the start of ``information``.  Octets past its Length field are padding
    and are ignored (RFC 1661 §5); a Length shorter than the header or longer than what
    arrived makes the packet invalid."""
    if len(information) < PACKET_HEADER_OCTETS:
        return None
    length = int.from_bytes(information[2:4], "big")
    if length < PACKET_HEADER_OCTETS or length > len(information):
        return None
    return Packet(information[0], information[1], bytes(information[4:length]))


@dataclasses.dataclass(frozen=True)
class Option:
    type: int
    data: bytes = b""

    def encode(self) -> bytes:
        return bytes((self.type, OPTION_HEADER_OCTETS + len(self.data))) + self.data

    @property
    def number(self) -> int | None:
        """The data as an unsigned big-endian number (None when empty)."""
        return int.from_bytes(self.data, "big") if self.data else None

    @property
    def address(self) -> str | None:
        """The data as a dotted IPv4 address, when it is four octets."""
        return str(ipaddress.IPv4Address(self.data)) if len(self.data) == 4 else None


def encode_options(options: list[Option] | tuple[Option, ...]) -> bytes:
    return b"".join(option.encode() for option in options)


def decode_options(data: bytes) -> list[Option] | None:
    """The options of a Configure packet, in order; None when a length field is broken."""
    options = []
    offset = 0
    while offset < len(data):
        if len(data) - offset < OPTION_HEADER_OCTETS:
            return None
        kind, length = data[offset], data[offset + 1]
        if length < OPTION_HEADER_OCTETS or offset + length > len(data):
            return None
        options.append(Option(kind, bytes(data[offset + 2:offset + length])))
        offset += length
    return options


def address_option(kind: int, address: str) -> Option:
    return Option(kind, ipaddress.IPv4Address(address).packed)


def number_option(kind: int, value: int, octets: int) -> Option:
    return Option(kind, value.to_bytes(octets, "big"))
