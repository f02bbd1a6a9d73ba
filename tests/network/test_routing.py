"""Routing on task.Clock: names, unreachable destinations, lab listeners, modem to modem."""

import pytest
from twisted.internet import error, task
from twisted.python.failure import Failure

from simulator.network import LinkParams, Network, Reason, RouteError
from simulator.network.spec import ForwardSpec, PingSpec
from tests.network.helpers import DatagramRecorder, Recorder, host, ip, result_of, spec


def setup(*hosts, **kw):
    clock = task.Clock()
    network = Network(spec(hosts=hosts, **kw), clock=clock)
    return network, clock


def bearer_of(network, clock, modem="lab-1"):
    d = network.activate(modem, "internet")
    clock.advance(0)
    return result_of(d)


def reason(result) -> Reason:
    assert isinstance(result, Failure), result
    assert result.check(RouteError), result
    return result.value.reason


def connect(bearer, clock, address, port, settle=5.0):
    proto = Recorder()
    d = bearer.connect_tcp(address, port, proto)
    clock.advance(settle)
    return proto, result_of(d)


# -- names ---------------------------------------------------------------------------------------


def test_names_literals_and_unknown_names():
    network, _ = setup(host("www.wavecom.com", address=ip("203.0.113.10")), host("ftp.lab"),
                       host("192.168.0.1", forward=ForwardSpec(address="127.0.0.1")))
    assert network.resolve("www.wavecom.com") == "203.0.113.10"
    assert network.resolve("WWW.Wavecom.COM.") == "203.0.113.10"
    assert network.resolve("ftp.lab") == "198.18.0.1"  # allocated from 198.18.0.0/15
    assert network.resolve("192.168.0.1") == "192.168.0.1"
    assert network.resolve("8.8.8.8") == "8.8.8.8"  # a literal is itself, reachable or not
    with pytest.raises(RouteError) as caught:
        network.resolve("www.google.com")
    assert caught.value.reason is Reason.NAME_NOT_FOUND


# -- unreachable, refused --------------------------------------------------------------------------


def test_nothing_outside_is_reachable_by_default():
    network, clock = setup()
    bearer = bearer_of(network, clock)
    _, result = connect(bearer, clock, "93.184.216.34", 80)
    assert reason(result) is Reason.UNREACHABLE
    _, result = connect(bearer, clock, "127.0.0.1", 80)
    assert reason(result) is Reason.UNREACHABLE


def test_connect_by_unknown_name_fails_name_not_found():
    network, clock = setup()
    bearer = bearer_of(network, clock)
    _, result = connect(bearer, clock, "nowhere.example", 80)
    assert reason(result) is Reason.NAME_NOT_FOUND


def test_allowed_addresses_without_a_real_network_are_unreachable():
    network, clock = setup(allow=["127.0.0.0/8"])
    bearer = bearer_of(network, clock)
    _, result = connect(bearer, clock, "127.0.0.1", 9)
    assert reason(result) is Reason.UNREACHABLE


def test_a_host_without_that_service_refuses_after_a_round_trip():
    network, clock = setup(host("www.lab", "echo"), link="gprs")
    network.link("lab-1").params = LinkParams(latency=0.2)
    bearer = bearer_of(network, clock)
    proto = Recorder()
    d = bearer.connect_tcp("www.lab", 80, proto)
    clock.advance(0.39)
    assert not d.called
    clock.advance(0.02)
    assert reason(result_of(d)) is Reason.REFUSED


def test_a_modem_without_a_listener_refuses():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    _, result = connect(a, clock, b.address, 5000)
    assert reason(result) is Reason.REFUSED


def test_connect_times_out_while_the_link_is_down_after_the_syn():
    network, clock = setup(host("www.lab", "echo"))
    network.link("lab-1").params = LinkParams(latency=1.0)
    bearer = bearer_of(network, clock)
    proto = Recorder()
    d = bearer.connect_tcp("www.lab", 7, proto, timeout=0.5)
    clock.advance(0.5)
    assert reason(result_of(d)) is Reason.TIMEOUT
    clock.advance(5)
    assert not proto.made


def test_connect_with_the_link_down_fails_at_once():
    network, clock = setup(host("www.lab", "echo"))
    bearer = bearer_of(network, clock)
    network.link("lab-1").down()
    d = bearer.connect_tcp("www.lab", 7, Recorder())
    assert reason(result_of(d)) is Reason.LINK_DOWN


# -- lab services in memory -----------------------------------------------------------------------


