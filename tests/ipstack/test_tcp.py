"""TCP sockets on task.Clock: connect, names, servers, flow control, closing."""

import os

import pytest
from twisted.python.failure import Failure

from simulator.ipstack.dns import DnsClient
from simulator.ipstack.sockets import Reason, RouteError, TcpServer, TcpSocket, TcpState
from simulator.network import LinkParams
from tests.ipstack.helpers import Events, advance, bearer, network, result_of
from tests.network.helpers import host


def reason(result) -> Reason:
    assert isinstance(result, Failure) and result.check(RouteError), result
    return result.value.reason


def test_client_connects_by_name_through_dns_and_exchanges_bytes():
    net, clock = network(host("www.lab", "echo"))
    b = bearer(net, clock)
    events = Events()
    sock = TcpSocket(b, events)
    d = sock.connect("www.lab", 7)
    advance(clock, 0.1)
    assert result_of(d) is sock
    assert sock.state is TcpState.CONNECTED
    assert sock.peer == (net.resolve("www.lab"), 7)
    assert sock.local[0] == b.address
    assert events.names() == ["connected"]
    assert sock.send(b"hello") == 5
    advance(clock, 0.1)
    assert events.events[-1] == ("data_available", sock, 5)
    assert sock.read() == b"hello"
    assert sock.available == 0
    assert sock.bytes_acked == 5


def test_dns_lookups_cross_the_link():
    net, clock = network(host("www.lab", "echo"))
    b = bearer(net, clock)
    b.link.params = LinkParams(latency=0.2)
    sock = TcpSocket(b, Events())
    done = []
    sock.connect("www.lab", 7).addBoth(done.append)
    advance(clock, 0.79)  # DNS query and answer 0.4, SYN and SYN-ACK 0.4
    assert not done
    advance(clock, 0.02)
    assert done == [sock]


def test_unknown_names_fail_with_name_not_found():
    net, clock = network()
    b = bearer(net, clock)
    events = Events()
    sock = TcpSocket(b, events)
    d = sock.connect("nowhere.example", 80)
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.NAME_NOT_FOUND
    assert events.events == [("error", sock, Reason.NAME_NOT_FOUND)]
    assert sock.state is TcpState.CLOSED


def test_a_dns_server_that_does_not_answer_times_out():
    net, clock = network()
    b = bearer(net, clock)
    resolver = DnsClient(b, servers=["192.0.2.53"], timeout=1.0, attempts=2)
    sock = TcpSocket(b, Events(), resolver=resolver)
    done = []
    sock.connect("www.lab", 80).addBoth(done.append)
    advance(clock, 1.9)
    assert not done
    advance(clock, 0.2)
    assert reason(done[0]) is Reason.DNS_TIMEOUT


def test_no_dns_server_means_no_names_but_literals_still_work():
    net, clock = network(host("www.lab", "echo", address=__import__("ipaddress").IPv4Address(
        "203.0.113.7")))
    b = bearer(net, clock)
    resolver = DnsClient(b, servers=["0.0.0.0", "0.0.0.0"])
    d = TcpSocket(b, Events(), resolver=resolver).connect("www.lab", 7)
    assert reason(result_of(d)) is Reason.NAME_NOT_FOUND
    d = TcpSocket(b, Events(), resolver=resolver).connect("203.0.113.7", 7)
    advance(clock, 0.1)
    assert isinstance(result_of(d), TcpSocket)


def test_connect_failures_reach_the_listener():
    net, clock = network(host("www.lab", "echo"))
    b = bearer(net, clock)
    events = Events()
    d = TcpSocket(b, events).connect("www.lab", 80)
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.REFUSED
    assert events.events[-1][2] is Reason.REFUSED
    events = Events()
    d = TcpSocket(b, events).connect("192.0.2.1", 80)
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.UNREACHABLE


def pair(net, clock, *, server_options=None, client_options=None):
    """A connected client on modem a and the socket b's server spawned for it."""
    a, b = bearer(net, clock, "a"), bearer(net, clock, "b")
    server_events = Events()
    server = TcpServer(b, server_events, port=5000, **(server_options or {}))
    client_events = Events()
    client = TcpSocket(a, client_events, **(client_options or {}))
    client.connect(b.address, 5000)
    advance(clock, 0.1)
    [child] = server_events.children
    return client, client_events, child, server_events, server


def test_a_server_spawns_a_socket_per_connection():
    net, clock = network()
    client, client_events, child, server_events, server = pair(net, clock)
    assert server_events.events[0][0] == "accepted"
    assert child.peer == client.local and child.local == client.peer
    assert child.state is TcpState.CONNECTED
    child_events = Events()
    child.listener = child_events
    client.send(b"ping")
    advance(clock, 0.1)
    assert child_events.events == [("data_available", child, 4)]
    assert child.read() == b"ping"


def test_max_spawn_closes_extra_connections_at_once():
    net, clock = network()
    client, client_events, child, server_events, server = pair(
        net, clock, server_options={"max_spawn": 1})
    a = client.bearer
    extra_events = Events()
    extra = TcpSocket(a, extra_events)
    extra.connect(server.address, server.port)
    advance(clock, 0.1)
    assert extra_events.names() == ["connected", "peer_closed"]
    assert len(server.children) == 1
    child.close()  # its owner releases it: room for one more
    again = Events()
    TcpSocket(a, again).connect(server.address, server.port)
    advance(clock, 0.1)
    assert again.names() == ["connected"]
    assert len(server_events.children) == 2


