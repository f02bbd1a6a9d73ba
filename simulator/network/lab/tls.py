"""The lab's TLS services: a TLS echo (what an SSL socket test talks to) and HTTPS (the HTTP
service behind TLS).  Their certificates come from the lab CA (``simulator.network.lab.ca``)
for the host's names and address, so a client that trusts the CA checks them like any public
server's; they are issued when the network starts.  TLS gathers small writes until the next
turn of the network's clock (``clock=``), so the services run on ``task.Clock`` too."""

from __future__ import annotations

from twisted.internet import protocol
from twisted.protocols import wire
from twisted.protocols.tls import TLSMemoryBIOFactory

from simulator.network.lab.web import Http


def _server_options(context):
    host = context.host
    return context.network.lab_ca.server_options(list(host.names), [str(host.address)])


class TlsEcho:
    """RFC 862's echo inside TLS: what the client sends comes back, decrypted and
    re-encrypted by the server."""

    def __init__(self, spec, context) -> None:
        self.options = _server_options(context)
        self.clock = context.clock
        self._factories: dict[int, protocol.Factory] = {}

    def tcp_factory(self, port: int) -> protocol.Factory:
        if port not in self._factories:
            self._factories[port] = TLSMemoryBIOFactory(
                self.options, False, protocol.Factory.forProtocol(wire.Echo),
                clock=self.clock)
        return self._factories[port]


class Https(Http):
    """The HTTP lab service (the same root, PUT, POST and DELETE) served over TLS."""

    def __init__(self, spec, context) -> None:
        super().__init__(spec, context)
        self.options = _server_options(context)
        self._tls = TLSMemoryBIOFactory(self.options, False, self.site, clock=context.clock)

    def tcp_factory(self, port: int) -> protocol.Factory:
        return self._tls
