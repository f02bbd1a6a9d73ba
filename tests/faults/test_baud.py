"""The ``baud`` fault on task.Clock, as the host end of the port sees it: the modem's output
arrives at the fault's line rate (on a port paced or not), the rate before comes back when
it is undone, overlapping faults end in any order, and a host that comes during the fault
is paced too."""

import pytest
from twisted.internet import endpoints, reactor
from twisted.trial import unittest

from simulator.faults import FaultError, Injector, make_fault
from simulator.line import Channel
from simulator.ports import port_service
from simulator.transport.pacing import PacedHost
from simulator.transport.spec import PortSpec
from tests.modem.bench import OK, Bench, Host
from tests.realtime import Collector, until

CPS_9600 = 960.0  # 8N1: ten bits a character
CPS_115200 = 11520.0


def start(bench, args):
    return Injector().apply(make_fault("baud", args), bench.modem)


def answer_time(bench, cps, command=b"AT\r"):
    """Type ``command``; check its answer comes exactly when its last bit is due at
    ``cps``, and not before."""
    port = bench.port
    port.channel.receive(command)
    bench.advance(len(OK) / cps * 0.999)
    assert port.take() == ""
    bench.advance(len(OK) / cps * 0.002)
    assert port.take() == OK


def test_an_unpaced_port_goes_at_the_fault_rate_then_at_once_again():
    bench = Bench()
    assert bench.at("") == OK  # at once
    fault = start(bench, {"rate": 9600})
    answer_time(bench, CPS_9600)
    fault.undo()
    assert bench.at("") == OK


def test_a_host_measures_the_rate_over_a_long_output():
    bench = Bench()
    start(bench, {"rate": 9600})
    bench.port.channel.write(b"x" * 3000)
    for second in (1, 2, 3):
        bench.advance(1.0)
        assert len(bench.port.host.received) == pytest.approx(960 * second, abs=96)
    bench.advance(1.0)
    assert bytes(bench.port.host.received) == b"x" * 3000


def test_bits_per_character_are_the_fault_s_or_the_port_s_framing():
    bench = Bench()
    fault = start(bench, {"rate": 9600, "bits": 11})
    answer_time(bench, 9600 / 11)
    fault.undo()
    bench.port.channel.set_line_settings(parity="E")  # 8E1: eleven bits without `bits`
    start(bench, {"rate": 9600})
    answer_time(bench, 9600 / 11)


def test_a_paced_port_comes_back_to_its_own_rate():
    bench = Bench()
    channel = bench.port.channel
    channel.host_wrapper = lambda host: PacedHost(host, channel, bench.clock)
    channel.detach_host()
    channel.attach_host(bench.port.host)
    answer_time(bench, CPS_115200)
    fault = start(bench, {"rate": 1200})
    answer_time(bench, 120.0)
    fault.undo()
    answer_time(bench, CPS_115200)


def test_overlapping_faults_the_latest_is_in_force_and_each_end_restores_what_is_left():
    bench = Bench()
    first = start(bench, {"rate": 9600})
    second = start(bench, {"rate": 1200})
    answer_time(bench, 120.0)
    second.undo()
    answer_time(bench, CPS_9600)
    second = start(bench, {"rate": 1200})
    first.undo()  # the older one ends first: the later one stays in force
    answer_time(bench, 120.0)
    second.undo()
    assert bench.at("") == OK


def test_bytes_waiting_keep_their_rate_and_what_follows_waits_behind_them():
    bench = Bench()
    fault = start(bench, {"rate": 9600})
    bench.port.channel.write(b"a" * 96)  # 0.1 s of line at 9600
    fault.undo()
    bench.port.channel.write(b"b")  # unpaced now, but the line is busy
    assert bench.port.take() == ""
    bench.advance(0.1)
    assert bench.port.take() == "a" * 96 + "b"
    bench.port.channel.write(b"c")
    assert bench.port.take() == "c"


def test_a_host_that_comes_during_the_fault_is_paced_and_can_be_cut_off():
    bench = Bench()
    start(bench, {"rate": 9600})
    channel = bench.port.channel
    channel.detach_host()

    class Cuttable(Host):
        cut = False

        def hang_up(self):
            self.cut = True

    host = Cuttable()
    channel.attach_host(host)
    channel.receive(b"AT\r")
    assert host.take() == ""
    bench.advance(len(OK) / CPS_9600 * 1.001)
    assert host.take() == OK
    channel.hang_up()  # port_close reaches the transport through the pacer
    assert host.cut


def test_port_narrows_and_the_arguments_are_checked():
    bench = Bench(ports=2)
    start(bench, {"rate": 9600, "port": "p1"})
    assert bench.ports[0].at("") == OK
    assert bench.ports[1].at("") == ""
    with pytest.raises(FaultError, match="rate"):
        make_fault("baud", {"rate": 10})
    with pytest.raises(FaultError, match="bits"):
        make_fault("baud", {"rate": 9600, "bits": 20})
    with pytest.raises(FaultError, match="no port"):
        start(bench, {"rate": 9600, "port": "tcp:*"})


class OverTcpTestCase(unittest.TestCase):
    """A host on a real TCP port measures the fault's rate: what it receives after each
    second of the modem's clock (a task.Clock) is what a 9600 baud line carries."""

    timeout = 30

    def setUp(self):
        self.bench = Bench()
        self.channel = Channel("m1/tcp")
        self.bench.modem.attach(self.channel, "tcp:tcp")
        spec = PortSpec(kind="tcp", target="tcp:0:interface=127.0.0.1")
        self.service = port_service(spec, self.channel, reactor, "m1 tcp")
        self.service.startService()
        self.addCleanup(lambda: self.service.running and self.service.stopService())

    async def test_a_tcp_host_receives_960_bytes_a_second(self):
        host = Collector()
        endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", self.service.address.port)
        client = await endpoints.connectProtocol(endpoint, host)
        self.addCleanup(client.transport.loseConnection)
        await until(lambda: self.channel.host_attached)
        fault = start(self.bench, {"rate": 9600, "port": "tcp:*"})
        self.channel.write(b"y" * 3000)
        for second in (1, 2, 3):
            self.bench.advance(1.0)
            await until(lambda s=second: len(host.data) >= 960 * s)
            # Nothing more leaves until the modem's clock moves on: a whole second's worth.
            assert len(host.data) <= 960 * second
        fault.undo()
        self.channel.write(b"z")
        self.bench.advance(1.0)
        await until(lambda: host.data.endswith(b"z"))
        assert bytes(host.data) == b"y" * 3000 + b"z"
