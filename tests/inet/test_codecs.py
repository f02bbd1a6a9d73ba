"""IPv4, TCP, UDP and ICMP codecs: what is built parses back to the same value, a flipped bit
never passes the checksums, and no input makes a parser raise anything but PacketError."""

from __future__ import annotations

import ipaddress
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.inet.checksum import internet_checksum, pseudo_header_sum
from simulator.inet.errors import ChecksumError, PacketError
from simulator.inet.icmp import (
    IcmpMessage,
    IcmpType,
    destination_unreachable,
    echo_reply,
    echo_request,
    parse_icmp,
)
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcpsegment import TcpFlags, TcpOption, TcpSegment, mss_option, parse_tcp
from simulator.inet.udpdatagram import UdpDatagram, parse_udp

addresses = st.builds(ipaddress.IPv4Address, st.integers(0, 2**32 - 1))
u8, u16, u32 = st.integers(0, 0xFF), st.integers(0, 0xFFFF), st.integers(0, 2**32 - 1)
payloads = st.binary(max_size=600)

ipv4_packets = st.builds(
    Ipv4Packet, src=addresses, dst=addresses, protocol=u8, payload=payloads, ttl=u8,
    identification=u16, tos=u8, dont_fragment=st.booleans(), more_fragments=st.booleans(),
    fragment_offset=st.integers(0, 0x1FFF),
    options=st.integers(0, 10).flatmap(lambda words: st.binary(min_size=4 * words,
                                                               max_size=4 * words)))

tcp_options = st.lists(
    st.builds(TcpOption, kind=st.integers(2, 255), data=st.binary(max_size=6)), max_size=4
).map(tuple).filter(lambda opts: sum(2 + len(o.data) for o in opts) <= 40)

tcp_segments = st.builds(
    TcpSegment, src_port=u16, dst_port=u16, seq=u32, ack=u32,
    flags=st.builds(TcpFlags, u8), window=u16, payload=payloads, urgent=u16,
    options=tcp_options)

udp_datagrams = st.builds(UdpDatagram, src_port=u16, dst_port=u16, payload=payloads)
icmp_messages = st.builds(IcmpMessage, type=u8, code=u8, rest=st.binary(min_size=4, max_size=4),
                          payload=payloads)


