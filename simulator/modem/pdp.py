"""PDP context definitions (27.007 §10.1.1 +CGDCONT) and how their addresses are written
(§10.1.14 +CGPADDR with +CGPIAF at its default: IPv6 as 16 dot-separated decimal bytes)."""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from simulator.modem.addresses import Address
from simulator.modem.text import quote

#: <d_comp> 0 off, 1 on, 2 V.42bis, 3 V.44; <h_comp> 0 off, 1 on, 2 RFC1144, 3 RFC2507,
#: 4 RFC3095.
D_COMP_RANGE = (0, 3)
H_COMP_RANGE = (0, 4)
#: An APN is at most 100 octets (TS 23.003 §9.1).
APN_MAX = 100


@dataclasses.dataclass
class PdpContext:
    cid: int
    pdp_type: str = "IP"
    apn: str = ""
    requested_address: str = ""
    d_comp: int = 0
    h_comp: int = 0
    active: bool = False
    addresses: tuple[Address, ...] = ()
    #: The network's bearer while active (None on a modem without a simulated network).
    bearer: Any = None
    #: The activation under way, if any, and who waits for it.
    pending: Any = None
    waiters: list = dataclasses.field(default_factory=list)

    def definition_line(self) -> str:
        return (f"+CGDCONT: {self.cid},{quote(self.pdp_type)},{quote(self.apn)},"
                f"{quote(self.requested_address)},{self.d_comp},{self.h_comp}")

    def shown_addresses(self) -> tuple[str, ...]:
        """What +CGPADDR shows: the assigned addresses while active, else a requested
        static one, else nothing."""
        if self.active:
            return tuple(format_address(a) for a in self.addresses)
        return (self.requested_address,) if self.requested_address else ()


def format_address(address: Address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        return ".".join(str(b) for b in address.packed)
    return str(address)


def valid_requested_address(text: str) -> bool:
    """<PDP_addr> in +CGDCONT: empty or a dotted IPv4 address."""
    if not text:
        return True
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True
