"""Run inside a fresh network namespace (``unshare -rn``): a TUN interface joins the kernel's
TCP/IP stack to a ``TcpConnection``, which then talks to kernel sockets both ways, with loss
on the interface.  Exits 0 when every byte came back intact and every connection closed
cleanly; prints what went wrong otherwise.

Usage: kernel_peer.py SEED LOSS SIZE
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

from simulator.inet.errors import PacketError
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcp import (
    Closed,
    DataReceived,
    PeerClosed,
    Reset,
    TcpConfig,
    TcpConnection,
    TimedOut,
    reset_reply,
)
from simulator.inet.tcpsegment import parse_tcp

KERNEL = ipaddress.IPv4Address("10.77.0.1")
OURS = ipaddress.IPv4Address("10.77.0.2")
TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
ECHO_PORT, KERNEL_PORT, OUR_CLIENT_PORT = 7, 9000, 40000
#: A short TIME-WAIT: the run ends when both our connections have closed.
CONFIG = TcpConfig(msl=0.25)


def open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    for command in (["ip", "link", "set", "lo", "up"],
                    ["ip", "addr", "add", f"{KERNEL}/24", "dev", name],
                    ["ip", "link", "set", name, "up"]):
        subprocess.run(command, check=True)
    return fd


class Endpoint:
    """Our side: the connections by remote port, an echo server and one client."""

    def __init__(self, tun: int, rng: random.Random, loss: float, client_data: bytes) -> None:
        self.tun, self.rng, self.loss = tun, rng, loss
        self.connections: dict[tuple[int, int], TcpConnection] = {}
        self.pending: dict[tuple[int, int], bytearray] = {}
        self.events: dict[tuple[int, int], list] = {}
        self.client_data = client_data
        self.client_received = bytearray()
        self.client_key = (OUR_CLIENT_PORT, KERNEL_PORT)
        self.closed: set[tuple[int, int]] = set()

    def start_client(self, now: float) -> None:
        conn = TcpConnection(OUR_CLIENT_PORT, KERNEL_PORT, self.rng, CONFIG)
        self.add(self.client_key, conn)
        self.pending[self.client_key] = bytearray(self.client_data)
        conn.connect(now)

    def add(self, key, conn) -> None:
        self.connections[key] = conn
        self.pending.setdefault(key, bytearray())
        self.events[key] = []

    def packet_in(self, raw: bytes, now: float) -> None:
        if self.rng.random() < self.loss:
            return
        try:
            packet = parse_ipv4(raw)
            if packet.protocol != IpProtocol.TCP or packet.dst != OURS:
                return
            segment = parse_tcp(packet.payload, packet.src, packet.dst)
        except PacketError:
            return
        key = (segment.dst_port, segment.src_port)
        conn = self.connections.get(key)
        if conn is None and segment.dst_port == ECHO_PORT and segment.syn:
            conn = TcpConnection(ECHO_PORT, segment.src_port, self.rng, CONFIG)
            self.add(key, conn)
            conn.listen()
        if conn is None or key in self.closed:
            reply = reset_reply(segment)
            if reply is not None:
                self.write(reply)
            return
        conn.receive_segment(segment, now)

    def write(self, segment) -> None:
        if self.rng.random() < self.loss:
            return
        raw = Ipv4Packet(OURS, KERNEL, IpProtocol.TCP, segment.build(OURS, KERNEL)).build()
        os.write(self.tun, raw)

    def run_applications(self, now: float) -> None:
        for key, conn in self.connections.items():
            for event in conn.take_events():
                if not isinstance(event, DataReceived):
                    self.events[key].append(event)
                if isinstance(event, Closed):
                    self.closed.add(key)
                if isinstance(event, DataReceived):
                    if key == self.client_key:
                        self.client_received += event.data
                    else:
                        self.pending[key] += event.data  # echo
                    conn.consumed(len(event.data), now)
            events = self.events[key]
            if key in self.closed:
                continue
            pending = self.pending[key]
            if pending and conn.state.name in ("ESTABLISHED", "CLOSE_WAIT"):
                del pending[:conn.send(bytes(pending[:65536]), now)]
            echo_done = key != self.client_key and any(isinstance(e, PeerClosed) for e in events)
            client_done = key == self.client_key
            if (not pending and (echo_done or client_done)
                    and conn.state.name in ("ESTABLISHED", "CLOSE_WAIT")):
                conn.close(now)
            for segment in conn.take_segments():
                self.write(segment)

    def deadline(self) -> float | None:
        times = [d for c in self.connections.values() if (d := c.next_deadline()) is not None]
        return min(times, default=None)

    def expire(self, now: float) -> None:
        for conn in self.connections.values():
            deadline = conn.next_deadline()
            if deadline is not None and deadline <= now:
                conn.timer_expired(now)


def main() -> int:
    seed, loss, size = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    upload = rng.randbytes(size)
    download = rng.randbytes(size)
    tun = open_tun("atsim0")
    ours = Endpoint(tun, rng, loss, download)

    # The kernel as client of our echo server.
    client = socket.socket()
    client.setblocking(False)
    client.connect_ex((str(OURS), ECHO_PORT))
    # The kernel as an echo server for our client.
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((str(KERNEL), KERNEL_PORT))
    server.listen()
    server.setblocking(False)
    accepted: socket.socket | None = None
    echo_buffer = bytearray()
    echo_eof = echo_shut = False

    sent = 0
    echoed = bytearray()
    client_eof = False
    ours.start_client(time.monotonic())
    ours.run_applications(time.monotonic())
    give_up = time.monotonic() + 120
    while time.monotonic() < give_up:
        now = time.monotonic()
        # A socket at end of file stays readable: leave it out, or select never waits.
        readers = [tun] + ([client] if not client_eof else []) + (
            [server] if accepted is None else [accepted] if not echo_eof else [])
        writers = []
        if sent < len(upload):
            writers.append(client)
        if accepted is not None and echo_buffer:
            writers.append(accepted)
        deadline = ours.deadline()
        timeout = 0.05 if deadline is None else max(0.0, min(0.05, deadline - now))
        readable, writable, _ = select.select(readers, writers, [], timeout)
        now = time.monotonic()
        if tun in readable:
            while True:
                try:
                    ours.packet_in(os.read(tun, 65536), now)
                except BlockingIOError:
                    break
        if client in writable and sent < len(upload):
            try:
                sent += client.send(upload[sent:sent + 65536])
            except (BlockingIOError, OSError):
                pass
            if sent == len(upload):
                client.shutdown(socket.SHUT_WR)
        if client in readable and not client_eof:
            try:
                chunk = client.recv(65536)
                echoed += chunk
                client_eof = not chunk
            except BlockingIOError:
                pass
        if server in readable and accepted is None:
            accepted, _ = server.accept()
            accepted.setblocking(False)
        if accepted is not None and accepted in readable and not echo_eof:
            try:
                chunk = accepted.recv(65536)
                echo_buffer += chunk
                echo_eof = not chunk
            except BlockingIOError:
                pass
        if accepted is not None and accepted in writable and echo_buffer:
            try:
                del echo_buffer[:accepted.send(bytes(echo_buffer))]
            except BlockingIOError:
                pass
        if accepted is not None and echo_eof and not echo_buffer and not echo_shut:
            accepted.shutdown(socket.SHUT_WR)
            echo_shut = True
        ours.expire(now)
        ours.run_applications(now)
        done = client_eof and len(ours.closed) == 2
        if done:
            break

    problems = []
    if bytes(echoed) != upload:
        problems.append(f"kernel client got {len(echoed)} of {len(upload)} bytes back"
                        f"{' (different)' if len(echoed) == len(upload) else ''}")
    if bytes(ours.client_received) != download:
        problems.append(f"our client got {len(ours.client_received)} of {len(download)} bytes")
    for key, events in ours.events.items():
        names = [type(e).__name__ for e in events]
        if any(isinstance(e, (Reset, TimedOut)) for e in events) or "Closed" not in names:
            problems.append(f"connection {key}: {names}")
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
