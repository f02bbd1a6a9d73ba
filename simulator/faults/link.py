"""Faults of the modem's radio link to the IP network (``simulator.network.links.Link``)."""

from __future__ import annotations

from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo, held
from simulator.network.links import Link


def modem_link(target: Target) -> Link:
    network = target.modem.ip_network
    if network is None:
        raise FaultError(f"{target.modem.name} is not attached to an IP network")
    return network.link(target.modem.name)


def _link(target: Target, args) -> Undo:
    link = modem_link(target)
    changes = {name: value for name, value in args.items()
               if value is not None and name != "bandwidth"}
    if args["bandwidth"] is not None:
        changes.setdefault("up", args["bandwidth"])
        changes.setdefault("down", args["bandwidth"])
    before = {name: getattr(link.params, name) for name in changes}
    try:
        link.update(**changes)
    except ValueError as e:  # LinkParams' own checks (an MTU too small for TCP)
        raise FaultError(f"link: {e}") from None
    return lambda: link.update(**before)


LINK = REGISTRY.add(FaultKind(
    name="link",
    summary="changes the figures of the modem's link; undone, the figures it changed return "
            "to what they were",
    start=_link,
    args={
        "latency": Arg("duration", "one-way delay of every packet", default=None),
        "jitter": Arg("duration", "random extra delay, 0 to this, per packet", default=None),
        "bandwidth": Arg("rate", "bit/s both ways (up and down override it)", default=None),
        "up": Arg("rate", "bit/s from the modem", default=None),
        "down": Arg("rate", "bit/s to the modem", default=None),
        "loss": Arg("probability", "share of datagrams lost, each way", default=None),
        "mtu": Arg("integer", "largest IP packet", default=None, minimum=68, maximum=65535),
    },
    at_least_one=True,
))


def _link_down(target: Target, args) -> Undo:
    link = modem_link(target)
    return held(link, "down", link.down, link.up)


LINK_DOWN = REGISTRY.add(FaultKind(
    name="link_down",
    summary="a blackhole: datagrams are lost, TCP bytes wait, new connections fail; undone, "
            "waiting bytes are retransmitted",
    start=_link_down,
))