def test_max_spawn_can_refuse_instead():
    net, clock = network()
    client, _, child, _, server = pair(net, clock, server_options={"max_spawn": 1,
                                                                   "on_full": "refuse"})
    d = TcpSocket(client.bearer, Events()).connect(server.address, server.port)
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.REFUSED


def test_accept_from_turns_peers_away():
    net, clock = network()
    a, b = bearer(net, clock, "a"), bearer(net, clock, "b")
    server = TcpServer(b, Events(), port=23, accept_from=lambda peer: peer[0] == "10.9.9.9")
    d = TcpSocket(a, Events()).connect(b.address, 23)
    advance(clock, 0.1)
    assert reason(result_of(d)) is Reason.REFUSED
    server.close()


def test_port_in_use():
    net, clock = network()
    b = bearer(net, clock)
    TcpServer(b, Events(), port=80)
    with pytest.raises(RouteError) as caught:
        TcpServer(b, Events(), port=80)
    assert caught.value.reason is Reason.PORT_IN_USE


def test_send_takes_what_fits_and_says_when_there_is_room_again():
    net, clock = network()
    client, client_events, child, _, _ = pair(
        net, clock, client_options={"send_buffer": 4096, "send_low_water": 1024})
    child.listener = Events()
    # The peer does not read: its window and receive buffer fill, then ours.
    total = 0
    for _ in range(200):
        total += client.send(os.urandom(4096))
        advance(clock, 0.01, step=0.01)
    assert ("buffer_full", client) in client_events.events
    assert client.send_free == 0
    assert client.unsent >= 4096
    writable_before = client_events.names().count("writable")
    got = bytearray()
    for _ in range(200):
        got += child.read()
        advance(clock, 0.01, step=0.01)
    assert client_events.names().count("writable") > writable_before
    assert len(got) == total


def test_a_reader_that_does_not_read_stops_the_network_side_and_loses_nothing():
    net, clock = network()
    client, client_events, child, _, _ = pair(net, clock,
                                              server_options={"receive_buffer": 2048})
    child.listener = Events()  # never reads
    payload = os.urandom(200_000)
    sent = 0
    for _ in range(100):
        sent += client.send(payload[sent:sent + 8192])
        advance(clock, 0.01, step=0.01)
    held = child.available
    assert 2048 <= held < 2048 + 1460  # full, plus at most the segment that filled it
    advance(clock, 1.0, step=0.1)
    assert child.available == held  # reading from the network stopped
    assert sent < len(payload)  # and the writer was held back
    got = bytearray()
    for _ in range(2000):
        got += child.read()
        if sent < len(payload):
            sent += client.send(payload[sent:sent + 8192])
        advance(clock, 0.001, step=0.001)
        if len(got) == len(payload):
            break
    assert bytes(got) == payload


def test_one_mebibyte_each_way_through_a_socket_pair():
    net, clock = network(link="lte")
    client, client_events, child, _, _ = pair(net, clock)
    child_events = Events(read_all=True)
    child.listener = child_events
    client_events.read_all = True
    up, down = os.urandom(1 << 20), os.urandom(1 << 20)
    up_sent = down_sent = 0
    for _ in range(10_000):
        if up_sent < len(up):
            up_sent += client.send(up[up_sent:up_sent + 8192])
        if down_sent < len(down):
            down_sent += child.send(down[down_sent:down_sent + 8192])
        advance(clock, 0.01, step=0.01)
        if len(child_events.received) == len(up) and len(client_events.received) == len(down):
            break
    assert bytes(child_events.received) == up
    assert bytes(client_events.received) == down


def test_peer_close_then_shutdown_both_ways():
    net, clock = network()
    client, client_events, child, _, _ = pair(net, clock)
    child_events = Events()
    child.listener = child_events
    client.send(b"last words")
    client.shutdown()
    advance(clock, 0.1)
    assert child_events.names() == ["data_available", "peer_closed"]
    assert child.read() == b"last words"
    child.send(b"reply")  # half-closed: the other direction still works
    advance(clock, 0.1)
    assert client.read() == b"reply"
    child.shutdown()
    advance(clock, 0.1)
    assert client_events.names()[-1] == "peer_closed"
    assert client.state is TcpState.CLOSED and child.state is TcpState.CLOSED
    assert client.error is None and child.error is None


def test_close_flushes_then_finishes_and_abort_resets():
    net, clock = network()
    client, _, child, _, _ = pair(net, clock)
    child_events = Events(read_all=True)
    child.listener = child_events
    client.send(b"goodbye")
    client.close()
    advance(clock, 0.1)
    assert bytes(child_events.received) == b"goodbye"
    assert child_events.names()[-1] == "peer_closed"

    client, _, child, _, _ = pair(net, clock)
    child_events = Events()
    child.listener = child_events
    client.abort()
    advance(clock, 0.1)
    assert child_events.events[-1] == ("error", child, Reason.RESET)
    assert client.state is TcpState.CLOSED


def test_releasing_the_bearer_fails_the_sockets():
    net, clock = network()
    client, client_events, child, _, _ = pair(net, clock)
    client.bearer.release()
    advance(clock, 0.1)
    assert client_events.events[-1] == ("error", client, Reason.BEARER_RELEASED)
    assert child.error is Reason.RESET


def test_closing_while_connecting_cancels_quietly():
    net, clock = network(host("www.lab", "echo"))
    b = bearer(net, clock)
    b.link.params = LinkParams(latency=0.5)
    events = Events()
    sock = TcpSocket(b, events)
    sock.connect("www.lab", 7)
    advance(clock, 0.2)
    sock.close()
    advance(clock, 3)
    assert events.events == []
    assert sock.state is TcpState.CLOSED
