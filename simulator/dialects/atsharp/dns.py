"""Where the AT# services find their servers: the link's bearer, with names resolved by the
dialect's DNS parameters (eDsoft DNSSERV1, then DNSSERV2 when the first does not answer, 002
§3.1.17, §3.1.18; GenPro has none).

Both left at 0.0.0.0 (their default), the servers the link brought are asked: the GPRS
network's, or those the PPP peer gave (decision E81).  A name that cannot be resolved is
38027 to every command (``failures``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.ipstack.apps import BearerEndpoints

#: A DNSSERVi that is not set.
UNSET = "0.0.0.0"


def dns_servers(read: Callable[[str], Any],
                names: tuple[str, ...] = ("DNSSERV1", "DNSSERV2")) -> tuple[str, ...] | None:
    """DNSSERV1 then DNSSERV2 (the dialect's ``dns_parameters``), those set; None when none
    is (the link's own)."""
    servers = tuple(s for s in (read(name) for name in names) if s and s != UNSET)
    return servers or None


def endpoints(bearer: Any, read: Callable[[str], Any],
              names: tuple[str, ...] = ("DNSSERV1", "DNSSERV2")) -> BearerEndpoints:
    """The way to the servers of one command, on ``bearer``, with the flash's DNS."""
    return BearerEndpoints(bearer, dns_servers=dns_servers(read, names))
