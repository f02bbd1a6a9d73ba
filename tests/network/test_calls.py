"""CSD calls: modem to modem, to a TCP endpoint, to an ISP; busy and no answer."""

from twisted.internet import defer, error, protocol, reactor, task
from twisted.protocols import wire
from twisted.python.failure import Failure
from twisted.trial import unittest

from simulator.network import CallError, CallFailure, Network
from simulator.network.calls import NO_ANSWER_TIMEOUT, SETUP_DELAY, Call
from simulator.network.spec import IspSpec, NumberSpec
from tests.network.helpers import Recorder, advance, result_of, spec
from tests.simclock import ClockDriver

NUMBERS = (
    NumberSpec("+33600000001", modem="b"),
    NumberSpec("+33600000003", isp=IspSpec("user", "pass")),
)


def calls_network():
    clock = task.Clock()
    network = Network(spec(numbers=NUMBERS), clock=clock)
    network.attach_modem("a", msisdn="+33600000009")
    network.attach_modem("b", msisdn="+33600000001")
    return network, clock


def failure(result) -> CallFailure:
    assert isinstance(result, Failure) and result.check(CallError), result
    return result.value.reason


def test_a_call_rings_is_answered_and_carries_bytes_both_ways():
    network, clock = calls_network()
    ringing = []
    network.on_incoming_call("b", ringing.append)
    d = network.dial("a", "+33 6 00 00 00 01")
    clock.advance(SETUP_DELAY)
    [incoming] = ringing
    assert (incoming.caller, incoming.caller_modem, incoming.callee) == ("+33600000009", "a", "b")
    assert not d.called
    callee_call = incoming.answer()
    caller_call = result_of(d)
    assert isinstance(caller_call, Call) and caller_call.kind == "modem"
    left, right = Recorder(), Recorder()
    caller_call.attach(left)
    callee_call.attach(right)
    left.transport.write(b"ATI from a")
    right.transport.write(b"hello from b")
    advance(clock, 1.0, step=0.01)  # 9600 bit/s: a dozen bytes take ~10 ms
    assert bytes(right.data) == b"ATI from a" and bytes(left.data) == b"hello from b"
    assert network.calls.in_call("a") and network.calls.in_call("b")
    caller_call.hangup()
    advance(clock, 1.0, step=0.01)
    assert right.lost is not None and left.lost is not None
    assert not network.calls.in_call("a") and not network.calls.in_call("b")


def test_dialing_a_modem_msisdn_not_in_numbers_reaches_it():
    network, clock = calls_network()
    network.attach_modem("c", msisdn="+33700000000")
    ringing = []
    network.on_incoming_call("c", ringing.append)
    network.dial("a", "+33700000000")
    clock.advance(SETUP_DELAY)
    assert ringing


def test_no_answer_after_the_timeout_and_the_ringing_ends():
    network, clock = calls_network()
    ended = []
    network.on_incoming_call("b", lambda call: call.on_end(ended.append))
    d = network.dial("a", "+33600000001")
    clock.advance(SETUP_DELAY)
    clock.advance(NO_ANSWER_TIMEOUT - 1)
    assert not d.called
    clock.advance(1)
    assert failure(result_of(d)) is CallFailure.NO_ANSWER
    assert ended == [CallFailure.NO_ANSWER]


def test_rejected_and_busy():
    network, clock = calls_network()
    network.on_incoming_call("b", lambda call: call.reject())
    d = network.dial("a", "+33600000001")
    clock.advance(SETUP_DELAY)
    assert failure(result_of(d)) is CallFailure.BUSY

    network.on_incoming_call("b", lambda call: None)  # rings, nobody answers yet
    first = network.dial("a", "+33600000001")
    clock.advance(SETUP_DELAY)
    network.attach_modem("c")
    second = network.dial("c", "+33600000001")
    clock.advance(SETUP_DELAY)
    assert failure(result_of(second)) is CallFailure.BUSY
    first.addErrback(lambda f: f.trap(defer.CancelledError))
    first.cancel()


