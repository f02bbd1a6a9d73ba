"""The lab hosts of ``hosts:``: names, virtual addresses, what answers on which port.

A host is reachable only inside atsim: its address (given, its own literal, or allocated from
198.18.0.0/15, the range RFC 2544 sets aside for benchmarking, so it never clashes with a
real destination) exists in the routing table and nowhere else.  Lab services and
``forward:`` targets are attached to it by port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from simulator.network.spec import ForwardSpec, HostSpec, PingSpec

#: A host answers pings unless told otherwise.
DEFAULT_PING = PingSpec()

#: Where hosts without an ``address:`` get theirs.
ALLOCATION_NETWORK = ipaddress.IPv4Network("198.18.0.0/15")


def normalise_name(name: str) -> str:
    """DNS names compare without case and without the root's trailing dot."""
    return name.rstrip(".").lower()


def ipv4_literal(text: str) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


class Host:
    """One lab host.  ``names`` are the DNS names it answers to (none for a literal)."""

    def __init__(self, address: ipaddress.IPv4Address, names: Iterable[str] = (), *,
                 ping: PingSpec = DEFAULT_PING, forward: ForwardSpec | None = None,
                 spec: HostSpec | None = None) -> None:
        self.address = address
        self.names = [normalise_name(n) for n in names]
        self.ping = ping
        self.forward = forward
        self.spec = spec

    def __repr__(self) -> str:
        return f"<Host {self.label} {self.address}>"

    @property
    def label(self) -> str:
        return self.names[0] if self.names else str(self.address)

    def forward_target(self, port: int) -> tuple[str, int] | None:
        return self.forward.target(port) if self.forward is not None else None


class Hosts:
    """Every host, by name and by address."""

    def __init__(self, specs: Iterable[HostSpec] = ()) -> None:
        self._by_name: dict[str, Host] = {}
        self._by_address: dict[ipaddress.IPv4Address, Host] = {}
        specs = list(specs)
        taken = {s.address for s in specs if s.address is not None}
        taken |= {a for s in specs if (a := ipv4_literal(s.name)) is not None}
        free = (a for a in ALLOCATION_NETWORK.hosts() if a not in taken)
        for spec in specs:
            literal = ipv4_literal(spec.name)
            address = spec.address or literal or next(free)
            names = () if literal is not None else (spec.name,)
            self.add(Host(address, names, ping=spec.ping, forward=spec.forward, spec=spec))

    def __iter__(self):
        return iter(self._by_address.values())

    def add(self, host: Host) -> Host:
        if host.address in self._by_address:
            other = self._by_address[host.address]
            raise ValueError(f"{host.label}: address {host.address} is already {other.label}'s")
        for name in host.names:
            if name in self._by_name:
                raise ValueError(f"host name {name!r} is given twice")
        self._by_address[host.address] = host
        for name in host.names:
            self._by_name[name] = host
        return host

    def ensure(self, address: ipaddress.IPv4Address) -> Host:
        """The host at ``address``, created bare if there is none (a DNS server address)."""
        return self._by_address.get(address) or self.add(Host(address))

    def by_name(self, name: str) -> Host | None:
        return self._by_name.get(normalise_name(name))

    def by_address(self, address: str | ipaddress.IPv4Address) -> Host | None:
        if isinstance(address, str):
            address = ipv4_literal(address)
            if address is None:
                return None
        return self._by_address.get(address)
