"""Lab services: real Twisted servers that lab hosts offer on their standard ports.

Each service of a host is one Twisted server (a factory for TCP, a ``DatagramProtocol`` for
UDP) reached two ways:

* by modems, at the host's virtual address and standard port (``203.0.113.10:80``): the
  router hands the connection to the factory in memory, across the modem's link;
* by programs on the host (a test, an instructor's browser or mail client), at a real
  loopback port chosen when the network starts, listed by ``Lab.endpoints`` and logged.

Both reach the same server state: a file PUT by a modem is served to the browser, a mail a
modem sent is in the maildir POP3 serves.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING

from twisted.application.service import Service
from twisted.internet.address import IPv4Address

from simulator.logs import Logger
from simulator.network.hosts import Host
from simulator.network.lab.basic import Daytime, Discard, Echo
from simulator.network.lab.dns import Dns
from simulator.network.lab.ntp import Ntp
from simulator.network.spec import ServiceSpec

if TYPE_CHECKING:
    from simulator.network.network import Network

log = Logger(namespace="atsim.network.lab")


#: The server class of each service kind; the heavier ones (web, FTP, mail) are imported on
#: first use, as "module:Class".
KINDS: dict[str, type | str] = {
    "echo": Echo,
    "discard": Discard,
    "daytime": Daytime,
    "dns": Dns,
    "ntp": Ntp,
    "http": "simulator.network.lab.web:Http",
    "ftp": "simulator.network.lab.ftp:Ftp",
    "smtp": "simulator.network.lab.mail:Smtp",
    "pop3": "simulator.network.lab.mail:Pop3",
    "tls-echo": "simulator.network.lab.tls:TlsEcho",
    "https": "simulator.network.lab.tls:Https",
}


def server_class(kind: str) -> type:
    found = KINDS[kind]
    if isinstance(found, str):
        module, _, name = found.partition(":")
        found = getattr(importlib.import_module(module), name)
        KINDS[kind] = found
    return found


@dataclasses.dataclass
class LabContext:
    """What a service may use: the clock, the hosts table, the router (FTP data connections
    go back through it) and its own host."""

    network: Network
    host: Host

    @property
    def clock(self):
        return self.network.clock

    @property
    def hosts(self):
        return self.network.hosts

    @property
    def router(self):
        return self.network.router

    @property
    def reactor(self):
        return self.network.reactor


@dataclasses.dataclass(frozen=True)
class LabEndpoint:
    """Where a lab service listens for real: ``host``'s ``kind`` on ``protocol``/``port``
    (its virtual port) is ``real_host:real_port`` on the loopback interface."""

    host: str
    address: str
    kind: str
    protocol: str
    port: int
    real_host: str
    real_port: int


@dataclasses.dataclass
class _Running:
    host: Host
    spec: ServiceSpec
    server: object


class Lab(Service):
    """Every lab service of the scenario, wired into the router at construction; loopback
    listeners open when the service starts (if ``listen``)."""

    def __init__(self, network: Network, *, listen: bool = True) -> None:
        self.network = network
        self.listen = listen
        self.servers: list[_Running] = []
        self._real: list[tuple[LabEndpoint, object]] = []
        self._factories: list = []
        declared_dns = set()
        for host in list(network.hosts):
            spec = host.spec
            for service in spec.services if spec is not None else ():
                self._add(host, service)
                if service.kind == "dns":
                    declared_dns.add(host.address)
        # Every APN's and ISP's DNS server answers, whether or not hosts: lists it.
        servers = network.apns.dns_servers() | network.calls.dns_servers()
        for address in sorted(servers - declared_dns):
            self._add(network.hosts.ensure(address), ServiceSpec("dns"))

    def _add(self, host: Host, spec: ServiceSpec) -> None:
        server = server_class(spec.kind)(spec, LabContext(self.network, host))
        self.servers.append(_Running(host, spec, server))
        router = self.network.router
        address = str(host.address)
        for protocol_name, port in spec.endpoints:
            if protocol_name == "tcp":
                factory = server.tcp_factory(port)
                if factory not in self._factories:
                    factory.doStart()
                    self._factories.append(factory)
                router.listen_lab(address, port, _acceptor(factory))
            else:
                router.open_lab_udp(address, port, server.udp_protocol(port))

    def server(self, host: str, kind: str):
        """The server object of ``host``'s ``kind`` service (``lab.server("www", "http")``)."""
        for running in self.servers:
            if running.spec.kind == kind and (host in running.host.names
                                              or host == str(running.host.address)):
                return running.server
        raise KeyError(f"no {kind} service on {host}")

    def endpoints(self) -> list[LabEndpoint]:
        return [endpoint for endpoint, _ in self._real]

    def startService(self) -> None:
        super().startService()
        if not self.listen:
            return
        reactor = self.network.reactor
        for running in self.servers:
            for protocol_name, port in running.spec.endpoints:
                if protocol_name == "tcp":
                    listening = reactor.listenTCP(0, running.server.tcp_factory(port),
                                                  interface="127.0.0.1")
                else:
                    listening = reactor.listenUDP(0, running.server.udp_protocol(port),
                                                  interface="127.0.0.1")
                real = listening.getHost()
                endpoint = LabEndpoint(running.host.label, str(running.host.address),
                                       running.spec.kind, protocol_name, port, real.host,
                                       real.port)
                self._real.append((endpoint, listening))
                log.info("lab: {host} ({address}) {kind} {protocol}/{port} listens at "
                         "{real_host}:{real_port}", **dataclasses.asdict(endpoint))

    def stopService(self):
        super().stopService()
        for _, listening in self._real:
            listening.stopListening()
        self._real.clear()
        for factory in self._factories:
            factory.doStop()
        self._factories.clear()


def _acceptor(factory):
    def accept(peer: tuple[str, int]):
        return factory.buildProtocol(IPv4Address("TCP", *peer))

    return accept
