"""Shared pieces of the application client tests: a network with lab services on a
``task.Clock`` (nothing real is reached), a bearer, and readers and writers for transfers.

The test's coroutines await Deferreds as usual; a ``ClockDriver`` makes simulated time pass
while they wait.  Every delay the tests see is simulated time, so a busy machine makes them
slower, never different."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from twisted.internet import defer, task
from twisted.trial import unittest

from simulator.ipstack.apps import (
    BearerEndpoints,
    DataAvailable,
    Transfer,
    Writable,
)
from simulator.network import Network
from simulator.network.spec import HostSpec, PingSpec, ServiceSpec
from tests.network.helpers import spec
from tests.simclock import START, ClockDriver
from tests.simclock import sleep as sleep  # the tests' waits, in simulated time
from tests.simclock import until as until

USERS = (("user", "secret"),)

#: Bytes the DLE/ETX codecs of the dialects escape, and the rest of a byte's range.
AWKWARD = bytes([0x10, 0x03, 0xFF, 0x00, 0x0D, 0x0A, 0x1A, 0x2B]) * 64 + bytes(range(256)) * 8


class Reader:
    """Reads a transfer as its events come, keeping every event; ``paused`` stops reading."""

    def __init__(self, transfer: Transfer, *, paused: bool = False) -> None:
        self.transfer = transfer
        self.data = bytearray()
        self.events: list = []
        self.paused = paused
        transfer.listener = self.on_event

    def on_event(self, event) -> None:
        self.events.append(event)
        if isinstance(event, DataAvailable) and not self.paused:
            self.data += self.transfer.read()

    def resume(self) -> None:
        self.paused = False
        self.data += self.transfer.read()

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]


async def write_all(transfer: Transfer, data: bytes) -> None:
    """Write ``data`` as fast as the transfer takes it, then finish; the transfer's
    listener still sees every event."""
    room = defer.Deferred()
    previous = transfer.listener

    def on_event(event) -> None:
        previous(event)
        if isinstance(event, Writable) and not room.called:
            room.callback(None)

    transfer.listener = on_event
    sent = 0
    while sent < len(data):
        sent += transfer.write(data[sent:])
        if sent < len(data):
            await room
            room = defer.Deferred()
    transfer.listener = previous
    transfer.finish()


class LabTestCase(unittest.TestCase):
    """A network with lab hosts on a driven ``task.Clock`` (``self.clock``); the modem
    ``lab-1`` with a bearer."""

    timeout = 120  # a guard against a hang only: the tests' own times are simulated

    def setUp(self):
        # Not trial's mktemp(): under pytest it creates directories in the repository.
        self.dir = Path(tempfile.mkdtemp(prefix="atsim-apps-"))
        self.addCleanup(shutil.rmtree, self.dir, True)

    def folder(self, name: str) -> Path:
        path = self.dir / name
        path.mkdir(exist_ok=True)
        return path

    async def start(self, *hosts: HostSpec, link: str = "ideal", **kw) -> BearerEndpoints:
        self.clock = task.Clock()
        self.clock.advance(START)
        self.driver = ClockDriver(self.clock)
        # Runs last: the closes and resets of the test's connections cross the link.
        self.addCleanup(self.driver.finish)
        self.driver.start()
        network = Network(spec(hosts=hosts, link=link, **kw), clock=self.clock)
        network.startService()
        self.addCleanup(network.stopService)
        self.network = network
        self.bearer = await network.activate("lab-1", "internet")
        self.addCleanup(self.bearer.release)
        return BearerEndpoints(self.bearer)


def ftp_host(root: Path, name: str = "ftp.lab", users=USERS) -> HostSpec:
    return HostSpec(name, services=(ServiceSpec("ftp", root=root, users=users),))


def web_host(root: Path, name: str = "www.lab") -> HostSpec:
    return HostSpec(name, services=(ServiceSpec("http", root=root),))


def mail_host(maildir: Path, name: str = "mail.lab", users=USERS) -> HostSpec:
    return HostSpec(name, services=(ServiceSpec("smtp", maildir=maildir, users=users),
                                    ServiceSpec("pop3", maildir=maildir, users=users)))


def time_host(name: str = "time.lab") -> HostSpec:
    return HostSpec(name, services=(ServiceSpec("ntp"),))


def silent_host(name: str = "quiet.lab") -> HostSpec:
    return HostSpec(name, ping=PingSpec(enabled=False))