def test_tcp_echo_on_a_lab_host():
    network, clock = setup(host("www.lab", "echo"))
    bearer = bearer_of(network, clock)
    proto, local_port = connect(bearer, clock, "www.lab", 7)
    assert isinstance(local_port, int)
    assert proto.transport.getHost().host == bearer.address
    assert proto.transport.getPeer().host == network.resolve("www.lab")
    proto.transport.write(b"hello")
    clock.advance(1)
    assert bytes(proto.data) == b"hello"
    proto.transport.loseConnection()
    clock.advance(1)
    assert proto.lost.check(error.ConnectionDone)


def test_udp_echo_on_a_lab_host():
    network, clock = setup(host("www.lab", "echo"))
    bearer = bearer_of(network, clock)
    proto = DatagramRecorder()
    port = bearer.open_udp(0, proto)
    port.write(b"ping", ("www.lab", 7))
    clock.advance(1)
    assert proto.received == [(b"ping", (network.resolve("www.lab"), 7))]


def test_daytime_reads_the_clock():
    network, clock = setup(host("time.lab", "daytime"))
    clock.advance(86400 * 365)  # 1971-01-01
    bearer = bearer_of(network, clock)
    proto, _ = connect(bearer, clock, "time.lab", 13, settle=0)
    assert bytes(proto.data) == b"Friday, January 01, 1971 00:00:00-UTC\r\n"
    assert proto.read_closed  # the server closed; this side still may write


# -- modem to modem -------------------------------------------------------------------------------


def listen(bearer, port=0):
    accepted = []

    def accept(peer):
        proto = Recorder()
        proto.peer = peer
        accepted.append(proto)
        return proto

    return bearer.listen_tcp(port, accept), accepted


def test_modem_to_modem_tcp_both_ways():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    listening, accepted = listen(b, 5000)
    client, local_port = connect(a, clock, b.address, 5000)
    [server] = accepted
    assert server.peer == (a.address, local_port)
    assert server.transport.getPeer().host == a.address
    client.transport.write(b"from a")
    server.transport.write(b"from b")
    clock.advance(1)
    assert bytes(server.data) == b"from a" and bytes(client.data) == b"from b"
    client.transport.loseWriteConnection()
    clock.advance(1)
    assert server.read_closed and server.lost is None
    server.transport.write(b"still")
    server.transport.loseConnection()
    clock.advance(1)
    assert bytes(client.data) == b"from bstill"
    assert client.lost.check(error.ConnectionDone)
    assert server.lost.check(error.ConnectionDone)
    listening.close()
    _, result = connect(a, clock, b.address, 5000)
    assert reason(result) is Reason.REFUSED


def test_modem_to_modem_crosses_both_links():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    network.link("a").params = LinkParams(latency=0.1)
    network.link("b").params = LinkParams(latency=0.3)
    listen(b, 80)
    proto = Recorder()
    d = a.connect_tcp(b.address, 80, proto)
    clock.advance(0.79)  # SYN 0.1 + 0.3, SYN-ACK 0.3 + 0.1
    assert not d.called
    clock.advance(0.02)
    assert result_of(d)


def test_a_refusing_listener_refuses():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    b.listen_tcp(80, lambda peer: None)
    _, result = connect(a, clock, b.address, 80)
    assert reason(result) is Reason.REFUSED


def test_listening_twice_on_a_port_fails():
    network, clock = setup()
    b = bearer_of(network, clock)
    listen(b, 80)
    with pytest.raises(RouteError) as caught:
        listen(b, 80)
    assert caught.value.reason is Reason.PORT_IN_USE


def test_a_modem_reaches_its_own_listener():
    network, clock = setup()
    a = bearer_of(network, clock)
    _, accepted = listen(a, 7000)
    client, _ = connect(a, clock, a.address, 7000, settle=0)
    assert accepted and client.made


def test_abort_resets_the_peer():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    _, accepted = listen(b, 80)
    client, _ = connect(a, clock, b.address, 80)
    client.transport.abortConnection()
    clock.advance(1)
    assert client.lost.check(error.ConnectionAborted)
    assert accepted[0].lost.check(error.ConnectionLost)


def test_writing_to_a_closed_peer_gets_reset():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    _, accepted = listen(b, 80)
    client, _ = connect(a, clock, b.address, 80)
    accepted[0].transport.loseConnection()
    clock.advance(1)
    assert client.read_closed and client.lost is None  # half-closeable: may still write
    client.transport.write(b"too late")
    clock.advance(1)
    assert client.lost.check(error.ConnectionLost)