def flip(data: bytes, bit: int) -> bytes:
    corrupted = bytearray(data)
    corrupted[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(corrupted)


# --- round trips ----------------------------------------------------------------------------

@given(ipv4_packets)
def test_ipv4_round_trip(packet):
    assert parse_ipv4(packet.build()) == packet


@given(tcp_segments, addresses, addresses)
def test_tcp_round_trip(segment, src, dst):
    assert parse_tcp(segment.build(src, dst), src, dst) == segment


@given(udp_datagrams, addresses, addresses)
def test_udp_round_trip(datagram, src, dst):
    assert parse_udp(datagram.build(src, dst), src, dst) == datagram


@given(icmp_messages)
def test_icmp_round_trip(message):
    assert parse_icmp(message.build()) == message


@given(ipv4_packets, st.binary(max_size=20))
def test_ipv4_ignores_link_padding_past_total_length(packet, padding):
    assert parse_ipv4(packet.build() + padding) == packet


# --- single-bit corruption ------------------------------------------------------------------

@given(ipv4_packets.map(lambda p: Ipv4Packet(p.src, p.dst, p.protocol, options=p.options,
                                             ttl=p.ttl)), st.data())
def test_ipv4_header_bit_flip_is_caught(packet, data):
    raw = packet.build()
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    with pytest.raises(PacketError):
        parse_ipv4(flip(raw, bit))


@given(tcp_segments, addresses, addresses, st.data())
def test_tcp_bit_flip_is_caught(segment, src, dst, data):
    raw = segment.build(src, dst)
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    with pytest.raises(PacketError):
        parse_tcp(flip(raw, bit), src, dst)


@given(tcp_segments, addresses, addresses, st.integers(0, 63))
def test_tcp_checksum_covers_the_pseudo_header(segment, src, dst, bit):
    """A segment delivered to the wrong address (one bit off) fails its checksum."""
    raw = segment.build(src, dst)
    wrong = ipaddress.IPv4Address(flip(src.packed + dst.packed, bit)[4:])
    wrong_src = ipaddress.IPv4Address(flip(src.packed + dst.packed, bit)[:4])
    with pytest.raises(ChecksumError):
        parse_tcp(raw, wrong_src, wrong)


@given(udp_datagrams, addresses, addresses, st.data())
def test_udp_bit_flip_is_caught_unless_it_clears_the_checksum(datagram, src, dst, data):
    raw = datagram.build(src, dst)
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    corrupted = flip(raw, bit)
    if corrupted[6:8] == b"\x00\x00":
        # One set bit cleared: "no checksum", which IPv4 allows (RFC 768).
        assert parse_udp(corrupted, src, dst) == datagram
        return
    with pytest.raises(PacketError):
        parse_udp(corrupted, src, dst)


@given(icmp_messages, st.data())
def test_icmp_bit_flip_is_caught(message, data):
    raw = message.build()
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    with pytest.raises(PacketError):
        parse_icmp(flip(raw, bit))


# --- garbage and truncation -----------------------------------------------------------------

@given(st.binary(max_size=120), addresses, addresses)
def test_garbage_raises_only_packet_error(data, src, dst):
    for parse in (parse_ipv4, parse_icmp, lambda d: parse_tcp(d, src, dst),
                  lambda d: parse_udp(d, src, dst)):
        try:
            parse(data)
        except PacketError:
            pass


@given(st.one_of(ipv4_packets.map(lambda p: (p.build(), parse_ipv4)),
                 st.tuples(udp_datagrams, addresses, addresses).map(
                     lambda t: (t[0].build(t[1], t[2]), lambda d: parse_udp(d, t[1], t[2])))),
       st.data())
def test_truncated_packet_with_a_length_field_is_rejected(built, data):
    raw, parse = built
    cut = data.draw(st.integers(0, len(raw) - 1))
    with pytest.raises(PacketError):
        parse(raw[:cut])


@given(tcp_segments, addresses, addresses, st.data())
def test_truncated_tcp_segment_is_rejected(segment, src, dst, data):
    """TCP has no length field of its own: the checksum catches the cut."""
    raw = segment.build(src, dst)
    cut = data.draw(st.integers(0, len(raw) - 1))
    try:
        parse_tcp(raw[:cut], src, dst)
    except PacketError:
        return
    # Only cutting trailing zero bytes at an even boundary keeps the one's complement sum.
    assert raw[cut:].strip(b"\x00") == b"" and (len(raw) - cut) % 2 == 0


# --- fields that cannot be encoded ----------------------------------------------------------

@pytest.mark.parametrize("build", [
    lambda: Ipv4Packet(ipaddress.IPv4Address(1), ipaddress.IPv4Address(2), 6, ttl=256).build(),
    lambda: Ipv4Packet(ipaddress.IPv4Address(1), ipaddress.IPv4Address(2), 6,
                       options=b"abc").build(),
    lambda: Ipv4Packet(ipaddress.IPv4Address(1), ipaddress.IPv4Address(2), 6,
                       payload=bytes(65536)).build(),
    lambda: TcpSegment(70000, 1, 0).build(ipaddress.IPv4Address(1), ipaddress.IPv4Address(2)),
    lambda: TcpSegment(1, 1, 0, options=(TcpOption(1),)).build(
        ipaddress.IPv4Address(1), ipaddress.IPv4Address(2)),
    lambda: TcpSegment(1, 1, 0, options=(TcpOption(9, bytes(30)), TcpOption(9, bytes(8)))).build(
        ipaddress.IPv4Address(1), ipaddress.IPv4Address(2)),
    lambda: UdpDatagram(1, -1).build(ipaddress.IPv4Address(1), ipaddress.IPv4Address(2)),
    lambda: IcmpMessage(8, rest=b"12").build(),
])
def test_unencodable_fields_raise_packet_error(build):
    with pytest.raises(PacketError):
        build()


# --- known bytes ----------------------------------------------------------------------------

def test_rfc_1071_example_checksum():
    """RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, so the checksum is 220d."""
    assert internet_checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D


def test_a_captured_syn_parses():
    """A SYN as Linux sends it (10.0.0.1:40000 -> 10.0.0.2:80), captured bytes."""
    src, dst = ipaddress.IPv4Address("10.0.0.1"), ipaddress.IPv4Address("10.0.0.2")
    segment = TcpSegment(40000, 80, 1000, 0, TcpFlags.SYN, 64240, options=(mss_option(1460),))
    raw = Ipv4Packet(src, dst, IpProtocol.TCP, segment.build(src, dst), identification=1).build()
    packet = parse_ipv4(raw)
    assert (raw[0], raw[9], packet.protocol) == (0x45, 6, IpProtocol.TCP)
    parsed = parse_tcp(packet.payload, packet.src, packet.dst)
    assert parsed.syn and not parsed.has_ack and parsed.mss == 1460
    assert packet.payload[20:24] == bytes.fromhex("020405b4")  # kind 2, length 4, 1460


def test_options_parse_past_nop_and_stop_at_end_of_list():
    """Options as Linux puts them on a SYN: NOPs, timestamps, MSS, then End of List."""
    options = bytes.fromhex("0101080a0000000100000002" "020405b4" "00000000")
    header = struct.pack("!HHIIBBHHH", 80, 50000, 1, 0, (20 + len(options)) // 4 << 4,
                         TcpFlags.SYN, 0xFFFF, 0, 0) + options
    src, dst = ipaddress.IPv4Address(1), ipaddress.IPv4Address(2)
    checksum = internet_checksum(header, pseudo_header_sum(src, dst, 6, len(header)))
    segment = parse_tcp(header[:16] + checksum.to_bytes(2, "big") + header[18:], src, dst)
    assert segment.mss == 1460
    assert [o.kind for o in segment.options] == [8, 2]


@pytest.mark.parametrize("options", ["0201", "0205b4", "020a05b4"])
def test_option_with_a_bad_length_is_rejected(options):
    options = bytes.fromhex(options).ljust(4, b"\x00")
    header = struct.pack("!HHIIBBHHH", 80, 50000, 1, 0, 6 << 4, 0, 0, 0, 0) + options
    src, dst = ipaddress.IPv4Address(1), ipaddress.IPv4Address(2)
    checksum = internet_checksum(header, pseudo_header_sum(src, dst, 6, len(header)))
    with pytest.raises(PacketError):
        parse_tcp(header[:16] + checksum.to_bytes(2, "big") + header[18:], src, dst)


def test_echo_reply_mirrors_the_request():
    request = echo_request(0x1234, 7, b"ping")
    reply = parse_icmp(echo_reply(parse_icmp(request.build())).build())
    assert (reply.type, reply.identifier, reply.sequence, reply.payload) == (
        IcmpType.ECHO_REPLY, 0x1234, 7, b"ping")


def test_destination_unreachable_quotes_header_and_eight_bytes():
    message = destination_unreachable(3, bytes(20), b"0123456789")
    assert message.payload == bytes(20) + b"01234567"
    assert parse_icmp(message.build()).code == 3
