"""The validated scenario: what the rest of atsim reads.  Built by ``simulator.scenario.loader``
from a YAML file; every template (``{n}``, ``{7000+n}``) is already expanded and every path is
absolute.  Later keys extend these classes; none of the fields here change meaning.

Each spec type belongs to the package that uses it (``simulator.modem.spec``,
``simulator.network.spec``, ``simulator.transport.spec``, ``simulator.cmux.config``); they are
re-exported here as the vocabulary of the scenario, which only builds them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from simulator.cmux.config import CmuxSettings
from simulator.faults.timeline import Entry
from simulator.modem.spec import IdentitySpec, ModemSpec, SimSpec
from simulator.network.spec import (
    ANY_APN,
    DEFAULT_ISP_POOL,
    SERVICE_PORTS,
    ApnSpec,
    ExposeSpec,
    ForwardSpec,
    HostSpec,
    IspSpec,
    LinkSpec,
    LinksSpec,
    NetworkSpec,
    NumberSpec,
    OperatorSpec,
    PingSpec,
    RegistrationSpec,
    ServiceSpec,
)
from simulator.source import Source
from simulator.transport.spec import PortSpec

__all__ = [
    "ANY_APN",
    "DEFAULT_ISP_POOL",
    "SERVICE_PORTS",
    "ApnSpec",
    "CmuxSettings",
    "Entry",
    "ExposeSpec",
    "ForwardSpec",
    "HostSpec",
    "IdentitySpec",
    "IspSpec",
    "LinkSpec",
    "LinksSpec",
    "ModemSpec",
    "NetworkSpec",
    "NumberSpec",
    "OperatorSpec",
    "PingSpec",
    "PortSpec",
    "RegistrationSpec",
    "Scenario",
    "ServiceSpec",
    "SimSpec",
    "Source",
]


@dataclasses.dataclass(frozen=True)
class Scenario:
    path: Path  # the scenario file (absolute)
    modems: tuple[ModemSpec, ...] = ()
    network: NetworkSpec = NetworkSpec()
    #: ``timeline:``: faults on a schedule, checked against the modems above.
    timeline: tuple[Entry, ...] = ()

    @property
    def directory(self) -> Path:
        return self.path.parent
