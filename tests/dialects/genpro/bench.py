"""A GenPro modem on a task.Clock (or the real reactor) with a recorded AT port, and the
manual's framing: information text ``CR LF line CR LF`` then ``CR LF OK CR LF``, the
application's errors ``CR LF #CME ERROR: <code> CR LF``."""

from __future__ import annotations

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.dialects.genpro.service import GenproService
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import IpNetworkSpec
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import ERROR, OK, Port, info, urc

__all__ = ["ERROR", "OK", "GenproBench", "genpro_error", "info", "line", "urc"]


def genpro_error(code: int) -> str:
    return f"\r\n#CME ERROR: {code}\r\n"


def line(text: str) -> str:
    return f"\r\n{text}\r\n"


class GenproBench:
    """One GenPro modem, registered (unless ``registered=False``); with ``ip`` attached to a
    simulated IP network as ``twistd atsim`` wires it, with ``reactor`` on real time."""

    def __init__(self, *, store: NVStore | None = None, registered: bool = True,
                 network: NetworkSpec | None = None, ip: IpNetworkSpec | None = None,
                 reactor=None, expose=(), name: str = "genpro1") -> None:
        self.clock = reactor if reactor is not None else Clock()
        self.real = reactor is not None
        self.store = store if store is not None else NVStore(None)
        self.network_spec = network or NetworkSpec()
        spec = ModemSpec(name=name, n=1, dialect="genpro", sim=SimSpec(), expose=tuple(expose))
        self.network = None
        if ip is not None:
            self.network = Network(ip, clock=self.clock, reactor=reactor, lab_listen=False)
            self.network.startService()
            self.network.attach(spec, random.Random(2))
        self.modem = Modem(spec, simulator.dialects.get("genpro"), self.network_spec,
                           self.clock, random.Random(1), self.store, ip_network=self.network)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0\r")
        self.modem.power_on()
        if registered and not self.real:
            self.clock.advance(self.network_spec.registration.delay + 2)
        self.port.take()

    @property
    def genpro(self) -> GenproService:
        return self.modem.service(GenproService)

    def at(self, line: str) -> str:
        """``AT<line>``: everything the modem answered (zero-delay timers included)."""
        answer = self.port.at(line)
        self._run_due()
        return answer + self.port.take()

    def send(self, data: bytes) -> str:
        answer = self.port.send(data)
        self._run_due()
        return answer + self.port.take()

    def _run_due(self) -> None:
        if not self.real:
            self.clock.advance(0)

    def restart(self, **kw) -> GenproBench:
        """The same modem's flash in a new modem (atsim restarted on its state directory)."""
        return GenproBench(store=self.store, **kw)
