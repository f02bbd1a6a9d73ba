"""The simulated network as one object: what the modems, the dialects and the control plane
use.

    network = Network(spec, clock=reactor, reactor=reactor)
    network.attach_modem("lab-1", rng=rng, msisdn="+33600000001", link="edge")
    bearer = yield network.activate("lab-1", "internet")
    network.dial("lab-1", "+33600000002")

It is a ``MultiService``: starting it opens the lab services' loopback listeners; stopping
closes them and every exposure.  ``clock`` drives every delay; ``reactor`` (IReactorTCP and
IReactorUDP) is used only for real sockets, and without it nothing real is reachable.
``state_dir`` keeps the lab CA (``lab_ca``) from one run to the next; without it the CA lives
in a temporary directory for this run only.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from twisted.application.service import MultiService
from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime

from simulator.logs import Logger
from simulator.network.apn import Apns, Bearer
from simulator.network.calls import Calls
from simulator.network.expose import Exposer, Exposure
from simulator.network.hosts import Hosts
from simulator.network.lab import Lab
from simulator.network.lab.ca import CA_DIR, LabCa
from simulator.network.links import PRESETS, Link, LinkParams
from simulator.network.router import Router
from simulator.network.spec import ExposeSpec, IpNetworkSpec, LinkSpec, NetworkSpec
from simulator.network.subscribers import Subscriber

if TYPE_CHECKING:
    from simulator.modem.spec import ModemSpec

log = Logger(namespace="atsim.network")


def link_table(custom: tuple[LinkSpec, ...]) -> dict[str, LinkParams]:
    """Presets plus the scenario's named links (each a preset with some figures changed)."""
    table = dict(PRESETS)
    for spec in custom:
        changes = {f.name: getattr(spec, f.name) for f in dataclasses.fields(LinkParams)
                   if getattr(spec, f.name, None) is not None}
        table[spec.name] = dataclasses.replace(table[spec.preset], **changes)
    return table


class Network(MultiService):
    def __init__(self, spec: NetworkSpec | IpNetworkSpec | None = None, *,
                 clock: IReactorTime, reactor=None, lab_listen: bool = True,
                 state_dir: Path | None = None) -> None:
        super().__init__()
        self.setName("network")
        spec = spec if spec is not None else IpNetworkSpec()
        self.spec = spec
        self.state_dir = state_dir
        self._lab_ca: LabCa | None = None
        self.clock = clock
        self.reactor = reactor
        self.hosts = Hosts(spec.hosts)
        self.router = Router(clock, self.hosts, allow=spec.allow, reactor=reactor)
        self.apns = Apns(spec.apns, clock, self.router)
        self.links = link_table(spec.links.custom)
        if spec.links.default not in self.links:
            raise ValueError(f"links.default: unknown link {spec.links.default!r}")
        self.subscribers: dict[str, Subscriber] = {}
        self.exposer = Exposer(self.router, reactor) if reactor is not None else None
        self.router.exposer = self.exposer
        self.calls = Calls(self, spec.numbers)  # before the lab: it runs the ISPs' DNS
        self.lab = Lab(self, listen=lab_listen and reactor is not None)
        self.lab.setServiceParent(self)

    @property
    def lab_ca(self) -> LabCa:
        """The lab CA, made on first use (by a TLS service, or a modem that verifies)."""
        if self._lab_ca is None:
            base = self.state_dir
            if base is None:
                base = Path(tempfile.mkdtemp(prefix="atsim-state-"))
            self._lab_ca = LabCa.open(base / CA_DIR)
        return self._lab_ca

    # -- modems -------------------------------------------------------------------------------

    def attach_modem(self, name: str, *, rng: random.Random | None = None,
                     msisdn: str | None = None, link: str | None = None,
                     expose: tuple[ExposeSpec, ...] = ()) -> Subscriber:
        """Make a modem known to the network.  ``rng`` is the modem's seeded generator (a
        generator seeded with the name if None); ``link`` a preset or custom link name."""
        if name in self.subscribers:
            raise ValueError(f"modem {name!r} is already attached")
        link_name = link or self.spec.links.default
        try:
            params = self.links[link_name]
        except KeyError:
            raise ValueError(f"{name}: unknown link {link_name!r}") from None
        rng = rng if rng is not None else random.Random(name)
        subscriber = Subscriber(name, Link(link_name, params, rng, owner=name), rng,
                                msisdn=msisdn, expose=expose)
        self.subscribers[name] = subscriber
        return subscriber

    def attach(self, spec: ModemSpec, rng: random.Random) -> Subscriber:
        """Attach a modem of the scenario, with its number, link and exposures."""
        return self.attach_modem(spec.name, rng=rng, msisdn=spec.msisdn, link=spec.link,
                                 expose=spec.expose)

    def subscriber(self, name: str) -> Subscriber:
        """The attached modem ``name``; attached with defaults on first use."""
        subscriber = self.subscribers.get(name)
        return subscriber if subscriber is not None else self.attach_modem(name)

    def link(self, modem: str) -> Link:
        return self.subscriber(modem).link

    def bearers(self, modem: str) -> list[Bearer]:
        return sorted(self.subscriber(modem).bearers, key=lambda b: b.address)

    # -- what modems do -----------------------------------------------------------------------

    def activate(self, modem: str, apn: str, user: str | None = None,
                 password: str | None = None) -> defer.Deferred:
        """Activate a PDP context: ``Deferred[Bearer]`` or ``ActivationError``."""
        return self.apns.activate(self.subscriber(modem), apn, user, password)

    def resolve(self, name: str) -> str:
        """The hosts table's answer for ``name`` (``RouteError(NAME_NOT_FOUND)``)."""
        return self.router.resolver.resolve(name)

    def dial(self, from_modem: str, number: str, *, timeout: float | None = None):
        """A CSD call: ``Deferred[Call]`` or ``CallError`` (see ``calls``)."""
        return self.calls.dial(self.subscriber(from_modem), number, timeout=timeout)

    def on_incoming_call(self, modem: str, handler) -> None:
        """``handler(IncomingCall)`` for every call to ``modem``; None removes it."""
        self.calls.set_handler(self.subscriber(modem), handler)

    # -- observation --------------------------------------------------------------------------

    def exposures(self, modem: str | None = None) -> list[Exposure]:
        """Where modem listeners are reachable from the host right now."""
        if self.exposer is None:
            return []
        return [e for e in self.exposer.exposures
                if not e.closed and (modem is None or e.modem == modem)]

    def lab_endpoints(self) -> list:
        """The lab services' real loopback listeners (see ``Lab.endpoints``)."""
        return self.lab.endpoints()

    def stopService(self):
        if self.exposer is not None:
            self.exposer.close_all()
        return super().stopService()
