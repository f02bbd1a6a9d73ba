"""A Wavecom modem on a task.Clock hosting a tiny test-only Open AT application, "Toy": its
``#TOY`` commands are gated by ``+WOPEN`` and it is stopped until ``AT+WOPEN=1``, unlike
WIPSoft, so what the platform does for an application comes from the application's record."""

from __future__ import annotations

import random

from twisted.internet.task import Clock

from simulator.dialects.wavecom import OpenAtApplication, WavecomDialect, wavecom_services
from simulator.dialects.wavecom.wind import LEVEL_KEY
from simulator.modem.modem import Modem, Service
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import ERROR, OK, Port, cme, info, urc

__all__ = ["ERROR", "OK", "REGISTRATION", "TOY", "TOY_DIALECT", "TOY_KEY", "Port", "ToyService",
           "TwoModems", "WavecomBench", "cme", "elapse", "flashed", "info", "urc"]

#: The toy's one flash object.
TOY_KEY = "toy.value"


class ToyService(Service):
    """``#TOYVAL=<n>`` keeps a number in flash, ``#TOYVAL?`` reads it.  ``+WIPTOY`` is a
    command of the toy's service the toy application does not claim: the gate leaves it."""

    def register(self, table) -> None:
        table.add("#TOYVAL", set=self.set_value, read=self.read_value)
        table.add("+WIPTOY", exec=lambda call: call.info("+WIPTOY: here"))

    def set_value(self, call) -> None:
        call.params.at_most(1)
        self.modem.store.put(TOY_KEY, call.params.int(0, 0, 99))

    def read_value(self, call) -> None:
        call.info(f"#TOYVAL: {self.modem.store.get(TOY_KEY, 0)}")


TOY = OpenAtApplication(
    name="Toy",
    commands=("#TOY",),
    runs_by_default=False,
    versions=("TOY v1.0",),
    revision_versions={"2": ("TOY v2.0", "AT v03.12")},
    flash_objects=(TOY_KEY,),
)

TOY_DIALECT = WavecomDialect(name="toy", application=TOY, services=wavecom_services(ToyService))

REGISTRATION = NetworkSpec().registration.delay


def elapse(clock, seconds: float, step: float = 0.05) -> None:
    """Let ``seconds`` pass in small steps: task.Clock runs a timer set by another timer only
    on a later advance."""
    end = clock.seconds() + seconds
    while clock.seconds() + step < end:
        clock.advance(step)
    clock.advance(max(0.0, end - clock.seconds()))


def flashed(level: int) -> NVStore:
    """A flash holding ``+WIND`` level ``level``."""
    store = NVStore(None)
    store.put(LEVEL_KEY, level)
    return store


class WavecomBench:
    """One modem of ``dialect`` (the toy by default), registered unless told otherwise, its
    ports' output taken."""

    def __init__(self, *, dialect: WavecomDialect = TOY_DIALECT, store: NVStore | None = None,
                 ports: int = 1, cmee: int = 1, sim: SimSpec | None = None,
                 registered: bool = True, revision: str | None = None) -> None:
        self.clock = Clock()
        self.dialect = dialect
        self.store = store if store is not None else NVStore(None)
        spec = ModemSpec(name="wavecom1", n=1, dialect=dialect.name, revision=revision,
                         sim=sim or SimSpec())
        self.modem = Modem(spec, dialect, NetworkSpec(), self.clock, random.Random(1),
                           self.store)
        self.ports = [Port(self.modem, f"uart{i + 1}") for i in range(ports)]
        for port in self.ports:
            port.send(f"ATE0+CMEE={cmee}\r".encode())
        self.modem.power_on()
        if registered:
            self.clock.advance(REGISTRATION)
        for port in self.ports:
            port.take()

    @property
    def port(self) -> Port:
        return self.ports[0]

    def at(self, line: str) -> str:
        answer = self.port.at(line)
        self.clock.advance(0)
        return answer + self.port.take()

    def restart(self) -> WavecomBench:
        """The same modem's flash in a new modem (atsim restarted on its state directory)."""
        return WavecomBench(dialect=self.dialect, store=self.store, ports=len(self.ports),
                            revision=self.modem.spec.revision)


class TwoModems:
    """Two modems of ``dialect`` on one network, registered, calling each other by number."""

    A_NUMBER, B_NUMBER = "+33611111111", "+33622222222"

    def __init__(self, level: int = 255, dialect: WavecomDialect = TOY_DIALECT) -> None:
        self.clock = Clock()
        self.spec = NetworkSpec()
        self.network = Network(self.spec, clock=self.clock, lab_listen=False)
        self.network.startService()
        self.a = self._modem(dialect, "wavecom-a", self.A_NUMBER, level)
        self.b = self._modem(dialect, "wavecom-b", self.B_NUMBER, level)
        elapse(self.clock, REGISTRATION)
        self.pa, self.pb = self.a.port, self.b.port
        self.pa.take(), self.pb.take()

    def _modem(self, dialect: WavecomDialect, name: str, msisdn: str, level: int) -> Modem:
        modem_spec = ModemSpec(name=name, n=1, dialect=dialect.name, msisdn=msisdn)
        self.network.attach(modem_spec, random.Random(name))
        modem = Modem(modem_spec, dialect, self.spec, self.clock, random.Random(1), flashed(level),
                      ip_network=self.network)
        modem.port = Port(modem, "uart1")
        modem.port.send(b"ATE0\r")
        modem.power_on()
        return modem

    def advance(self, seconds: float) -> None:
        elapse(self.clock, seconds)
