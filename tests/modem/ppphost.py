"""A host on a bench modem port running PPP, in process on the bench's task.Clock: atsim's
PPP client (``simulator.ppp``, client role) over the port, and on top of it IPv4 with TCP
connections of ``simulator.inet.tcp``, UDP and ICMP, as a host's own stack would send them.

    host = PppHost(bench.port, bench.clock)
    assert host.dial("D*99***1#") == "\\r\\nCONNECT\\r\\n"
    host.run_until(lambda: host.address is not None)
    flow = host.connect("198.18.0.1", 7); flow.send(b"hi"); host.run(1)
"""

from __future__ import annotations

import ipaddress
import random

from simulator.inet.fragments import Reassembler
from simulator.inet.icmp import echo_request, parse_icmp
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcp import (
    Closed,
    DataReceived,
    PeerClosed,
    Reset,
    TcpConfig,
    TcpConnection,
    TimedOut,
)
from simulator.inet.tcpsegment import parse_tcp
from simulator.inet.udpdatagram import UdpDatagram, parse_udp
from simulator.ppp import IpcpOpened, IpPacketReceived, LinkTerminated, PeerConfig, PppPeer

STEP = 0.005


class Flow:
    def __init__(self, host: PppHost, remote: ipaddress.IPv4Address, port: int,
                 local_port: int) -> None:
        self.host = host
        self.remote = remote
        self.conn = TcpConnection(local_port, port, host.rng, TcpConfig())
        self.received = bytearray()
        self.outbox = bytearray()
        self.events: list = []
        self.closing = False

    @property
    def connected(self) -> bool:
        return self.conn.state.name in ("ESTABLISHED", "CLOSE_WAIT")

    @property
    def done(self) -> bool:
        return any(isinstance(e, Closed) for e in self.events)

    @property
    def reset(self) -> bool:
        return any(isinstance(e, Reset) for e in self.events)

    @property
    def peer_closed(self) -> bool:
        return any(isinstance(e, PeerClosed) for e in self.events)

    def send(self, data: bytes) -> None:
        self.outbox += data

    def close(self) -> None:
        self.closing = True


