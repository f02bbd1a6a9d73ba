"""The host's IPv4 packets in, the network's answers out.

A host on PPP sees one router, the modem's PPP server (``GATEWAY_ADDRESS``), and behind it
the simulated network.  ``HostGateway`` reads each packet the host sends and does with it
what the network would:

* TCP: one ``HostTcpFlow`` per 4-tuple, connected through ``Bearer.connect_tcp``; a segment
  for no flow gets a RST.  Inbound too, as a PDP address on a private APN is reachable:
  a connection to any port of the host's address (from another modem, a lab server) is
  offered to the host (``Bearer.listen_every_port``), which accepts it or resets it;
* UDP: one datagram port of the bearer per host port (``Bearer.open_udp``), so a DNS query
  to the APN's name server reaches the lab DNS, and answers come back to the same port; a
  datagram to a port the host never sent from is handed to the host too (a UDP server);
  one to a closed port of a host that exists comes back as its ICMP port unreachable;
* ICMP echo: the gateway and the host's own address answer at once, anything else through
  ``Bearer.ping`` (the link's round trip, lab hosts' ``ping:`` settings; no answer from
  what does not exist);
* any other protocol: ICMP protocol unreachable.

Packets that arrived together (one read of the host's link) are fed inside ``batch()``: each
TCP flow then answers its segments of the batch once, at the end (one ACK for several
segments, RFC 1122 §4.2.3.2), instead of once per segment.

Fragments are reassembled (``simulator.inet.fragments``): the gateway ends the host's TCP
and UDP as a host would.  Packets the host sends from an address other than its own and
malformed packets are dropped and counted (``stats``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import random
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from twisted.internet import protocol
from twisted.internet.interfaces import IReactorTime

from simulator.inet.errors import PacketError
from simulator.inet.fragments import Reassembler, fragment
from simulator.inet.icmp import (
    IcmpType,
    UnreachableCode,
    destination_unreachable,
    echo_reply,
    parse_icmp,
)
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, packet_bytes, parse_ipv4
from simulator.inet.tcp import TcpConfig, reset_reply
from simulator.inet.tcpsegment import TcpSegment, parse_tcp
from simulator.inet.udpdatagram import UdpDatagram, parse_udp
from simulator.logs import Logger
from simulator.network.errors import RouteError
from simulator.network.hostip.tcpflow import HostTcpFlow, Key

if TYPE_CHECKING:
    from simulator.network.apn import Bearer

log = Logger(namespace="atsim.network.hostip")

#: The PPP server's own address, the host's gateway.  From 192.0.0.0/24 (RFC 6890: IETF
#: protocol assignments, never routed), so it cannot clash with an APN pool, a lab host
#: (198.18.0.0/15) or an ``allow:`` network.
GATEWAY_ADDRESS = "192.0.0.1"
#: Seconds a ping through the network may take before the request is forgotten.
PING_TIMEOUT = 10.0
#: Datagram ports one host may have open through the gateway at once.
MAX_UDP_PORTS = 256
#: TTL of what the gateway sends.
TTL = 64


@dataclasses.dataclass
class GatewayStats:
    packets_in: int = 0
    packets_out: int = 0
    dropped_malformed: int = 0
    dropped_spoofed: int = 0
    fragments_in: int = 0
    #: Datagrams whose fragments were given up (overlapping, oversized, timed out).
    dropped_fragments: int = 0
    resets_sent: int = 0
    unreachables_sent: int = 0
    #: Packets longer than the host's MRU, sent in fragments.
    fragmented_out: int = 0


class _UdpPort(protocol.DatagramProtocol):
    def __init__(self, gateway: HostGateway, host_port: int) -> None:
        self.gateway = gateway
        self.host_port = host_port

    def datagramReceived(self, data: bytes, addr) -> None:
        self.gateway.datagram_for_host(data, (addr[0], addr[1]), self.host_port)

    def port_unreachable(self, destination: tuple[str, int], data: bytes) -> None:
        """Nobody holds the port the host sent ``data`` to: the host hears it as that
        host's ICMP port unreachable."""
        self.gateway.udp_unreachable(destination, self.host_port, data)


