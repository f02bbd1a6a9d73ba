"""The IPv4 and TCP codecs' fast paths against plain definitions kept here: every field
packed one by one and the checksum summed word by word (RFC 791 §3.1, RFC 9293 §3.1)."""

from __future__ import annotations

import ipaddress
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.inet.errors import PacketError
from simulator.inet.ipv4 import Ipv4Packet, packet_bytes, parse_ipv4
from simulator.inet.tcpsegment import TcpFlags, TcpSegment, encode_options, parse_tcp
from tests.inet.test_checksum import reference_sum
from tests.inet.test_codecs import addresses, ipv4_packets, payloads, tcp_segments, u8, u16

wide = st.integers(-2, 0x1_0000_0001)  # values in and out of every field's range


def reference_ipv4(packet: Ipv4Packet) -> bytes:
    header_length = 20 + len(packet.options)
    flags = (0x4000 if packet.dont_fragment else 0) | (0x2000 if packet.more_fragments else 0)
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | header_length // 4, packet.tos,
                         header_length + len(packet.payload), packet.identification,
                         flags | packet.fragment_offset, packet.ttl, packet.protocol, 0,
                         packet.src.packed, packet.dst.packed) + packet.options
    checksum = ~reference_sum(header) & 0xFFFF
    return header[:10] + struct.pack("!H", checksum) + header[12:] + packet.payload


def reference_tcp(segment: TcpSegment, src, dst) -> bytes:
    options = encode_options(segment.options)
    header = struct.pack("!HHIIHHHH", segment.src_port, segment.dst_port, segment.seq,
                         segment.ack, (20 + len(options)) // 4 << 12 | int(segment.flags),
                         segment.window, 0, segment.urgent) + options
    whole = header + segment.payload
    pseudo = src.packed + dst.packed + struct.pack("!BBH", 0, 6, len(whole))
    checksum = ~reference_sum(pseudo + whole + b"\x00" * (len(whole) % 2)) & 0xFFFF
    return whole[:16] + struct.pack("!H", checksum) + whole[18:]


@given(ipv4_packets)
def test_ipv4_build_is_the_definition(packet):
    assert packet.build() == reference_ipv4(packet)


@given(addresses, addresses, u8, payloads, u8, u16)
def test_packet_bytes_is_the_packet_built(src, dst, protocol, payload, ttl, identification):
    built = packet_bytes(src, dst, protocol, payload, ttl, identification)
    assert built == Ipv4Packet(src, dst, protocol, payload, ttl, identification).build()
    assert parse_ipv4(built).payload == payload


@given(addresses, addresses, wide, wide, wide)
def test_packet_bytes_refuses_what_the_packet_refuses(src, dst, protocol, ttl, identification):
    try:
        expected = Ipv4Packet(src, dst, protocol, b"", ttl, identification).build()
    except PacketError:
        with pytest.raises(PacketError):
            packet_bytes(src, dst, protocol, b"", ttl, identification)
    else:
        assert packet_bytes(src, dst, protocol, b"", ttl, identification) == expected


@given(tcp_segments, addresses, addresses)
def test_tcp_build_is_the_definition(segment, src, dst):
    assert segment.build(src, dst) == reference_tcp(segment, src, dst)


@given(tcp_segments, addresses, addresses)
def test_parsed_flags_and_length_are_the_definition(segment, src, dst):
    parsed = parse_tcp(segment.build(src, dst), src, dst)
    flags = segment.flags
    assert (parsed.syn, parsed.fin, parsed.rst, parsed.has_ack) == (
        TcpFlags.SYN in flags, TcpFlags.FIN in flags, TcpFlags.RST in flags,
        TcpFlags.ACK in flags)
    assert parsed.length == len(segment.payload) + (TcpFlags.SYN in flags) + (
        TcpFlags.FIN in flags)
    assert type(parsed.flags) is TcpFlags


@given(st.sampled_from(["src_port", "dst_port", "window", "urgent", "seq", "ack"]),
       st.one_of(st.integers(max_value=-1), st.integers(min_value=0x1_0000_0000)))
def test_tcp_fields_out_of_range_are_refused(field, value):
    segment = TcpSegment(1, 2, 3, **{field: value}) if field not in (
        "src_port", "dst_port", "seq") else TcpSegment(**{"src_port": 1, "dst_port": 2,
                                                          "seq": 3, field: value})
    with pytest.raises(PacketError, match=field):
        segment.build(ipaddress.IPv4Address(1), ipaddress.IPv4Address(2))
