"""The datagram half of a modem's own IP stack over a serial link (PPP on a port).

On a WIP UART or CMUX-DLC bearer the far end of the link is the host itself: the modem's
UDP sockets do not go through the simulated network's router but become IPv4/UDP packets
handed to the PPP peer (``send_ip``), and IPv4 packets the peer received come back in
through ``packet_received``.  Sans-IO: no reactor, no PPP here.

    udp = SerialLinkUdp("10.0.0.2", ppp_link.send_ip)
    port = udp.open_udp(0, protocol)        # protocol.datagramReceived(data, (host, port))
    port.write(b"hi", ("10.0.0.1", 7))       # one IPv4/UDP packet to send_ip
    udp.packet_received(packet_bytes)        # True when it was a UDP packet for a bound port
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable

from twisted.internet.address import IPv4Address

from simulator.inet.errors import PacketError
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.udpdatagram import UdpDatagram, parse_udp
from simulator.network.errors import Reason, RouteError

#: Where ports bound as "any port" come from (the IANA dynamic range).
EPHEMERAL = range(49152, 65536)


class SerialUdpPort:
    """A bound UDP port of the modem on the serial link (the IUDPTransport part WIP uses)."""

    closed = False

    def __init__(self, stack: SerialLinkUdp, port: int, protocol) -> None:
        self.stack = stack
        self.port = port
        self.protocol = protocol
        self._connected: tuple[str, int] | None = None

    def __repr__(self) -> str:
        return f"<SerialUdpPort {self.stack.address}:{self.port}>"

    def write(self, data: bytes, addr: tuple[str, int] | None = None) -> None:
        if addr is None:
            addr = self._connected
            if addr is None:
                raise RouteError(Reason.UNREACHABLE, "no destination for an unconnected port")
        if not self.closed:
            self.stack.send(self.port, bytes(data), (addr[0], int(addr[1])))

    def connect(self, host: str, port: int) -> None:
        self._connected = (host, port)

    def getHost(self) -> IPv4Address:
        return IPv4Address("UDP", self.stack.address, self.port)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.stack.closed(self)
            stop = getattr(self.protocol, "doStop", None)
            if stop is not None:
                stop()

    stopListening = loseConnection = close


class SerialLinkUdp:
    def __init__(self, address: str, send_ip: Callable[[bytes], None]) -> None:
        self.address = address
        self._local = ipaddress.IPv4Address(address)
        self.send_ip = send_ip
        self.ports: dict[int, SerialUdpPort] = {}
        self._ids = itertools.count()
        self._next_ephemeral = EPHEMERAL.start

    def open_udp(self, port: int, protocol) -> SerialUdpPort:
        if port:
            if port in self.ports:
                raise RouteError(Reason.PORT_IN_USE, f"udp {self.address}:{port}")
        else:
            port = self._free_port()
        endpoint = SerialUdpPort(self, port, protocol)
        self.ports[port] = endpoint
        protocol.makeConnection(endpoint)
        return endpoint

    def send(self, port: int, data: bytes, destination: tuple[str, int]) -> None:
        try:
            dst = ipaddress.IPv4Address(destination[0])
        except ValueError as exc:
            raise RouteError(Reason.UNREACHABLE, destination[0]) from exc
        udp = UdpDatagram(port, destination[1], data).build(self._local, dst)
        packet = Ipv4Packet(self._local, dst, IpProtocol.UDP, udp,
                            identification=next(self._ids) & 0xFFFF)
        self.send_ip(packet.build())

    def packet_received(self, data: bytes) -> bool:
        """Deliver an IPv4/UDP packet to its bound port; False for anything else (another
        protocol, another address, no such port, a damaged packet: dropped as a stack does).
        A fragment is refused here: reassembling is the caller's part (``deliver``)."""
        try:
            packet = parse_ipv4(data)
        except PacketError:
            return False
        if packet.is_fragment:
            return False
        return self.deliver(packet)

    def deliver(self, packet: Ipv4Packet) -> bool:
        """Like ``packet_received`` for a packet already parsed (and reassembled)."""
        if packet.protocol != IpProtocol.UDP or packet.dst != self._local or packet.is_fragment:
            return False
        try:
            datagram = parse_udp(packet.payload, packet.src, packet.dst)
        except PacketError:
            return False
        endpoint = self.ports.get(datagram.dst_port)
        if endpoint is None or endpoint.closed:
            return False
        endpoint.protocol.datagramReceived(datagram.payload, (str(packet.src), datagram.src_port))
        return True

    def closed(self, endpoint: SerialUdpPort) -> None:
        if self.ports.get(endpoint.port) is endpoint:
            del self.ports[endpoint.port]

    def close_all(self) -> None:
        """The link went down: every port closes (its protocol is told by ``doStop``)."""
        for endpoint in list(self.ports.values()):
            endpoint.close()

    def _free_port(self) -> int:
        for _ in EPHEMERAL:
            port = self._next_ephemeral
            self._next_ephemeral = port + 1 if port + 1 < EPHEMERAL.stop else EPHEMERAL.start
            if port not in self.ports:
                return port
        raise RouteError(Reason.PORT_IN_USE, f"udp {self.address}: no free port")
