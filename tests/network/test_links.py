"""Link figures and shaping, measured on task.Clock."""

import pytest
from twisted.internet import error, task

from simulator.network import PRESETS, LinkParams, Network
from simulator.network.links import Link
from tests.network.helpers import (
    DatagramRecorder,
    Recorder,
    TimedRecorder,
    advance,
    host,
    result_of,
    spec,
)

LAB = "198.18.0.1"


def lab_network(params: LinkParams):
    clock = task.Clock()
    network = Network(spec(hosts=[host("sink.lab")]), clock=clock)
    network.link("lab-1").params = params
    d = network.activate("lab-1", "internet")
    clock.advance(0)
    bearer = result_of(d)
    sinks: list[TimedRecorder] = []

    def accept(peer):
        sinks.append(TimedRecorder(clock))
        return sinks[-1]

    network.router.listen_lab(LAB, 9000, accept)
    return network, clock, bearer, sinks


def connected(bearer, clock, step=0.001):
    proto = TimedRecorder(clock)
    d = bearer.connect_tcp(LAB, 9000, proto)
    params = bearer.link.params
    advance(clock, 2 * (params.latency + params.jitter) + 0.01, step)
    assert result_of(d)
    return proto


def test_one_kib_over_10_kbit_s_arrives_after_transmission_plus_latency():
    network, clock, bearer, sinks = lab_network(LinkParams(latency=0.1, up=10_000))
    client = connected(bearer, clock)
    start = clock.seconds()
    client.transport.write(b"x" * 1024)
    advance(clock, 2.0)
    [sink] = sinks
    arrived, total = sink.arrivals[-1]
    assert total == 1024
    assert arrived - start == pytest.approx(1024 * 8 / 10_000 + 0.1, abs=0.002)


def test_bandwidth_paces_a_long_write():
    network, clock, bearer, sinks = lab_network(LinkParams(latency=0.05, up=20_000))
    client = connected(bearer, clock, step=0.01)
    start = clock.seconds()
    client.transport.write(b"y" * 10_000)  # 4 s at 20 kbit/s
    advance(clock, 2.05, step=0.01)
    halfway = len(sinks[0].data)
    assert 4_000 < halfway < 6_000
    advance(clock, 3.0, step=0.01)
    assert len(sinks[0].data) == 10_000
    assert sinks[0].arrivals[-1][0] - start == pytest.approx(4.05, abs=0.02)


def test_downlink_has_its_own_rate():
    network, clock, bearer, sinks = lab_network(LinkParams(up=1_000_000, down=8_000))
    client = connected(bearer, clock)
    start = clock.seconds()
    sinks[0].transport.write(b"z" * 1000)  # 1 s at 8 kbit/s
    advance(clock, 1.5, step=0.005)
    assert client.arrivals[-1][0] - start == pytest.approx(1.0, abs=0.006)


def test_jitter_never_reorders_a_byte_stream():
    network, clock, bearer, sinks = lab_network(LinkParams(latency=0.1, jitter=0.5))
    client = connected(bearer, clock, step=0.01)
    payload = bytes(range(256)) * 40
    for i in range(0, len(payload), 100):
        client.transport.write(payload[i:i + 100])
        advance(clock, 0.01, step=0.01)
    advance(clock, 2.0, step=0.01)
    assert bytes(sinks[0].data) == payload


def test_tcp_bytes_wait_while_the_link_is_down():
    network, clock, bearer, sinks = lab_network(LinkParams(latency=0.01))
    client = connected(bearer, clock)
    bearer.link.down()
    client.transport.write(b"held")
    advance(clock, 5.0, step=0.1)
    assert sinks[0].data == b""
    bearer.link.up()
    advance(clock, 0.1)
    assert bytes(sinks[0].data) == b"held"


def test_datagrams_are_lost_while_the_link_is_down():
    clock = task.Clock()
    network = Network(spec(hosts=[host("echo.lab", "echo")]), clock=clock)
    d = network.activate("lab-1", "internet")
    clock.advance(0)
    bearer = result_of(d)
    got = DatagramRecorder()
    port = bearer.open_udp(0, got)
    bearer.link.down()
    port.write(b"lost", ("echo.lab", 7))
    advance(clock, 1.0, step=0.1)
    bearer.link.up()
    port.write(b"kept", ("echo.lab", 7))
    advance(clock, 1.0, step=0.1)
    assert [data for data, _ in got.received] == [b"kept"]


@pytest.mark.parametrize("how, lost", [("fin", error.ConnectionDone),
                                       ("reset", error.ConnectionLost)])
def test_every_peer_closes_on_request(how, lost):
    network, clock, bearer, sinks = lab_network(LinkParams(latency=0.01))
    client = connected(bearer, clock)
    assert network.link("lab-1").flows
    bearer.link.close_connections(how)
    advance(clock, 0.1)
    if how == "fin":
        assert client.read_closed and client.lost is None
    else:
        assert client.lost.check(lost)


def test_changing_figures_applies_to_the_next_bytes():
    network, clock, bearer, sinks = lab_network(LinkParams(latency=0.01))
    client = connected(bearer, clock)
    changes = []
    bearer.link.add_observer(lambda link, event: changes.append(event))
    bearer.link.update(latency=1.0)
    start = clock.seconds()
    client.transport.write(b"slow")
    advance(clock, 1.5, step=0.01)
    assert sinks[0].arrivals[-1][0] - start == pytest.approx(1.0, abs=0.011)
    assert changes == ["params"]


def test_presets_keep_their_published_shape():
    for name in ("gsm", "gprs", "edge", "umts", "hsdpa", "lte"):
        params = PRESETS[name]
        assert params.up <= params.down
        assert params.mtu == 1500
    assert PRESETS["gprs"].rtt == pytest.approx(0.5)
    assert (PRESETS["gprs"].down, PRESETS["gprs"].up) == (40_000, 20_000)
    rtts = [PRESETS[n].rtt for n in ("gprs", "edge", "umts", "hsdpa", "lte")]
    assert rtts == sorted(rtts, reverse=True)


def test_bad_figures_are_refused():
    with pytest.raises(ValueError):
        LinkParams(loss=1.5)
    with pytest.raises(ValueError):
        LinkParams(up=0)
    with pytest.raises(ValueError):
        LinkParams(mtu=20)


def test_loss_and_jitter_come_from_the_link_generator():
    import random

    def draws(seed):
        link = Link("x", LinkParams(jitter=0.1, loss=0.5), random.Random(seed))
        return [link.jitter() for _ in range(5)] + [link.loses() for _ in range(5)]

    assert draws(3) == draws(3) != draws(4)


def test_a_network_attaches_modems_to_named_links():
    clock = task.Clock()
    network = Network(spec(link="gprs"), clock=clock)
    assert network.attach_modem("a").link.name == "gprs"
    assert network.attach_modem("b", link="edge").link.params == PRESETS["edge"]
    with pytest.raises(ValueError):
        network.attach_modem("c", link="carrier-pigeon")
    with pytest.raises(ValueError):
        network.attach_modem("a")
    assert isinstance(network.attach_modem("d").link.params, LinkParams)
    _ = Recorder
