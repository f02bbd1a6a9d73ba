"""The IP network's faults on a modem's connections, on task.Clock: what the modem's TCP
socket sees (data, FIN, RST, silence, refused or unanswered connects, failed lookups), each
narrowed to a host or port when asked, and normal behaviour once undone."""

import pytest

from simulator.faults import Injector, Target, make_fault
from simulator.ipstack.dns import DnsClient
from simulator.network import Reason
from simulator.network.errors import ConnectionReset
from simulator.network.spec import LinksSpec, NetworkSpec
from tests.modem.bench import Bench
from tests.network.helpers import INTERNET, DatagramRecorder, Recorder, advance, host, result_of

LAB = NetworkSpec(hosts=(host("echo.lab", "echo"), host("other.lab", "echo"),
                         host("www.example.com", "echo", "discard")),
                  apns=(INTERNET,), links=LinksSpec(default="ideal"))


@pytest.fixture
def lab():
    bench = Bench(network=LAB, ip_network=True)
    activation = bench.ip_network.activate("m1", "internet")
    bench.advance(0)
    return bench, result_of(activation)


def start(bench, name, args=None, **target):
    return Injector().apply(make_fault(name, args), Target(bench.modem, **target))


def connect(bench, bearer, name, port=7, settle=1.0):
    proto = Recorder()
    d = bearer.connect_tcp(name, port, proto)
    bench.advance(settle)
    return proto, result_of(d)


def echoes(bench, proto, data=b"ping"):
    before = len(proto.data)
    proto.transport.write(data)
    bench.advance(1)
    return bytes(proto.data[before:]) == data


