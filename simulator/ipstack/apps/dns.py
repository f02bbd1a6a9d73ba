"""Name lookups for the dialects' own DNS commands (Fibocom's ``+MIPDNS``): the modem's
resolver (``simulator.ipstack.dns``, RFC 1035 queries over the bearer's UDP path) with its
failures as ``AppError``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from twisted.internet import defer

from simulator.ipstack.apps.endpoints import as_app_error
from simulator.ipstack.dns import DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT, DnsClient

if TYPE_CHECKING:
    from simulator.network.apn import Bearer


def resolve(bearer: Bearer, name: str, *, servers: Sequence[str] | None = None,
            timeout: float = DEFAULT_TIMEOUT, attempts: int = DEFAULT_ATTEMPTS) -> defer.Deferred:
    """``Deferred[str]``: the IPv4 address of ``name``, asked of ``servers`` (the bearer's
    DNS servers by default), each ``attempts`` times, ``timeout`` seconds each; fails with
    ``AppError`` (``NAME_NOT_FOUND``, ``DNS_TIMEOUT``, ``BEARER_RELEASED``)."""
    client = DnsClient(bearer, servers, timeout=timeout, attempts=attempts)
    return client.resolve(name).addErrback(as_app_error)
