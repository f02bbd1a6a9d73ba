"""Where a modem's packets go.

A TCP connect to (address, port) reaches, in this order of precedence:

1. a listener at that address and port: another modem's server socket (its PDP address), a
   lab service at a host's virtual address, or a lab data port (FTP passive mode);
2. nothing else at a modem's address: connection refused;
3. a ``hosts:`` entry's ``forward:`` target, a real socket;
4. for a host without service or forward on that port: connection refused;
5. an address inside ``allow:``: the real destination;
6. anything else: unreachable.

Datagrams follow the same table (``allow:``/``forward:`` through a real UDP socket), but a
datagram nobody takes is silently dropped, as on a real network.  Every path crosses the
sending modem's uplink and, towards a modem, its downlink; modem-to-modem traffic crosses both
modems' links.  Time is the injected clock; real sockets exist only when a ``reactor`` is
given, and only towards ``forward:`` targets and ``allow:`` networks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from twisted.internet import defer, error, protocol
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IReactorTime

from simulator.logs import Logger
from simulator.network.errors import BearerReleased, Reason, RouteError
from simulator.network.hosts import Hosts, ipv4_literal
from simulator.network.links import Link, Shaper, transit
from simulator.network.netfaults import ConnectionFaults
from simulator.network.pipe import Pipe, PipeEnd
from simulator.network.resolver import Resolver
from simulator.network.splice import Splice
from simulator.network.udp import (
    MAX_DATAGRAM,
    DatagramEndpoint,
    LabDatagramPort,
    ModemDatagramPort,
    RealUdpRelay,
)

if TYPE_CHECKING:
    from simulator.network.apn import Bearer
    from simulator.network.expose import Exposer

log = Logger(namespace="atsim.network.router")

#: How long a TCP connect may take before it fails with TIMEOUT, seconds.
CONNECT_TIMEOUT = 30.0
#: Ephemeral ports (RFC 6335 dynamic range).
EPHEMERAL_PORTS = range(49152, 65536)

Accept = Callable[[tuple[str, int]], "protocol.Protocol | None"]
#: Where a datagram goes: (data, origin (host, port), destination port).
DatagramSink = Callable[[bytes, tuple[str, int], int], None]


class Listening:
    """A TCP listener at (address, port): a modem's server socket or a lab port."""

    def __init__(self, router: Router, address: str, port: int, accept: Accept,
                 link: Link | None, bearer: Bearer | None) -> None:
        self.router = router
        self.address = address
        self.port = port
        self.accept = accept
        self.link = link
        self.bearer = bearer
        self.closed = False
        self.exposure = None

    def __repr__(self) -> str:
        return f"<Listening {self.address}:{self.port}>"

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.router._listener_closed(self)