def test_reset_peer_resets_the_connections_it_names_and_new_ones_work(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    other, _ = connect(bench, bearer, "other.lab")
    start(bench, "reset_peer", {"host": "echo.lab"})
    bench.advance(1)
    assert echo.lost is not None and echo.lost.check(ConnectionReset)
    assert other.lost is None and echoes(bench, other)
    again, _ = connect(bench, bearer, "echo.lab")  # an event: nothing stays broken
    assert echoes(bench, again)


def test_peer_close_is_an_orderly_close_after_the_data(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    echo.transport.write(b"last")
    bench.advance(1)
    start(bench, "peer_close", {"port": 7})
    bench.advance(1)
    assert echo.read_closed and echo.lost is None  # FIN: the modem may still write
    assert bytes(echo.data) == b"last"


def test_a_fault_started_by_a_connection_event_acts_on_that_connection_only(lab):
    bench, bearer = lab
    first, _ = connect(bench, bearer, "echo.lab")
    second, _ = connect(bench, bearer, "echo.lab")
    start(bench, "reset_peer", host=None, event={"connection": first.transport})
    bench.advance(1)
    assert first.lost.check(ConnectionReset)
    assert second.lost is None


def test_timeout_stops_data_without_closing_and_undo_lets_it_through(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    fault = start(bench, "timeout", {"host": "echo.lab"})
    assert not echoes(bench, echo, b"held")
    bench.advance(600)
    assert echo.lost is None and bytes(echo.data) == b""
    late, _ = connect(bench, bearer, "echo.lab")  # new connections are covered too
    assert not echoes(bench, late)
    fault.undo()
    bench.advance(1)
    assert bytes(echo.data) == b"held" and bytes(late.data) == b"ping"


def test_half_open_is_silent_then_the_forgotten_connection_is_reset(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    fault = start(bench, "half_open")
    assert not echoes(bench, echo)
    assert echo.lost is None
    fault.undo()
    bench.advance(1)
    assert echo.lost is not None and echo.lost.check(ConnectionReset)
    fresh, _ = connect(bench, bearer, "echo.lab")
    assert echoes(bench, fresh)


def test_limit_data_closes_once_the_bytes_have_moved(lab):
    bench, bearer = lab
    fault = start(bench, "limit_data", {"bytes": 10})
    echo, _ = connect(bench, bearer, "echo.lab")
    echo.transport.write(b"abcd")  # 4 up + 4 echoed: 8 moved
    bench.advance(1)
    assert not echo.read_closed
    echo.transport.write(b"ef")  # 10 moved at the first echoed byte of these
    bench.advance(1)
    assert echo.read_closed
    fault.undo()
    fresh, _ = connect(bench, bearer, "echo.lab")
    assert echoes(bench, fresh, b"x" * 100) and not fresh.read_closed


def test_slicer_cuts_the_servers_writes_into_spaced_segments(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    fault = start(bench, "slicer", {"size": 16, "delay": 0.5})
    echo.transport.write(b"x" * 64)
    bench.advance(0.01)
    first = len(echo.data)
    assert 0 < first <= 16
    bench.advance(0.5)
    assert len(echo.data) == first + 16
    bench.advance(2)
    assert len(echo.data) == 64
    fault.undo()
    echo.transport.write(b"y" * 64)
    bench.advance(0.01)
    assert len(echo.data) == 128


def test_slow_close_delays_the_servers_fin(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    slow = start(bench, "slow_close", {"delay": 5.0})
    start(bench, "peer_close")
    bench.advance(4.9)
    assert not echo.read_closed
    bench.advance(0.2)
    assert echo.read_closed
    slow.undo()
    fresh, _ = connect(bench, bearer, "echo.lab")
    start(bench, "peer_close", event={"connection": fresh.transport})
    bench.advance(0.01)
    assert fresh.read_closed


def test_host_down_leaves_connects_unanswered_and_open_connections_silent(lab):
    bench, bearer = lab
    open_one, _ = connect(bench, bearer, "echo.lab")
    fault = start(bench, "host_down", {"host": "echo.lab"})
    assert not echoes(bench, open_one)
    proto, result = connect(bench, bearer, "echo.lab", settle=120)
    assert result.check(Exception) and result.value.reason is Reason.TIMEOUT
    other, _ = connect(bench, bearer, "other.lab")
    assert echoes(bench, other)
    fault.undo()
    bench.advance(1)
    assert bytes(open_one.data) == b"ping"
    fresh, port = connect(bench, bearer, "echo.lab")
    assert isinstance(port, int)


def test_host_down_that_refuses_and_service_down_refuse_at_once(lab):
    bench, bearer = lab
    fault = start(bench, "host_down", {"host": "echo.lab", "how": "refuse"})
    _, result = connect(bench, bearer, "echo.lab")
    assert result.value.reason is Reason.REFUSED
    fault.undo()
    running, _ = connect(bench, bearer, "www.example.com", 7)
    service = start(bench, "service_down", {"port": 7})
    bench.advance(1)
    assert running.lost.check(ConnectionReset)
    _, result = connect(bench, bearer, "www.example.com", 7)
    assert result.value.reason is Reason.REFUSED
    _, port = connect(bench, bearer, "www.example.com", 9)  # discard still answers
    assert isinstance(port, int)
    service.undo()
    _, port = connect(bench, bearer, "www.example.com", 7)
    assert isinstance(port, int)


def resolve(bench, bearer, name, wait=2.0):
    d = DnsClient(bearer, timeout=1.0, attempts=2).resolve(name)
    advance(bench.clock, wait, step=0.01)
    return result_of(d)


def test_dns_fail_answers_servfail_or_nothing_for_the_names_it_covers(lab):
    bench, bearer = lab
    assert resolve(bench, bearer, "echo.lab") == bench.ip_network.resolve("echo.lab")
    fault = start(bench, "dns_fail", {"names": "*.lab"})
    # SERVFAIL: the resolver gives up on each try at once, long before its timeout
    failed = resolve(bench, bearer, "echo.lab", wait=0.1)
    assert failed.value.reason is Reason.DNS_TIMEOUT
    assert resolve(bench, bearer, "www.example.com") == \
        bench.ip_network.resolve("www.example.com")
    fault.undo()
    silent = start(bench, "dns_fail", {"how": "timeout"})
    d = DnsClient(bearer, timeout=1.0, attempts=2).resolve("echo.lab")
    advance(bench.clock, 1.9, step=0.01)
    assert not d.called  # no answer: each try waits its whole timeout
    advance(bench.clock, 0.2, step=0.01)
    assert result_of(d).value.reason is Reason.DNS_TIMEOUT
    silent.undo()
    assert resolve(bench, bearer, "echo.lab") == bench.ip_network.resolve("echo.lab")


def test_connection_faults_need_an_ip_network():
    from simulator.faults import FaultError

    with pytest.raises(FaultError, match="not attached to an IP network"):
        start(Bench(), "reset_peer")


# -- link and link_down narrowed to a host or port ---------------------------------------------


def round_trip(bench, proto, data=b"ping"):
    """Seconds until the echo of ``data`` is back (to 0.1 s), or None after 30 s."""
    before, sent = len(proto.data), bench.clock.seconds()
    proto.transport.write(data)
    for _ in range(3000):
        if len(proto.data) >= before + len(data):
            return round(bench.clock.seconds() - sent, 1)
        advance(bench.clock, 0.01, step=0.01)
    return None


def test_a_link_narrowed_to_a_host_delays_only_its_connections(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    other, _ = connect(bench, bearer, "other.lab")
    fault = start(bench, "link", {"latency": 1.0, "host": "echo.lab"})
    assert round_trip(bench, echo) == 2.0
    assert round_trip(bench, other) == 0
    late, _ = connect(bench, bearer, "echo.lab", settle=3)  # new ones cross it too
    assert round_trip(bench, late) == 2.0
    fault.undo()
    assert round_trip(bench, echo) == 0 and round_trip(bench, late) == 0


def test_a_link_down_narrowed_to_a_port_is_a_blackhole_for_it_only(lab):
    bench, bearer = lab
    echo, _ = connect(bench, bearer, "echo.lab")
    discard, _ = connect(bench, bearer, "www.example.com", 9)
    fault = start(bench, "link_down", {"port": 7})
    assert round_trip(bench, echo) is None  # TCP bytes wait
    _, result = connect(bench, bearer, "other.lab", 7, settle=120)
    assert result.value.reason is Reason.TIMEOUT  # the SYN is lost
    discard.transport.write(b"still")
    bench.advance(1)
    assert discard.lost is None
    got = DatagramRecorder()
    port = bearer.open_udp(0, got)
    port.write(b"lost", ("echo.lab", 7))
    bench.advance(1)
    assert got.received == []
    fault.undo()
    bench.advance(1)
    assert bytes(echo.data) == b"ping"  # what waited arrives
    port.write(b"back", ("echo.lab", 7))
    bench.advance(1)
    assert [data for data, _ in got.received] == [b"back"]
