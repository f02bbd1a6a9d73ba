"""A WIP modem on a task.Clock with recorded AT ports, and the manuals' framing.

The manuals print examples without CR/LF (001 §2.2: "In the following examples <CR> and
<CR><LF> are intentionally omitted"); ``info``, ``cme`` and ``urc`` put the V.250 framing
back: information text ``CR LF line CR LF`` then ``CR LF OK CR LF``, URCs ``CR LF line CR LF``.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.dialects.wip.service import WipService
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import IpNetworkSpec
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import ERROR, OK, Port, cme, info, urc

__all__ = ["ERROR", "OK", "Port", "WipBench", "cme", "info", "urc", "lines"]


def lines(*texts: str) -> str:
    """Information lines without a final result (the way +WIPBR? lines continue)."""
    return "\r\n" + "".join(f"{t}\r\n" for t in texts)


class WipBench:
    def __init__(self, *, revision: str | None = None, store: NVStore | None = None,
                 ports: int = 1, cmee: int = 1, sim: SimSpec | None = None,
                 network: NetworkSpec | None = None, registered: bool = True,
                 ip: IpNetworkSpec | None = None, reactor=None, expose=()) -> None:
        # With a reactor, it is the clock too and time passes for real (the caller waits).
        self.clock = reactor if reactor is not None else Clock()
        self.real = reactor is not None
        self.store = store if store is not None else NVStore(None)
        self.network_spec = network or NetworkSpec()
        spec = ModemSpec(name="wip1", n=1, dialect="wip", revision=revision,
                         sim=sim or SimSpec(), expose=tuple(expose))
        #: The simulated IP world (``ip`` given): wired to the modem as twistd atsim does.
        self.network = None
        if ip is not None:
            self.network = Network(ip, clock=self.clock, reactor=reactor, lab_listen=False)
            self.network.startService()
            self.network.attach(spec, random.Random(2))
        self.modem = Modem(spec, simulator.dialects.get("wip"), self.network_spec, self.clock,
                           random.Random(1), self.store, ip_network=self.network)
        self.ports = [Port(self.modem, f"uart{i + 1}") for i in range(ports)]
        for port in self.ports:
            port.send(f"ATE0+CMEE={cmee}\r".encode())
        self.modem.power_on()
        if registered and not self.real:
            self.clock.advance(self.network_spec.registration.delay)
        for port in self.ports:
            port.take()

    @property
    def wip(self) -> WipService:
        return self.modem.service(WipService)

    @property
    def port(self) -> Port:
        return self.ports[0]

    def at(self, line: str) -> str:
        """``AT<line>`` on the first port: what it answers, zero-delay timers included (the
        network settles even an immediate activation through the clock)."""
        answer = self.port.at(line)
        if not self.real:
            self.clock.advance(0)
        return answer + self.port.take()

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def restart(self) -> WipBench:
        """The same modem's flash in a new modem (atsim restarted on its state directory)."""
        return WipBench(revision=self.modem.spec.revision, store=self.store,
                        ports=len(self.ports))
