"""ICMP messages (RFC 792): ``parse_icmp(bytes) -> IcmpMessage`` and ``IcmpMessage.build()``,
with the echo request/reply and destination-unreachable forms a network answers with."""

from __future__ import annotations

import dataclasses
import enum
import struct

from simulator.inet.checksum import internet_checksum, ones_complement_sum
from simulator.inet.errors import ChecksumError, PacketError

HEADER = struct.Struct("!BBH4s")
#: RFC 792 quotes the original IP header and the first 64 bits of its data.
QUOTED_DATA = 8


class IcmpType(enum.IntEnum):
    ECHO_REPLY = 0
    DESTINATION_UNREACHABLE = 3
    ECHO_REQUEST = 8
    TIME_EXCEEDED = 11


class UnreachableCode(enum.IntEnum):
    NETWORK = 0
    HOST = 1
    PROTOCOL = 2
    PORT = 3
    FRAGMENTATION_NEEDED = 4
    ADMINISTRATIVELY_PROHIBITED = 13


@dataclasses.dataclass(frozen=True)
class IcmpMessage:
    type: int
    code: int = 0
    rest: bytes = bytes(4)  # the type-specific second word of the header
    payload: bytes = b""

    @property
    def identifier(self) -> int:
        return int.from_bytes(self.rest[:2], "big")

    @property
    def sequence(self) -> int:
        return int.from_bytes(self.rest[2:], "big")

    def build(self) -> bytes:
        if not (0 <= self.type <= 0xFF and 0 <= self.code <= 0xFF and len(self.rest) == 4):
            raise PacketError(f"ICMP type {self.type} code {self.code} rest {self.rest!r}")
        message = HEADER.pack(self.type, self.code, 0, self.rest) + self.payload
        return message[:2] + internet_checksum(message).to_bytes(2, "big") + message[4:]


def echo_request(identifier: int, sequence: int, payload: bytes = b"") -> IcmpMessage:
    return IcmpMessage(IcmpType.ECHO_REQUEST, 0, struct.pack("!HH", identifier, sequence), payload)


def echo_reply(request: IcmpMessage) -> IcmpMessage:
    """The reply to ``request``: same identifier, sequence and data (RFC 792)."""
    return IcmpMessage(IcmpType.ECHO_REPLY, 0, request.rest, request.payload)


def destination_unreachable(code: int, original_ip_header: bytes, original_data: bytes
                            ) -> IcmpMessage:
    """What a router or host sends for a packet it cannot deliver: the original header and
    the first 8 bytes of its data, so the sender can tell which socket it concerns."""
    return IcmpMessage(IcmpType.DESTINATION_UNREACHABLE, code, bytes(4),
                       original_ip_header + original_data[:QUOTED_DATA])


def parse_icmp(data: bytes) -> IcmpMessage:
    if len(data) < HEADER.size:
        raise PacketError(f"{len(data)} bytes is shorter than an ICMP header")
    if ones_complement_sum(data) != 0xFFFF:
        raise ChecksumError("ICMP checksum mismatch")
    type_, code, _checksum, rest = HEADER.unpack_from(data)
    return IcmpMessage(type_, code, rest, bytes(data[HEADER.size:]))
