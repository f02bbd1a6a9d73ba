"""TCP segments (RFC 9293 §3.1): ``parse_tcp(bytes, src, dst) -> TcpSegment`` and
``TcpSegment.build(src, dst)``.  The checksum covers the IPv4 pseudo-header, so both take the
packet's addresses.

Options are kept as ``(kind, data)`` pairs in order, without the NOP/End-of-List padding; the
one the endpoint uses is MSS (``TcpSegment.mss``).
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
import struct

from simulator.inet.checksum import address_pair_sum, ones_complement_sum
from simulator.inet.errors import ChecksumError, PacketError
from simulator.inet.ipv4 import IpProtocol

HEADER = struct.Struct("!HHIIHHHH")
MIN_HEADER_LENGTH = HEADER.size  # 20
MAX_OPTIONS_LENGTH = 40
OPTION_END = 0
OPTION_NOP = 1
OPTION_MSS = 2


class TcpFlags(enum.IntFlag):
    FIN = 0x01
    SYN = 0x02
    RST = 0x04
    PSH = 0x08
    ACK = 0x10
    URG = 0x20
    ECE = 0x40
    CWR = 0x80


NO_FLAGS = TcpFlags(0)
_TCP = int(IpProtocol.TCP)
_FIN, _SYN, _RST, _ACK = (int(f) for f in (TcpFlags.FIN, TcpFlags.SYN, TcpFlags.RST,
                                           TcpFlags.ACK))
#: Every value of the flags octet, made once: building an ``IntFlag`` per segment is slow.
_FLAGS = tuple(TcpFlags(value) for value in range(0x100))
#: Largest value of each numeric field, in ``build``'s order.
_FIELD_LIMITS = (("src_port", 0xFFFF), ("dst_port", 0xFFFF), ("seq", 0xFFFFFFFF),
                 ("ack", 0xFFFFFFFF), ("window", 0xFFFF), ("urgent", 0xFFFF))


@dataclasses.dataclass(frozen=True)
class TcpOption:
    kind: int
    data: bytes = b""


@dataclasses.dataclass(frozen=True)
class TcpSegment:
    src_port: int
    dst_port: int
    seq: int
    ack: int = 0
    flags: TcpFlags = NO_FLAGS
    window: int = 0
    payload: bytes = b""
    urgent: int = 0
    options: tuple[TcpOption, ...] = ()

    # The flags as plain integers: ``IntFlag`` operators run in Python, ``int()`` does not.

    @property
    def syn(self) -> bool:
        return bool(int(self.flags) & _SYN)

    @property
    def fin(self) -> bool:
        return bool(int(self.flags) & _FIN)

    @property
    def rst(self) -> bool:
        return bool(int(self.flags) & _RST)

    @property
    def has_ack(self) -> bool:
        return bool(int(self.flags) & _ACK)

    @property
    def length(self) -> int:
        """The sequence space the segment occupies: its data, and one each for SYN and FIN."""
        flags = int(self.flags)
        return len(self.payload) + (flags >> 1 & 1) + (flags & 1)

    @property
    def mss(self) -> int | None:
        """The Maximum Segment Size option's value, if the segment carries one."""
        for option in self.options:
            if option.kind == OPTION_MSS and len(option.data) == 2:
                return int.from_bytes(option.data, "big")
        return None

    def build(self, src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address) -> bytes:
        """The segment's bytes with its checksum over the pseudo-header of ``src``/``dst``;
        ``PacketError`` if a field cannot be encoded."""
        options = encode_options(self.options) if self.options else b""
        header_length = MIN_HEADER_LENGTH + len(options)
        if not (0 <= self.src_port <= 0xFFFF and 0 <= self.dst_port <= 0xFFFF
                and 0 <= self.seq <= 0xFFFFFFFF and 0 <= self.ack <= 0xFFFFFFFF
                and 0 <= self.window <= 0xFFFF and 0 <= self.urgent <= 0xFFFF):
            for name, highest in _FIELD_LIMITS:
                value = getattr(self, name)
                if not 0 <= value <= highest:
                    raise PacketError(f"TCP {name} {value} is outside 0-{highest}")
        fields = (self.src_port, self.dst_port, self.seq, self.ack,
                  (header_length // 4) << 12 | int(self.flags) & 0xFF, self.window)
        payload = self.payload
        # The header is a whole number of words, so its sum and the payload's add up.
        start = (address_pair_sum(int(src), int(dst)) + _TCP
                 + header_length + len(payload))
        header = HEADER.pack(*fields, 0, self.urgent) + options
        checksum = ~ones_complement_sum(header, ones_complement_sum(payload, start)) & 0xFFFF
        return HEADER.pack(*fields, checksum, self.urgent) + options + payload


def mss_option(mss: int) -> TcpOption:
    return TcpOption(OPTION_MSS, mss.to_bytes(2, "big"))


def encode_options(options: tuple[TcpOption, ...]) -> bytes:
    encoded = bytearray()
    for option in options:
        if option.kind in (OPTION_END, OPTION_NOP) or not 0 <= option.kind <= 0xFF:
            raise PacketError(f"TCP option kind {option.kind} cannot be carried as a value")
        if len(option.data) > MAX_OPTIONS_LENGTH - 2:
            raise PacketError(f"TCP option of {len(option.data)} bytes does not fit")
        encoded += bytes((option.kind, 2 + len(option.data))) + option.data
    encoded += bytes(-len(encoded) % 4)  # End of Option List, then zero padding
    if len(encoded) > MAX_OPTIONS_LENGTH:
        raise PacketError(f"TCP options of {len(encoded)} bytes exceed 40")
    return bytes(encoded)


def decode_options(data: bytes) -> tuple[TcpOption, ...]:
    options = []
    i = 0
    while i < len(data):
        kind = data[i]
        if kind == OPTION_END:
            break
        if kind == OPTION_NOP:
            i += 1
            continue
        if i + 1 >= len(data) or data[i + 1] < 2 or i + data[i + 1] > len(data):
            raise PacketError(f"TCP option {kind} at {i} has a bad length")
        options.append(TcpOption(kind, bytes(data[i + 2:i + data[i + 1]])))
        i += data[i + 1]
    return tuple(options)


def parse_tcp(data: bytes, src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address) -> TcpSegment:
    """The TCP segment that is ``data`` (an IPv4 payload from ``src`` to ``dst``);
    ``PacketError`` if it is not one or its checksum is wrong."""
    if len(data) < MIN_HEADER_LENGTH:
        raise PacketError(f"{len(data)} bytes is shorter than a TCP header")
    src_port, dst_port, seq, ack, offset_flags, window, _checksum, urgent = HEADER.unpack_from(data)
    header_length = (offset_flags >> 12) * 4
    if not MIN_HEADER_LENGTH <= header_length <= len(data):
        raise PacketError(f"TCP data offset {header_length} does not fit {len(data)} bytes")
    start = address_pair_sum(int(src), int(dst)) + _TCP + len(data)
    if ones_complement_sum(data, start) != 0xFFFF:
        raise ChecksumError("TCP checksum mismatch")
    return TcpSegment(
        src_port, dst_port, seq, ack, _FLAGS[offset_flags & 0xFF], window,
        bytes(data[header_length:]), urgent,
        decode_options(data[MIN_HEADER_LENGTH:header_length])
        if header_length > MIN_HEADER_LENGTH else ())
