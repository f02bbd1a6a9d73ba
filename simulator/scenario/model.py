"""The validated scenario: what the rest of atsim reads.  Built by ``simulator.scenario.loader``
from a YAML file; every template (``{n}``, ``{7000+n}``) is already expanded and every path is
absolute.  Later keys extend these classes; none of the fields here change meaning.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path

from simulator.cmux.config import CmuxSettings


@dataclasses.dataclass(frozen=True)
class Source:
    """Where a value was written, for messages: ``scenario.yaml:12: modems[0].ports[1].tcp``."""

    file: Path
    line: int
    key: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}"


@dataclasses.dataclass(frozen=True)
class IdentitySpec:
    """Overrides of the dialect's identity; None keeps the dialect's default."""

    manufacturer: str | None = None
    model: str | None = None
    revision: str | None = None
    imei: str | None = None


@dataclasses.dataclass(frozen=True)
class SimSpec:
    present: bool = True
    pin: str | None = None  # None: no PIN lock, +CPIN: READY at power-on
    puk: str = "12345678"
    pin2: str = "1234"
    puk2: str = "12345678"
    imsi: str = "001010000000001"
    iccid: str = "89001010000000000001"
    msisdn: str | None = None


@dataclasses.dataclass(frozen=True)
class PortSpec:
    """One host-facing port of a modem: an independent AT channel."""

    kind: str  # "pty" | "tcp" | "rfc2217" | "serial"
    #: pty: absolute symlink path; tcp/rfc2217: Twisted server endpoint string;
    #: serial: device path.
    target: str
    baudrate: int = 115200
    source: Source | None = None

    @property
    def label(self) -> str:
        """How the port is named in logs: ``pty /abs/dev/lab-1``,
        ``tcp tcp:7001:interface=127.0.0.1``, ``serial /dev/ttyS1``."""
        return f"{self.kind} {self.target}"


@dataclasses.dataclass(frozen=True)
class ExposeSpec:
    """A modem listener published on the host: ``expose: {"tcp/80": "tcp:18001"}``."""

    protocol: str  # "tcp" | "udp"
    port: int  # the modem's port
    endpoint: str  # a Twisted server endpoint string; udp: ``udp:PORT[:interface=ADDR]``


@dataclasses.dataclass(frozen=True)
class ModemSpec:
    name: str
    n: int  # position in its template, 1..count
    dialect: str = "generic"
    identity: IdentitySpec = IdentitySpec()
    sim: SimSpec = SimSpec()
    ports: tuple[PortSpec, ...] = ()
    source: Source | None = None
    #: The firmware revision of the dialect's command set (WIP: "5.01" or "2.01"), for
    #: dialects that simulate several; None: the dialect's default.
    revision: str | None = None
    #: The modem's own number (others dial it for a CSD call; +CNUM shows it).
    msisdn: str | None = None
    #: Its link: a preset or a ``network.links`` name; None: ``network.links.default``.
    link: str | None = None
    #: Listeners published at fixed host endpoints (the others get ephemeral loopback ones).
    expose: tuple[ExposeSpec, ...] = ()
    #: What the modem's 27.010 multiplexer supports (``cmux:``); None: the defaults.
    cmux: CmuxSettings | None = None


@dataclasses.dataclass(frozen=True)
class OperatorSpec:
    mcc: str
    mnc: str
    name: str
    tech: str = "gsm"  # gsm | gprs | edge | umts | lte
    short_name: str | None = None  # +COPS format 1; defaults to name
    lac: int = 0x1A2B
    cell_id: int = 0x01C3D4E

    @property
    def numeric(self) -> str:
        return self.mcc + self.mnc


@dataclasses.dataclass(frozen=True)
class RegistrationSpec:
    delay: float = 2.0  # seconds from power-on / CFUN=1 to registered
    #: +CSQ <rssi> (0..31, 99 unknown) while registered.
    rssi: int = 20
    ber: int = 99


#: ``apns:`` entry matching every APN name not listed explicitly.
ANY_APN = "*"


@dataclasses.dataclass(frozen=True)
class ApnSpec:
    name: str  # matched case-insensitively, as APNs are (3GPP TS 23.003 §9.1); or ANY_APN
    pool: ipaddress.IPv4Network
    dns: tuple[ipaddress.IPv4Address, ...] = ()
    activation_delay: float = 0.0  # seconds
    failure_probability: float = 0.0
    #: Checked only when given: an APN without user/password accepts any credentials.
    user: str | None = None
    password: str | None = None


#: The ports each lab service answers on.
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
    """One lab service of a host: ``kind`` is echo, discard, daytime, dns, ntp, http, ftp,
    smtp or pop3.  ``root`` serves http and ftp, ``maildir`` smtp and pop3; ``users`` (name,
    password) guard ftp, smtp and pop3 (none: any login is accepted)."""

    kind: str
    root: Path | None = None
    maildir: Path | None = None
    users: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class PingSpec:
    enabled: bool = True
    rtt: float | None = None  # seconds; None: the round trip of the modem's link


@dataclasses.dataclass(frozen=True)
class ForwardSpec:
    """Where a host's ports lead in the real world.  One form is used: ``address`` (every
    port to the same port there), ``endpoint`` (every port to one host:port), or ``ports``
    (the listed ports only; the others are refused)."""

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
    address: ipaddress.IPv4Address | None = None  # None: allocated (a literal is its own)
    services: tuple[ServiceSpec, ...] = ()
    ping: PingSpec = PingSpec()
    forward: ForwardSpec | None = None


#: Where an ``isp:`` without ``pool`` hands out addresses: the start of RFC 6598's shared
#: address space, which carriers give their subscribers, so an address from it reads as an
#: ISP's and never clashes with a lab host (198.18.0.0/15) or a documentation range.
DEFAULT_ISP_POOL = ipaddress.IPv4Network("100.64.0.0/16")


@dataclasses.dataclass(frozen=True)
class IspSpec:
    """A dial-up Internet service provider: the PPP login it accepts, the addresses it gives
    (its own is the first of ``pool``), and its name servers (none given: its own address,
    where atsim's DNS answers)."""

    login: str
    password: str
    pool: ipaddress.IPv4Network = DEFAULT_ISP_POOL
    dns: tuple[ipaddress.IPv4Address, ...] = ()


@dataclasses.dataclass(frozen=True)
class NumberSpec:
    """A number a modem can dial for a CSD call: exactly one target is set."""

    number: str
    modem: str | None = None
    forward: tuple[str, int] | None = None
    isp: IspSpec | None = None
    source: Source | None = None


@dataclasses.dataclass(frozen=True)
class LinkSpec:
    """A named link: a preset with some figures changed (None keeps the preset's)."""

    name: str
    preset: str = "gprs"
    latency: float | None = None  # one way, seconds
    jitter: float | None = None  # seconds
    up: float | None = None  # bit/s, modem to network
    down: float | None = None  # bit/s, network to modem
    loss: float | None = None  # datagram loss probability, each direction
    mtu: int | None = None


@dataclasses.dataclass(frozen=True)
class LinksSpec:
    default: str = "gprs"  # a preset or a name in ``custom``
    custom: tuple[LinkSpec, ...] = ()


@dataclasses.dataclass(frozen=True)
class NetworkSpec:
    operators: tuple[OperatorSpec, ...] = (
        OperatorSpec(mcc="001", mnc="01", name="Test Network", tech="gsm"),
    )
    registration: RegistrationSpec = RegistrationSpec()
    #: Without ``apns:`` the network behaves like an operator's default: any APN name gets
    #: an address at once (10.64.0.0/16) and the DNS server 10.64.255.53.
    apns: tuple[ApnSpec, ...] = (
        ApnSpec(ANY_APN, ipaddress.IPv4Network("10.64.0.0/16"),
                (ipaddress.IPv4Address("10.64.255.53"),)),
    )
    hosts: tuple[HostSpec, ...] = ()
    allow: tuple[ipaddress.IPv4Network, ...] = ()  # empty: nothing real is reachable
    numbers: tuple[NumberSpec, ...] = ()
    links: LinksSpec = LinksSpec()


@dataclasses.dataclass(frozen=True)
class Scenario:
    path: Path  # the scenario file (absolute)
    modems: tuple[ModemSpec, ...] = ()
    network: NetworkSpec = NetworkSpec()

    @property
    def directory(self) -> Path:
        return self.path.parent
