"""A ``link`` fault narrowed to a host on the datagrams of a real outside host reached through
``allow:``: both ways cross the narrowed path.  The simulated time runs on task.Clock; the
real echo is a UDP socket on 127.0.0.1 that the test answers from (loopback only)."""

import random
import select
import socket
import types

from twisted.internet import defer, reactor
from twisted.internet.task import Clock
from twisted.trial import unittest

from simulator.faults import Injector, make_fault
from simulator.network import Network
from tests.network.helpers import DatagramRecorder, result_of, spec

STEP = 0.01


def wait(seconds: float) -> defer.Deferred:
    d = defer.Deferred()
    reactor.callLater(seconds, d.callback, None)
    return d


async def until(condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await wait(0.01)
    raise AssertionError("condition not met in time")


class NarrowedLinkOnRealUdp(unittest.TestCase):
    timeout = 60

    def setUp(self):
        self.clock = Clock()
        network = Network(spec(allow=["127.0.0.0/8"]), clock=self.clock, reactor=reactor)
        network.startService()
        self.addCleanup(network.stopService)
        network.attach_modem("lab-1", rng=random.Random(1))
        activation = network.activate("lab-1", "internet")
        self.clock.advance(0)
        self.bearer = result_of(activation)
        self.got = DatagramRecorder()
        self.port = self.bearer.open_udp(0, self.got)
        self.addCleanup(self.port.close)
        self.echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(self.echo.close)
        self.echo.bind(("127.0.0.1", 0))
        self.echo.setblocking(False)
        self.replies = []  # datagrams from the echo as they reach the network, unshaped
        network.router.datagram_observers.append(
            lambda origin, destination, data: origin == self.echo.getsockname()
            and self.replies.append(self.clock.seconds()))
        self.modem = types.SimpleNamespace(name="lab-1", ip_network=network,
                                           rng=random.Random(2))

    async def round_trip(self, data: bytes) -> tuple[float, float]:
        """Simulated seconds until the echo got ``data`` and until its answer was back."""
        sent, before = self.clock.seconds(), len(self.got.received)
        self.port.write(data, self.echo.getsockname())
        for _ in range(int(10 / STEP)):
            self.clock.advance(STEP)
            if select.select([self.echo], [], [], 0)[0]:
                break
        else:
            raise AssertionError("the datagram never left for the echo")
        there = self.clock.seconds() - sent
        payload, relay = self.echo.recvfrom(2048)
        self.echo.sendto(payload, relay)
        replies = len(self.replies)
        await until(lambda: len(self.replies) > replies)  # the relay read it (real time)
        for _ in range(int(10 / STEP)):
            if len(self.got.received) > before:
                break
            self.clock.advance(STEP)
        else:
            raise AssertionError("the answer never reached the modem port")
        self.assertEqual(self.got.received[-1], (data, self.echo.getsockname()))
        return round(there, 1), round(self.clock.seconds() - sent, 1)

    async def test_the_answers_of_a_real_host_cross_the_narrowed_path(self):
        self.assertEqual(await self.round_trip(b"before"), (0.0, 0.0))
        fault = Injector().apply(make_fault("link", {"latency": 1.0, "host": "127.0.0.1"}),
                                 self.modem)
        self.assertEqual(await self.round_trip(b"during"), (1.0, 2.0))
        fault.undo()
        self.assertEqual(await self.round_trip(b"after"), (0.0, 0.0))

    async def test_a_narrowed_loss_loses_the_real_hosts_datagrams_too(self):
        self.assertEqual(await self.round_trip(b"hello"), (0.0, 0.0))
        relay = self.got.received and self.relay_address()
        fault = Injector().apply(make_fault("link", {"loss": 1.0, "host": "127.0.0.1"}),
                                 self.modem)
        self.echo.sendto(b"lost", relay)  # the relay knows the echo: only the path loses it
        await until(lambda: len(self.replies) == 2)
        self.clock.advance(1)
        self.assertEqual(len(self.got.received), 1)
        fault.undo()
        self.echo.sendto(b"found", relay)
        await until(lambda: len(self.replies) == 3)
        self.clock.advance(1)
        self.assertEqual(self.got.received[-1], (b"found", self.echo.getsockname()))

    def relay_address(self):
        [relay] = self.port.relays.values()
        return relay.transport.getHost().host, relay.transport.getHost().port