def test_releasing_a_bearer_fails_its_connections_and_listeners():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    listening, accepted = listen(b, 80)
    client, _ = connect(a, clock, b.address, 80)
    a.release()
    clock.advance(1)
    assert reason_of_loss(client) is Reason.BEARER_RELEASED
    assert accepted[0].lost.check(error.ConnectionLost)
    b.release()
    assert listening.closed


def reason_of_loss(proto):
    from simulator.network.errors import reason_for_loss

    return reason_for_loss(proto.lost.value)


def test_udp_between_modems_keeps_datagrams_and_sources():
    network, clock = setup()
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
    left, right = DatagramRecorder(), DatagramRecorder()
    pa = a.open_udp(4000, left)
    pb = b.open_udp(5000, right)
    pa.write(b"one", (b.address, 5000))
    pa.write(b"two", (b.address, 5000))
    clock.advance(1)
    assert right.received == [(b"one", (a.address, 4000)), (b"two", (a.address, 4000))]
    pb.write(b"back", right.received[0][1])
    clock.advance(1)
    assert left.received == [(b"back", (b.address, 5000))]


def test_udp_to_nowhere_is_dropped_silently():
    network, clock = setup()
    a = bearer_of(network, clock)
    port = a.open_udp(0, DatagramRecorder())
    port.write(b"x", ("192.0.2.1", 9))
    port.write(b"x", ("unknown.example", 9))
    clock.advance(1)


def test_udp_loss_is_drawn_from_the_modem_generator():
    def run(seed):
        import random

        clock = task.Clock()
        network = Network(spec(), clock=clock)
        network.attach_modem("a", rng=random.Random(seed))
        network.attach_modem("b", rng=random.Random(seed + 100))
        a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")
        network.link("a").params = LinkParams(loss=0.5)
        got = DatagramRecorder()
        b.open_udp(9, got)
        port = a.open_udp(0, DatagramRecorder())
        for i in range(100):
            port.write(b"%d" % i, (b.address, 9))
        clock.advance(1)
        return [data for data, _ in got.received]

    first, again = run(1), run(1)
    assert first == again
    assert 25 < len(first) < 75


# -- ping -----------------------------------------------------------------------------------------


def test_ping_round_trips():
    network, clock = setup(host("www.lab"), host("slow.lab", ping=PingSpec(rtt=0.12)),
                           host("mute.lab", ping=PingSpec(enabled=False)))
    network.link("a").params = LinkParams(latency=0.25)
    network.link("b").params = LinkParams(latency=0.05)
    a, b = bearer_of(network, clock, "a"), bearer_of(network, clock, "b")

    def ping(target, timeout=2.0):
        d = a.ping(target, timeout=timeout)
        clock.advance(timeout)
        return result_of(d)

    assert ping("www.lab") == pytest.approx(0.5)
    assert ping("slow.lab") == pytest.approx(0.12)
    assert ping(b.address) == pytest.approx(0.6)
    assert reason(ping("mute.lab")) is Reason.TIMEOUT
    assert reason(ping("192.0.2.1")) is Reason.TIMEOUT
    assert reason(ping("nowhere.example")) is Reason.NAME_NOT_FOUND


def test_discard_takes_everything_and_answers_nothing():
    network, clock = setup(host("sink.lab", "discard"))
    bearer = bearer_of(network, clock)
    proto, _ = connect(bearer, clock, "sink.lab", 9, settle=0)
    proto.transport.write(b"x" * 10_000)
    udp = DatagramRecorder()
    bearer.open_udp(0, udp).write(b"y", ("sink.lab", 9))
    clock.advance(1)
    assert proto.transport.bytes_acked == 10_000
    assert proto.data == b"" and udp.received == []


def test_connections_are_logged_with_what_crossed_them(monkeypatch):
    from twisted.logger import formatEvent

    from simulator.network import router

    events = []
    monkeypatch.setattr(router.log, "observer", events.append)
    network, clock = setup(host("www.lab", "echo"))
    bearer = bearer_of(network, clock)
    proto, local_port = connect(bearer, clock, "www.lab", 7, settle=0)
    proto.transport.write(b"12345")
    clock.advance(1)
    proto.transport.loseConnection()
    clock.advance(0)
    lines = [formatEvent(e) for e in events]
    here, there = f"{bearer.address}:{local_port}", f"{network.resolve('www.lab')}:7"
    assert lines == [
        f"lab-1: tcp {here} connected to {there}",
        f"lab-1: tcp {here} - {there} closed after 1.0 s: 5 bytes sent, 5 received",
    ]
