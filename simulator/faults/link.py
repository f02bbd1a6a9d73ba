"""Faults of the modem's radio link to the IP network (``simulator.network.links.Link``)."""

from __future__ import annotations

from simulator.faults.at import fault_rng
from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo, held
from simulator.faults.net import HOST, NARROW, PORT, connection_faults
from simulator.network.links import Link, LinkParams
from simulator.network.netfaults import Scope


def modem_link(target: Target) -> Link:
    network = target.modem.ip_network
    if network is None:
        raise FaultError(f"{target.modem.name} is not attached to an IP network")
    return network.link(target.modem.name)


def _scope(target: Target, args) -> Scope | None:
    host, port = args.get("host") or target.host, args.get("port") or target.port
    return None if host is None and port is None else Scope(host, port)


def _narrowed_path(target: Target, scope: Scope, params: LinkParams, up: bool = True) -> Undo:
    """A path of its own to the hosts/ports of ``scope``, crossed after the modem's link."""
    faults = connection_faults(target)
    path = Link("fault", params, fault_rng(target, "link"), owner=target.modem.name)
    if not up:
        path.down()
    return faults.narrow_path(scope, path)


def _link(target: Target, args) -> Undo:
    scope = _scope(target, args)
    figures = {name: value for name, value in args.items()
               if value is not None and name not in ("host", "port")}
    if not figures:
        raise FaultError("link needs at least one figure besides host and port")
    if scope is not None:
        if "bandwidth" in figures:
            bandwidth = figures.pop("bandwidth")
            figures.setdefault("up", bandwidth)
            figures.setdefault("down", bandwidth)
        try:
            params = LinkParams(**figures)
        except ValueError as e:
            raise FaultError(f"link: {e}") from None
        return _narrowed_path(target, scope, params)
    link = modem_link(target)
    changes = {name: value for name, value in figures.items() if name != "bandwidth"}
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
        "host": HOST,
        "port": PORT,
    },
    at_least_one=True,
    narrowing=NARROW,
))


def _link_down(target: Target, args) -> Undo:
    scope = _scope(target, args)
    if scope is not None:
        return _narrowed_path(target, scope, LinkParams(), up=False)
    link = modem_link(target)
    return held(link, "down", link.down, link.up)


LINK_DOWN = REGISTRY.add(FaultKind(
    name="link_down",
    summary="a blackhole: datagrams are lost, TCP bytes wait, new connections fail; undone, "
            "waiting bytes are retransmitted",
    start=_link_down,
    args={"host": HOST, "port": PORT},
    narrowing=NARROW,
))
