"""The validated scenario: what the rest of atsim reads.  Built by ``simulator.scenario.loader``
from a YAML file; every template (``{n}``, ``{7000+n}``) is already expanded and every path is
absolute.  Later keys extend these classes; none of the fields here change meaning.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path


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


@dataclasses.dataclass(frozen=True)
class NetworkSpec:
    operators: tuple[OperatorSpec, ...] = (
        OperatorSpec(mcc="001", mnc="01", name="Test Network", tech="gsm"),
    )
    registration: RegistrationSpec = RegistrationSpec()


@dataclasses.dataclass(frozen=True)
class Scenario:
    path: Path  # the scenario file (absolute)
    modems: tuple[ModemSpec, ...] = ()
    network: NetworkSpec = NetworkSpec()

    @property
    def directory(self) -> Path:
        return self.path.parent
