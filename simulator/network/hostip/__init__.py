"""The host's own IP, terminated in user space: the IPv4 packets a host sends over PPP
(``ATD*99#`` on a modem port) become connections and datagrams of the simulated network, as
slirp and passt turn a guest's packets into a host's sockets.  See docs/ppp.md.

    gateway = HostGateway(bearer, clock, rng, send=ppp.send_ip)
    gateway.packet_from_host(raw)     # one IPv4 packet from the host's PPP
    gateway.close()                   # the link is gone: every flow is reset
"""

from simulator.network.hostip.gateway import GATEWAY_ADDRESS, GatewayStats, HostGateway

__all__ = ["GATEWAY_ADDRESS", "GatewayStats", "HostGateway"]
