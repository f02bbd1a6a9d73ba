"""Name resolution from the hosts table.

``Resolver.resolve`` is the network's own answer (IPv4 literals are themselves, names come
from ``hosts:``, anything else is not found).  ``HostsAuthority`` gives the same answers to
``twisted.names``: the built-in DNS service at every APN's DNS address is a
``DNSServerFactory`` over it, so a modem that resolves by DNS sends real queries and gets
real answers, NXDOMAIN included.
"""

from __future__ import annotations

import ipaddress

from twisted.internet import defer
from twisted.names import common, dns

from simulator.network.errors import Reason, RouteError
from simulator.network.hosts import Hosts, ipv4_literal

#: TTL of the answers, seconds.  Short, so a scenario change shows up quickly in a client
#: that caches.
ANSWER_TTL = 60

_REVERSE_SUFFIX = ".in-addr.arpa"


class Resolver:
    def __init__(self, hosts: Hosts) -> None:
        self.hosts = hosts

    def resolve(self, name: str) -> str:
        """The IPv4 address of ``name``, or ``RouteError(NAME_NOT_FOUND)``."""
        literal = ipv4_literal(name)
        if literal is not None:
            return str(literal)
        host = self.hosts.by_name(name)
        if host is None:
            raise RouteError(Reason.NAME_NOT_FOUND, name)
        return str(host.address)


class HostsAuthority(common.ResolverBase):
    """A ``twisted.names`` resolver answering authoritatively from the hosts table."""

    def __init__(self, hosts: Hosts, ttl: int = ANSWER_TTL) -> None:
        super().__init__()
        self.hosts = hosts
        self.ttl = ttl

    def _lookup(self, name: bytes, cls: int, type: int, timeout):
        text = name.decode("ascii", "replace")
        if type == dns.PTR or text.lower().endswith(_REVERSE_SUFFIX):
            return self._reverse(name, text, type)
        host = self.hosts.by_name(text)
        if host is None:
            return defer.fail(dns.AuthoritativeDomainError(name))
        if type not in (dns.A, dns.ALL_RECORDS):
            return defer.succeed(([], [], []))  # the name exists, without that record type
        record = dns.Record_A(str(host.address), self.ttl)
        answer = dns.RRHeader(name, dns.A, dns.IN, self.ttl, record, auth=True)
        return defer.succeed(([answer], [], []))

    def _reverse(self, name: bytes, text: str, type: int):
        octets = text[: -len(_REVERSE_SUFFIX)].split(".")
        try:
            address = ipaddress.IPv4Address(".".join(reversed(octets)))
        except ValueError:
            return defer.fail(dns.AuthoritativeDomainError(name))
        host = self.hosts.by_address(address)
        if host is None or not host.names:
            return defer.fail(dns.AuthoritativeDomainError(name))
        if type not in (dns.PTR, dns.ALL_RECORDS):
            return defer.succeed(([], [], []))
        record = dns.Record_PTR(host.names[0], self.ttl)
        answer = dns.RRHeader(name, dns.PTR, dns.IN, self.ttl, record, auth=True)
        return defer.succeed(([answer], [], []))
