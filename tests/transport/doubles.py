"""Test doubles and helpers shared by the transport tests."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from pathlib import Path

from twisted.internet import defer, reactor, task
from twisted.logger import formatEvent, globalLogPublisher

from simulator.line import Channel, HostSignals
from simulator.network import Network
from simulator.network.spec import IspSpec, NumberSpec
from simulator.scenario.model import NetworkSpec, RegistrationSpec


class EchoDevice:
    """A ``Device`` that records everything and writes every host byte straight back."""

    def __init__(self, channel: Channel, *, echo: bool = True) -> None:
        self.channel = channel
        self.echo = echo
        self.received = bytearray()
        self.events: list[str] = []
        self.signal_changes: list[tuple[HostSignals, HostSignals]] = []
        channel.attach_device(self)

    @property
    def opened(self) -> int:
        return self.events.count("opened")

    @property
    def closed(self) -> int:
        return self.events.count("closed")

    def data_received(self, data: bytes) -> None:
        self.received += data
        if self.echo:
            self.channel.write(data)

    def host_signals_changed(self, old: HostSignals, new: HostSignals) -> None:
        self.signal_changes.append((old, new))

    def host_opened(self) -> None:
        self.events.append("opened")

    def host_closed(self) -> None:
        self.events.append("closed")


def scratch_dir(test) -> Path:
    """A fresh directory removed after ``test`` (trial's ``mktemp`` would create it under
    the current directory, which under pytest is the repository)."""
    path = Path(tempfile.mkdtemp(prefix="atsim-transport-"))
    test.addCleanup(shutil.rmtree, path, True)
    return path


def echo_channel(name: str = "test") -> tuple[Channel, EchoDevice]:
    channel = Channel(name)
    return channel, EchoDevice(channel)


@defer.inlineCallbacks
def wait_until(predicate, timeout: float = 60.0, what: str = "condition"):
    """Let the reactor run until ``predicate()`` is true; fail the test after ``timeout``
    (a guard against a hang, far beyond what any wait takes on a busy machine)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        yield task.deferLater(reactor, 0.005, lambda: None)


def reader_until_end(sock, received: bytearray, ended: list):
    """A ``wait_until`` predicate: what a non-blocking socket has goes into ``received``;
    true once the peer ended the stream (``ended`` then holds True)."""

    def read_some() -> bool:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return False
        if not chunk:
            ended.append(True)
        received.extend(chunk)
        return bool(ended)

    return read_some


def pause(seconds: float) -> defer.Deferred:
    return task.deferLater(reactor, seconds, lambda: None)


def read_available(fd: int) -> bytes:
    """Everything readable on a non-blocking fd right now (b"" when nothing)."""
    out = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            break
        except OSError as e:
            if e.errno == errno.EIO:
                break
            raise
        if not chunk:
            break
        out += chunk
    return bytes(out)


@defer.inlineCallbacks
def read_exactly(fd: int, count: int, timeout: float = 60.0):
    """Read ``count`` bytes from a non-blocking fd while the reactor runs."""
    got = bytearray()

    def enough() -> bool:
        got.extend(read_available(fd))
        return len(got) >= count

    yield wait_until(enough, timeout, f"{count} bytes (have {len(got)})")
    return bytes(got)


class LogCapture:
    """Collects formatted log lines while installed (``with LogCapture() as logs``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, event) -> None:
        self.lines.append(formatEvent(event))

    def __enter__(self) -> LogCapture:
        globalLogPublisher.addObserver(self)
        return self

    def __exit__(self, *exc) -> None:
        globalLogPublisher.removeObserver(self)

    def matching(self, text: str) -> list[str]:
        return [line for line in self.lines if text in line]


#: The number of the dial-up ISP ``isp_network`` serves (user ``user``, password ``secret``).
ISP = "+33800000000"


def isp_network(test):
    """A started network on the real reactor that registers at once and has an ISP at
    ``ISP``, stopped when ``test`` (a trial TestCase) cleans up: (network, its spec)."""
    spec = NetworkSpec(registration=RegistrationSpec(delay=0.0),
                       numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),))
    network = Network(spec, clock=reactor, reactor=reactor, lab_listen=False)
    network.calls.setup_delay = 0.3
    network.startService()
    test.addCleanup(network.stopService)
    return network, spec
