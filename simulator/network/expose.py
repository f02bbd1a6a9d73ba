"""Publishing modem listeners on the host, so a program there can connect "to the modem".

Every TCP server socket a modem opens, and every UDP port it binds explicitly, gets a real
listener: the one the modem's ``expose:`` names (``"tcp/80": "tcp:18001:interface=127.0.0.1"``)
or an ephemeral loopback port, announced in the log and listed by ``Exposer.exposures``.
A connection to it reaches the modem's listener across the modem's link, exactly as one from
another modem would; the modem sees the host program's real address as its peer.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import TYPE_CHECKING

from twisted.internet import protocol
from twisted.internet.endpoints import serverFromString

from simulator.logs import Logger
from simulator.network.endpoints import parse_udp_endpoint
from simulator.network.links import transit
from simulator.network.splice import Splice
from simulator.network.udp import RealUdpRelay

if TYPE_CHECKING:
    from simulator.network.apn import Bearer
    from simulator.network.router import Listening, Router
    from simulator.network.udp import ModemDatagramPort

log = Logger(namespace="atsim.network.expose")

#: Where a listener goes when the modem's ``expose:`` does not name it: any free port on the
#: loopback interface, never on an outside one.
DEFAULT_TCP = "tcp:0:interface=127.0.0.1"
DEFAULT_UDP = "udp:0:interface=127.0.0.1"


@dataclasses.dataclass(eq=False)
class Exposure:
    """A modem port reachable from the host at ``host:port`` (``port`` is 0 until the real
    listener is up)."""

    modem: str
    protocol: str  # "tcp" | "udp"
    modem_address: str
    modem_port: int
    endpoint: str  # as asked for
    host: str = ""
    port: int = 0
    closed: bool = False
    _listening: object = None
    _udp: object = None

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        listening, self._listening = self._listening, None
        if self._udp is not None:
            self._udp.close()  # the relay owns its port (and stops it only once)
        elif listening is not None:
            listening.stopListening()
        log.info("{modem}: {protocol}/{modem_port} no longer exposed at {host}:{port}",
                 modem=self.modem, protocol=self.protocol, modem_port=self.modem_port,
                 host=self.host, port=self.port)

    # For UDP: host programs that wrote to this port get the modem's replies this way.

    def knows(self, peer: tuple[str, int]) -> bool:
        return self._udp is not None and not self.closed and self._udp.knows(peer)

    def send(self, data: bytes, peer: tuple[str, int]) -> None:
        if self._udp is not None and not self.closed:
            self._udp.send(data, peer, peer)




class Exposer:
    def __init__(self, router: Router, reactor) -> None:
        self.router = router
        self.reactor = reactor
        self.exposures: list[Exposure] = []

    def expose_tcp(self, bearer: Bearer, listener: Listening) -> Exposure:
        description = bearer.subscriber.expose.get(("tcp", listener.port), DEFAULT_TCP)
        exposure = Exposure(bearer.modem, "tcp", bearer.address, listener.port, description)
        listener.exposure = exposure
        self._add(exposure)
        factory = _ExposedTcpFactory(self.router, bearer, listener)
        d = serverFromString(self.reactor, description).listen(factory)
        d.addCallbacks(lambda port: self._listening(exposure, port),
                       lambda f: self._failed(exposure, f))
        return exposure

    def expose_udp(self, bearer: Bearer, port: ModemDatagramPort) -> Exposure | None:
        description = bearer.subscriber.expose.get(("udp", port.port), DEFAULT_UDP)
        exposure = Exposure(bearer.modem, "udp", bearer.address, port.port, description)
        port.exposure = exposure
        self._add(exposure)
        try:
            real_port, interface = parse_udp_endpoint(description)
            relay = RealUdpRelay(self.router, port, accept_anyone=True)
            listening = relay.open(self.reactor, interface, real_port)
        except Exception as e:  # noqa: BLE001 - any failure leaves the modem port working
            self._failed(exposure, e)
            return None
        exposure._udp = relay
        # The exposure is also the port's way to real destinations it can reach.
        wildcard = interface in ("", "0.0.0.0")
        loopback = ipaddress.IPv4Address(interface or "0.0.0.0").is_loopback
        for towards_loopback in (True, False):
            if wildcard or towards_loopback == loopback:
                previous = port.relays.pop(towards_loopback, None)
                if previous is not None:
                    previous.close()
                port.relays[towards_loopback] = relay
        self._listening(exposure, listening)
        return exposure

    def _add(self, exposure: Exposure) -> None:
        self.exposures = [e for e in self.exposures if not e.closed]
        self.exposures.append(exposure)

    def _listening(self, exposure: Exposure, listening) -> None:
        if exposure.closed:  # the modem closed its listener meanwhile
            listening.stopListening()
            return
        address = listening.getHost()
        exposure._listening = listening
        exposure.host, exposure.port = address.host, address.port
        log.info("{modem}: {protocol}/{modem_port} ({address}:{modem_port}) exposed at "
                 "{host}:{port}", modem=exposure.modem, protocol=exposure.protocol,
                 modem_port=exposure.modem_port, address=exposure.modem_address,
                 host=exposure.host, port=exposure.port)

    def _failed(self, exposure: Exposure, failure) -> None:
        exposure.closed = True
        log.warn("{modem}: cannot expose {protocol}/{modem_port} at {endpoint}: {why}",
                 modem=exposure.modem, protocol=exposure.protocol,
                 modem_port=exposure.modem_port, endpoint=exposure.endpoint,
                 why=getattr(failure, "value", failure))

    def close_all(self) -> None:
        for exposure in self.exposures:
            exposure.close()
        self.exposures = []


class _ExposedTcpFactory(protocol.Factory):
    def __init__(self, router: Router, bearer: Bearer, listener: Listening) -> None:
        self.router = router
        self.bearer = bearer
        self.listener = listener

    def buildProtocol(self, addr):
        splice = Splice()
        peer = (addr.host, addr.port)

        def real_connected(transport) -> None:
            # Read nothing until the modem has the connection: the SYN first crosses its link.
            transport.pauseProducing()
            link = self.bearer.link
            at = transit((link.downlink,), 0, self.router.clock.seconds())
            self.router.clock.callLater(max(0.0, at - self.router.clock.seconds()),
                                        reach_modem, transport)

        def reach_modem(transport) -> None:
            if splice.real_gone:
                return
            link = self.bearer.link
            self.router.accept_from_outside(
                self.listener, peer, (link.downlink,), (link.uplink,), splice.inner,
                on_pipe=lambda pipe: splice.join(transport, pipe.b),
                when_refused=transport.abortConnection)

        splice.on_real_connected = real_connected
        return splice.real
