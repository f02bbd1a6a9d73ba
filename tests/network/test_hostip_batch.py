"""Segments of the host that arrive together (one read of its PPP link) are answered together:
one ACK for every second data segment and one at the end, carrying the window after the
network took the data; fed one at a time, each is answered at once."""

from __future__ import annotations

import ipaddress
import random

from twisted.internet.task import Clock

from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcpsegment import TcpFlags, TcpSegment, mss_option, parse_tcp
from simulator.network import Network
from simulator.network.hostip import HostGateway
from simulator.scenario.model import ModemSpec
from tests.network.helpers import host, result_of, spec

HOST = ipaddress.IPv4Address("10.64.0.1")
SINK = ipaddress.IPv4Address("198.18.0.1")
PORT, DISCARD = 40000, 9
MSS = 1460
ISS = 1000


class Host:
    """A host's side written out segment by segment, against a gateway to the lab's discard."""

    def __init__(self) -> None:
        self.clock = Clock()
        network = Network(spec(hosts=(host("sink.lab", "discard"),)), clock=self.clock,
                          lab_listen=False)
        network.attach(ModemSpec(name="m1", n=1), random.Random(1))
        d = network.activate("m1", "internet")
        self.clock.advance(0)
        self.sent: list[bytes] = []
        self.gateway = HostGateway(result_of(d), self.clock, random.Random(2), self.sent.append)
        self.seq = ISS + 1
        self.send(TcpSegment(PORT, DISCARD, ISS, flags=TcpFlags.SYN, window=65535,
                             options=(mss_option(MSS),)))
        self.clock.advance(0)
        [syn_ack] = self.replies()
        assert syn_ack.syn and syn_ack.has_ack
        self.their_next = syn_ack.seq + 1
        self.send(self.data(b""))
        self.clock.advance(0)
        assert self.replies() == []

    def data(self, payload: bytes) -> TcpSegment:
        segment = TcpSegment(PORT, DISCARD, self.seq, self.their_next, TcpFlags.ACK, 65535,
                             payload)
        self.seq += len(payload)
        return segment

    def send(self, segment: TcpSegment) -> None:
        self.gateway.packet_from_host(
            Ipv4Packet(HOST, SINK, IpProtocol.TCP, segment.build(HOST, SINK)).build())

    def replies(self) -> list[TcpSegment]:
        out = [parse_tcp(parse_ipv4(raw).payload, SINK, HOST) for raw in self.sent]
        self.sent.clear()
        return out


def test_a_batch_of_six_segments_gets_three_acks_the_last_for_all_with_the_full_window():
    h = Host()
    with h.gateway.batch():
        for _ in range(6):
            h.send(h.data(bytes(MSS)))
    acks = h.replies()
    assert [a.ack - ISS - 1 for a in acks] == [2 * MSS, 4 * MSS, 6 * MSS]
    assert all(a.has_ack and not a.payload for a in acks)
    assert acks[-1].window == 65535  # the discard service took every byte


def test_one_segment_in_a_batch_is_answered_when_the_batch_ends():
    h = Host()
    with h.gateway.batch():
        h.send(h.data(b"x" * 100))
        assert h.replies() == []
    [ack] = h.replies()
    assert ack.ack == h.seq


def test_outside_a_batch_every_data_segment_is_acknowledged_at_once():
    h = Host()
    for n in range(1, 4):
        h.send(h.data(bytes(MSS)))
        assert [a.ack for a in h.replies()][-1:] == [h.seq], n


def test_a_fin_in_a_batch_is_answered():
    h = Host()
    with h.gateway.batch():
        h.send(h.data(bytes(10)))
        fin = TcpSegment(PORT, DISCARD, h.seq, h.their_next, TcpFlags.ACK | TcpFlags.FIN, 65535)
        h.send(fin)
    h.clock.advance(0)
    assert max(a.ack for a in h.replies()) == h.seq + 1
