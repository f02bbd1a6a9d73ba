"""The modem's resolver: real DNS queries (RFC 1035 messages from ``twisted.names``) sent over
the bearer's UDP path to its DNS servers, so a lookup costs a round trip on the link and
fails the way a real one does.

IPv4 literals resolve to themselves without a query.  A name that cannot be put in a query
(an empty label as in ``a..b``, a label over 63 octets, more than 253 octets in all, RFC 1035
§2.3.4) fails at once with ``NAME_NOT_FOUND``, as a resolver library refuses it before asking
anyone.  A server that answers NXDOMAIN ends the lookup (``NAME_NOT_FOUND``); one that does
not answer is retried, then the next server is asked; when none answers the lookup fails with
``DNS_TIMEOUT``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from twisted.internet import defer, protocol
from twisted.names import dns

from simulator.network.errors import Reason, RouteError

#: Seconds to wait for each answer, and how many times each server is asked: the classic
#: resolver defaults (resolv.conf: timeout 5, attempts 2) shortened for an interactive lab.
DEFAULT_TIMEOUT = 2.0
DEFAULT_ATTEMPTS = 2
DNS_PORT = 53
#: RFC 1035 §2.3.4: 255 octets on the wire, which is 253 characters of dotted text.
MAX_NAME = 253


def literal(name: str) -> str | None:
    try:
        return str(ipaddress.IPv4Address(name))
    except ValueError:
        return None


def query_name(name: str) -> bytes | None:
    """``name`` as a query carries it (IDNA, without the root's trailing dot), or None for
    a name no query can carry."""
    try:
        encoded = name.rstrip(".").encode("idna")
    except UnicodeError:  # an empty label, a label over 63 octets, a character IDNA refuses
        return None
    if not encoded or len(encoded) > MAX_NAME:
        return None
    return encoded


class DnsClient:
    """Resolves names for the sockets of one bearer.  ``servers`` defaults to the bearer's
    (the APN's DNS); a dialect with its own DNS setting (``+MSDNS``, ``#DNSSERV1``) passes
    its servers instead."""

    def __init__(self, bearer, servers: Sequence[str] | None = None, *,
                 timeout: float = DEFAULT_TIMEOUT, attempts: int = DEFAULT_ATTEMPTS) -> None:
        self.bearer = bearer
        self.servers = tuple(s for s in (servers if servers is not None else bearer.dns)
                             if s and s != "0.0.0.0")
        self.timeout = timeout
        self.attempts = attempts
        self._next_id = bearer.rng.randrange(1 << 16)

    def resolve(self, name: str) -> defer.Deferred:
        """``Deferred[str]``: the IPv4 address of ``name``; fails with ``RouteError``."""
        address = literal(name)
        if address is not None:
            return defer.succeed(address)
        encoded = query_name(name)
        if encoded is None:
            return defer.fail(RouteError(Reason.NAME_NOT_FOUND, f"{name!r}: not a host name"))
        if not self.servers:
            return defer.fail(RouteError(Reason.NAME_NOT_FOUND, f"{name}: no DNS server"))
        self._next_id = (self._next_id + 1) & 0xFFFF
        lookup = _Lookup(self, encoded, self._next_id)
        return lookup.start()


class _Lookup(protocol.DatagramProtocol):
    noisy = False  # atsim logs sockets itself, with the modem's name

    def __init__(self, client: DnsClient, name: bytes, query_id: int) -> None:
        self.client = client
        self.name = name
        self.query_id = query_id
        self.clock = client.bearer.clock
        self.deferred = defer.Deferred(lambda _: self._end())
        self.tries = [server for server in client.servers for _ in range(client.attempts)]
        self.port = None
        self.timer = None

    def start(self) -> defer.Deferred:
        try:
            self.port = self.client.bearer.open_udp(0, self)
        except RouteError as e:
            return defer.fail(e)
        self._ask()
        return self.deferred

    def _ask(self) -> None:
        if not self.tries:
            self._fail(Reason.DNS_TIMEOUT)
            return
        server = self.tries.pop(0)
        query = dns.Message(id=self.query_id, recDes=1)
        query.queries = [dns.Query(self.name, dns.A, dns.IN)]
        self.port.write(query.toStr(), (server, DNS_PORT))
        self.timer = self.clock.callLater(self.client.timeout, self._ask)

    def datagramReceived(self, data: bytes, addr) -> None:
        if self.deferred.called:
            return
        answer = dns.Message()
        try:
            answer.fromStr(data)
        except Exception:  # noqa: BLE001 - a garbled datagram is ignored, as resolvers do
            return
        if answer.id != self.query_id or not answer.answer:
            return
        if answer.rCode == dns.ENAME:
            self._fail(Reason.NAME_NOT_FOUND)
            return
        if answer.rCode == dns.ESERVER:  # SERVFAIL: ask the next server now, as resolvers do
            if self.timer is not None and self.timer.active():
                self.timer.cancel()
            self._ask()
            return
        for record in answer.answers:
            if record.type == dns.A:
                self._end()
                self.deferred.callback(record.payload.dottedQuad())
                return
        if answer.rCode == dns.OK:  # the name exists but has no address
            self._fail(Reason.NAME_NOT_FOUND)

    def _fail(self, reason: Reason) -> None:
        self._end()
        if not self.deferred.called:
            self.deferred.errback(RouteError(reason, self.name.decode("ascii", "replace")))

    def _end(self) -> None:
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        if self.port is not None:
            self.port.close()
            self.port = None
