"""A modem as the network sees it: its name, number, link, random generator and bearers."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from simulator.network.links import Link
from simulator.network.spec import ExposeSpec
from simulator.ppp.registry import PppLinks

if TYPE_CHECKING:
    from simulator.network.apn import Bearer


class Subscriber:
    """One attached modem.  ``rng`` is the modem's own seeded generator: activation failures,
    jitter and loss on its link are drawn from it, so a run repeats with the same seed."""

    def __init__(self, name: str, link: Link, rng: random.Random, *, msisdn: str | None = None,
                 expose: tuple[ExposeSpec, ...] = ()) -> None:
        self.name = name
        self.link = link
        self.rng = rng
        self.msisdn = msisdn
        self.expose = {(e.protocol, e.port): e.endpoint for e in expose}
        self.bearers: set[Bearer] = set()
        #: The PPP links run for this modem's calls (an ISP's access server), where
        #: injected PPP faults reach them.
        self.ppp_links = PppLinks()

    def __repr__(self) -> str:
        return f"<Subscriber {self.name} {self.msisdn or ''} {self.link.name}>"
