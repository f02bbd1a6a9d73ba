"""Datagram endpoints: a modem's bound UDP port, a lab service's virtual port, and the real
UDP socket that carries a modem's datagrams to ``forward:``/``allow:`` destinations.

All of them sit in the router's table under their (address, port); the router moves a
datagram from one to another across the link stages, each stage able to lose it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twisted.internet import protocol
from twisted.internet.address import IPv4Address

from simulator.logs import Logger
from simulator.network.errors import Reason, RouteError

if TYPE_CHECKING:
    from simulator.network.apn import Bearer
    from simulator.network.links import Link
    from simulator.network.router import Router

log = Logger(namespace="atsim.network.udp")

#: Largest UDP payload IPv4 can carry (65535 - 20 IP - 8 UDP).
MAX_DATAGRAM = 65507


class DatagramEndpoint:
    """Something a datagram can be delivered to at (address, port)."""

    link: Link | None = None
    closed = False

    def __init__(self, router: Router, address: str, port: int, protocol) -> None:
        self.router = router
        self.address = address
        self.port = port
        self.protocol = protocol
        self._connected: tuple[str, int] | None = None  # the default destination
        #: Datagrams and their payload bytes written to the port (sent, whether or not the
        #: path then lost them) and handed to its protocol (received).
        self.datagrams_sent = self.bytes_sent = 0
        self.datagrams_received = self.bytes_received = 0

    def counts(self) -> dict[str, int]:
        return {"datagrams_sent": self.datagrams_sent, "bytes_sent": self.bytes_sent,
                "datagrams_received": self.datagrams_received,
                "bytes_received": self.bytes_received}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address}:{self.port}>"

    def deliver(self, data: bytes, source: tuple[str, int]) -> None:
        if not self.closed:
            self.datagrams_received += 1
            self.bytes_received += len(data)
            self.protocol.datagramReceived(data, source)

    # -- IUDPTransport, as far as the protocols here use it ----------------------------------

    def write(self, data: bytes, addr: tuple[str, int] | None = None) -> None:
        if addr is None:
            addr = self._connected
            if addr is None:
                raise RouteError(Reason.UNREACHABLE, "no destination for an unconnected port")
        if not self.closed:
            self.datagrams_sent += 1
            self.bytes_sent += len(data)
            self.router.send_datagram(self, bytes(data), (addr[0], int(addr[1])))

    def connect(self, host: str, port: int) -> None:
        self._connected = (host, port)

    def getHost(self) -> IPv4Address:
        return IPv4Address("UDP", self.address, self.port)

    def stopListening(self) -> None:
        self.close()

    loseConnection = stopListening

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.router.datagram_endpoint_closed(self)
            stop = getattr(self.protocol, "doStop", None)
            if stop is not None:
                stop()


class ModemDatagramPort(DatagramEndpoint):
    """A UDP port bound by a modem on one of its bearers."""

    def __init__(self, router: Router, bearer: Bearer, port: int, protocol) -> None:
        super().__init__(router, bearer.address, port, protocol)
        self.bearer = bearer
        self.link = bearer.link
        self.relays: dict[bool, RealUdpRelay] = {}  # by "loopback destination"
        #: Host programs that reached this port through its loopback exposure: replies to
        #: them go back the same way.
        self.exposure = None

    def close(self) -> None:
        super().close()
        for relay in self.relays.values():
            relay.close()
        self.relays.clear()


class LabDatagramPort(DatagramEndpoint):
    """A lab service's UDP port at a host's virtual address (echo, DNS, NTP ...)."""


class RealUdpRelay(protocol.DatagramProtocol):
    """The real socket a modem port sends through to real destinations.

    A private relay (an ephemeral port) answers only to what the modem port sent to: a
    datagram from anyone else is dropped, so it never becomes a way in.  An exposed port's
    relay is its exposure (``accept_anyone``): host programs may write to it first, and the
    modem's datagrams to real destinations leave from it, so a program sees the modem at one
    port both ways.
    """

    def __init__(self, router: Router, port: ModemDatagramPort, *,
                 accept_anyone: bool = False) -> None:
        self.router = router
        self.modem_port = port
        self.accept_anyone = accept_anyone
        self._virtual: dict[tuple[str, int], tuple[str, int]] = {}  # real -> as the modem sees
        self._listening = None

    def open(self, reactor, interface: str, port: int = 0):
        self._listening = reactor.listenUDP(port, self, interface=interface)
        return self._listening

    def knows(self, peer: tuple[str, int]) -> bool:
        """Whether ``peer`` (as the modem sees it) is a real endpoint this relay talks to."""
        return peer in self._virtual.values()

    def send(self, data: bytes, real: tuple[str, int], virtual: tuple[str, int]) -> None:
        self._virtual[real] = virtual
        if self.transport is not None:
            try:
                self.transport.write(data, real)
            except OSError as e:  # no route, message too long ...: the datagram is lost
                log.debug("{port}: datagram to {real} lost: {e}", port=self.modem_port,
                          real=real, e=e)

    def datagramReceived(self, data: bytes, addr) -> None:
        real = (addr[0], addr[1])
        source = self._virtual.get(real)
        if source is None:
            if not self.accept_anyone:
                return
            source = self._virtual[real] = real
        self.router.deliver_datagram_to_modem(self.modem_port, data, source)

    def close(self) -> None:
        if self._listening is not None:
            self._listening.stopListening()
            self._listening = None
