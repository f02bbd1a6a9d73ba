"""Over real loopback TCP: a host that floods its modem cannot stall another modem of the
same process (1 MiB of ``AT\\r`` queued behind a dial is held back by TCP's own flow control
and worked off a few lines per reactor turn, while another modem keeps answering; progress
is counted in answers, not measured in seconds), and a host that dials and disconnects takes
its dial and its queued lines with it."""

from __future__ import annotations

import random

from twisted.internet import endpoints, protocol, reactor
from twisted.trial import unittest

import simulator.dialects
from simulator.at.interpreter import INPUT_HOLD
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec
from simulator.transport.streamport import StreamPortService
from tests.realtime import until

from .doubles import ISP, isp_network

BACKLOG = b"AT\r" * (1024 * 1024 // 3)
#: Answers the other modem must give while the flood is being worked off.
ROUND_TRIPS = 100
#: Bytes that can wait in the flooded modem at most: its FIFO plus one read of the socket.
MOST_QUEUED = INPUT_HOLD + 64 * 1024




class Host(protocol.Protocol):
    """A host program: counts the answers (every ``OK`` has the only ``K``)."""

    def __init__(self) -> None:
        self.answers = 0
        self.on_answer = None
        self.received = bytearray()

    def dataReceived(self, data: bytes) -> None:
        self.received += data
        count = data.count(b"K")
        self.answers += count
        if count and self.on_answer is not None:
            self.on_answer()


class FloodTests(unittest.TestCase):
    def setUp(self) -> None:
        self.network, spec = isp_network(self)
        self.a = self.modem("a", spec)
        self.b = self.modem("b", spec)

    def modem(self, name: str, spec: NetworkSpec):
        modem_spec = ModemSpec(name=name, n=1)
        self.network.attach(modem_spec, random.Random(name))
        modem = Modem(modem_spec, simulator.dialects.get("generic"), spec, reactor,
                      random.Random(1), NVStore(None), ip_network=self.network)
        channel = Channel(f"{name}/tcp")
        interpreter = modem.attach(channel, "tcp")
        port = StreamPortService("tcp:0:interface=127.0.0.1", channel, reactor, f"{name} tcp")
        port.startService()
        self.addCleanup(port.stopService)
        modem.power_on()
        self.addCleanup(modem.power_off)
        return port, channel, interpreter

    async def connect(self, port: StreamPortService) -> Host:
        endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", port.address.port)
        host = await endpoints.connectProtocol(endpoint, Host())
        self.addCleanup(host.transport.abortConnection)
        return host

    async def test_a_flood_behind_a_dial_does_not_stall_another_modem(self):
        (port_a, channel_a, flooded), (port_b, _, _) = self.a, self.b
        host_a = await self.connect(port_a)
        host_b = await self.connect(port_b)
        await until(lambda: channel_a.host_attached)
        total = len(BACKLOG) // 3
        host_a.transport.write(b"ATE0\r")
        await until(lambda: host_a.answers == 1)
        host_a.transport.write(b"ATD+33699999999\r" + BACKLOG)

        # What the flooded modem has answered so far, counted as it writes (the host reads
        # later, and would see a burst spread over many reads).
        worked = [0]
        channel_a.add_tap(lambda way, data: worked.__setitem__(0, worked[0] + data.count(b"K"))
                          if way == "tx" else None)
        held = []
        seen: list[tuple[int, int]] = []  # per answer of b: (a's answers, a's queue)

        def b_answered() -> None:
            held.append(channel_a.input_held)
            seen.append((worked[0], len(flooded._pending)))
            host_b.transport.write(b"AT\r")

        host_b.on_answer = b_answered
        host_b.transport.write(b"ATE0\r")

        def b_answered_while_a_worked() -> int:
            # a's first answer was to ATE0; the backlog's start after the dial's NO CARRIER.
            return sum(1 for answers, _ in seen if 1 < answers <= total)

        await until(lambda: b_answered_while_a_worked() >= ROUND_TRIPS, timeout=120)
        host_b.on_answer = None
        self.assertTrue(any(held), "the flooded port never stopped reading")
        self.assertLessEqual(max(queued for _, queued in seen), MOST_QUEUED)

    async def test_a_host_that_dials_an_isp_and_leaves_takes_its_dial_along(self):
        port, channel, interpreter = self.a
        first = await self.connect(port)
        await until(lambda: channel.host_attached)
        first.transport.write(f"ATD{ISP}\rATS7=77\r".encode())
        await until(lambda: bytes(first.received) == f"ATD{ISP}\r".encode())  # echo: dialling
        first.transport.loseConnection()
        await until(lambda: not channel.host_attached)
        assert not self.network.calls.in_call("a")  # the network let go of the call at once

        second = await self.connect(port)
        await until(lambda: channel.host_attached)
        second.transport.write(b"AT\r")  # answered now, not after the dial's set-up time
        await until(lambda: second.answers == 1)
        second.transport.write(b"ATD+33699999999\r")  # outlasts the first dial's set-up
        await until(lambda: b"NO CARRIER" in second.received)
        second.transport.write(b"ATS7?\r")
        await until(lambda: second.answers == 2)
        self.assertEqual(bytes(second.received),
                         b"AT\r\r\nOK\r\nATD+33699999999\r\r\nNO CARRIER\r\n"
                         b"ATS7?\r\r\n050\r\n\r\nOK\r\n")
        self.assertFalse(interpreter.online)

    async def held_host_leaves(self, leave) -> None:
        """A host dials an ISP whose set-up never ends, types more than the FIFO takes, and
        leaves (``leave(host)``): the port is not reading it, yet the host's going is seen
        and its dial and lines go with it, not after a read that would never come."""
        self.network.calls.setup_delay = 10_000.0
        port, channel, interpreter = self.a
        host = await self.connect(port)
        await until(lambda: channel.host_attached)
        # Within one read of the socket, so that the host's close is not stuck behind bytes
        # the kernel still has to deliver.
        host.transport.write(f"ATD{ISP}\r".encode() + b"AT\r" * (2 * INPUT_HOLD // 3))
        await until(lambda: channel.input_held)
        assert interpreter._running is not None  # the dial is waiting for the network
        leave(host)
        await until(lambda: not channel.host_attached)
        assert not self.network.calls.in_call("a")
        assert len(interpreter._pending) == 0
        assert not channel.input_held

    async def test_a_held_host_that_closes_is_noticed_at_once(self):
        await self.held_host_leaves(lambda host: host.transport.loseConnection())

    async def test_a_held_host_that_resets_is_noticed_at_once(self):
        await self.held_host_leaves(lambda host: host.transport.abortConnection())
