"""IPv4 packets (RFC 791): ``parse_ipv4(bytes) -> Ipv4Packet`` and ``Ipv4Packet.build()``.

Fragments are parsed as they are (offset and MF kept), not reassembled: a host over a
1500-byte PPP link sends whole packets, and what to do with a fragment is the caller's choice.
Bytes past the header's total length (link padding) are ignored, as a receiver must.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import ipaddress
import struct

from simulator.inet.checksum import internet_checksum, ones_complement_sum
from simulator.inet.errors import ChecksumError, PacketError

HEADER = struct.Struct("!BBHHHBBH4s4s")
MIN_HEADER_LENGTH = HEADER.size  # 20
MAX_OPTIONS_LENGTH = 40  # the 4-bit IHL counts at most 15 words
MAX_PACKET_LENGTH = 0xFFFF
_FLAG_DF = 0x4000
_FLAG_MF = 0x2000
_RESERVED_FLAG = 0x8000


#: The address object of four octets: a link sees the same few addresses again and again,
#: and ``IPv4Address`` objects are immutable, so parsing shares them.
_address = functools.lru_cache(maxsize=1024)(ipaddress.IPv4Address)


class IpProtocol(enum.IntEnum):
    ICMP = 1
    TCP = 6
    UDP = 17


@dataclasses.dataclass(frozen=True)
class Ipv4Packet:
    src: ipaddress.IPv4Address
    dst: ipaddress.IPv4Address
    protocol: int
    payload: bytes = b""
    ttl: int = 64
    identification: int = 0
    tos: int = 0
    dont_fragment: bool = True
    more_fragments: bool = False
    fragment_offset: int = 0  # in units of 8 bytes
    options: bytes = b""  # raw, a multiple of 4 bytes

    @property
    def is_fragment(self) -> bool:
        return self.more_fragments or self.fragment_offset != 0

    def build(self) -> bytes:
        """The packet's bytes with a correct header checksum; ``PacketError`` if a field
        cannot be encoded."""
        if len(self.options) % 4 or len(self.options) > MAX_OPTIONS_LENGTH:
            raise PacketError(f"IPv4 options must be 0-40 bytes in words, not {len(self.options)}")
        header_length = MIN_HEADER_LENGTH + len(self.options)
        total = header_length + len(self.payload)
        if total > MAX_PACKET_LENGTH:
            raise PacketError(f"IPv4 packet of {total} bytes is longer than 65535")
        if not (0 <= self.fragment_offset <= 0x1FFF and 0 <= self.ttl <= 0xFF
                and 0 <= self.tos <= 0xFF and 0 <= self.protocol <= 0xFF
                and 0 <= self.identification <= 0xFFFF):
            _check_range("fragment offset", self.fragment_offset, 0x1FFF)
            for name in ("ttl", "tos", "protocol"):
                _check_range(name, getattr(self, name), 0xFF)
            _check_range("identification", self.identification, 0xFFFF)
        flags = ((_FLAG_DF if self.dont_fragment else 0) | (_FLAG_MF if self.more_fragments else 0)
                 | self.fragment_offset)
        fields = (0x40 | header_length // 4, self.tos, total, self.identification, flags,
                  self.ttl, self.protocol)
        addresses = (self.src.packed, self.dst.packed)
        options = self.options
        checksum = internet_checksum(HEADER.pack(*fields, 0, *addresses) + options)
        return HEADER.pack(*fields, checksum, *addresses) + options + self.payload


def packet_bytes(src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address, protocol: int,
                 payload: bytes, ttl: int, identification: int) -> bytes:
    """``Ipv4Packet(src, dst, protocol, payload, ttl, identification).build()`` for the
    packets a host or a gateway sends most (no options, DF, not a fragment), without
    making the packet object first."""
    total = MIN_HEADER_LENGTH + len(payload)
    if (total > MAX_PACKET_LENGTH or not 0 <= ttl <= 0xFF or not 0 <= protocol <= 0xFF
            or not 0 <= identification <= 0xFFFF):
        return Ipv4Packet(src, dst, protocol, payload, ttl, identification).build()  # raises
    fields = (0x45, 0, total, identification, _FLAG_DF, ttl, protocol)
    addresses = (src.packed, dst.packed)
    checksum = internet_checksum(HEADER.pack(*fields, 0, *addresses))
    return HEADER.pack(*fields, checksum, *addresses) + payload


def parse_ipv4(data: bytes) -> Ipv4Packet:
    """The IPv4 packet at the start of ``data``; ``PacketError`` if it is not one."""
    if len(data) < MIN_HEADER_LENGTH:
        raise PacketError(f"{len(data)} bytes is shorter than an IPv4 header")
    (version_ihl, tos, total, identification, flags, ttl, protocol, _checksum,
     src, dst) = HEADER.unpack_from(data)
    if version_ihl >> 4 != 4:
        raise PacketError(f"IP version {version_ihl >> 4}, not 4")
    header_length = (version_ihl & 0x0F) * 4
    if header_length < MIN_HEADER_LENGTH:
        raise PacketError(f"IPv4 header length {header_length} is below 20")
    if total < header_length or total > len(data):
        raise PacketError(f"IPv4 total length {total} does not fit header {header_length} "
                          f"and {len(data)} bytes received")
    if flags & _RESERVED_FLAG:
        raise PacketError("IPv4 reserved flag set")
    header = bytes(data[:header_length])
    if ones_complement_sum(header) != 0xFFFF:
        raise ChecksumError("IPv4 header checksum mismatch")
    return Ipv4Packet(
        _address(src), _address(dst), protocol, bytes(data[header_length:total]), ttl,
        identification, tos, bool(flags & _FLAG_DF), bool(flags & _FLAG_MF), flags & 0x1FFF,
        header[MIN_HEADER_LENGTH:])


def _check_range(name: str, value: int, highest: int) -> None:
    if not 0 <= value <= highest:
        raise PacketError(f"{name} {value} is outside 0-{highest}")