def test_caller_giving_up_ends_the_ringing():
    network, clock = calls_network()
    ended = []
    network.on_incoming_call("b", lambda call: call.on_end(ended.append))
    d = network.dial("a", "+33600000001")
    clock.advance(SETUP_DELAY)
    d.addErrback(lambda f: f.trap(defer.CancelledError))
    d.cancel()
    assert ended == [CallFailure.NO_CARRIER]
    assert not network.calls.in_call("b")


def test_unknown_number_is_no_carrier():
    network, clock = calls_network()
    d = network.dial("a", "+1555")
    clock.advance(SETUP_DELAY)
    assert failure(result_of(d)) is CallFailure.NO_CARRIER


def test_an_isp_number_answers_with_a_call_to_its_access_server():
    network, clock = calls_network()
    d = network.dial("a", "+33600000003")
    clock.advance(SETUP_DELAY)
    call = result_of(d)
    assert isinstance(call, Call) and call.kind == "isp"
    assert network.calls.in_call("a")
    call.hangup()
    advance(clock, 1.0, step=0.01)
    assert not network.calls.in_call("a")  # (PPP over it: tests/network/test_isp.py)


class Echo(wire.Echo):
    """The host's echo server's side of a connection; ``closed`` fires when it is gone."""

    def __init__(self) -> None:
        self.closed = defer.Deferred()

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self.closed.callback(None)


class Waiting(Recorder):
    """A Recorder whose ``arrived(n)`` and ``ended`` fire when the thing happens."""

    def __init__(self) -> None:
        super().__init__()
        self.ended = defer.Deferred()
        self._wanted: list[tuple[int, defer.Deferred]] = []

    def arrived(self, count: int) -> defer.Deferred:
        d = defer.Deferred()
        self._wanted.append((count, d))
        self.dataReceived(b"")
        return d

    def dataReceived(self, data: bytes) -> None:
        super().dataReceived(data)
        waiting, self._wanted = self._wanted, []
        for count, d in waiting:
            if len(self.data) >= count:
                d.callback(bytes(self.data))
            else:
                self._wanted.append((count, d))

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        super().connectionLost(reason)  # kept in ``lost``
        self.ended.callback(None)


class ForwardCallTests(unittest.TestCase):
    """The far end is a real socket on the real reactor; the call's channel (setup delay,
    9600 bit/s) runs on a Clock the reactor's turns advance (``ClockDriver``)."""

    async def test_a_call_forwarded_to_a_tcp_endpoint(self):
        echoes: list[Echo] = []

        class EchoFactory(protocol.Factory):
            def buildProtocol(self, addr):
                echoes.append(Echo())
                return echoes[-1]

        port = reactor.listenTCP(0, EchoFactory(), interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        clock = task.Clock()
        driver = ClockDriver(clock)
        driver.start()
        self.addCleanup(driver.stop)
        numbers = (NumberSpec("+33600000002", forward=("127.0.0.1", port.getHost().port)),)
        network = Network(spec(numbers=numbers), clock=clock, reactor=reactor)
        dialled = clock.seconds()
        call = await network.dial("a", "+33600000002")
        self.assertEqual(call.kind, "forward")
        self.assertGreaterEqual(clock.seconds() - dialled, SETUP_DELAY)
        proto = Waiting()
        call.attach(proto)
        proto.transport.write(b"CONNECT")
        self.assertEqual(await proto.arrived(len(b"CONNECT")), b"CONNECT")
        call.hangup()
        await proto.ended
        self.assertTrue(proto.lost.check(error.ConnectionDone))
        # The hang-up reached the host: the echo server's socket is closed, and so the
        # call's own real socket before it.
        [echo] = echoes
        await echo.closed
        self.assertFalse(network.calls.in_call("a"))

    async def test_a_refused_forward_is_no_carrier(self):
        import socket

        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
        probe.close()
        numbers = (NumberSpec("+33600000002", forward=("127.0.0.1", free)),)
        network = Network(spec(numbers=numbers), clock=reactor, reactor=reactor)
        network.calls.setup_delay = 0.01
        with self.assertRaises(CallError) as caught:
            await network.dial("a", "+33600000002")
        self.assertIs(caught.exception.reason, CallFailure.NO_CARRIER)
