"""A Fibocom NL668 (``dialect: mip``) on a task.Clock with a recorded AT port, registered on
an LTE cell, and optionally attached to a simulated IP network with lab hosts.

The manual prints each response line alone; ``info`` and ``urc`` put the V.250 framing back
(``CR LF line CR LF``, then ``CR LF OK CR LF``)."""

from __future__ import annotations

import ipaddress
import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import (
    ApnSpec,
    HostSpec,
    IpNetworkSpec,
    LinksSpec,
    OperatorSpec,
    ServiceSpec,
    TlsSpec,
)
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import ERROR, OK, Port, cme, info, urc

__all__ = ["ERROR", "LAB", "OK", "MipBench", "cme", "info", "urc"]

LTE_CELL = NetworkSpec(operators=(OperatorSpec(mcc="001", mnc="01", name="CHN-CT",
                                               short_name="CT", tech="lte"),))
DNS = ipaddress.IPv4Address("10.64.255.53")
#: The server of the manual's chapter 3, as a lab host echoing on the ports it uses there.
SERVER = HostSpec("111.231.250.105", services=(ServiceSpec("echo", ports=(3000, 5000, 5092)),))
NAMED = HostSpec("echo.lab", address=ipaddress.IPv4Address("192.0.2.7"),
                 services=(ServiceSpec("echo"),))
#: The first address handed out is the one §3.1 shows.
LAB = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.34.7.211/32"), dns=(DNS,)),),
                    hosts=(SERVER, NAMED), links=LinksSpec(default="ideal"))


class MipBench:
    def __init__(self, *, ip: IpNetworkSpec | None = LAB, network: NetworkSpec = LTE_CELL,
                 sim: SimSpec | None = None, registered: bool = True, reactor=None,
                 store: NVStore | None = None, expose=(), tls: TlsSpec | None = None,
                 state_dir=None) -> None:
        self.clock = reactor if reactor is not None else Clock()
        self.real = reactor is not None
        self.network_spec = network
        spec = ModemSpec(name="nl668", n=1, dialect="mip", sim=sim or SimSpec(),
                         expose=tuple(expose), tls=tls or TlsSpec())
        self.network = None
        if ip is not None:
            self.network = Network(ip, clock=self.clock, reactor=reactor, lab_listen=False,
                                   state_dir=state_dir)
            self.network.startService()
            self.network.attach(spec, random.Random(2))
        self.modem = Modem(spec, simulator.dialects.get("mip"), network, self.clock,
                           random.Random(1), store if store is not None else NVStore(None),
                           ip_network=self.network)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0\r")
        self.modem.power_on()
        if registered and not self.real:
            self.clock.advance(network.registration.delay + 1)
        self.port.take()

    def at(self, line: str) -> str:
        """``AT<line>``: everything the modem answered (zero-delay timers included)."""
        answer = self.port.at(line)
        if not self.real:
            self.clock.advance(0)
        return answer + self.port.take()

    def settle(self, seconds: float = 1.0, step: float = 0.01) -> str:
        """Let time pass in small steps; what the port showed meanwhile."""
        for _ in range(max(1, round(seconds / step))):
            self.clock.advance(step)
        return self.port.take()

    def online(self, apn: str = "CTNET") -> str:
        """``AT+MIPCALL=1,"<apn>"`` and its address line."""
        answer = self.at(f'+MIPCALL=1,"{apn}"') + self.settle()
        assert answer.startswith(OK + "\r\n+MIPCALL: "), answer
        return answer
