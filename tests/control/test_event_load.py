"""The event stream under 1,000 busy modems on ``task.Clock``, in process: a client that
reads nothing (its connection paused for good, as Twisted pauses a producer whose socket is
full) keeps at most its queue's worth of events and counts the rest as dropped, while the
modems answer exactly what they answer with nobody watching, at the same simulated moment,
and a client that keeps up gets every event."""

from __future__ import annotations

import random

from twisted.internet import defer
from twisted.internet.task import Clock

import simulator.dialects
from simulator.control.events import EventFilter, EventLog
from simulator.control.metrics import Metrics
from simulator.control.stream import EventStream
from simulator.faults import Injector
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.spec import ModemSpec
from simulator.modem.storage import NVStore
from simulator.network.spec import NetworkSpec
from tests.at.harness import RecordingHost

MODEMS = 1000
ROUNDS = 3
QUEUE = 500


class FakeRequest:
    """The part of a Twisted Web request an ``EventStream`` uses."""

    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.producer = None
        self._finished = defer.Deferred()

    def registerProducer(self, producer, streaming) -> None:
        self.producer = producer

    def notifyFinish(self) -> defer.Deferred:
        return self._finished

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def messages(self) -> int:
        """Event messages written (not the opening comment, not ``event: dropped``)."""
        return sum(m.startswith(b"id: ") for m in b"".join(self.written).split(b"\n\n"))


def fleet():
    clock = Clock()
    modems, hosts = [], []
    dialect = simulator.dialects.get("generic")
    for i in range(MODEMS):
        modem = Modem(ModemSpec(name=f"m-{i}", n=i), dialect, NetworkSpec(), clock,
                      random.Random(i), NVStore(None))
        channel = Channel(f"m-{i}/tcp")
        host = RecordingHost()
        channel.attach_host(host)
        modem.attach(channel, "tcp tcp:0")
        modem.power_on()
        modems.append((modem, channel))
        hosts.append(host)
    clock.advance(30)  # every modem registered
    for host in hosts:
        host.take()
    return clock, modems, hosts


def traffic(clock, modems, hosts) -> list[bytes]:
    """Each host sends a few commands; what each host got back, and no time passes."""
    started = clock.seconds()
    for _ in range(ROUNDS):
        for _modem, channel in modems:
            channel.receive(b"AT+CSQ\rAT+CREG?\r")
    assert clock.seconds() == started
    return [host.take() for host in hosts]


def test_a_dead_client_loses_events_and_holds_up_no_modem():
    clock, modems, hosts = fleet()
    baseline = traffic(clock, modems, hosts)  # nobody watching
    assert all(answer.count(b"OK\r\n") == 2 * ROUNDS for answer in baseline)

    log = EventLog([m for m, _ in modems], clock)
    metrics = Metrics([m for m, _ in modems], Injector(), log, clock=clock)
    dead_request, live_request = FakeRequest(), FakeRequest()
    dead = EventStream(dead_request, log, EventFilter(), QUEUE)
    dead.pauseProducing()  # its socket is full and stays full
    live = EventStream(live_request, log, EventFilter(), QUEUE)

    watched = traffic(clock, modems, hosts)

    # The modems answered byte for byte as with nobody watching, at the same moment.
    assert watched == baseline
    # Two events per command line (command, result): every one was built once.
    assert log.published == MODEMS * ROUNDS * 2 * 2
    # The dead client holds its queue's worth and no more; the rest is counted as lost.
    assert len(dead.subscription.queue) == QUEUE
    assert dead.subscription.dropped == log.published - QUEUE
    assert log.dropped == dead.subscription.dropped
    assert dead_request.messages() == 0
    # The client that keeps up got every event, and lost none.
    assert live.subscription.dropped == 0
    assert live_request.messages() == log.published
    text = metrics.render()
    assert f"atsim_events_dropped_total {float(log.dropped)}" in text.splitlines()

    # Once it reads again it is told how many it lost, then gets what waited.
    dead.resumeProducing()
    resumed = b"".join(dead_request.written)
    assert resumed.count(b"event: dropped") == 1
    assert f'"dropped":{log.dropped}'.encode() in resumed
    assert dead_request.messages() == QUEUE


def test_a_client_gone_for_good_stops_costing_anything():
    clock, modems, hosts = fleet()
    log = EventLog([m for m, _ in modems], clock)
    request = FakeRequest()
    stream = EventStream(request, log, EventFilter(modems=("m-1",)), QUEUE)
    stream.stopProducing()  # the connection is gone
    assert log.subscribers == 0
    assert all(log.observe not in modem.observers for modem, _ in modems)
    traffic(clock, modems, hosts)
    assert log.published == 0
