"""The stream half of a modem's own IP stack over a serial link (PPP on a port).

Each TCP connection of the modem is a ``simulator.inet.tcp.TcpConnection`` whose segments
are IPv4 packets handed to the PPP peer (``send_ip``); the application sees a Twisted
transport with what the modem's sockets use of one (``simulator.ipstack.tcp``): write,
half and full close, abort, a streaming producer both ways, getHost/getPeer.  Timers run on
the given clock, so tests drive everything with ``task.Clock``.

    tcp = SerialLinkTcp("10.0.0.2", ppp_link.send_ip, clock, rng)
    d = tcp.connect_tcp("10.0.0.1", 80, protocol)   # fires with the local port
    tcp.listen_tcp(5000, accept)                     # accept((host, port)) -> protocol | None
    tcp.packet_received(ipv4_packet)                 # a parsed packet whose protocol is TCP
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable

from twisted.internet import defer, error
from twisted.internet.address import IPv4Address
from twisted.internet.interfaces import IHalfCloseableProtocol, IReactorTime
from twisted.python.failure import Failure

from simulator.inet.errors import PacketError
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet
from simulator.inet.tcp import (
    Closed,
    Connected,
    DataReceived,
    PeerClosed,
    Reset,
    TcpConfig,
    TcpConnection,
    TimedOut,
    Writable,
)
from simulator.inet.tcp.connection import reset_reply
from simulator.inet.tcpsegment import TcpSegment, parse_tcp
from simulator.network.errors import ConnectionReset, Reason, RouteError

EPHEMERAL = range(49152, 65536)
Key = tuple[int, str, int]  # local port, remote address, remote port


class SerialTcpTransport:
    """One connection: the transport its application writes to."""

    buffer_high = buffer_low = 0  # set by the socket layer; ours is the TCP send buffer

    def __init__(self, stack: SerialLinkTcp, key: Key, conn: TcpConnection, protocol_,
                 connected: defer.Deferred | None) -> None:
        self.stack = stack
        self.key = key
        self.local_port, self.remote, self.remote_port = key
        self.conn = conn
        self.protocol = protocol_
        self._connected = connected
        self._outbox = bytearray()  # written, not yet taken by the TCP send buffer
        self._inbox = bytearray()  # received while the application paused reading
        self._reading_paused = False
        self._producer = None
        self._producer_paused = False
        self._write_closed = False
        self._fin_sent = False
        self._timer = None
        self.bytes_sent = 0
        self.made = False
        self.gone = False

    def __repr__(self) -> str:
        return f"<SerialTcpTransport :{self.local_port} -> {self.remote}:{self.remote_port}>"

    # -- ITransport ---------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.gone or self._write_closed:
            return
        self._outbox += data
        self._flush()
        self.stack._pump(self)

    def writeSequence(self, chunks) -> None:
        self.write(b"".join(chunks))

    def loseWriteConnection(self) -> None:
        self._write_closed = True
        self._flush()
        self.stack._pump(self)

    def loseConnection(self) -> None:
        self.loseWriteConnection()

    def abortConnection(self) -> None:
        if not self.gone:
            self.conn.abort()
            self.stack._pump(self)

    def getHost(self) -> IPv4Address:
        return IPv4Address("TCP", self.stack.address, self.local_port)

    def getPeer(self) -> IPv4Address:
        return IPv4Address("TCP", self.remote, self.remote_port)

    @property
    def unsent(self) -> int:
        return len(self._outbox)

    # -- the application as producer (it pauses when we cannot take more) ---------------------

    def registerProducer(self, producer, streaming: bool) -> None:
        self._producer = producer
        if self._outbox:
            self._pause_producer()

    def unregisterProducer(self) -> None:
        self._producer = None

    def _pause_producer(self) -> None:
        if self._producer is not None and not self._producer_paused:
            self._producer_paused = True
            self._producer.pauseProducing()

    def _resume_producer(self) -> None:
        if self._producer is not None and self._producer_paused:
            self._producer_paused = False
            self._producer.resumeProducing()

    # -- us as producer (the application pauses reading) --------------------------------------

    def pauseProducing(self) -> None:
        self._reading_paused = True

    def resumeProducing(self) -> None:
        self._reading_paused = False
        if self._inbox and not self.gone:
            data, self._inbox = bytes(self._inbox), bytearray()
            self._deliver(data)
        self.stack._pump(self)

    def stopProducing(self) -> None:
        self._reading_paused = True

    # -- the TCP connection ------------------------------------------------------------------

    def _flush(self) -> None:
        if self.conn.state.name not in ("ESTABLISHED", "CLOSE_WAIT"):
            return
        now = self.stack.clock.seconds()
        if self._outbox:
            taken = self.conn.send(bytes(self._outbox), now)
            del self._outbox[:taken]
            self.bytes_sent += taken
        if self._outbox:
            self._pause_producer()
        else:
            self._resume_producer()
            if self._write_closed and not self._fin_sent:
                self._fin_sent = True
                self.conn.close(now)

    def _deliver(self, data: bytes) -> None:
        self.protocol.dataReceived(data)
        self.conn.consumed(len(data), self.stack.clock.seconds())

    def event(self, event) -> None:
        if isinstance(event, Connected):
            self.made = True
            if self._connected is not None:
                d, self._connected = self._connected, None
                d.callback(self.local_port)
            self.protocol.makeConnection(self)
            self._flush()
        elif isinstance(event, DataReceived):
            if self._reading_paused or not self.made:
                self._inbox += event.data
            else:
                self._deliver(event.data)
        elif isinstance(event, Writable):
            self._flush()
        elif isinstance(event, PeerClosed):
            if IHalfCloseableProtocol.providedBy(self.protocol):
                self.protocol.readConnectionLost()
            else:
                self.loseConnection()
        elif isinstance(event, (Reset, TimedOut)):
            self._end(Reason.REFUSED if isinstance(event, Reset) else Reason.TIMEOUT,
                      Failure(ConnectionReset() if isinstance(event, Reset)
                              else error.TimeoutError()))
        elif isinstance(event, Closed):
            self._end(Reason.RESET, Failure(error.ConnectionDone()))

    def _end(self, reason: Reason, failure: Failure) -> None:
        if self.gone:
            return
        self.gone = True
        if self._connected is not None:
            d, self._connected = self._connected, None
            d.errback(RouteError(reason, f"{self.remote}:{self.remote_port}"))
        elif self.made:
            self.protocol.connectionLost(failure)
        self.stack._forget(self)


class Listening:
    def __init__(self, stack: SerialLinkTcp, port: int, accept) -> None:
        self.stack = stack
        self.port = port
        self.accept = accept

    def close(self) -> None:
        if self.stack.listeners.get(self.port) is self:
            del self.stack.listeners[self.port]


class SerialLinkTcp:
    def __init__(self, address: str, send_ip: Callable[[bytes], None], clock: IReactorTime,
                 rng: random.Random, config: TcpConfig | None = None) -> None:
        self.address = address
        self._local = ipaddress.IPv4Address(address)
        self.send_ip = send_ip
        self.clock = clock
        self.rng = rng
        self.config = config or TcpConfig()
        self.connections: dict[Key, SerialTcpTransport] = {}
        self.listeners: dict[int, Listening] = {}
        self._next_ephemeral = EPHEMERAL.start + rng.randrange(len(EPHEMERAL))
        self._ids = 0

    # -- opening ------------------------------------------------------------------------------

    def connect_tcp(self, host: str, port: int, protocol_, *, local_port: int = 0,
                    timeout: float | None = None) -> defer.Deferred:
        """Fires with the local port once the handshake completed; fails with
        ``RouteError`` (REFUSED on a RST, TIMEOUT when the SYNs run out or ``timeout``)."""
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return defer.fail(RouteError(Reason.UNREACHABLE, host))
        if local_port and any(k[0] == local_port for k in self.connections):
            return defer.fail(RouteError(Reason.PORT_IN_USE, f"tcp {self.address}:{local_port}"))
        key = (local_port or self._free_port(), host, port)
        conn = TcpConnection(key[0], port, self.rng, self.config)
        d = defer.Deferred(lambda _: transport.abortConnection())
        transport = SerialTcpTransport(self, key, conn, protocol_, d)
        self.connections[key] = transport
        conn.connect(self.clock.seconds())
        self._pump(transport)
        if timeout is not None:
            call = self.clock.callLater(timeout, self._connect_timeout, transport)
            d.addBoth(lambda result: (call.cancel() if call.active() else None, result)[1])
        return d

    def _connect_timeout(self, transport: SerialTcpTransport) -> None:
        if transport._connected is not None:
            transport.conn.abort()
            transport._end(Reason.TIMEOUT, Failure(error.TimeoutError()))

    def listen_tcp(self, port: int, accept) -> Listening:
        if port and port in self.listeners:
            raise RouteError(Reason.PORT_IN_USE, f"tcp {self.address}:{port}")
        port = port or self._free_port()
        listening = Listening(self, port, accept)
        self.listeners[port] = listening
        return listening

    # -- packets ------------------------------------------------------------------------------

    def packet_received(self, packet: Ipv4Packet) -> bool:
        """A TCP packet from the link; False when it was not for us or was damaged."""
        if packet.protocol != IpProtocol.TCP or packet.dst != self._local or packet.is_fragment:
            return False
        try:
            segment = parse_tcp(packet.payload, packet.src, packet.dst)
        except PacketError:
            return False
        key = (segment.dst_port, str(packet.src), segment.src_port)
        transport = self.connections.get(key)
        if transport is None:
            transport = self._incoming(key, segment)
            if transport is None:
                self._send(str(packet.src), reset_reply(segment))
                return True
        transport.conn.receive_segment(segment, self.clock.seconds())
        self._pump(transport)
        return True

    def _incoming(self, key: Key, segment: TcpSegment) -> SerialTcpTransport | None:
        listening = self.listeners.get(key[0])
        if listening is None or not segment.syn or segment.has_ack or segment.rst:
            return None
        protocol_ = listening.accept((key[1], key[2]))
        if protocol_ is None:
            return None
        conn = TcpConnection(key[0], key[2], self.rng, self.config)
        conn.listen()
        transport = SerialTcpTransport(self, key, conn, protocol_, None)
        self.connections[key] = transport
        return transport

    def _send(self, remote: str, segment: TcpSegment | None) -> None:
        if segment is None:
            return
        dst = ipaddress.IPv4Address(remote)
        self._ids = (self._ids + 1) & 0xFFFF
        self.send_ip(Ipv4Packet(self._local, dst, IpProtocol.TCP, segment.build(self._local, dst),
                                identification=self._ids).build())

    def _pump(self, transport: SerialTcpTransport) -> None:
        conn = transport.conn
        for _ in range(8):  # events may queue segments and the other way round
            segments = conn.take_segments()
            for segment in segments:
                self._send(transport.remote, segment)
            events = conn.take_events()
            if not segments and not events:
                break
            for event in events:
                transport.event(event)
        self._schedule(transport)

    def _schedule(self, transport: SerialTcpTransport) -> None:
        if transport._timer is not None and transport._timer.active():
            transport._timer.cancel()
        transport._timer = None
        deadline = None if transport.gone else transport.conn.next_deadline()
        if deadline is not None:
            transport._timer = self.clock.callLater(
                max(0.0, deadline - self.clock.seconds()), self._expired, transport)

    def _expired(self, transport: SerialTcpTransport) -> None:
        transport._timer = None
        transport.conn.timer_expired(self.clock.seconds())
        transport._flush()
        self._pump(transport)

    def _forget(self, transport: SerialTcpTransport) -> None:
        if self.connections.get(transport.key) is transport:
            del self.connections[transport.key]
        if transport._timer is not None and transport._timer.active():
            transport._timer.cancel()
        transport._timer = None

    def close_all(self) -> None:
        """The link went down: every connection is dropped, every listener closed."""
        for transport in list(self.connections.values()):
            transport.conn.abort()
            transport.conn.take_segments()  # nowhere to send a RST to
            transport._end(Reason.BEARER_RELEASED, Failure(ConnectionReset()))
        self.listeners.clear()

    def _free_port(self) -> int:
        used = {k[0] for k in self.connections} | set(self.listeners)
        for _ in EPHEMERAL:
            port = self._next_ephemeral
            self._next_ephemeral = port + 1 if port + 1 < EPHEMERAL.stop else EPHEMERAL.start
            if port not in used:
                return port
        raise RouteError(Reason.PORT_IN_USE, f"tcp {self.address}: no free port")

