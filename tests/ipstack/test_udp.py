"""UDP sockets on task.Clock."""

import pytest
from twisted.python.failure import Failure

from simulator.ipstack.sockets import Datagram, Reason, RouteError, UdpSocket
from tests.ipstack.helpers import Events, advance, bearer, network, result_of
from tests.network.helpers import host


def test_udp_both_ways_between_modems_keeps_boundaries_and_sources():
    net, clock = network()
    a, b = bearer(net, clock, "a"), bearer(net, clock, "b")
    left_events, right_events = Events(), Events()
    left, right = UdpSocket(a, left_events), UdpSocket(b, right_events)
    left.open(4000)
    right.open(5000)
    assert left_events.names() == ["connected"]
    left.sendto(b"first", (b.address, 5000))
    left.sendto(b"second datagram", (b.address, 5000))
    advance(clock, 0.1)
    assert [e[2] for e in right_events.events[1:]] == [5, 15]
    assert right.pending == 2 and right.available == 20
    assert right.peek() == Datagram(b"first", a.address, 4000)
    first, second = right.recv(), right.recv()
    assert (first.data, second.data) == (b"first", b"second datagram")
    assert right.recv() is None
    right.sendto(b"reply", (first.address, first.port))
    advance(clock, 0.1)
    assert left.recv() == Datagram(b"reply", b.address, 5000)


def test_a_connected_socket_resolves_its_peer_and_ignores_strangers():
    net, clock = network(host("echo.lab", "echo"))
    b = bearer(net, clock)
    events = Events()
    sock = UdpSocket(b, events)
    d = sock.open(0, ("echo.lab", 7))
    advance(clock, 0.1)
    assert result_of(d) is sock
    assert sock.peer == (net.resolve("echo.lab"), 7)
    assert events.names() == ["connected"]
    sock.send(b"echo me")
    advance(clock, 0.1)
    assert sock.recv().data == b"echo me"

    other = bearer(net, clock, "other")
    stranger = UdpSocket(other)
    stranger.open()
    stranger.sendto(b"hi", sock.local)
    advance(clock, 0.1)
    assert sock.pending == 0


def test_an_unknown_peer_name_is_an_error():
    net, clock = network()
    b = bearer(net, clock)
    events = Events()
    sock = UdpSocket(b, events)
    d = sock.open(0, ("nowhere.example", 9))
    advance(clock, 0.1)
    result = result_of(d)
    assert isinstance(result, Failure) and result.value.reason is Reason.NAME_NOT_FOUND
    assert events.events[-1] == ("error", sock, Reason.NAME_NOT_FOUND)


def test_a_full_queue_drops_new_datagrams():
    net, clock = network()
    a, b = bearer(net, clock, "a"), bearer(net, clock, "b")
    receiver = UdpSocket(b, receive_buffer=1000)
    receiver.open(9)
    sender = UdpSocket(a)
    sender.open()
    for _ in range(5):
        sender.sendto(b"x" * 300, (b.address, 9))
    advance(clock, 0.1)
    assert receiver.pending == 3 and receiver.dropped == 2


def test_too_long_and_port_in_use():
    net, clock = network()
    b = bearer(net, clock)
    sock = UdpSocket(b)
    sock.open(7000)
    with pytest.raises(RouteError) as caught:
        sock.sendto(b"x" * 70_000, ("10.64.0.9", 9))
    assert caught.value.reason is Reason.MESSAGE_TOO_LONG
    with pytest.raises(RouteError) as caught:
        UdpSocket(b).open(7000)
    assert caught.value.reason is Reason.PORT_IN_USE
    sock.close()
    UdpSocket(b).open(7000)


def test_sntp_from_the_lab_reads_the_clock():
    from simulator.network.lab import ntp

    net, clock = network(host("time.lab", "ntp"))
    clock.advance(1_700_000_000)
    b = bearer(net, clock)
    sock = UdpSocket(b)
    sock.open(0, ("time.lab", 123))
    advance(clock, 0.1)
    request = bytearray(48)
    request[0] = (4 << 3) | 3
    sock.send(bytes(request))
    advance(clock, 0.1)
    reply = sock.recv().data
    transmit = ntp.PACKET.unpack(reply)[-1]
    assert ntp.unix_time(transmit) == pytest.approx(1_700_000_000.1, abs=0.01)


def test_accept_from_filters_senders():
    net, clock = network()
    a, b, c = (bearer(net, clock, name) for name in "abc")
    sock = UdpSocket(c, accept_from=lambda source: source[0] == a.address)
    sock.open(9)
    for sender in (a, b):
        out = UdpSocket(sender)
        out.open()
        out.sendto(sender.modem.encode(), (c.address, 9))
    advance(clock, 0.1)
    assert sock.pending == 1
    assert sock.recv().data == b"a"
