"""Twisted endpoints on a modem's bearer: what lets Twisted's own protocol clients (FTP, HTTP,
SMTP, POP3) run over the modem's IP path.

A connection made here is one of the modem's TCP connections: its name is resolved by DNS
over the bearer (the APN's servers, or the dialect's own), the router decides where it goes
(a lab service, another modem, a real host inside ``allow:``, or unreachable), and its bytes
cross the modem's link with its latency, rate and window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from twisted.internet import defer, protocol
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IStreamClientEndpoint
from twisted.web.error import SchemeNotSupported
from twisted.web.iweb import IAgentEndpointFactory
from zope.interface import implementer

from simulator.ipstack.apps.errors import AppError, AppFailure, from_route
from simulator.ipstack.dns import DnsClient
from simulator.network.errors import RouteError

if TYPE_CHECKING:
    from simulator.network.apn import Bearer


@implementer(IAgentEndpointFactory)
class BearerEndpoints:
    """Where the application clients of one bearer get their connections.

    ``dns_servers`` replaces the bearer's DNS servers (a dialect's ``+MSDNS``,
    ``#DNSSERV1``); ``connect_timeout`` (seconds) replaces the router's connect timeout.
    """

    def __init__(self, bearer: Bearer, *, dns_servers: Sequence[str] | None = None,
                 connect_timeout: float | None = None) -> None:
        self.bearer = bearer
        self.resolver = DnsClient(bearer, dns_servers)
        self.connect_timeout = connect_timeout

    @property
    def clock(self):
        return self.bearer.clock

    def endpoint(self, host: str, port: int) -> BearerEndpoint:
        return BearerEndpoint(self, host, port)

    def endpointForURI(self, uri) -> BearerEndpoint:
        """IAgentEndpointFactory: plain HTTP only (the dialects' HTTP clients have no TLS)."""
        if uri.scheme != b"http":
            raise SchemeNotSupported(f"unsupported scheme: {uri.scheme!r}")
        return self.endpoint(uri.host.decode("idna"), uri.port)

    def resolve(self, name: str) -> defer.Deferred:
        """``Deferred[str]``: the IPv4 address of ``name`` (a literal is its own); fails with
        ``AppError`` (``NAME_NOT_FOUND``, ``DNS_TIMEOUT``)."""
        return self.resolver.resolve(name).addErrback(as_app_error)

    def listen(self, accept: Callable[[tuple[str, int]], object]):
        """A listening port at the bearer's address (FTP active mode): ``accept(peer)``
        returns the protocol for an incoming connection, or None to refuse it.  The
        ``Listening`` has ``.port`` and ``.close()``."""
        try:
            return self.bearer.listen_tcp(0, accept)
        except RouteError as e:
            raise from_route(e) from e

    def open_udp(self, protocol):
        """A datagram port on any free local port, for ``protocol`` (a DatagramProtocol)."""
        try:
            return self.bearer.open_udp(0, protocol)
        except RouteError as e:
            raise from_route(e) from e


@implementer(IStreamClientEndpoint)
class BearerEndpoint:
    """``host:port`` as seen from the bearer.  ``connect`` fails with ``AppError``."""

    def __init__(self, endpoints: BearerEndpoints, host: str, port: int) -> None:
        self.endpoints = endpoints
        self.host = host
        self.port = port

    def __repr__(self) -> str:
        return f"<BearerEndpoint {self.endpoints.bearer.address} -> {self.host}:{self.port}>"

    def connect(self, factory) -> defer.Deferred:
        pending: list[defer.Deferred] = []

        def cancel(_) -> None:
            for step in pending:
                if not step.called:
                    step.cancel()

        result: defer.Deferred = defer.Deferred(cancel)

        def resolved(address: str):
            proto = factory.buildProtocol(IPv4Address("TCP", address, self.port))
            if proto is None:
                raise AppError(AppFailure.REFUSED, "the factory built no protocol")
            step = self.endpoints.bearer.connect_tcp(address, self.port, proto,
                                                     timeout=self.endpoints.connect_timeout)
            pending.append(step)
            return step.addCallback(lambda _: proto)

        lookup = self.endpoints.resolver.resolve(self.host)
        pending.append(lookup)
        lookup.addCallback(resolved).addErrback(as_app_error)
        lookup.chainDeferred(result)
        return result


class OneProtocolFactory(protocol.Factory):
    """A factory handing out one protocol built beforehand: a session builds its client
    protocol first (it needs the session), then connects it."""

    noisy = False

    def __init__(self, proto: protocol.Protocol) -> None:
        self.proto = proto

    def buildProtocol(self, addr):  # noqa: N802 - Twisted's name
        return self.proto


def as_app_error(failure):
    """Errback: a network ``RouteError`` as the ``AppError`` of the same reason."""
    if failure.check(RouteError):
        raise from_route(failure.value)
    return failure