class HostGateway:
    def __init__(self, bearer: Bearer, clock: IReactorTime, rng: random.Random,
                 send: Callable[[bytes], object], *, gateway: str = GATEWAY_ADDRESS,
                 tcp_config: TcpConfig | None = None, mtu: int = 1500) -> None:
        self.bearer = bearer
        #: The longest packet the host's link takes: the MRU its PPP asked for.
        self.mtu = mtu
        self.clock = clock
        self.rng = rng
        self._send = send
        self.address = ipaddress.IPv4Address(bearer.address)
        self.gateway = ipaddress.IPv4Address(gateway)
        self.tcp_config = tcp_config or TcpConfig()
        self.stats = GatewayStats()
        self.flows: dict[Key, HostTcpFlow] = {}
        self._udp: dict[int, object] = {}
        self._reassembly = Reassembler()
        self._identification = rng.randrange(0x10000)
        self.closed = False
        #: (host port, far port) -> the loopback address of a program on this machine that
        #: wrote to the host through ``expose:`` (the host sees the gateway in its place).
        self._loopback_peers: dict[tuple[int, int], str] = {}
        #: Inside ``batch()``: the flows that took segments and owe their answer (None: not
        #: batching, every segment is answered at once).
        self._batched: dict[HostTcpFlow, None] | None = None
        self._stop_inbound = bearer.listen_every_port(self._accept_for, self._datagram_in)
        self._expose_udp()

    def __repr__(self) -> str:
        return f"<HostGateway {self.address} via {self.bearer!r}>"

    # -- in -----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """The packets fed in this block came together: each flow answers them once, when
        the block ends."""
        if self._batched is not None:
            yield  # already batching: the outer block answers
            return
        self._batched = {}
        try:
            yield
        finally:
            flows, self._batched = self._batched, None
            for flow in flows:
                flow.flush()

    def packet_from_host(self, raw: bytes) -> None:
        if self.closed:
            return
        self.stats.packets_in += 1
        try:
            packet = parse_ipv4(raw)
        except PacketError:
            self.stats.dropped_malformed += 1
            return
        if packet.src != self.address:
            self.stats.dropped_spoofed += 1
            return
        if packet.is_fragment:
            self.stats.fragments_in += 1
            packet = self._reassembly.add(packet, self.clock.seconds())
            self.stats.dropped_fragments = self._reassembly.discarded
            if packet is None:
                return
        try:
            if packet.protocol == IpProtocol.TCP:
                self._tcp(packet, parse_tcp(packet.payload, packet.src, packet.dst))
            elif packet.protocol == IpProtocol.UDP:
                self._udp_in(packet, parse_udp(packet.payload, packet.src, packet.dst))
            elif packet.protocol == IpProtocol.ICMP:
                self._icmp(packet, parse_icmp(packet.payload))
            else:
                self._unreachable(packet, UnreachableCode.PROTOCOL, packet.dst)
        except PacketError:
            self.stats.dropped_malformed += 1

    def _tcp(self, packet: Ipv4Packet, segment: TcpSegment) -> None:
        key = (segment.src_port, packet.dst, segment.dst_port)
        flow = self.flows.get(key)
        if flow is not None:
            batched = self._batched
            if batched is None:
                flow.segment_from_host(segment)
            else:
                batched[flow] = None
                flow.segment_from_host(segment, reply=False)
            return
        if segment.syn and not segment.has_ack and not segment.rst:
            if packet.dst == self.gateway:
                self.reset(packet.dst, segment)  # the gateway itself serves nothing
                return
            flow = HostTcpFlow(self, key, segment, self._flow_gone, self.tcp_config)
            self.flows[key] = flow
            flow.start()
            return
        self.reset(packet.dst, segment)

    def _accept_for(self, port: int):
        def accept(peer: tuple[str, int]) -> HostTcpFlow | None:
            key = (port, self._seen_as(peer[0]), peer[1])
            if self.closed or key in self.flows:
                return None
            flow = HostTcpFlow(self, key, None, self._flow_gone, self.tcp_config)
            self.flows[key] = flow
            return flow

        return accept

    def _expose_udp(self) -> None:
        """The modem's ``expose:`` UDP entries: the host's ports published on this machine
        (the bearer's ports at those numbers, relayed to and from the host)."""
        for protocol_name, port in sorted(getattr(self.bearer.subscriber, "expose", {})):
            if protocol_name != "udp" or port in self._udp:
                continue
            try:
                self._udp[port] = self.bearer.open_udp(port, _UdpPort(self, port))
            except RouteError as e:
                log.warn("{bearer}: udp/{port} of the host not exposed: {why}",
                         bearer=self.bearer, port=port, why=e)

    def _datagram_in(self, data: bytes, origin: tuple[str, int], port: int) -> None:
        """A datagram for a port of the host it never sent from (a UDP server there)."""
        self.datagram_for_host(data, origin, port)

    def datagram_for_host(self, data: bytes, origin: tuple[str, int], port: int) -> None:
        if self.closed:
            return
        seen_as = self._seen_as(origin[0])
        if seen_as == self.gateway and origin[0] != str(self.gateway):
            if len(self._loopback_peers) >= MAX_UDP_PORTS:
                del self._loopback_peers[next(iter(self._loopback_peers))]
            self._loopback_peers[(port, origin[1])] = origin[0]
        self.send_udp(seen_as, origin[1], port, data)

    def _seen_as(self, address: str) -> ipaddress.IPv4Address:
        remote = ipaddress.IPv4Address(address)
        if remote.is_loopback or remote.is_unspecified:
            # A program on this machine (through ``expose:``): a host drops packets from
            # a loopback source arriving on its link, so the gateway stands in for it.
            return self.gateway
        return remote

    def _flow_gone(self, flow: HostTcpFlow) -> None:
        if self.flows.get(flow.key) is flow:
            del self.flows[flow.key]

    def _udp_in(self, packet: Ipv4Packet, datagram: UdpDatagram) -> None:
        port = self._udp.get(datagram.src_port)
        if port is None:
            if len(self._udp) >= MAX_UDP_PORTS:
                oldest = next(iter(self._udp))
                self._udp.pop(oldest).stopListening()
            try:
                port = self.bearer.open_udp(datagram.src_port,
                                            _UdpPort(self, datagram.src_port), expose=False)
            except RouteError:
                return  # the bearer is gone or the port is taken: the datagram is lost
            self._udp[datagram.src_port] = port
        destination = str(packet.dst)
        if packet.dst == self.gateway:  # an answer to a program on this machine
            destination = self._loopback_peers.get((datagram.src_port, datagram.dst_port),
                                                   destination)
        try:
            port.write(datagram.payload, (destination, datagram.dst_port))
        except RouteError:
            pass  # too long, or nobody: lost, as on a network

    def _icmp(self, packet: Ipv4Packet, message) -> None:
        if message.type != IcmpType.ECHO_REQUEST:
            return
        reply = echo_reply(message).build()
        if packet.dst in (self.gateway, self.address):
            self._send_ip(packet.dst, IpProtocol.ICMP, reply)
            return
        d = self.bearer.ping(str(packet.dst), len(packet.payload) + 20, PING_TIMEOUT)
        d.addCallbacks(lambda _: self._send_ip(packet.dst, IpProtocol.ICMP, reply),
                       lambda failure: None)

    # -- out ----------------------------------------------------------------------------------

    def send_tcp(self, remote: ipaddress.IPv4Address, segment: TcpSegment) -> None:
        self._send_ip(remote, IpProtocol.TCP, segment.build(remote, self.address))

    def send_udp(self, remote: ipaddress.IPv4Address, remote_port: int, host_port: int,
                 data: bytes) -> None:
        datagram = UdpDatagram(remote_port, host_port, data)
        self._send_ip(remote, IpProtocol.UDP, datagram.build(remote, self.address))

    def reset(self, remote: ipaddress.IPv4Address, segment: TcpSegment) -> None:
        """What a host with nothing on that port answers: RST."""
        reply = reset_reply(segment)
        if reply is not None:
            self.stats.resets_sent += 1
            self.send_tcp(remote, reply)

    def unreachable(self, packet: Ipv4Packet) -> None:
        """What a router answers for a destination it has no route to."""
        self._unreachable(packet, UnreachableCode.HOST, self.gateway)

    def udp_unreachable(self, destination: tuple[str, int], host_port: int,
                        data: bytes) -> None:
        """The destination host's ICMP port unreachable for a datagram the host sent
        (quoting that datagram's header and first octets, RFC 792)."""
        remote = ipaddress.IPv4Address(destination[0])
        sent = Ipv4Packet(self.address, remote, IpProtocol.UDP,
                          UdpDatagram(host_port, destination[1], data).build(self.address,
                                                                             remote))
        self._unreachable(sent, UnreachableCode.PORT, remote)

    def rebuild_from_host(self, remote: ipaddress.IPv4Address, segment: TcpSegment
                          ) -> Ipv4Packet:
        """The packet that carried ``segment`` from the host (for ICMP to quote)."""
        return Ipv4Packet(self.address, remote, IpProtocol.TCP,
                          segment.build(self.address, remote))

    def _unreachable(self, packet: Ipv4Packet, code: int, source) -> None:
        header = packet.build()[:20 + len(packet.options)]
        message = destination_unreachable(code, header, packet.payload)
        self.stats.unreachables_sent += 1
        self._send_ip(ipaddress.IPv4Address(source), IpProtocol.ICMP, message.build())

    def _send_ip(self, source: ipaddress.IPv4Address, proto: int, payload: bytes) -> None:
        if self.closed:
            return
        self._identification = (self._identification + 1) & 0xFFFF
        self.stats.packets_out += 1
        if len(payload) + 20 <= self.mtu:
            self._send(packet_bytes(source, self.address, proto, payload, TTL,
                                    self._identification))
            return
        # The gateway is this datagram's sender (it ended the network side), so, as a host
        # does for its own interface, it fragments what the host's MRU does not take
        # (RFC 791 §3.2): a datagram from the network may be longer than the host asked for.
        packet = Ipv4Packet(source, self.address, proto, payload, ttl=TTL,
                            identification=self._identification)
        self.stats.fragmented_out += 1
        for piece in fragment(packet, self.mtu):
            self._send(piece.build())

    # -- end ----------------------------------------------------------------------------------

    def close(self) -> None:
        """The host's link ended: every flow and datagram port goes."""
        if self.closed:
            return
        self.closed = True
        self._stop_inbound()
        for flow in list(self.flows.values()):
            flow.abort()
        self.flows.clear()
        for port in self._udp.values():
            port.stopListening()
        self._udp.clear()
