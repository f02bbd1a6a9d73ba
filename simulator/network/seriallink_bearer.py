"""A modem's own IP stack over PPP on one of its serial ports: the bearer of a WIP UART or
CMUX-DLC bearer once IPCP opened.  The far end of the link is the host machine itself, so
nothing here goes through the simulated network's router: the modem's sockets become IPv4
packets on the PPP link (``simulator.network.seriallink`` for UDP, ``seriallink_tcp`` for
TCP), and what the host's IP stack sends comes back through ``packet_received``.

It offers what the dialects' sockets use of a network bearer (``simulator.network.apn``):
``address``, ``dns``, ``clock``, ``rng``, ``connect_tcp``, ``listen_tcp``, ``open_udp``,
``ping``, ``on_release``/``release``.  It also answers the host's pings, as an IP stack does,
and reassembles the host's fragments (``simulator.inet.fragments``, as the host gateway
does) before UDP, TCP or ICMP see them: a host whose MTU is below the peer's MRU, or that
sends a datagram larger than the MTU without DF, fragments.  ``fragment_timeout`` says how
long an incomplete datagram waits (a dialect's stack option: WIP's
``WIP_NET_OPT_IP_FRAG_TIMEO``), asked each time a fragment comes, so a change applies at once;
``tcp`` sizes the stack's TCP (a module's small emission buffer).

    bearer = SerialLinkBearer("10.0.0.2", "10.0.0.1", ppp_link.send_ip, clock, rng)
    ppp event IpPacketReceived(p) -> bearer.packet_received(p.packet)
    ppp LinkTerminated            -> bearer.release(by_network=True)
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable

from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime

from simulator.inet.errors import PacketError
from simulator.inet.fragments import Reassembler, fragment
from simulator.inet.icmp import IcmpType, echo_reply, echo_request, parse_icmp
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcp import TcpConfig
from simulator.network.errors import Reason, RouteError
from simulator.network.seriallink import SerialLinkUdp
from simulator.network.seriallink_tcp import SerialLinkTcp


class SerialLinkBearer:
    def __init__(self, address: str, peer_address: str, send_ip: Callable[[bytes], object],
                 clock: IReactorTime, rng: random.Random, *, dns: tuple[str, ...] = (),
                 modem: str = "", mtu: int = 1500,
                 fragment_timeout: Callable[[], float] | None = None,
                 tcp: TcpConfig | None = None) -> None:
        self.address = address
        #: The longest packet the host's link takes: the MRU its PPP asked for.
        self.mtu = mtu
        self.peer_address = peer_address
        self.dns = dns
        self.clock = clock
        self.rng = rng
        self.modem = modem
        self.link = None  # no shaping on a serial line: its baud rate is the host's business
        self.active = True
        self._local = ipaddress.IPv4Address(address)
        self._send_ip = send_ip
        self.udp = SerialLinkUdp(address, self._send)
        self.tcp = SerialLinkTcp(address, self._send, clock, rng, tcp)
        self._pings: dict[tuple[int, int], tuple[defer.Deferred, float, object]] = {}
        self._ping_id = rng.getrandbits(16)
        self._ping_seq = 0
        self._ids = 0
        self._reassembly = Reassembler()
        self._fragment_timeout = fragment_timeout
        self._observers: list[Callable[[SerialLinkBearer, bool], None]] = []

    def __repr__(self) -> str:
        return f"<SerialLinkBearer {self.address} <-> {self.peer_address}>"

    def _send(self, packet: bytes) -> None:
        if not self.active:
            return
        if len(packet) <= self.mtu:
            self._send_ip(packet)
            return
        # Longer than the host's MRU (a UDP datagram, an echo request): the stack fragments it
        # for its interface, as a host does (RFC 791 §3.2).
        for piece in fragment(parse_ipv4(packet), self.mtu):
            self._send_ip(piece.build())

    # -- the sockets' interface ---------------------------------------------------------------

    def connect_tcp(self, host: str, port: int, protocol, *, local_port: int = 0,
                    timeout: float | None = None) -> defer.Deferred:
        if not self.active:
            return defer.fail(RouteError(Reason.BEARER_RELEASED, self.address))
        return self.tcp.connect_tcp(host, port, protocol, local_port=local_port, timeout=timeout)

    def listen_tcp(self, port: int, accept):
        if not self.active:
            raise RouteError(Reason.BEARER_RELEASED, self.address)
        return self.tcp.listen_tcp(port, accept)

    def open_udp(self, port: int, protocol, *, expose: bool = True):
        if not self.active:
            raise RouteError(Reason.BEARER_RELEASED, self.address)
        return self.udp.open_udp(port, protocol)

    def ping(self, host: str, size: int = 64, timeout: float = 2.0) -> defer.Deferred:
        """One echo request to ``host`` over the link; fires with the round-trip time."""
        try:
            dst = ipaddress.IPv4Address(host)
        except ValueError:
            return defer.fail(RouteError(Reason.UNREACHABLE, host))
        if not self.active:
            return defer.fail(RouteError(Reason.BEARER_RELEASED, self.address))
        self._ping_seq = (self._ping_seq + 1) & 0xFFFF
        key = (self._ping_id, self._ping_seq)
        d = defer.Deferred()
        timer = self.clock.callLater(timeout, self._ping_timed_out, key)
        self._pings[key] = (d, self.clock.seconds(), timer)
        message = echo_request(*key, bytes(i & 0xFF for i in range(max(0, size))))
        self._send_packet(dst, IpProtocol.ICMP, message.build())
        return d

    def _ping_timed_out(self, key) -> None:
        d, _, _ = self._pings.pop(key)
        d.errback(RouteError(Reason.TIMEOUT, "no echo reply"))

    # -- from the link ------------------------------------------------------------------------

    def packet_received(self, data: bytes) -> None:
        """An IPv4 packet the host sent over PPP; anything not for us is dropped."""
        if not self.active:
            return
        try:
            packet = parse_ipv4(data)
        except PacketError:
            return
        if packet.dst != self._local:
            return
        if packet.is_fragment:
            if self._fragment_timeout is not None:
                self._reassembly.timeout = float(self._fragment_timeout())
            packet = self._reassembly.add(packet, self.clock.seconds())
            if packet is None:
                return
        if packet.protocol == IpProtocol.TCP:
            self.tcp.packet_received(packet)
        elif packet.protocol == IpProtocol.UDP:
            self.udp.deliver(packet)
        elif packet.protocol == IpProtocol.ICMP:
            self._icmp(packet)

    def _icmp(self, packet: Ipv4Packet) -> None:
        try:
            message = parse_icmp(packet.payload)
        except PacketError:
            return
        if message.type == IcmpType.ECHO_REQUEST:
            self._send_packet(packet.src, IpProtocol.ICMP, echo_reply(message).build())
        elif message.type == IcmpType.ECHO_REPLY:
            pending = self._pings.pop((message.identifier, message.sequence), None)
            if pending is not None:
                d, sent, timer = pending
                timer.cancel()
                d.callback(self.clock.seconds() - sent)

    def _send_packet(self, dst: ipaddress.IPv4Address, protocol: int, payload: bytes) -> None:
        self._ids = (self._ids + 1) & 0xFFFF
        packet = Ipv4Packet(self._local, dst, protocol, payload, identification=self._ids)
        self._send(packet.build())

    # -- life ---------------------------------------------------------------------------------

    def on_release(self, observer: Callable[[SerialLinkBearer, bool], None]) -> None:
        self._observers.append(observer)

    def remove_release_observer(self, observer) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    def release(self, *, by_network: bool = False) -> None:
        """The link is gone (or let go): every socket fails, pings too."""
        if not self.active:
            return
        self.active = False
        # The owner hears first (as from a network bearer): it closes its sockets itself.
        for observer in list(self._observers):
            observer(self, by_network)
        self._observers.clear()
        self.tcp.close_all()
        self.udp.close_all()
        for d, _, timer in self._pings.values():
            timer.cancel()
            d.errback(RouteError(Reason.BEARER_RELEASED, self.address))
        self._pings.clear()
