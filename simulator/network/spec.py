"""What the scenario says about the IP world: APNs, lab hosts, allowed real destinations, CSD
numbers and links.

These are plain frozen dataclasses, the shape the scenario loader produces under
``network:`` (``apns``, ``hosts``, ``allow``, ``numbers``, ``links``) and under each modem
(``msisdn``, ``link``, ``expose``).  Durations are seconds, rates bit/s, paths absolute.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path

#: APN entry matching every APN name not listed explicitly.
ANY_APN = "*"


@dataclasses.dataclass(frozen=True)
class ApnSpec:
    name: str  # matched case-insensitively, as APNs are (3GPP TS 23.003 §9.1)
    pool: ipaddress.IPv4Network
    dns: tuple[ipaddress.IPv4Address, ...] = ()
    activation_delay: float = 0.0
    failure_probability: float = 0.0
    #: Checked only when given: an APN without user/password accepts any credentials.
    user: str | None = None
    password: str | None = None


#: The lab services a host can offer, with the ports they answer on.
SERVICE_PORTS: dict[str, tuple[tuple[str, int], ...]] = {
    "echo": (("tcp", 7), ("udp", 7)),
    "discard": (("tcp", 9), ("udp", 9)),
    "daytime": (("tcp", 13), ("udp", 13)),
    "ftp": (("tcp", 21),),
    "smtp": (("tcp", 25), ("tcp", 587)),
    "dns": (("udp", 53), ("tcp", 53)),
    "http": (("tcp", 80),),
    "pop3": (("tcp", 110),),
    "ntp": (("udp", 123),),
}


@dataclasses.dataclass(frozen=True)
class ServiceSpec:
    """One lab service on a host.  Which fields matter depends on ``kind``: ``root`` for http
    and ftp, ``maildir`` for smtp and pop3, ``users`` for ftp, smtp and pop3 (no users: any
    login is accepted)."""

    kind: str  # a key of SERVICE_PORTS
    root: Path | None = None
    maildir: Path | None = None
    users: tuple[tuple[str, str], ...] = ()

    @property
    def ports(self) -> tuple[tuple[str, int], ...]:
        return SERVICE_PORTS[self.kind]


@dataclasses.dataclass(frozen=True)
class PingSpec:
    enabled: bool = True
    rtt: float | None = None  # None: the round trip of the modem's link


@dataclasses.dataclass(frozen=True)
class ForwardSpec:
    """Where a host's ports lead in the real world.  Exactly one form is used:
    ``address`` (every port to the same port there), ``endpoint`` (every port to one
    host:port), or ``ports`` (listed ports only; the others are refused)."""

    address: str | None = None
    endpoint: tuple[str, int] | None = None
    ports: tuple[tuple[int, tuple[str, int]], ...] = ()

    def target(self, port: int) -> tuple[str, int] | None:
        if self.address is not None:
            return (self.address, port)
        if self.endpoint is not None:
            return self.endpoint
        return dict(self.ports).get(port)


@dataclasses.dataclass(frozen=True)
class HostSpec:
    name: str  # a DNS name or an IPv4 literal
    address: ipaddress.IPv4Address | None = None  # None: allocated (literals are their own)
    services: tuple[ServiceSpec, ...] = ()
    ping: PingSpec = PingSpec()
    forward: ForwardSpec | None = None


@dataclasses.dataclass(frozen=True)
class IspSpec:
    login: str
    password: str


@dataclasses.dataclass(frozen=True)
class NumberSpec:
    """A number a modem can dial for a CSD call; exactly one of the three targets is set."""

    number: str
    modem: str | None = None
    forward: tuple[str, int] | None = None
    isp: IspSpec | None = None


@dataclasses.dataclass(frozen=True)
class LinkSpec:
    """A named link: a preset with some figures changed.  None keeps the preset's figure."""

    name: str
    preset: str = "gprs"
    latency: float | None = None  # one way, seconds
    jitter: float | None = None
    up: float | None = None  # bit/s, modem to network
    down: float | None = None  # bit/s, network to modem
    loss: float | None = None  # UDP datagram loss probability, each direction
    mtu: int | None = None


@dataclasses.dataclass(frozen=True)
class LinksSpec:
    default: str = "gprs"  # a preset name or a name in ``custom``
    custom: tuple[LinkSpec, ...] = ()


@dataclasses.dataclass(frozen=True)
class ExposeSpec:
    """A modem listener published on the host: ``"tcp/80": "tcp:18001:interface=127.0.0.1"``."""

    protocol: str  # "tcp" | "udp"
    port: int  # the modem's port
    endpoint: str  # a Twisted server endpoint string (udp: ``udp:PORT[:interface=ADDR]``)


@dataclasses.dataclass(frozen=True)
class IpNetworkSpec:
    """Everything under ``network:`` that concerns IP and calls."""

    apns: tuple[ApnSpec, ...] = ()
    hosts: tuple[HostSpec, ...] = ()
    allow: tuple[ipaddress.IPv4Network, ...] = ()  # empty: nothing real is reachable
    numbers: tuple[NumberSpec, ...] = ()
    links: LinksSpec = LinksSpec()
