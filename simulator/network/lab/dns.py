"""The DNS service: ``twisted.names`` answering from the hosts table, on UDP and TCP 53.

It runs at every APN's DNS address (and at any host listing ``dns``), so a modem's resolver
sends real queries and reads real answers: A records for the lab hosts, NXDOMAIN for the rest.
"""

from __future__ import annotations

from twisted.internet import protocol
from twisted.names import dns, server

from simulator.network.resolver import HostsAuthority


class Dns:
    def __init__(self, spec, context) -> None:
        self.factory = server.DNSServerFactory(authorities=[HostsAuthority(context.hosts)])
        self.factory.noisy = False

    def tcp_factory(self, port: int) -> protocol.Factory:
        return self.factory

    def udp_protocol(self, port: int) -> protocol.DatagramProtocol:
        return dns.DNSDatagramProtocol(controller=self.factory)
