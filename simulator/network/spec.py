"""The scenario's description of the IP world, as the network reads it.

The classes live in ``simulator.scenario.model`` (``NetworkSpec.apns/hosts/allow/numbers/
links``, ``ModemSpec.msisdn/link/expose``); they are repeated here with what only the network
needs: the ports each lab service answers on, and ``IpNetworkSpec``, the IP part of a
``NetworkSpec`` alone, for code that builds a network without a scenario file.
"""

from __future__ import annotations

import dataclasses
import ipaddress

from simulator.scenario.model import (
    ANY_APN,
    SERVICE_PORTS,
    ApnSpec,
    ExposeSpec,
    ForwardSpec,
    HostSpec,
    IspSpec,
    LinkSpec,
    LinksSpec,
    NumberSpec,
    PingSpec,
    ServiceSpec,
)


@dataclasses.dataclass(frozen=True)
class IpNetworkSpec:
    """The IP and call part of a ``NetworkSpec``: a ``Network`` accepts either."""

    apns: tuple[ApnSpec, ...] = ()
    hosts: tuple[HostSpec, ...] = ()
    allow: tuple[ipaddress.IPv4Network, ...] = ()  # empty: nothing real is reachable
    numbers: tuple[NumberSpec, ...] = ()
    links: LinksSpec = LinksSpec()


__all__ = [
    "ANY_APN",
    "SERVICE_PORTS",
    "ApnSpec",
    "ExposeSpec",
    "ForwardSpec",
    "HostSpec",
    "IpNetworkSpec",
    "IspSpec",
    "LinkSpec",
    "LinksSpec",
    "NumberSpec",
    "PingSpec",
    "ServiceSpec",
]
