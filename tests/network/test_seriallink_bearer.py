"""The serial-link bearer reassembles what the host fragments before its UDP, TCP and ICMP
see it (a host whose MTU is below the datagram fragments it), on task.Clock."""

import dataclasses
import random

from twisted.internet import protocol, task

from simulator.inet.ipv4 import parse_ipv4
from simulator.network.seriallink_bearer import SerialLinkBearer

HOST, MODEM = "10.0.0.1", "10.0.0.2"


def fragment(raw: bytes, size: int) -> list[bytes]:
    """The packet cut into fragments of ``size`` payload octets (a multiple of 8)."""
    packet = parse_ipv4(raw)
    pieces = []
    for start in range(0, len(packet.payload), size):
        chunk = packet.payload[start:start + size]
        pieces.append(dataclasses.replace(
            packet, payload=chunk, dont_fragment=False, fragment_offset=start // 8,
            more_fragments=start + size < len(packet.payload)).build())
    return pieces


class Inbox(protocol.DatagramProtocol):
    def __init__(self):
        self.received = []

    def datagramReceived(self, data, addr):
        self.received.append((data, addr))


def pair():
    """Host and modem stacks back to back: the modem's packets reach the host at once, the
    host's wait in ``wire`` for the test to cut, reorder or hold back."""
    clock = task.Clock()
    wire = []
    modem = SerialLinkBearer(MODEM, HOST, lambda p: host.packet_received(p), clock,
                             random.Random(1))
    # The host's stack sends whole datagrams (a link without an MTU); the tests cut them.
    host = SerialLinkBearer(HOST, MODEM, wire.append, clock, random.Random(2), mtu=65535)
    return clock, host, modem, wire


def test_a_fragmented_udp_datagram_reaches_the_modems_socket_whole():
    clock, host, modem, wire = pair()
    inbox = Inbox()
    modem.open_udp(5000, inbox)
    sender = host.open_udp(0, Inbox())
    payload = bytes(range(256)) * 8
    sender.write(payload, (MODEM, 5000))
    (packet,) = wire
    pieces = fragment(packet, 512)
    assert len(pieces) == 5
    for piece in reversed(pieces):  # out of order, as a link may not but a network may
        modem.packet_received(piece)
    assert inbox.received == [(payload, (HOST, sender.port))]


def test_an_incomplete_datagram_is_never_delivered_and_is_forgotten_after_30_s():
    clock, host, modem, wire = pair()
    inbox = Inbox()
    modem.open_udp(5000, inbox)
    host.open_udp(0, Inbox()).write(b"x" * 1200, (MODEM, 5000))
    first, second, third = fragment(wire[0], 512)
    modem.packet_received(first)
    modem.packet_received(third)
    assert inbox.received == [] and len(modem._reassembly) == 1
    clock.advance(31)
    modem.packet_received(second)  # too late: its companions were given up
    assert inbox.received == []
    assert modem._reassembly.discarded == 1


def test_a_fragmented_echo_request_from_the_host_is_answered():
    clock, host, modem, wire = pair()
    answered = []
    host.ping(MODEM, size=3000).addCallback(answered.append)
    (request,) = wire
    for piece in fragment(request, 1480):
        modem.packet_received(piece)
    assert answered == [0.0]


class Stream(protocol.Protocol):
    def __init__(self):
        self.data = bytearray()

    def dataReceived(self, data):
        self.data += data


def test_a_tcp_stream_whose_every_segment_the_host_fragments_arrives_whole():
    clock = task.Clock()

    def host_sends(packet):  # every packet of the host cut into 64-octet pieces
        for piece in fragment(packet, 64):
            clock.callLater(0, modem.packet_received, piece)

    modem = SerialLinkBearer(MODEM, HOST, lambda p: clock.callLater(0, host.packet_received, p),
                             clock, random.Random(1))
    host = SerialLinkBearer(HOST, MODEM, host_sends, clock, random.Random(2), mtu=65535)
    accepted = []
    modem.listen_tcp(7000, lambda peer: accepted.append(Stream()) or accepted[-1])
    client = Stream()
    host.connect_tcp(MODEM, 7000, client)
    for _ in range(20):
        clock.advance(0.05)
    (server,) = accepted
    payload = bytes(range(256)) * 40
    client.transport.write(payload)
    for _ in range(200):
        clock.advance(0.05)
    assert bytes(server.data) == payload
    assert modem._reassembly.discarded == 0 and len(modem._reassembly) == 0


def test_the_modem_fragments_a_datagram_longer_than_the_hosts_mru():
    """RFC 1661 §6.1: the host asked for an MRU of 576; the stack's 1000-octet datagram goes
    in fragments that fit, and the host puts it together."""
    clock = task.Clock()
    line = []
    modem = SerialLinkBearer(MODEM, HOST, line.append, clock, random.Random(1), mtu=576)
    host = SerialLinkBearer(HOST, MODEM, modem.packet_received, clock, random.Random(2))
    inbox = Inbox()
    host.open_udp(5000, inbox)
    payload = bytes(range(250)) * 4
    modem.open_udp(0, Inbox()).write(payload, (HOST, 5000))
    assert len(line) == 2 and all(len(packet) <= 576 for packet in line)
    for packet in line:
        host.packet_received(packet)
    assert [data for data, _ in inbox.received] == [payload]
