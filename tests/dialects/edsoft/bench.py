"""An eDsoft modem on a task.Clock with a recorded AT port, and the manual's framing.

The manual prints responses one per table line without CR/LF; ``info``, ``edsoft_error``
and ``urc`` put the framing back: information text ``CR LF line CR LF`` then ``CR LF OK CR
LF``, the application's errors ``CR LF #CME ERROR: <code> CR LF``.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.dialects.atsharp.connection import gateway_of
from simulator.dialects.atsharp.link import LinkKind
from simulator.dialects.edsoft.service import EdsoftService
from simulator.modem.gprs import GprsService
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import IpNetworkSpec
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import ERROR, OK, Port, info, urc

__all__ = ["ERROR", "OK", "EdsoftBench", "edsoft_error", "info", "urc"]


def edsoft_error(code: int) -> str:
    return f"\r\n#CME ERROR: {code}\r\n"


class EdsoftBench:
    """One eDsoft modem, registered, with the application started (``AT+WOPEN=1``, 002 A.1)
    unless ``started=False``, and GPRS-attached with ``AT+CGATT=1`` as 002 A.4 does (the module
    starts detached, decision E103) unless ``attached=False``.

    With ``ip`` it is attached to a simulated IP network wired as ``twistd atsim`` wires it;
    with ``reactor`` that is the clock too and time passes for real (the caller waits); with
    ``shared`` it joins that bench's network and clock (two modems calling each other)."""

    def __init__(self, *, store: NVStore | None = None, started: bool = True,
                 registered: bool = True, attached: bool = True, sim: SimSpec | None = None,
                 network: NetworkSpec | None = None, ip: IpNetworkSpec | None = None,
                 reactor=None, expose=(), name: str = "edsoft1", n: int = 1,
                 msisdn: str | None = None, shared: EdsoftBench | None = None) -> None:
        if shared is not None:  # a second modem on the first one's network and clock
            self.clock, self.real = shared.clock, shared.real
        else:
            self.clock = reactor if reactor is not None else Clock()
            self.real = reactor is not None
        self.store = store if store is not None else NVStore(None)
        self.network_spec = network or NetworkSpec()
        spec = ModemSpec(name=name, n=n, dialect="edsoft", sim=sim or SimSpec(),
                         msisdn=msisdn, expose=tuple(expose))
        self.network = None
        if shared is not None:
            self.network = shared.network
            self.network.attach(spec, random.Random(n + 1))
        elif ip is not None:
            self.network = Network(ip, clock=self.clock, reactor=reactor, lab_listen=False)
            self.network.startService()
            self.network.attach(spec, random.Random(2))
        self.modem = Modem(spec, simulator.dialects.get("edsoft"), self.network_spec,
                           self.clock, random.Random(1), self.store, ip_network=self.network)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0\r")
        self.modem.power_on()
        if started:
            self.port.take()
            assert self.at("+WOPEN=1") == OK
            self.port.send(b"ATE0\r")  # the reset restored the stored profile
        if registered and not self.real:
            self.clock.advance(self.network_spec.registration.delay + 2)
            if attached:
                self.port.take()
                assert self.at("+CGATT=1") == OK
                self.clock.advance(self.network_spec.registration.attach_time)
        self.port.take()

    def link_up(self, apn: str = "internet"):
        """Open a GPRS link for the service commands the way ``AT#CONNECTIONSTART`` does,
        without going through it (tests of mail, FTP, TCP, UDP and ping).  Returns the
        Deferred of the activation; on a task.Clock it has fired when this returns."""
        gprs = self.modem.service(GprsService)
        d = gprs.activate(apn)

        def established(bearer):
            self.edsoft.link.established(bearer, LinkKind.GPRS, gateway_of(bearer.address))
            return bearer

        d.addCallback(established)
        if not self.real:
            self.clock.advance(0)
        return d

    @property
    def edsoft(self) -> EdsoftService:
        return self.modem.service(EdsoftService)

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
        """Run what is due now (a task.Clock; the real reactor runs it by itself)."""
        if not self.real:
            self.clock.advance(0)

    def restart(self, **kw) -> EdsoftBench:
        """The same modem's flash in a new modem (atsim restarted on its state directory)."""
        return EdsoftBench(store=self.store, **kw)
