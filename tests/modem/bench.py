"""A generic-dialect modem on a task.Clock with AT channels whose host side is recorded:
tests type command lines and compare the exact bytes the modem answers."""

from __future__ import annotations

import dataclasses
import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import (
    IdentitySpec,
    ModemSpec,
    NetworkSpec,
    OperatorSpec,
    RegistrationSpec,
    SimSpec,
)
from tests.at.harness import RecordingHost

OK = "\r\nOK\r\n"
ERROR = "\r\nERROR\r\n"
NO_CARRIER = "\r\nNO CARRIER\r\n"
DELAY = RegistrationSpec().delay

HOME = OperatorSpec(mcc="001", mnc="01", name="Test Network", short_name="TEST")
OTHER = OperatorSpec(mcc="001", mnc="02", name="Other Net", short_name="OTHER", tech="lte",
                     lac=0x0B0C, cell_id=0x0012345)
TWO_OPERATORS = NetworkSpec(operators=(HOME, OTHER))


def cme(code: int) -> str:
    return f"\r\n+CME ERROR: {code}\r\n"


def cms(code: int) -> str:
    return f"\r\n+CMS ERROR: {code}\r\n"


def info(*lines: str) -> str:
    """Information text followed by OK, as framed with ATV1."""
    return "\r\n" + "".join(f"{line}\r\n" for line in lines) + OK


def urc(*lines: str) -> str:
    return "".join(f"\r\n{line}\r\n" for line in lines)


class Host(RecordingHost):
    """The recorded host end, read as text."""

    def take(self) -> str:
        return super().take().decode("latin-1")


class Port:
    """One AT channel of the bench modem."""

    def __init__(self, modem: Modem, name: str) -> None:
        self.channel = Channel(f"{modem.name}/{name}")
        self.host = Host()
        self.channel.attach_host(self.host)
        self.interpreter = modem.attach(self.channel, name)

    def send(self, data: bytes) -> str:
        self.channel.receive(data)
        return self.host.take()

    def at(self, line: str) -> str:
        """Type ``AT<line>`` and return the answer (echo is off on bench ports)."""
        return self.send(b"AT" + line.encode("latin-1") + b"\r")

    def take(self) -> str:
        """What arrived since the last command (URCs)."""
        return self.host.take()


class Bench:
    def __init__(
        self,
        *,
        sim: SimSpec | None = None,
        network: NetworkSpec | None = None,
        identity: IdentitySpec | None = None,
        store: NVStore | None = None,
        ports: int = 1,
        power: bool = True,
        registered: bool = False,
        n: int = 1,
        ip_network: bool = False,
        phonebook: tuple = (),
    ) -> None:
        """``ip_network``: the modem reaches a simulated ``Network`` built from ``network``
        (APNs, bearers) on the bench's clock, with no real sockets."""
        self.clock = Clock()
        self.network = network or NetworkSpec()
        spec = ModemSpec(name="m1", n=n, sim=sim or SimSpec(),
                         identity=identity or IdentitySpec(), phonebook=phonebook)
        self.ip_network = None
        if ip_network:
            from simulator.network import Network

            self.ip_network = Network(self.network, clock=self.clock, lab_listen=False)
            self.ip_network.startService()
            self.ip_network.attach(spec, random.Random(3))
        self.modem = Modem(spec, simulator.dialects.get("generic"), self.network, self.clock,
                           random.Random(1), store or NVStore(None), ip_network=self.ip_network)
        self.ports = [Port(self.modem, f"p{i}") for i in range(ports)]
        for port in self.ports:
            port.send(b"ATE0+CMEE=1\r")  # no echo, numeric +CME errors
        if power:
            self.modem.power_on()
        if registered:
            self.clock.advance(self.network.registration.delay)
        for port in self.ports:
            port.take()

    @property
    def port(self) -> Port:
        return self.ports[0]

    def at(self, line: str) -> str:
        return self.port.at(line)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)


def network_with_delay(delay: float, *operators: OperatorSpec) -> NetworkSpec:
    return NetworkSpec(operators=operators or NetworkSpec().operators,
                       registration=dataclasses.replace(RegistrationSpec(), delay=delay))


def spy(service, name: str) -> list:
    """Record the arguments of every call of ``service.name`` (which still runs): how a test
    shows that a command goes through a service."""
    calls = []
    original = getattr(service, name)

    def recording(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    setattr(service, name, recording)
    return calls
