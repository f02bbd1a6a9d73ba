"""A bare modem (no services, only the V.250 engine) on a Channel, with the host side
recorded: enough to test the engine without any dialect."""

from __future__ import annotations

import random

from twisted.internet.task import Clock

from simulator.at.commands import CommandTable
from simulator.at.session import Traits
from simulator.line import Channel, ModemSignals
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec


class BareDialect:
    name = "bare"

    def __init__(self, traits: Traits | None = None, install=None) -> None:
        self.traits = traits or Traits()
        self._install = install

    def identity_defaults(self) -> dict[str, str]:
        return {}

    def traits_for(self, spec) -> Traits:
        return self.traits

    def service_classes(self) -> list:
        return []

    def install(self, modem, table: CommandTable) -> None:
        if self._install:
            self._install(modem, table)


class RecordingHost:
    """The host end of a channel: keeps what the modem sent."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.signals: list[ModemSignals] = []

    def deliver(self, data: bytes) -> None:
        self.received += data

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        self.signals.append(signals)

    def take(self) -> bytes:
        data, self.received = bytes(self.received), bytearray()
        return data


class Bench:
    """One modem, one channel, one recorded host, one Clock."""

    def __init__(self, install=None, traits: Traits | None = None, store: NVStore | None = None):
        self.clock = Clock()
        self.modem = Modem(
            ModemSpec(name="bench", n=1),
            BareDialect(traits, install),
            NetworkSpec(),
            self.clock,
            random.Random(1),
            store or NVStore(None),
        )
        self.channel = Channel("bench/test")
        self.host = RecordingHost()
        self.channel.attach_host(self.host)
        self.interpreter = self.modem.attach(self.channel, "test")

    def send(self, data: bytes) -> bytes:
        """Send bytes, return everything the modem sent in answer (so far)."""
        self.channel.receive(data)
        return self.host.take()

    def send_bytewise(self, data: bytes) -> bytes:
        for i in range(len(data)):
            self.channel.receive(data[i : i + 1])
        return self.host.take()
