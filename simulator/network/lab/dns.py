"""The DNS service: ``twisted.names`` answering from the hosts table, on UDP and TCP 53.

It runs at every APN's DNS address (and at any host listing ``dns``), so a modem's resolver
sends real queries and reads real answers: A records for the lab hosts, NXDOMAIN for the rest.
"""

from __future__ import annotations

from twisted.internet import protocol
from twisted.names import dns, server

from simulator.network.resolver import HostsAuthority


class _Server(server.DNSServerFactory):
    """Answers every query, except what a ``dns_fail`` fault on the asking modem's
    connections says (``ConnectionFaults.dns_verdict``): SERVFAIL, or no answer at all."""

    def __init__(self, router, **kwargs) -> None:
        super().__init__(**kwargs)
        self.router = router

    def handleQuery(self, message, proto, address):
        verdict = self._verdict(message, proto, address)
        if verdict == "timeout":
            return None
        if verdict == "servfail":
            return self.sendReply(proto, self._responseFromMessage(message, rCode=dns.ESERVER),
                                  address)
        return super().handleQuery(message, proto, address)

    def _verdict(self, message, proto, address) -> str | None:
        if not message.queries:
            return None
        source = address[0] if address else proto.transport.getPeer().host
        bearer = self.router.bearer_at(source)
        faults = self.router.faults.get(bearer.modem) if bearer is not None else None
        if faults is None:
            return None
        return faults.dns_verdict(message.queries[0].name.name.decode("ascii", "replace"))


class Dns:
    def __init__(self, spec, context) -> None:
        self.factory = _Server(context.router, authorities=[HostsAuthority(context.hosts)])
        self.factory.noisy = False

    def tcp_factory(self, port: int) -> protocol.Factory:
        return self.factory

    def udp_protocol(self, port: int) -> protocol.DatagramProtocol:
        return dns.DNSDatagramProtocol(controller=self.factory)
