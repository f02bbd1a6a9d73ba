"""UDP datagrams (RFC 768): ``parse_udp(bytes, src, dst) -> UdpDatagram`` and
``UdpDatagram.build(src, dst)``.  Over IPv4 a checksum field of zero means "not computed" and
is accepted; a computed checksum of zero is sent as 0xFFFF."""

from __future__ import annotations

import dataclasses
import ipaddress
import struct

from simulator.inet.checksum import internet_checksum, ones_complement_sum, pseudo_header_sum
from simulator.inet.errors import ChecksumError, PacketError
from simulator.inet.ipv4 import IpProtocol

HEADER = struct.Struct("!HHHH")
MAX_PAYLOAD = 0xFFFF - HEADER.size


@dataclasses.dataclass(frozen=True)
class UdpDatagram:
    src_port: int
    dst_port: int
    payload: bytes = b""

    def build(self, src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address) -> bytes:
        for name in ("src_port", "dst_port"):
            if not 0 <= getattr(self, name) <= 0xFFFF:
                raise PacketError(f"UDP {name} {getattr(self, name)} is outside 0-65535")
        if len(self.payload) > MAX_PAYLOAD:
            raise PacketError(f"UDP payload of {len(self.payload)} bytes is too long")
        length = HEADER.size + len(self.payload)
        datagram = HEADER.pack(self.src_port, self.dst_port, length, 0) + self.payload
        checksum = internet_checksum(datagram, pseudo_header_sum(src, dst, IpProtocol.UDP, length))
        return datagram[:6] + (checksum or 0xFFFF).to_bytes(2, "big") + datagram[8:]


def parse_udp(data: bytes, src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address) -> UdpDatagram:
    """The UDP datagram that is ``data`` (an IPv4 payload from ``src`` to ``dst``); bytes past
    the UDP length are ignored.  ``PacketError`` if it is not one or its checksum is wrong."""
    if len(data) < HEADER.size:
        raise PacketError(f"{len(data)} bytes is shorter than a UDP header")
    src_port, dst_port, length, checksum = HEADER.unpack_from(data)
    if not HEADER.size <= length <= len(data):
        raise PacketError(f"UDP length {length} does not fit {len(data)} bytes")
    datagram = bytes(data[:length])
    if checksum and ones_complement_sum(
            datagram, pseudo_header_sum(src, dst, IpProtocol.UDP, length)) != 0xFFFF:
        raise ChecksumError("UDP checksum mismatch")
    return UdpDatagram(src_port, dst_port, datagram[HEADER.size:])
