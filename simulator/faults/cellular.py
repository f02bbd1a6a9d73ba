"""Faults of the cellular network: what the network does to a registered modem."""

from __future__ import annotations

from simulator.faults.model import REGISTRY, Arg, FaultKind, Target, Undo, held
from simulator.modem.network import NetworkService
from simulator.modem.registration import Stat

_OUTAGES = {"searching": Stat.SEARCHING, "denied": Stat.DENIED}


def _deregister(target: Target, args) -> Undo:
    network = target.modem.service(NetworkService)
    stat = _OUTAGES[args["stat"]]
    return held(network, "outage", lambda: network.lose_network(stat),
                network.restore_network)


DEREGISTER = REGISTRY.add(FaultKind(
    name="deregister",
    summary="the network drops the modem: +CREG/+CGREG go to searching (or denied); the "
            "packet domain is detached; undone, the modem registers again after the "
            "registration delay",
    start=_deregister,
    args={"stat": Arg("choice", "searching: out of coverage; denied: registration refused",
                      default="searching", choices=tuple(_OUTAGES))},
    scalar="stat",
))
