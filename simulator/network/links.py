"""A modem's radio link: how long its packets take, how fast its bytes go, which datagrams are
lost.

``LinkParams`` are the figures; ``PRESETS`` holds typical ones per radio technology (sources
in docs/network.md).  A ``Link`` is one modem's live link: mutable figures, ``down()``/``up()``
and a registry of the connections crossing it, so that faults on a timeline can change the
figures, cut the link or make every peer close.  Each direction is a ``Shaper``: a
store-and-forward stage that computes when a packet leaving at time t arrives on the other side.
"""

from __future__ import annotations

import dataclasses
import math
import random
import weakref
from collections.abc import Callable
from typing import Protocol

# The figures and presets are spec types (a scenario is validated against them); re-exported.
from simulator.network.spec import PRESETS as PRESETS
from simulator.network.spec import TCP_IP_HEADER as TCP_IP_HEADER
from simulator.network.spec import LinkParams as LinkParams

#: Bytes of IP + UDP header in a datagram.
UDP_IP_HEADER = 28


class Flow(Protocol):
    """Something carried over a link (a TCP connection) that faults act on."""

    def link_changed(self, link: Link) -> None:
        """The link's figures or state changed: resume sending if it came back up."""

    def close_from_network(self, link: Link, how: str) -> None:
        """The far side goes away: ``how`` is "fin" (orderly close) or "reset"."""


class Link:
    """One modem's link to the network, both directions.

    ``clock`` is any ``IReactorTime`` (only ``seconds`` is used here); ``rng`` draws jitter and
    loss, so a seeded generator repeats a run exactly.
    """

    def __init__(self, name: str, params: LinkParams, rng: random.Random, *,
                 owner: str = "") -> None:
        self.name = name
        self.owner = owner  # the modem whose link this is, for logs
        self._params = params
        self.rng = rng
        self.is_up = True
        self.uplink = Shaper(self, "up")
        self.downlink = Shaper(self, "down")
        self._flows: weakref.WeakSet[Flow] = weakref.WeakSet()
        self._observers: list[Callable[[Link, str], None]] = []

    def __repr__(self) -> str:
        state = "up" if self.is_up else "down"
        return f"<Link {self.owner or '?'}:{self.name} {state} {self._params}>"

    # -- figures ------------------------------------------------------------------------------

    @property
    def params(self) -> LinkParams:
        return self._params

    @params.setter
    def params(self, params: LinkParams) -> None:
        self._params = params
        self._changed("params")

    def update(self, **changes: float) -> None:
        """Change some figures: ``link.update(latency=2.0, loss=0.3)``."""
        self.params = dataclasses.replace(self._params, **changes)

    def set_loss(self, loss: float) -> None:
        self.update(loss=loss)

    # -- state --------------------------------------------------------------------------------

    def down(self) -> None:
        """Radio lost: datagrams are dropped, TCP bytes wait (they are retransmitted once the
        link is back), new connections fail."""
        if self.is_up:
            self.is_up = False
            self._changed("down")

    def up(self) -> None:
        if not self.is_up:
            self.is_up = True
            self._changed("up")

    def close_connections(self, how: str = "fin") -> None:
        """Every peer of a connection over this link closes it (``"fin"``) or resets it
        (``"reset"``)."""
        if how not in ("fin", "reset"):
            raise ValueError(f"how must be 'fin' or 'reset', not {how!r}")
        for flow in list(self._flows):
            flow.close_from_network(self, how)
        self._notify("close")

    # -- flows and observers ------------------------------------------------------------------

    def carry(self, flow: Flow) -> None:
        self._flows.add(flow)

    def drop(self, flow: Flow) -> None:
        self._flows.discard(flow)

    @property
    def flows(self) -> list[Flow]:
        return list(self._flows)

    def add_observer(self, observer: Callable[[Link, str], None]) -> None:
        """``observer(link, event)`` after every change: "params", "down", "up", "close"."""
        self._observers.append(observer)

    def remove_observer(self, observer: Callable[[Link, str], None]) -> None:
        self._observers.remove(observer)

    def _changed(self, event: str) -> None:
        for flow in list(self._flows):
            flow.link_changed(self)
        self._notify(event)

    def _notify(self, event: str) -> None:
        for observer in list(self._observers):
            observer(self, event)

    # -- draws --------------------------------------------------------------------------------

    def jitter(self) -> float:
        j = self._params.jitter
        return self.rng.uniform(0.0, j) if j else 0.0

    def loses(self) -> bool:
        """Whether one datagram is lost crossing this link in one direction."""
        loss = self._params.loss
        return loss > 0.0 and self.rng.random() < loss


class Shaper:
    """One direction of a link as a store-and-forward stage.

    Packets leave one after the other at the direction's rate (a packet waits for the ones
    before it), then travel ``latency`` + jitter.  ``transit`` books the transmitter and says
    when the packet arrives; nothing is scheduled here, the caller owns the timers.
    """

    def __init__(self, link: Link, direction: str) -> None:
        self.link = link
        self.direction = direction
        self._free_at = 0.0  # when the transmitter finishes the packets already booked

    def __repr__(self) -> str:
        return f"<Shaper {self.link.owner}:{self.direction}>"

    @property
    def rate(self) -> float:
        params = self.link.params
        return params.up if self.direction == "up" else params.down

    def transit(self, size: int, at: float) -> float:
        """When a packet of ``size`` payload bytes handed over at ``at`` has crossed."""
        rate = self.rate
        if size and rate != math.inf:
            start = max(at, self._free_at)
            self._free_at = start + size * 8 / rate
            sent = self._free_at
        else:
            sent = at
        return sent + self.link.params.latency + self.link.jitter()

    def backlog(self, at: float) -> float:
        """Seconds of already booked transmission still ahead at time ``at``."""
        return max(0.0, self._free_at - at)


def transit(stages: list[Shaper] | tuple[Shaper, ...], size: int, at: float) -> float:
    """Arrival time of a packet crossing ``stages`` one after the other."""
    for stage in stages:
        at = stage.transit(size, at)
    return at


def stages_up(stages: list[Shaper] | tuple[Shaper, ...]) -> bool:
    return all(stage.link.is_up for stage in stages)


def unshaped_mss(stages: list[Shaper] | tuple[Shaper, ...]) -> int:
    """The path's MSS when every stage is up and adds no time (no rate limit, latency or
    jitter): a segment then arrives as it is sent.  0 otherwise."""
    for stage in stages:
        params = stage.link.params
        if (not stage.link.is_up or stage.rate != math.inf or params.latency
                or params.jitter):
            return 0
    return path_mss(stages)


def path_mss(stages: list[Shaper] | tuple[Shaper, ...], default_mtu: int = 1500) -> int:
    mtu = min((stage.link.params.mtu for stage in stages), default=default_mtu)
    return mtu - TCP_IP_HEADER