class PppHost:
    def __init__(self, port, clock, *, login: str | None = None, password: str | None = None,
                 loss: float = 0.0, reorder: float = 0.0, seed: int = 5,
                 mru: int = 1500) -> None:
        self.port = port
        self.clock = clock
        self.rng = random.Random(seed)
        self.loss = loss
        #: Probability that a packet is held back and goes after the next one (each way).
        self.reorder = reorder
        self._held_out: bytes | None = None
        self._held_in: bytes | None = None
        self.peer = PppPeer(PeerConfig.client(login, password, mru=mru),
                            random.Random(seed + 1))
        #: Every IPv4 packet that came over the link, as it came (fragments too).
        self.packets: list[bytes] = []
        self.in_ppp = False
        self.address: ipaddress.IPv4Address | None = None
        self.gateway: ipaddress.IPv4Address | None = None
        self.dns: tuple[str, ...] = ()
        self.terminated: LinkTerminated | None = None
        self.flows: list[Flow] = []
        self.udp: list[tuple[int, bytes, tuple[str, int]]] = []
        self.icmp: list = []
        self.text = bytearray()  # what the port said outside PPP
        self._next_port = 40000
        self.listening: set[int] = set()
        self._ident = 0
        self._reassembly = Reassembler()

    # -- the port -----------------------------------------------------------------------------

    def dial(self, command: str) -> str:
        answer = self.port.at(command)
        if "CONNECT" not in answer:
            return answer
        end = answer.index("CONNECT")
        end = answer.index("\r\n", end) + 2
        self.start_ppp()
        self.peer.receive_data(answer[end:].encode("latin-1"), self.clock.seconds())
        self._exchange()
        return answer[:end]

    def start_ppp(self) -> None:
        self.in_ppp = True
        now = self.clock.seconds()
        self.peer.lower_up(now)
        self.peer.open(now)
        self._exchange()

    def _exchange(self) -> None:
        now = self.clock.seconds()
        for _ in range(50):
            out = self.peer.data_to_send()
            if out:
                self.port.channel.receive(out)
            got = bytes(self.port.host.received)
            self.port.host.received.clear()
            if got and self.in_ppp and b"\r\nNO CARRIER\r\n" in got:
                # The modem hung up: what follows is text (a host sees DCD drop too).
                frames, _, rest = got.partition(b"\r\nNO CARRIER\r\n")
                self.peer.receive_data(frames, now)
                self.text += b"\r\nNO CARRIER\r\n" + rest
                self.in_ppp = False
                self.peer.lower_down(now)
            elif got:
                if self.in_ppp:
                    self.peer.receive_data(got, now)
                else:
                    self.text += got
            moved = bool(out or got)
            while (event := self.peer.next_event()) is not None:
                moved = True
                self._event(event)
            for flow in self.flows:
                moved |= self._run_flow(flow, now)
            if not moved:
                break

    def _event(self, event) -> None:
        if isinstance(event, IpcpOpened):
            self.address = ipaddress.IPv4Address(event.local_address)
            self.gateway = ipaddress.IPv4Address(event.peer_address)
            self.dns = event.dns
        elif isinstance(event, IpPacketReceived):
            self.packets.append(event.packet)
            if self.loss and self.rng.random() < self.loss:
                return
            if self._held_in is None and self.reorder and self.rng.random() < self.reorder:
                self._held_in = event.packet
                return
            self._packet(event.packet)
            held, self._held_in = self._held_in, None
            if held is not None:
                self._packet(held)
        elif isinstance(event, LinkTerminated):
            self.terminated = event
            self.in_ppp = False

    def run(self, seconds: float) -> None:
        end = self.clock.seconds() + seconds
        while self.clock.seconds() < end - 1e-9:
            self.step()

    def run_until(self, condition, limit: float = 120.0) -> None:
        end = self.clock.seconds() + limit
        while not condition():
            assert self.clock.seconds() < end, "condition not reached"
            self.step()

    def step(self) -> None:
        self.clock.advance(STEP)
        now = self.clock.seconds()
        deadline = self.peer.get_timer()
        if deadline is not None and deadline <= now:
            self.peer.handle_timer(now)
        for flow in self.flows:
            deadline = flow.conn.next_deadline()
            if deadline is not None and deadline <= now:
                flow.conn.timer_expired(now)
        self._exchange()

    # -- IP -----------------------------------------------------------------------------------

    def _send_ip(self, dst: ipaddress.IPv4Address, proto: int, payload: bytes) -> None:
        if self.loss and self.rng.random() < self.loss:
            return
        self._ident = (self._ident + 1) & 0xFFFF
        packet = Ipv4Packet(self.address, dst, proto, payload, identification=self._ident).build()
        if self._held_out is None and self.reorder and self.rng.random() < self.reorder:
            self._held_out = packet
            return
        self.peer.send_ip(packet)
        held, self._held_out = self._held_out, None
        if held is not None:
            self.peer.send_ip(held)

    def _packet(self, raw: bytes) -> None:
        packet = parse_ipv4(raw)
        if packet.is_fragment:  # as a host does: the datagram once every piece came
            packet = self._reassembly.add(packet, self.clock.seconds())
            if packet is None:
                return
        if packet.protocol == IpProtocol.TCP:
            segment = parse_tcp(packet.payload, packet.src, packet.dst)
            for flow in self.flows:
                if (flow.remote, flow.conn.remote_port, flow.conn.local_port) == (
                        packet.src, segment.src_port, segment.dst_port):
                    flow.conn.receive_segment(segment, self.clock.seconds())
                    return
            if segment.syn and not segment.has_ack and segment.dst_port in self.listening:
                flow = Flow(self, packet.src, segment.src_port, segment.dst_port)
                self.flows.append(flow)
                flow.conn.listen()
                flow.conn.receive_segment(segment, self.clock.seconds())
                return
            from simulator.inet.tcp import reset_reply

            reply = reset_reply(segment)
            if reply is not None:
                self._send_ip(packet.src, IpProtocol.TCP, reply.build(self.address, packet.src))
        elif packet.protocol == IpProtocol.UDP:
            datagram = parse_udp(packet.payload, packet.src, packet.dst)
            self.udp.append((datagram.dst_port, datagram.payload,
                             (str(packet.src), datagram.src_port)))
        elif packet.protocol == IpProtocol.ICMP:
            self.icmp.append((str(packet.src), parse_icmp(packet.payload)))

    def connect(self, address: str, port: int) -> Flow:
        self._next_port += 1
        flow = Flow(self, ipaddress.IPv4Address(address), port, self._next_port)
        self.flows.append(flow)
        flow.conn.connect(self.clock.seconds())
        self._exchange()
        return flow

    def _run_flow(self, flow: Flow, now: float) -> bool:
        moved = False
        conn = flow.conn
        for event in conn.take_events():
            moved = True
            flow.events.append(event)
            if isinstance(event, DataReceived):
                flow.received += event.data
                conn.consumed(len(event.data), now)
        if flow.outbox and flow.connected:
            sent = conn.send(bytes(flow.outbox[:65536]), now)
            del flow.outbox[:sent]
            moved |= bool(sent)
        if flow.closing and not flow.outbox and flow.connected:
            flow.closing = False
            conn.close(now)
        for segment in conn.take_segments():
            moved = True
            self._send_ip(flow.remote, IpProtocol.TCP, segment.build(self.address, flow.remote))
        if any(isinstance(e, (Reset, TimedOut)) for e in flow.events):
            pass
        return moved

    def send_udp(self, address: str, port: int, data: bytes, local_port: int = 5353) -> None:
        dst = ipaddress.IPv4Address(address)
        self._send_ip(dst, IpProtocol.UDP, UdpDatagram(local_port, port, data).build(
            self.address, dst))
        self._exchange()

    def ping(self, address: str, sequence: int = 1) -> None:
        dst = ipaddress.IPv4Address(address)
        self._send_ip(dst, IpProtocol.ICMP, echo_request(0x4242, sequence, b"ping").build())
        self._exchange()

    def terminate(self) -> None:
        self.peer.close(self.clock.seconds())
        self._exchange()

    def escape(self) -> None:
        """``+++`` with its guard times (1 s of silence either side)."""
        self.run(1.1)
        self.in_ppp = False
        self.port.channel.receive(b"+++")
        self.run(1.1)
