"""The host gateway alone: whatever a host sends, it never raises, and it answers only what
a network answers."""

import ipaddress
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock

from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcpsegment import TcpFlags, TcpSegment, parse_tcp
from simulator.network import Network
from simulator.network.hostip import HostGateway
from simulator.scenario.model import ModemSpec
from tests.network.helpers import host, result_of, spec

HOST = ipaddress.IPv4Address("10.64.0.1")
LAB = ipaddress.IPv4Address("198.18.0.1")


def gateway():
    clock = Clock()
    network = Network(spec(hosts=(host("echo.lab", "echo"),)), clock=clock, lab_listen=False)
    network.attach(ModemSpec(name="m1", n=1), random.Random(1))
    d = network.activate("m1", "internet")
    clock.advance(0)
    bearer = result_of(d)
    sent: list[bytes] = []
    return HostGateway(bearer, clock, random.Random(2), sent.append), sent, clock


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_never_raises(data):
    gw, sent, clock = gateway()
    gw.packet_from_host(data)
    clock.advance(1)
    for raw in sent:
        parse_ipv4(raw)  # what it answers is always a well-formed packet


def test_a_segment_for_no_flow_is_reset_and_other_sources_are_dropped():
    gw, sent, clock = gateway()
    stray = TcpSegment(40000, 80, seq=1, ack=5, flags=TcpFlags.ACK)
    gw.packet_from_host(Ipv4Packet(HOST, LAB, IpProtocol.TCP, stray.build(HOST, LAB)).build())
    [reply] = sent
    packet = parse_ipv4(reply)
    assert (packet.src, packet.dst) == (LAB, HOST)
    assert parse_tcp(packet.payload, LAB, HOST).rst
    other = ipaddress.IPv4Address("10.64.0.99")
    gw.packet_from_host(Ipv4Packet(other, LAB, IpProtocol.TCP, stray.build(other, LAB)).build())
    assert len(sent) == 1 and gw.stats.dropped_spoofed == 1


def test_a_protocol_nobody_speaks_gets_protocol_unreachable():
    gw, sent, clock = gateway()
    gw.packet_from_host(Ipv4Packet(HOST, LAB, 47, b"gre?").build())
    [reply] = sent
    packet = parse_ipv4(reply)
    assert packet.protocol == IpProtocol.ICMP and packet.payload[:2] == bytes((3, 2))
