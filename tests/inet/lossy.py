"""Two TCP endpoints joined by a simulated network that loses, duplicates, delays (and so
reorders), corrupts and re-segments what it carries, all decided by one seeded
``random.Random``: a run is a deterministic schedule.  Every segment crosses as bytes (built
and parsed by the codecs), so a corrupted one is dropped by its checksum as a host would."""

from __future__ import annotations

import dataclasses
import heapq
import ipaddress
import random

from simulator.inet.errors import PacketError
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcp import (
    Closed,
    DataReceived,
    PeerClosed,
    State,
    TcpConfig,
    TcpConnection,
    reset_reply,
)
from simulator.inet.tcpsegment import TcpFlags, TcpSegment, parse_tcp

CLIENT_ADDRESS = ipaddress.IPv4Address("10.64.0.2")
SERVER_ADDRESS = ipaddress.IPv4Address("192.0.2.80")


@dataclasses.dataclass(frozen=True)
class Impairments:
    loss: float = 0.0
    duplicate: float = 0.0
    corrupt: float = 0.0
    split: float = 0.0
    delay: float = 0.05
    jitter: float = 0.0  # extra delay up to this, drawn per segment: reorders


class Wire:
    """Carries packets one way with the impairments; ``due`` says what arrives when."""

    def __init__(self, rng: random.Random, impairments: Impairments,
                 src: ipaddress.IPv4Address, dst: ipaddress.IPv4Address) -> None:
        self.rng = rng
        self.impairments = impairments
        self.src, self.dst = src, dst
        self.carried = 0

    def carry(self, segment: TcpSegment, now: float) -> list[tuple[float, bytes]]:
        imp = self.impairments
        self.carried += 1
        pieces = [segment]
        if segment.payload and not segment.syn and self.rng.random() < imp.split:
            pieces = split(segment, self.rng.randint(0, len(segment.payload)))
        arrivals = []
        for piece in pieces:
            copies = 1 + (self.rng.random() < imp.duplicate)
            for _ in range(copies):
                if self.rng.random() < imp.loss:
                    continue
                raw = Ipv4Packet(self.src, self.dst, IpProtocol.TCP,
                                 piece.build(self.src, self.dst)).build()
                if self.rng.random() < imp.corrupt:
                    bit = self.rng.randrange(len(raw) * 8)
                    raw = bytes(b ^ (0x80 >> bit % 8 if i == bit // 8 else 0)
                                for i, b in enumerate(raw))
                arrivals.append((now + imp.delay + self.rng.random() * imp.jitter, raw))
        return arrivals


def split(segment: TcpSegment, at: int) -> list[TcpSegment]:
    """The segment as two: the first ``at`` bytes, then the rest with the FIN."""
    first = dataclasses.replace(segment, payload=segment.payload[:at],
                                flags=segment.flags & ~TcpFlags.FIN)
    second = dataclasses.replace(segment, seq=(segment.seq + at) % 2**32,
                                 payload=segment.payload[at:])
    return [first, second]


class Application:
    """Writes ``outgoing`` as fast as the send buffer takes it, then closes (at once, or
    only after the peer closed); reads ``read_chunk`` bytes every ``read_period`` seconds
    (all at once when no period)."""

    def __init__(self, connection: TcpConnection, outgoing: bytes, *,
                 close_after_peer: bool = False, read_period: float | None = None,
                 read_chunk: int = 0) -> None:
        self.connection = connection
        self.outgoing = outgoing
        self.offset = 0
        self.close_after_peer = close_after_peer
        self.read_period = read_period
        self.read_chunk = read_chunk
        self.next_read = 0.0
        self.received = bytearray()
        self.unconsumed = 0
        self.events: list = []
        self.connected = False
        self.peer_closed = False
        self.closing = False
        self.closed = False

    def step(self, now: float) -> None:
        for event in self.connection.take_events():
            self.events.append(event)
            if isinstance(event, Closed):
                self.closed = True
            if isinstance(event, DataReceived):
                self.received += event.data
                self.unconsumed += len(event.data)
            elif isinstance(event, PeerClosed):
                self.peer_closed = True
        if self.closed:
            return
        if self.connection.state in (State.ESTABLISHED, State.CLOSE_WAIT) and not self.closing:
            while self.offset < len(self.outgoing):
                taken = self.connection.send(self.outgoing[self.offset:self.offset + 3000], now)
                if not taken:
                    break
                self.offset += taken
            if self.offset == len(self.outgoing) and (self.peer_closed
                                                      or not self.close_after_peer):
                self.closing = True
                self.connection.close(now)
        if self.unconsumed and (self.read_period is None or now >= self.next_read):
            size = self.unconsumed if self.read_period is None else min(self.read_chunk,
                                                                        self.unconsumed)
            self.unconsumed -= size
            self.connection.consumed(size, now)
            if self.read_period is not None:
                self.next_read = now + self.read_period

    def deadline(self) -> float | None:
        if self.unconsumed and self.read_period is not None and not self.closed:
            return self.next_read
        return None


class Network:
    """A client and a server application and the two wires between them, run event by event.
    A segment for an endpoint that has closed gets the RST a host without the connection
    sends."""

    def __init__(self, seed: int, impairments: Impairments, client_data: bytes,
                 server_data: bytes, *, client_config: TcpConfig | None = None,
                 server_config: TcpConfig | None = None, **server_app) -> None:
        rng = random.Random(seed)
        self.client = TcpConnection(40000, 80, random.Random(rng.random()), client_config)
        self.server = TcpConnection(80, 40000, random.Random(rng.random()), server_config)
        self.apps = {
            "client": Application(self.client, client_data),
            "server": Application(self.server, server_data, **server_app),
        }
        self.wires = {"client": Wire(rng, impairments, CLIENT_ADDRESS, SERVER_ADDRESS),
                      "server": Wire(rng, impairments, SERVER_ADDRESS, CLIENT_ADDRESS)}
        self.queue: list[tuple[float, int, str, bytes]] = []
        self.order = 0
        self.now = 0.0
        self.steps = 0

    def connection(self, name: str) -> TcpConnection:
        return self.client if name == "client" else self.server

    def run(self, *, until: float = 1e6, max_steps: int = 1_000_000) -> None:
        self.server.listen()
        self.client.connect(self.now)
        self._pump()
        while not all(app.closed for app in self.apps.values()):
            self.steps += 1
            assert self.steps < max_steps, "the simulation does not end"
            times = [t for t in (self.queue[0][0] if self.queue else None,
                                 self.client.next_deadline(), self.server.next_deadline(),
                                 *(app.deadline() for app in self.apps.values()))
                     if t is not None]
            assert times, "both ends wait for something that never comes"
            self.now = max(self.now, min(times))
            assert self.now < until, "the simulation ran out of time"
            while self.queue and self.queue[0][0] <= self.now:
                _, _, to, raw = heapq.heappop(self.queue)
                self._deliver(to, raw)
            for name in ("client", "server"):
                connection = self.connection(name)
                deadline = connection.next_deadline()
                if deadline is not None and deadline <= self.now:
                    connection.timer_expired(self.now)
            self._pump()

    def _deliver(self, to: str, raw: bytes) -> None:
        try:
            packet = parse_ipv4(raw)
            segment = parse_tcp(packet.payload, packet.src, packet.dst)
        except PacketError:
            return
        connection = self.connection(to)
        if self.apps[to].closed or connection.state is State.CLOSED:
            reply = reset_reply(segment)
            if reply is not None:
                self._send(to, reply)
            return
        connection.receive_segment(segment, self.now)

    def _pump(self) -> None:
        """Let the applications act, then put what the endpoints sent on the wires, until
        nothing more happens at this instant."""
        for _ in range(100):
            for app in self.apps.values():
                app.step(self.now)
            moved = False
            for name in ("client", "server"):
                for segment in self.connection(name).take_segments():
                    moved = True
                    self._send(name, segment)
            if not moved:
                return

    def _send(self, sender: str, segment: TcpSegment) -> None:
        to = "server" if sender == "client" else "client"
        for when, raw in self.wires[sender].carry(segment, self.now):
            self.order += 1
            heapq.heappush(self.queue, (when, self.order, to, raw))

