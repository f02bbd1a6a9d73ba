"""The datagram half of the modem's IP stack over a serial link: two stacks wired back to
back (the modem and the host at the other end of the port) exchange real IPv4/UDP packets."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from twisted.internet.protocol import DatagramProtocol

from simulator.inet.ipv4 import IpProtocol, parse_ipv4
from simulator.inet.udpdatagram import parse_udp
from simulator.network.errors import Reason, RouteError
from simulator.network.seriallink import EPHEMERAL, SerialLinkUdp

MODEM, HOST = "192.168.1.2", "192.168.1.1"


class Recorder(DatagramProtocol):
    def __init__(self):
        self.got = []
        self.stopped = False

    def datagramReceived(self, data, addr):
        self.got.append((data, addr))

    def doStop(self):
        self.stopped = True


def pair():
    wire = {"to_host": [], "to_modem": []}
    modem = SerialLinkUdp(MODEM, wire["to_host"].append)
    host = SerialLinkUdp(HOST, wire["to_modem"].append)
    return modem, host, wire


def test_datagrams_cross_both_ways_as_ipv4_udp_packets():
    modem, host, wire = pair()
    m, h = Recorder(), Recorder()
    port = modem.open_udp(0, m)
    host.open_udp(7, h)
    port.write(b"ping", (HOST, 7))
    (packet,) = wire["to_host"]
    ip = parse_ipv4(packet)
    assert (str(ip.src), str(ip.dst), ip.protocol) == (MODEM, HOST, IpProtocol.UDP)
    assert parse_udp(ip.payload, ip.src, ip.dst).payload == b"ping"
    assert host.packet_received(packet)
    assert h.got == [(b"ping", (MODEM, port.port))]
    host.ports[7].write(b"pong", h.got[0][1])
    assert modem.packet_received(wire["to_modem"][0])
    assert m.got == [(b"pong", (HOST, 7))]
    assert port.port in EPHEMERAL and port.getHost().port == port.port


def test_connected_port_and_unconnected_write():
    modem, host, wire = pair()
    port = modem.open_udp(5000, Recorder())
    with pytest.raises(RouteError) as caught:
        port.write(b"x")
    assert caught.value.reason is Reason.UNREACHABLE
    port.connect(HOST, 9)
    port.write(b"x")
    assert parse_udp(parse_ipv4(wire["to_host"][0]).payload,
                     ipaddress.IPv4Address(MODEM), ipaddress.IPv4Address(HOST)).dst_port == 9


def test_port_in_use_and_close_frees_it():
    modem, _, _ = pair()
    r = Recorder()
    port = modem.open_udp(5000, r)
    with pytest.raises(RouteError) as caught:
        modem.open_udp(5000, Recorder())
    assert caught.value.reason is Reason.PORT_IN_USE
    modem.close_all()
    assert r.stopped and port.closed and not modem.ports
    modem.open_udp(5000, Recorder())


def test_packets_not_for_a_bound_port_are_dropped():
    modem, host, wire = pair()
    r = Recorder()
    host.open_udp(7, r)
    port = modem.open_udp(0, Recorder())
    port.write(b"a", (HOST, 8))  # nobody on 8
    port.write(b"b", ("10.9.9.9", 7))  # another address
    assert not host.packet_received(wire["to_host"][0])
    assert not host.packet_received(wire["to_host"][1])
    damaged = bytearray(wire["to_host"][0])
    damaged[-1] ^= 0xFF
    assert not host.packet_received(bytes(damaged))
    assert r.got == []


@given(st.binary(max_size=200))
def test_garbage_never_raises(data):
    modem, _, _ = pair()
    modem.open_udp(7, Recorder())
    assert modem.packet_received(data) in (True, False)


@given(st.binary(max_size=1400), st.integers(1, 65535))
def test_any_payload_round_trips(payload, dst_port):
    modem, host, wire = pair()
    r = Recorder()
    host.open_udp(dst_port, r)
    modem.open_udp(0, Recorder()).write(payload, (HOST, dst_port))
    assert host.packet_received(wire["to_host"][0])
    assert r.got[0][0] == payload