class Router:
    def __init__(self, clock: IReactorTime, hosts: Hosts, *,
                 allow: Sequence[ipaddress.IPv4Network] = (), reactor=None) -> None:
        self.clock = clock
        self.hosts = hosts
        self.resolver = Resolver(hosts)
        self.allow = tuple(allow)
        #: Real I/O (IReactorTCP, IReactorUDP); None: nothing real is reachable.
        self.reactor = reactor
        self.exposer: Exposer | None = None
        self._listeners: dict[tuple[str, int], Listening] = {}
        #: Bearers whose every port is someone's to answer (a host on PPP): address ->
        #: (bearer, accept_for(port), the listeners its ``expose:`` entries published,
        #: where datagrams to a port nobody bound go).
        self._every_port: dict[str, tuple[Bearer, Callable[[int], Accept], list[Listening],
                                          DatagramSink | None]] = {}
        self._tcp_ports: dict[str, set[int]] = {}
        self._udp_ports: dict[tuple[str, int], DatagramEndpoint] = {}
        self._bearers: dict[str, Bearer] = {}
        self._ends: dict[str, set[PipeEnd]] = {}  # connection ends on each bearer address
        self._attempts: dict[str, set[_TcpConnect]] = {}
        self._next_port: dict[str, int] = {}
        #: ``observer(modem, kind, fields)`` sees what the modems' connections do: "socket"
        #: (state opened/closed, host, port, names), "bytes" (moved, before: the connection's
        #: count of bytes delivered both ways after and before a delivery) and "bearer" (state
        #: up/down, address).  Nothing is counted while the list is empty.
        self.observers: list[Callable[[str, str, dict], None]] = []
        #: Per-modem faults on connections (``simulator.network.netfaults``), by modem name.
        self.faults: dict[str, ConnectionFaults] = {}
        #: ``observer(bearer, end, pipe)`` for every TCP connection of a modem's bearer
        #: (``end`` the modem's side) once established; ``observer(source, destination,
        #: data)`` for every datagram sent or relayed in.  For packet captures: nothing is
        #: built while the lists are empty.
        self.connection_observers: list = []
        self.datagram_observers: list = []
        #: ``observer(bearer, state, protocol, port, endpoint)`` when a modem's UDP port
        #: (protocol "udp", ``endpoint`` the port with its counts) or TCP listener ("tcp",
        #: None) on ``bearer`` opens (state "open") or closes ("closed"): its sockets that
        #: are not connections, for the modem's state.
        self.socket_observers: list = []

    # -- the table ----------------------------------------------------------------------------

    def allows(self, address: str) -> bool:
        ip = ipv4_literal(address)
        return ip is not None and any(ip in network for network in self.allow)

    def bearer_at(self, address: str) -> Bearer | None:
        return self._bearers.get(address)

    def report(self, modem: str, kind: str, **fields) -> None:
        for observer in list(self.observers):
            observer(modem, kind, fields)

    def _opened(self, modem: str, end: PipeEnd, what: str) -> None:
        """A modem's connection is up: logged, and told to the observers with its bytes."""
        log_connection(self.clock, modem, end, what)
        self.connection_faults(modem).opened(end)
        if not self.observers:
            return
        address, port = end.remote
        host = self.hosts.by_address(address)
        far = {"host": address, "port": port,
               "names": tuple(host.names) if host is not None else (), "connection": end}
        self.report(modem, "socket", state="opened", **far)
        end.pipe.closed_callbacks.append(
            lambda: self.report(modem, "socket", state="closed", **far))

        def delivered(size: int) -> None:
            moved = end.lane_in.delivered + end.lane_out.delivered
            self.report(modem, "bytes", moved=moved, before=moved - size, **far)

        end.lane_in.on_delivered.append(delivered)
        end.lane_out.on_delivered.append(delivered)

    def connection_faults(self, modem: str) -> ConnectionFaults:
        """The faults on ``modem``'s connections (made on first use)."""
        faults = self.faults.get(modem)
        if faults is None:
            faults = self.faults[modem] = ConnectionFaults(self.hosts)
        return faults

    def bearer_activated(self, bearer: Bearer) -> None:
        if self.observers:
            self.report(bearer.modem, "bearer", state="up", address=bearer.address)
        self._bearers[bearer.address] = bearer
        # Where this bearer's ephemeral ports start: drawn once, as a real stack randomises it.
        self._next_port[bearer.address] = bearer.rng.randrange(len(EPHEMERAL_PORTS))

    def bearer_released(self, bearer: Bearer) -> None:
        address = bearer.address
        if self.observers and address in self._bearers:
            self.report(bearer.modem, "bearer", state="down", address=address)
        for attempt in list(self._attempts.pop(address, ())):
            attempt.fail(Reason.BEARER_RELEASED)
        for end in list(self._ends.pop(address, ())):
            end.fail(BearerReleased("bearer released"))
        for key, listener in list(self._listeners.items()):
            if key[0] == address:
                listener.close()
        every = self._every_port.pop(address, None)
        if every is not None:
            for listener in every[2]:
                listener.close()
        for key, endpoint in list(self._udp_ports.items()):
            if key[0] == address:
                endpoint.close()
        self._bearers.pop(address, None)
        self._tcp_ports.pop(address, None)
        self._next_port.pop(address, None)

    def _resolve(self, host: str) -> str:
        # Modems resolve names themselves (by DNS); a name given here is looked up in the
        # hosts table, which is what the DNS service would have answered.
        return self.resolver.resolve(host)

    # -- ports --------------------------------------------------------------------------------

    def _claim_tcp_port(self, address: str, port: int) -> int:
        used = self._tcp_ports.setdefault(address, set())
        if port:
            if port in used:
                raise RouteError(Reason.PORT_IN_USE, f"{address}:{port}")
            used.add(port)
            return port
        port = self._free_port(address, lambda p: p not in used)
        used.add(port)
        return port

    def _free_port(self, address: str, free: Callable[[int], bool]) -> int:
        start = self._next_port.get(address, 0)
        for step in range(len(EPHEMERAL_PORTS)):
            port = EPHEMERAL_PORTS[(start + step) % len(EPHEMERAL_PORTS)]
            if free(port):
                self._next_port[address] = (start + step + 1) % len(EPHEMERAL_PORTS)
                return port
        raise RouteError(Reason.PORT_IN_USE, f"{address}: no ephemeral port left")

    def _release_tcp_port(self, address: str, port: int) -> None:
        self._tcp_ports.get(address, set()).discard(port)

    # -- TCP ----------------------------------------------------------------------------------

    def listen_tcp(self, bearer: Bearer, port: int, accept: Accept) -> Listening:
        if not bearer.active:
            raise RouteError(Reason.BEARER_RELEASED, bearer.address)
        port = self._claim_tcp_port(bearer.address, port)
        listener = Listening(self, bearer.address, port, accept, bearer.link, bearer)
        self._listeners[(bearer.address, port)] = listener
        log.info("{modem}: listening on tcp {address}:{port}", modem=bearer.modem,
                 address=bearer.address, port=port)
        self._tell_sockets(bearer, "open", "tcp", port)
        if self.exposer is not None:
            self.exposer.expose_tcp(bearer, listener)
        return listener

    def listen_every_port(self, bearer: Bearer, accept_for: Callable[[int], Accept],
                          datagrams: DatagramSink | None = None) -> Callable[[], None]:
        """Offer every port of ``bearer``'s address without a listener of its own to
        ``accept_for(port)``, whose ``Accept`` answers as a listener does, and datagrams to
        a port nobody bound to ``datagrams(data, origin, port)``: a host behind the bearer
        (PPP) decides itself which ports it serves.  Returns the function that stops it."""
        address = bearer.address
        exposed: list[Listening] = []
        self._every_port[address] = (bearer, accept_for, exposed, datagrams)
        if self.exposer is not None:
            # Only the ports the scenario names: nobody knows which ones the host serves.
            for protocol_name, port in sorted(bearer.subscriber.expose):
                if protocol_name == "tcp" and (address, port) not in self._listeners:
                    listener = Listening(self, address, port, accept_for(port), bearer.link,
                                         bearer)
                    self.exposer.expose_tcp(bearer, listener)
                    exposed.append(listener)

        def stop() -> None:
            every = self._every_port.get(address)
            if every is not None and every[0] is bearer:
                del self._every_port[address]
                for listener in every[2]:
                    listener.close()

        return stop

    def listener_at(self, address: str, port: int) -> Listening | None:
        """The listener a SYN to address:port reaches, if any."""
        listener = self._listeners.get((address, port))
        if listener is not None:
            return listener
        every = self._every_port.get(address)
        if every is None:
            return None
        bearer, accept_for, _, _ = every
        return Listening(self, address, port, accept_for(port), bearer.link, bearer)

    def listen_lab(self, address: str, port: int, accept: Accept) -> Listening:
        """A lab listener at a host's virtual address (port 0: a free one)."""
        port = self._claim_tcp_port(address, port)
        listener = Listening(self, address, port, accept, None, None)
        self._listeners[(address, port)] = listener
        return listener

    def _listener_closed(self, listener: Listening) -> None:
        key = (listener.address, listener.port)
        if self._listeners.get(key) is listener:
            del self._listeners[key]
            self._release_tcp_port(listener.address, listener.port)
            if listener.bearer is not None:
                self._tell_sockets(listener.bearer, "closed", "tcp", listener.port)
        if listener.exposure is not None:
            listener.exposure.close()

    def connect_tcp(self, bearer: Bearer, host: str, port: int, proto, *, local_port: int = 0,
                    timeout: float | None = None) -> defer.Deferred:
        try:
            if not bearer.active:
                raise RouteError(Reason.BEARER_RELEASED, bearer.address)
            if not 0 < port < 65536:
                raise RouteError(Reason.REFUSED, f"port {port}")
            destination = self._resolve(host)
            if not bearer.link.is_up:
                raise RouteError(Reason.LINK_DOWN, bearer.modem)
            local = self._claim_tcp_port(bearer.address, local_port)
        except RouteError as e:
            return defer.fail(e)
        attempt = _TcpConnect(self, bearer, local, (destination, port), proto,
                              CONNECT_TIMEOUT if timeout is None else timeout)
        self._attempts.setdefault(bearer.address, set()).add(attempt)
        attempt.start()
        return attempt.deferred

    def tcp_route(self, address: str, port: int):
        """What a SYN to address:port finds: a ``Listening``, a real (host, port), or a
        ``Reason`` (REFUSED, UNREACHABLE)."""
        listener = self.listener_at(address, port)
        if listener is not None:
            return listener
        if address in self._bearers:
            return Reason.REFUSED
        host = self.hosts.by_address(address)
        if host is not None:
            target = host.forward_target(port)
            return target if target is not None else Reason.REFUSED
        if self.allows(address):
            return (address, port)
        return Reason.UNREACHABLE

    def accept_from_outside(self, listener: Listening, peer: tuple[str, int],
                            inbound_stages: Sequence[Shaper], outbound_stages: Sequence[Shaper],
                            far_end_protocol, *, on_pipe: Callable[[Pipe], None],
                            when_refused: Callable[[], None]) -> Pipe | None:
        """A connection from a host program (through an exposure) to a modem listener: the
        pipe's ``a`` end is the modem's, ``b`` carries ``far_end_protocol``; ``on_pipe`` runs
        before either protocol is attached."""
        if listener.closed:
            when_refused()
            return None
        inner = listener.accept(peer)
        if inner is None:
            when_refused()
            return None
        pipe = Pipe(self.clock, (listener.address, listener.port), peer, outbound_stages,
                    inbound_stages, a_link=listener.link)
        if listener.bearer is not None:
            self._watch(listener.bearer, pipe.a, pipe)
            self._opened(listener.bearer.modem, pipe.a, "accepted from the host")
        on_pipe(pipe)
        pipe.b.attach(far_end_protocol)
        pipe.a.attach(inner)
        return pipe

    def connect_from_lab(self, source: tuple[str, int], destination: tuple[str, int],
                         build: Callable[[IPv4Address], protocol.Protocol]) -> defer.Deferred:
        """A lab server connecting to a modem's listener (FTP active mode): the SYN crosses
        the modem's downlink, the answer its uplink.  ``build(address)`` makes the protocol
        once the connection is up; the Deferred fires then, or fails with ``RouteError``."""
        listener = self.listener_at(*destination)
        if listener is None or listener.bearer is None:
            known = destination[0] in self._bearers
            return defer.fail(RouteError(Reason.REFUSED if known else Reason.UNREACHABLE,
                                         _fmt(destination)))
        link = listener.link
        d: defer.Deferred = defer.Deferred()
        now = self.clock.seconds()

        def syn(at: float) -> None:
            inner = None if listener.closed else listener.accept(source)
            if inner is None:
                answer = transit((link.uplink,), 0, at)
                self.clock.callLater(max(0.0, answer - self.clock.seconds()), d.errback,
                                     RouteError(Reason.REFUSED, _fmt(destination)))
                return
            pipe = Pipe(self.clock, destination, source, (link.uplink,), (link.downlink,),
                        a_link=link)
            self._watch(listener.bearer, pipe.a, pipe)
            self._opened(listener.bearer.modem, pipe.a, "accepted")
            pipe.a.attach(inner)
            answer = transit((link.uplink,), 0, at)
            self.clock.callLater(max(0.0, answer - self.clock.seconds()), established, pipe)

        def established(pipe: Pipe) -> None:
            if d.called or pipe.a.disconnected:
                pipe.b.abortConnection()
                if not d.called:
                    d.errback(RouteError(Reason.RESET, _fmt(destination)))
                return
            proto = build(IPv4Address("TCP", *destination))
            if proto is None:  # the server gave up waiting meanwhile
                pipe.b.abortConnection()
                d.errback(RouteError(Reason.TIMEOUT, _fmt(destination)))
                return
            pipe.b.attach(proto)
            d.callback(None)

        at = transit((link.downlink,), 0, now)
        self.clock.callLater(max(0.0, at - now), syn, at)
        return d

    def _watch(self, bearer: Bearer, end: PipeEnd, pipe: Pipe,
               on_closed: Callable[[], None] | None = None) -> None:
        """Fail ``end`` if ``bearer`` goes while the pipe is open."""
        address = bearer.address
        self._ends.setdefault(address, set()).add(end)
        for observer in list(self.connection_observers):
            observer(bearer, end, pipe)
        pipe.closed_callbacks.append(lambda: self._ends.get(address, set()).discard(end))
        if on_closed is not None:
            pipe.closed_callbacks.append(on_closed)

    # -- UDP ----------------------------------------------------------------------------------

    def open_udp(self, bearer: Bearer, port: int, proto, *,
                 expose: bool = True) -> ModemDatagramPort:
        if not bearer.active:
            raise RouteError(Reason.BEARER_RELEASED, bearer.address)
        address = bearer.address
        explicit = bool(port)
        if port:
            if (address, port) in self._udp_ports:
                raise RouteError(Reason.PORT_IN_USE, f"udp {address}:{port}")
        else:
            port = self._free_port(address, lambda p: (address, p) not in self._udp_ports)
        endpoint = ModemDatagramPort(self, bearer, port, proto)
        self._udp_ports[(address, port)] = endpoint
        self._tell_sockets(bearer, "open", "udp", port, endpoint)
        proto.makeConnection(endpoint)
        if explicit and expose and self.exposer is not None:
            self.exposer.expose_udp(bearer, endpoint)
        return endpoint

    def open_lab_udp(self, address: str, port: int, proto) -> LabDatagramPort:
        endpoint = LabDatagramPort(self, address, port, proto)
        self._udp_ports[(address, port)] = endpoint
        proto.makeConnection(endpoint)
        return endpoint

    def datagram_endpoint_closed(self, endpoint: DatagramEndpoint) -> None:
        key = (endpoint.address, endpoint.port)
        if self._udp_ports.get(key) is endpoint:
            del self._udp_ports[key]
            if isinstance(endpoint, ModemDatagramPort):
                self._tell_sockets(endpoint.bearer, "closed", "udp", endpoint.port, endpoint)
        exposure = getattr(endpoint, "exposure", None)
        if exposure is not None:
            exposure.close()

    def _tell_sockets(self, bearer: Bearer, state: str, protocol: str, port: int,
                      endpoint: ModemDatagramPort | None = None) -> None:
        """``observer(bearer, state, protocol, port, endpoint)``: ``endpoint`` is the UDP
        port (its counts), None for a TCP listener."""
        for observer in list(self.socket_observers):
            observer(bearer, state, protocol, port, endpoint)

    def send_datagram(self, source: DatagramEndpoint, data: bytes,
                      destination: tuple[str, int]) -> None:
        if len(data) > MAX_DATAGRAM:
            raise RouteError(Reason.MESSAGE_TOO_LONG, f"{len(data)} bytes")
        try:
            address = self._resolve(destination[0])
        except RouteError:
            return  # a name nobody knows: the datagram goes nowhere
        destination = (address, destination[1])
        origin = (source.address, source.port)
        for observer in list(self.datagram_observers):
            observer(origin, destination, data)
        now = self.clock.seconds()
        if address == source.address:  # to itself: no link crossed
            self._deliver_udp_at(now, destination, data, origin, ())
            return
        link = source.link
        if link is not None and (not link.is_up or link.loses()):
            return
        first = (link.uplink,) if link is not None else ()
        faults = self.faults.get(link.owner) if link is not None else None
        if faults is not None and faults.narrowed:
            if faults.drops_datagram(*destination):
                return
            first += tuple(path.uplink for path in faults.paths(*destination))
        at = transit(first, len(data), now)
        exposure = getattr(source, "exposure", None)
        if exposure is not None and exposure.knows(destination):
            self.clock.callLater(at - now, exposure.send, data, destination)
            return
        self.clock.callLater(at - now, self._udp_hop, at, source, data, origin, destination)

    def _udp_hop(self, now: float, source: DatagramEndpoint, data: bytes,
                 origin: tuple[str, int], destination: tuple[str, int]) -> None:
        """The datagram has left the sender's link (at ``now``): find where it goes."""
        endpoint = self._udp_ports.get(destination)
        if endpoint is not None:
            link = endpoint.link
            if link is None:
                self._deliver_udp_at(now, destination, data, origin, ())
                return
            stages = self._down_stages(link, origin)
            if stages is not None:
                self._deliver_udp_at(now, destination, data, origin, stages)
            return
        every = self._every_port.get(destination[0])
        if every is not None and every[3] is not None:
            stages = self._down_stages(every[0].link, origin)
            if stages is None:
                return
            at = transit(stages, len(data), now)
            self.clock.callLater(max(0.0, at - self.clock.seconds()), every[3], data, origin,
                                 destination[1])
            return
        real = self._real_udp_target(destination)
        if real is None or not isinstance(source, ModemDatagramPort):
            if real is None and self._has_host(destination[0]):
                self._port_unreachable(now, source, data, destination)
            return  # nobody there; the datagram is dropped
        relay = self._relay_for(source, real[0])
        if relay is not None:
            relay.send(data, real, destination)

    def _has_host(self, address: str) -> bool:
        """A host is at ``address`` (a lab host, a modem's bearer): its stack answers a
        datagram to a port nobody holds with ICMP port unreachable (RFC 1122 §3.2.2.1)."""
        return address in self._bearers or self.hosts.by_address(address) is not None

    def _port_unreachable(self, now: float, source: DatagramEndpoint, data: bytes,
                          destination: tuple[str, int]) -> None:
        """Tell a sender that wants it (``port_unreachable(destination, data)`` on its
        protocol: a host's gateway) once the ICMP message has crossed its link back."""
        tell = getattr(source.protocol, "port_unreachable", None)
        if tell is None or source.closed:
            return
        link = source.link
        if link is not None and (not link.is_up or link.loses()):
            return
        at = transit((link.downlink,) if link is not None else (), len(data) + 56, now)

        def arrive() -> None:
            if not source.closed:
                tell(destination, data)

        self.clock.callLater(max(0.0, at - self.clock.seconds()), arrive)

    def _real_udp_target(self, destination: tuple[str, int]) -> tuple[str, int] | None:
        address, port = destination
        if address in self._bearers:
            return None
        host = self.hosts.by_address(address)
        if host is not None:
            return host.forward_target(port)
        return destination if self.allows(address) else None

    def _relay_for(self, port: ModemDatagramPort, real_host: str) -> RealUdpRelay | None:
        if self.reactor is None:
            return None
        loopback = ipaddress.IPv4Address(real_host).is_loopback
        relay = port.relays.get(loopback)
        if relay is None:
            relay = RealUdpRelay(self, port)
            relay.open(self.reactor, "127.0.0.1" if loopback else "")
            port.relays[loopback] = relay
        return relay

    def _deliver_udp_at(self, now: float, destination: tuple[str, int], data: bytes,
                        origin: tuple[str, int], stages: Sequence[Shaper]) -> None:
        at = transit(stages, len(data), now)

        def arrive() -> None:
            endpoint = self._udp_ports.get(destination)
            if endpoint is not None:
                endpoint.deliver(data, origin)

        self.clock.callLater(max(0.0, at - self.clock.seconds()), arrive)

    def deliver_datagram_to_modem(self, port: ModemDatagramPort, data: bytes,
                                  origin: tuple[str, int]) -> None:
        """A datagram from the real world (a relay, an exposure) for a modem port."""
        link = port.link
        for observer in list(self.datagram_observers):
            observer(origin, (port.address, port.port), data)
        if port.closed:
            return
        stages = self._down_stages(link, origin)
        if stages is not None:
            self._deliver_udp_at(self.clock.seconds(), (port.address, port.port), data,
                                 origin, stages)

    def _down_stages(self, link, origin: tuple[str, int]) -> tuple[Shaper, ...] | None:
        """What a datagram from ``origin`` crosses to reach a modem on ``link``: a narrowed
        path's figures first (a ``link`` fault on that far host or port), then the modem's
        own link; None when one of them loses it."""
        if not link.is_up or link.loses():
            return None
        stages: tuple[Shaper, ...] = (link.downlink,)
        faults = self.faults.get(link.owner)
        if faults is not None and faults.narrowed:
            if faults.drops_datagram(*origin):
                return None
            stages = (*(path.downlink for path in faults.paths(*origin)), *stages)
        return stages

    # -- ping ---------------------------------------------------------------------------------

    def ping(self, bearer: Bearer, host: str, size: int, timeout: float) -> defer.Deferred:
        """One ICMP echo.  Lab hosts answer unless ``ping: false`` (after ``ping.rtt`` if
        given), modems answer across both links, ``allow:`` addresses answer after the
        link's round trip (atsim sends no real ICMP: that would need privileges)."""
        try:
            if not bearer.active:
                raise RouteError(Reason.BEARER_RELEASED, bearer.address)
            address = self._resolve(host)
        except RouteError as e:
            return defer.fail(e)
        start = self.clock.seconds()
        d: defer.Deferred = defer.Deferred()
        timer = self.clock.callLater(
            timeout, lambda: d.called or d.errback(RouteError(Reason.TIMEOUT, address)))

        def reply(at: float) -> None:
            def answer() -> None:
                if not d.called:
                    timer.cancel()
                    d.callback(at - start)

            self.clock.callLater(max(0.0, at - self.clock.seconds()), answer)

        link = bearer.link
        if address == bearer.address:
            reply(start)
            return d
        if not link.is_up or link.loses():
            return d
        there = transit((link.uplink,), size, start)
        back_stages: tuple[Shaper, ...] = (link.downlink,)
        # A ``link`` fault narrowed to this host (ICMP has no port: only host-wide ones).
        faults = self.faults.get(link.owner)
        paths = faults.paths(address, None) if faults is not None and faults.narrowed else []
        if any(not path.is_up or path.loses() for path in paths):  # the request
            return d
        if paths:
            there = transit(tuple(path.uplink for path in paths), size, there)
            back_stages = (*(path.downlink for path in paths), *back_stages)
        peer = self._bearers.get(address)
        host_entry = self.hosts.by_address(address)
        if peer is not None:
            other = peer.link
            if not other.is_up or other.loses():  # the request, on the peer's downlink
                return d
            if other.loses():  # the reply, on its uplink
                return d
            there = transit((other.downlink, other.uplink), size, there)
        elif host_entry is not None:
            if not host_entry.ping.enabled:
                return d
            if host_entry.ping.rtt is not None:
                reply(start + host_entry.ping.rtt)
                return d
        elif not self.allows(address):
            return d  # unreachable: no reply, the caller sees a timeout
        if link.loses() or any(path.loses() for path in paths):  # the reply
            return d
        reply(transit(back_stages, size, there))
        return d


