"""Bearers over circuit-switched data calls: the IP path a modem gets once PPP over a call
reached IPCP Opened.

The network routes sockets, not IP packets.  PPP's negotiation (LCP, authentication, IPCP)
really runs over the call's byte pipe, so timing, refusals and hang-ups are those of the
link; the address IPCP agreed on then becomes a ``DialupBearer``, and the modem's sockets
use it as they use a PDP context.  Its link is the call's channel, so the sockets' bytes take
the same 9600 bit/s, share its transmitter with the PPP frames, and stop with it.

Where the bearer leads depends on the far end of the call (``CallPath``):

* an ISP: the network's own router, the whole simulated world (lab hosts, other modems,
  ``allow:`` destinations);
* another modem: a router of its own that only the two ends of the call are on, as a
  point-to-point link is a network of two;
* a real TCP endpoint (``forward:``): a router with nobody else on it; the far end's IP
  cannot be reached from inside atsim.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import TYPE_CHECKING

from simulator.logs import Logger
from simulator.network.apn import Bearer
from simulator.network.errors import ActivationError, ActivationFailure

if TYPE_CHECKING:
    from simulator.network.links import Link
    from simulator.network.router import Router
    from simulator.network.subscribers import Subscriber

log = Logger(namespace="atsim.network.dialup")


class DialupBearer(Bearer):
    """A bearer whose address and name servers PPP agreed on over a call."""

    def __init__(self, subscriber: Subscriber, number: str, address: str,
                 dns: tuple[str, ...], router: Router, link: Link) -> None:
        super().__init__(subscriber, f"dial-up {number}", None,
                         ipaddress.IPv4Address(address), router)
        self.number = number
        self._dns = tuple(dns)
        self._link = link

    @property
    def dns(self) -> tuple[str, ...]:
        return self._dns

    @property
    def link(self) -> Link:
        return self._link

    def _return_address(self) -> None:
        """The address belongs to the PPP session (the ISP takes it back when the call
        ends), not to the bearer."""


@dataclasses.dataclass
class CallPath:
    """Where one side of a call gets its bearer: ``router`` and the ``link`` its sockets'
    bytes cross."""

    subscriber: Subscriber
    router: Router
    link: Link

    def open_bearer(self, number: str, address: str, dns: tuple[str, ...]) -> DialupBearer:
        if self.router.bearer_at(address) is not None:
            # Both ends of a modem-to-modem call given one address, or an address that is
            # someone's already: IPCP agreed on something the network cannot route.
            raise ActivationError(ActivationFailure.NO_ADDRESS, f"{address} is in use")
        bearer = DialupBearer(self.subscriber, number, address, dns, self.router, self.link)
        self.subscriber.bearers.add(bearer)
        self.router.bearer_activated(bearer)
        log.info("{modem}: dial-up bearer over {number} active, address {address}, DNS {dns}",
                 modem=self.subscriber.name, number=number, address=address,
                 dns=", ".join(dns) or "none")
        return bearer

