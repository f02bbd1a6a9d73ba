"""What the simulated network is made of: its operators and how modems register, its APNs,
lab hosts, dial-up numbers and links, and what a modem publishes on the host (``expose``).
The scenario loader builds these from ``network:`` and ``modems[]``; ``IpNetworkSpec`` is the IP
part of a ``NetworkSpec`` alone, for code that builds a network without a scenario file.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
from pathlib import Path

from simulator.source import Source

#: Bytes of IP + TCP header in a segment: the payload of one segment is MTU minus this.
TCP_IP_HEADER = 40


@dataclasses.dataclass(frozen=True)
class LinkParams:
    """Figures of a link.  ``latency`` is the minimum one-way delay; every packet adds a
    random 0..``jitter``, so a round trip over the link takes about 2*latency + jitter.
    Rates are bit/s of payload; ``math.inf`` means unshaped.  ``loss`` applies to datagrams
    (UDP, ping), independently in each direction: TCP recovers from loss, so TCP bytes are
    never lost, only late."""

    latency: float = 0.0
    jitter: float = 0.0
    up: float = math.inf  # modem -> network
    down: float = math.inf  # network -> modem
    loss: float = 0.0
    mtu: int = 1500

    def __post_init__(self) -> None:
        if self.latency < 0 or self.jitter < 0:
            raise ValueError("latency and jitter cannot be negative")
        if self.up <= 0 or self.down <= 0:
            raise ValueError("rates must be positive (math.inf for unshaped)")
        if not 0.0 <= self.loss <= 1.0:
            raise ValueError("loss is a probability, 0..1")
        if self.mtu < TCP_IP_HEADER + 1:
            raise ValueError(f"an MTU below {TCP_IP_HEADER + 1} carries no TCP payload")

    @property
    def mss(self) -> int:
        return self.mtu - TCP_IP_HEADER

    @property
    def rtt(self) -> float:
        """The typical round trip: both one-way delays plus the mean jitter of each."""
        return 2 * self.latency + self.jitter


# Typical figures, not peak ones: what a device in a lab sees (see docs/network.md for the
# sources).  Round trip ~= 2*latency + jitter.
PRESETS: dict[str, LinkParams] = {
    # GSM circuit-switched data: 9.6 kbit/s each way, ~400 ms round trip.
    "gsm": LinkParams(latency=0.19, jitter=0.02, up=9_600, down=9_600),
    # GPRS multislot class 10, CS-2: ~40 kbit/s down, ~20 up, ~500 ms round trip.
    "gprs": LinkParams(latency=0.225, jitter=0.05, up=20_000, down=40_000),
    # EDGE class 10 (MCS-5..9 mix): ~160 kbit/s down, ~80 up, ~300 ms round trip.
    "edge": LinkParams(latency=0.14, jitter=0.02, up=80_000, down=160_000),
    # UMTS Release 99 bearer: 384 kbit/s down, 64 up, ~200 ms round trip.
    "umts": LinkParams(latency=0.09, jitter=0.02, up=64_000, down=384_000),
    # HSDPA category 6 with an R99 uplink: 3.6 Mbit/s down, 384 kbit/s up, ~100 ms.
    "hsdpa": LinkParams(latency=0.045, jitter=0.01, up=384_000, down=3_600_000),
    # LTE category 4, a typical rather than peak cell: 20 Mbit/s down, 10 up, ~50 ms.
    "lte": LinkParams(latency=0.0225, jitter=0.005, up=10_000_000, down=20_000_000),
    # No shaping at all: for tests and for modems that should not be slowed down.
    "ideal": LinkParams(),
}


@dataclasses.dataclass(frozen=True)
class ExposeSpec:
    """A modem listener published on the host: ``expose: {"tcp/80": "tcp:18001"}``."""

    protocol: str  # "tcp" | "udp"
    port: int  # the modem's port
    endpoint: str  # a Twisted server endpoint string; udp: ``udp:PORT[:interface=ADDR]``


@dataclasses.dataclass(frozen=True)
class TlsSpec:
    """How a modem's TLS sockets check servers (``tls:`` of a modem).  ``verify`` false takes
    any certificate (the name is still sent); true checks the chain against the lab CA and
    the certificates of ``ca`` (a PEM file, for real servers reached through ``allow:`` or
    ``forward:``), and the name the socket was opened with against the certificate."""

    verify: bool = False
    ca: Path | None = None


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
    #: Seconds the network's packet-domain attach takes when a registered, detached MT
    #: attaches (+CGATT=1, or an activation that attaches first).
    attach_time: float = 0.5
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
    "https": (("tcp", 443),),
    # No port is registered for echo over TLS: 4433 is where ``openssl s_server`` listens.
    "tls-echo": (("tcp", 4433),),
}


@dataclasses.dataclass(frozen=True)
class ServiceSpec:
    """One lab service of a host: ``kind`` is echo, discard, daytime, dns, ntp, http, ftp,
    smtp, pop3, https or tls-echo (the last two with a lab CA certificate for the host).
    ``root`` serves http, https and ftp, ``maildir`` smtp and pop3; ``users`` (name,
    password) guard ftp, smtp and pop3 (none: any login is accepted).  ``ports`` moves the
    service off its well-known ports: it answers on each of them, with each protocol of its
    kind (an echo on 3000 answers TCP and UDP there)."""

    kind: str
    root: Path | None = None
    maildir: Path | None = None
    users: tuple[tuple[str, str], ...] = ()
    ports: tuple[int, ...] = ()

    @property
    def endpoints(self) -> tuple[tuple[str, int], ...]:
        """(protocol, port) pairs the service answers on."""
        standard = SERVICE_PORTS[self.kind]
        if not self.ports:
            return standard
        protocols = dict.fromkeys(protocol for protocol, _ in standard)
        return tuple((protocol, port) for port in self.ports for protocol in protocols)


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
    #: A folder where the SMS centre writes every message sent to this number.
    sms: Path | None = None
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
class SmsCentreSpec:
    """The network's SMS centre: how long a message takes from its submission to the
    recipient, and a folder whose message files it delivers to modems (docs/sms.md)."""

    delay: float = 1.0  # seconds from the submission to the delivery attempt
    inbox: Path | None = None
    poll: float = 1.0  # seconds between two looks into the inbox


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
    sms: SmsCentreSpec = SmsCentreSpec()


@dataclasses.dataclass(frozen=True)
class IpNetworkSpec:
    """The IP and call part of a ``NetworkSpec``: a ``Network`` accepts either."""

    apns: tuple[ApnSpec, ...] = ()
    hosts: tuple[HostSpec, ...] = ()
    allow: tuple[ipaddress.IPv4Network, ...] = ()  # empty: nothing real is reachable
    numbers: tuple[NumberSpec, ...] = ()
    links: LinksSpec = LinksSpec()
    sms: SmsCentreSpec = SmsCentreSpec()