class _RealConnectFactory(protocol.ClientFactory):
    def __init__(self, attempt: _TcpConnect) -> None:
        self.attempt = attempt

    def buildProtocol(self, addr):
        return self.attempt.splice.real

    def clientConnectionFailed(self, connector, reason) -> None:
        if reason.check(error.ConnectionRefusedError):
            self.attempt.fail_after_return(Reason.REFUSED)
        elif reason.check(error.TimeoutError):
            self.attempt.fail(Reason.TIMEOUT)
        else:
            self.attempt.fail_after_return(Reason.UNREACHABLE)


class _TcpConnect:
    """One connect from a modem: SYN across the uplink, what it finds, SYN-ACK back."""

    def __init__(self, router: Router, bearer: Bearer, local_port: int,
                 destination: tuple[str, int], proto, timeout: float) -> None:
        self.router = router
        self.clock = router.clock
        self.bearer = bearer
        self.local = (bearer.address, local_port)
        self.destination = destination
        self.protocol = proto
        self.timeout = timeout
        self.deferred = defer.Deferred(lambda _: self._cancelled())
        self.pipe: Pipe | None = None
        self.splice: Splice | None = None
        self._connector = None
        self._timers: list = []
        self._back: tuple[Shaper, ...] = (bearer.link.downlink,)  # how an answer comes back
        self.done = False

    def _later(self, at: float, f, *args) -> None:
        """Call ``f(at, *args)`` at ``at``.  Each step is computed from the nominal time of the
        one before, not from when the reactor got round to it."""
        delay = max(0.0, at - self.clock.seconds())
        self._timers.append(self.clock.callLater(delay, f, at, *args))

    def start(self) -> None:
        now = self.clock.seconds()
        self._timers.append(self.clock.callLater(self.timeout, self.fail, Reason.TIMEOUT))
        if self.destination[0] == self.bearer.address:
            self._syn_arrives(now, loopback=True)
            return
        self._later(transit((self.bearer.link.uplink,), 0, now), self._syn_arrives)

    def _syn_arrives(self, now: float, loopback: bool = False) -> None:
        if self.done:
            return
        faults = self.router.faults.get(self.bearer.modem)
        verdict = faults.verdict(*self.destination) if faults is not None else None
        if verdict == "ignore":  # the SYN goes unanswered: the connect times out
            return
        if verdict == "refuse":
            self.fail_after_return(Reason.REFUSED, now)
            return
        route = self.router.tcp_route(*self.destination)
        link = self.bearer.link
        if isinstance(route, Reason):
            self.fail_after_return(route, now)
        elif isinstance(route, Listening):
            if loopback:
                self._accept(now, route, (), ())
                return
            there: tuple[Shaper, ...] = (link.uplink,)
            back: tuple[Shaper, ...] = (link.downlink,)
            if route.link is not None:
                there, back = (link.uplink, route.link.downlink), (route.link.uplink, link.downlink)
                self._later(transit((route.link.downlink,), 0, now), self._accept, route, there,
                            back)
            else:
                self._accept(now, route, there, back)
        else:
            self._connect_real(route)

    def _accept(self, now: float, listener: Listening, there, back) -> None:
        if self.done:
            return
        inner = None if listener.closed else listener.accept(self.local)
        if inner is None:
            self._back = back
            self.fail_after_return(Reason.REFUSED, now)
            return
        pipe = Pipe(self.clock, self.local, self.destination, there, back,
                    a_link=self.bearer.link, b_link=listener.link)
        self.pipe = pipe
        if listener.bearer is not None:
            self.router._watch(listener.bearer, pipe.b, pipe)
            self.router._opened(listener.bearer.modem, pipe.b, "accepted")
        pipe.b.attach(inner)
        self._later(transit(back, 0, now), self._established)

    def _connect_real(self, target: tuple[str, int]) -> None:
        reactor = self.router.reactor
        if reactor is None:
            self.fail_after_return(Reason.UNREACHABLE)
            return
        self.splice = Splice()
        self.splice.on_real_connected = self._real_connected
        remaining = max(1.0, self.timeout)
        log.info("{modem}: {local} -> {dst} goes to the real {target}", modem=self.bearer.modem,
                 local=_fmt(self.local), dst=_fmt(self.destination), target=_fmt(target))
        self._connector = reactor.connectTCP(target[0], target[1],
                                             _RealConnectFactory(self), timeout=remaining)

    def _real_connected(self, transport) -> None:
        if self.done:
            transport.abortConnection()
            return
        link = self.bearer.link
        pipe = Pipe(self.clock, self.local, self.destination, (link.uplink,), (link.downlink,),
                    a_link=link)
        self.pipe = pipe
        self.splice.join(transport, pipe.b)
        pipe.b.attach(self.splice.inner)
        self._later(transit((link.downlink,), 0, self.clock.seconds()), self._established)

    def _established(self, now: float) -> None:
        if self.done:
            return
        self._finish()
        pipe = self.pipe
        router = self.router
        address, port = self.local
        router._watch(self.bearer, pipe.a, pipe,
                      on_closed=lambda: router._release_tcp_port(address, port))
        self.router._opened(self.bearer.modem, pipe.a, "connected to")
        pipe.a.attach(self.protocol)
        self.deferred.callback(port)

    def fail_after_return(self, reason: Reason, now: float | None = None) -> None:
        """The answer (RST, ICMP unreachable) travels back before the modem learns it."""
        if self.done:
            return
        now = self.clock.seconds() if now is None else now
        self._later(transit(self._back, 0, now), lambda at: self.fail(reason))

    def fail(self, reason: Reason) -> None:
        if self.done:
            return
        self._finish()
        self._abandon()
        self.router._release_tcp_port(*self.local)
        self.deferred.errback(RouteError(reason, _fmt(self.destination)))

    def _finish(self) -> None:
        self.done = True
        for timer in self._timers:
            if timer.active():
                timer.cancel()
        self._timers.clear()
        self.router._attempts.get(self.bearer.address, set()).discard(self)

    def _abandon(self) -> None:
        if self.pipe is not None:
            self.pipe.a.abortConnection()
        elif self._connector is not None:
            self._connector.disconnect()

    def _cancelled(self) -> None:
        if not self.done:
            self._finish()
            self._abandon()
            self.router._release_tcp_port(*self.local)


def log_connection(clock: IReactorTime, modem: str, end: PipeEnd, what: str) -> None:
    """One line when a modem's connection opens and one when it is over, with what crossed
    it: the traffic summary a user reads in the log."""
    opened = clock.seconds()
    local, remote = _fmt(end.local), _fmt(end.remote)
    log.info("{modem}: tcp {local} {what} {remote}", modem=modem, local=local, what=what,
             remote=remote)

    def closed() -> None:
        log.info("{modem}: tcp {local} - {remote} closed after {seconds:.1f} s: {sent} bytes "
                 "sent, {received} received", modem=modem, local=local, remote=remote,
                 seconds=clock.seconds() - opened, sent=end.bytes_acked,
                 received=end.peer.bytes_acked)

    end.pipe.closed_callbacks.append(closed)


def _fmt(endpoint: tuple[str, int]) -> str:
    return f"{endpoint[0]}:{endpoint[1]}"

