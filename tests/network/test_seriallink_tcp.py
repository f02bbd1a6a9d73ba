"""The stream half of the modem's IP stack over a serial link: the modem's stack and a host's
stack wired back to back through a queue of IPv4 packets, on task.Clock."""

import random

import pytest
from twisted.internet import protocol, task
from twisted.internet.interfaces import IHalfCloseableProtocol
from zope.interface import implementer

from simulator.inet.ipv4 import parse_ipv4
from simulator.network.errors import Reason, RouteError
from simulator.network.seriallink_tcp import SerialLinkTcp

MODEM, HOST = "192.168.1.2", "192.168.1.1"


@implementer(IHalfCloseableProtocol)
class Recorder(protocol.Protocol):
    def __init__(self):
        self.data = bytearray()
        self.made = self.eof = False
        self.lost = None

    def connectionMade(self):
        self.made = True

    def dataReceived(self, data):
        self.data += data

    def readConnectionLost(self):
        self.eof = True

    def writeConnectionLost(self):
        pass

    def connectionLost(self, reason=protocol.connectionDone):
        self.lost = reason


class Wire:
    """Packets in flight; ``drop`` loses the next n in one direction."""

    def __init__(self, clock):
        self.clock = clock
        self.modem = SerialLinkTcp(MODEM, lambda p: self.queue.append((self.host, p)), clock,
                                   random.Random(1))
        self.host = SerialLinkTcp(HOST, lambda p: self.queue.append((self.modem, p)), clock,
                                  random.Random(2))
        self.queue = []
        self.drop_to_host = 0

    def run(self, seconds=0.0, step=0.05):
        for _ in range(int(seconds / step) + 1):
            while self.queue:
                stack, packet = self.queue.pop(0)
                if stack is self.host and self.drop_to_host:
                    self.drop_to_host -= 1
                    continue
                stack.packet_received(parse_ipv4(packet))
            self.clock.advance(step)


def connected_pair(wire):
    accepted = []

    def accept(peer):
        accepted.append((Recorder(), peer))
        return accepted[-1][0]

    wire.host.listen_tcp(7000, accept)
    client = Recorder()
    ports = []
    wire.modem.connect_tcp(HOST, 7000, client).addCallback(ports.append)
    wire.run()
    return client, accepted, ports


def test_bytes_move_both_ways_and_close_is_graceful():
    wire = Wire(task.Clock())
    client, accepted, ports = connected_pair(wire)
    (server, peer), = accepted
    assert client.made and server.made and ports and peer == (MODEM, ports[0])
    assert client.transport.getPeer().host == HOST
    client.transport.write(b"hello host" * 1000)
    server.transport.write(b"hello modem")
    wire.run(1)
    assert bytes(server.data) == b"hello host" * 1000 and bytes(client.data) == b"hello modem"
    client.transport.loseConnection()
    wire.run(1)
    assert server.eof
    server.transport.loseConnection()
    wire.run(300)  # TIME-WAIT runs out
    assert client.lost is not None and server.lost is not None
    assert not wire.modem.connections and not wire.host.connections


def test_lost_packets_are_retransmitted():
    wire = Wire(task.Clock())
    client, accepted, _ = connected_pair(wire)
    wire.drop_to_host = 1
    client.transport.write(b"x" * 3000)
    wire.run(10)
    assert bytes(accepted[0][0].data) == b"x" * 3000


def test_no_listener_refuses():
    wire = Wire(task.Clock())
    failures = []
    wire.modem.connect_tcp(HOST, 9, Recorder()).addErrback(failures.append)
    wire.run()
    assert failures[0].value.reason is Reason.REFUSED
    assert not wire.modem.connections


def test_silent_peer_times_out():
    wire = Wire(task.Clock())
    wire.drop_to_host = 10 ** 6
    failures = []
    wire.modem.connect_tcp(HOST, 7000, Recorder(), timeout=5).addErrback(failures.append)
    wire.run(6)
    assert failures[0].value.reason is Reason.TIMEOUT


def test_modem_listens_and_host_connects():
    wire = Wire(task.Clock())
    accepted = []
    wire.modem.listen_tcp(5000, lambda peer: accepted.append(Recorder()) or accepted[-1])
    with pytest.raises(RouteError):
        wire.modem.listen_tcp(5000, lambda peer: None)
    host_side = Recorder()
    wire.host.connect_tcp(MODEM, 5000, host_side)
    wire.run()
    host_side.transport.write(b"abc")
    wire.run(1)
    assert bytes(accepted[0].data) == b"abc"


def test_link_down_drops_every_connection():
    wire = Wire(task.Clock())
    client, _, _ = connected_pair(wire)
    wire.modem.close_all()
    assert client.lost is not None and not wire.modem.connections
    wire.queue.clear()
    wire.run(60)
