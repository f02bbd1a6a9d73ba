"""Addresses given to activated PDP contexts.

A stand-in for the network's APN address pools (which will live in ``simulator.network``):
every (modem, cid) gets a fixed address derived from the modem's position ``n`` in its
template, so a run is repeatable and no two contexts of one template share an address.
The packet service only calls :meth:`AddressPool.assign`/:meth:`release`, so the real pool
can replace this class without touching it.
"""

from __future__ import annotations

import ipaddress

IPV4_BASE = ipaddress.IPv4Address("10.64.0.0")  # 10.64.0.0/10: carrier-grade range
IPV6_BASE = ipaddress.IPv6Address("fd00:a75:0:0::")  # a unique-local prefix
#: Address slots reserved per modem (cids 1..16 fit).
SLOTS_PER_MODEM = 16

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressPool:
    def __init__(self, modem_index: int) -> None:
        self._index = modem_index
        self.assigned: dict[int, tuple[Address, ...]] = {}

    def assign(self, cid: int, pdp_type: str, requested_v4: str = "") -> tuple[Address, ...]:
        """The addresses of context ``cid`` for ``pdp_type`` (none for PPP: the host's PPP
        negotiates its own).  A requested IPv4 address (+CGDCONT <PDP_addr>) is granted."""
        offset = (self._index - 1) * SLOTS_PER_MODEM + cid
        dynamic = requested_v4 in ("", "0.0.0.0")  # 0.0.0.0: "give me one"
        v4 = IPV4_BASE + offset if dynamic else ipaddress.IPv4Address(requested_v4)
        v6 = IPV6_BASE + (self._index << 16) + cid
        addresses: tuple[Address, ...] = {
            "IP": (v4,),
            "IPV6": (v6,),
            "IPV4V6": (v4, v6),
        }.get(pdp_type, ())
        self.assigned[cid] = addresses
        return addresses

    def release(self, cid: int) -> None:
        self.assigned.pop(cid, None)
