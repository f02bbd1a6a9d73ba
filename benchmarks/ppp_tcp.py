"""How fast a host's own TCP runs over PPP through a modem, end to end.

``--host atsim`` (one process): the host is atsim's PPP client (``simulator.ppp``) with a
``simulator.inet`` TCP connection on top, as a host's own stack would send it; it dials
``ATD*99***1#`` on an AT channel of an in-process generic modem, and its connection goes
through the modem's PPP server, the host gateway and the simulated network (an ``ideal``
link) to the lab's echo service, which sends every byte back.  Everything runs on
``task.Clock``, advanced as soon as nothing is left to do, so the figure is CPU work per
byte, not the link's rate.

The floor moves the same bytes the same way (out, echoed, back) over a bare TCP connection
on this machine's loopback, both ends in this process, with no PPP, no IP built by hand and
no simulated network.

``--host kernel``: the host is this machine's kernel, as a user's setup has it: ``twistd
atsim`` in its own process, ``atsim-dial`` in a fresh network namespace making a TUN
interface, and the kernel's TCP downloading a file from the lab's web server and uploading
to the lab's discard service (``kernelhost.py``).  Printed per direction: MB/s, atsim's CPU
per MB and atsim-dial's, next to the floor of the same run (the same transfers over the
namespace's loopback to a bare server).  Needs a TUN device in a network namespace
(``unshare -rn``); skipped with the reason otherwise.

    python benchmarks/ppp_tcp.py [--host atsim|kernel|both] [--megabytes 2] [--chunk 16384]
        [--transport pty|tcp] [--json]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import random
import selectors
import socket
import sys
import time
from pathlib import Path

# This tree's simulator, not an installed copy: the script's own directory is what Python
# puts first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kernelhost  # noqa: E402  (modules beside this script)
from hostend import RecordingHost  # noqa: E402
from twisted.internet.task import Clock  # noqa: E402

import simulator.dialects  # noqa: E402
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet, parse_ipv4
from simulator.inet.tcp import DataReceived, TcpConfig, TcpConnection
from simulator.inet.tcpsegment import parse_tcp
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import LinksSpec, ServiceSpec
from simulator.ppp import IpcpOpened, IpPacketReceived, PeerConfig, PppPeer
from simulator.scenario.model import (
    ApnSpec,
    HostSpec,
    IdentitySpec,
    ModemSpec,
    NetworkSpec,
    SimSpec,
)

LAB = ipaddress.IPv4Address("198.18.0.10")
ECHO_PORT = 7
STEP = 0.001  # simulated seconds per idle step (timers: TCP's delayed ACK, PPP's restart)


class PppTcpHost:
    """A modem in process and a host dialled into it with one TCP connection to the echo."""

    def __init__(self) -> None:
        self.clock = Clock()
        spec = NetworkSpec(
            apns=(ApnSpec("internet", ipaddress.IPv4Network("10.70.0.0/24"),
                          (ipaddress.IPv4Address("10.70.0.53"),)),),
            hosts=(HostSpec("lab.example", LAB, services=(ServiceSpec("echo"),)),),
            links=LinksSpec(default="ideal"))
        self.network = Network(spec, clock=self.clock, lab_listen=False)
        self.network.startService()
        modem_spec = ModemSpec(name="m1", n=1, sim=SimSpec(), identity=IdentitySpec())
        self.network.attach(modem_spec, random.Random(3))
        self.modem = Modem(modem_spec, simulator.dialects.get("generic"), spec, self.clock,
                           random.Random(1), NVStore(None), ip_network=self.network)
        self.channel = Channel("m1/bench")
        self.line = RecordingHost()
        self.channel.attach_host(self.line)
        self.modem.attach(self.channel, "bench")
        self.modem.power_on()
        self.clock.advance(spec.registration.delay)
        self.peer = PppPeer(PeerConfig.client(None, None), random.Random(6))
        self.address: ipaddress.IPv4Address | None = None
        self.conn = TcpConnection(40001, ECHO_PORT, random.Random(7), TcpConfig())
        self.echoed = 0
        self.line_octets = 0

    def at(self, line: str) -> bytes:
        self.line.received.clear()
        self.channel.receive(line.encode("ascii") + b"\r")
        return bytes(self.line.received)

    def dial(self) -> None:
        self.at("ATE0")
        assert b"OK" in self.at('AT+CGDCONT=1,"IP","internet"')
        answer = self.at("ATD*99***1#")
        assert b"CONNECT\r\n" in answer, answer
        self.line.received.clear()
        now = self.clock.seconds()
        self.peer.lower_up(now)
        self.peer.open(now)
        self.run_until(lambda: self.address is not None, 30)
        self.conn.connect(self.clock.seconds())
        self.run_until(lambda: self.conn.state.name == "ESTABLISHED", 30)

    def exchange(self) -> bool:
        """Move everything that can move now; False when nothing did."""
        now = self.clock.seconds()
        moved = False
        for _ in range(1000):
            out = self.peer.data_to_send()
            if out:
                self.line_octets += len(out)
                self.channel.receive(out)
            got = bytes(self.line.received)
            self.line.received.clear()
            if got:
                self.line_octets += len(got)
                self.peer.receive_data(got, now)
            step = bool(out or got)
            while (event := self.peer.next_event()) is not None:
                step = True
                if isinstance(event, IpcpOpened):
                    self.address = ipaddress.IPv4Address(event.local_address)
                elif isinstance(event, IpPacketReceived):
                    packet = parse_ipv4(event.packet)
                    if packet.protocol == IpProtocol.TCP:
                        self.conn.receive_segment(
                            parse_tcp(packet.payload, packet.src, packet.dst), now)
            for event in self.conn.take_events():
                step = True
                if isinstance(event, DataReceived):
                    self.echoed += len(event.data)
                    self.conn.consumed(len(event.data), now)
            for segment in self.conn.take_segments():
                step = True
                self.peer.send_ip(Ipv4Packet(self.address, LAB, IpProtocol.TCP,
                                             segment.build(self.address, LAB)).build())
            if not step:
                break
            moved = True
        return moved

    def tick(self) -> None:
        """Let the simulated network deliver what it scheduled (at once on an ideal link),
        and time pass only when nothing else can move."""
        self.clock.advance(0)
        if self.exchange():
            return
        self.clock.advance(STEP)
        now = self.clock.seconds()
        for deadline, fire in ((self.peer.get_timer(), self.peer.handle_timer),
                               (self.conn.next_deadline(), self.conn.timer_expired)):
            if deadline is not None and deadline <= now:
                fire(now)
        self.exchange()

    def run_until(self, condition, limit: float) -> None:
        end = self.clock.seconds() + limit
        while not condition():
            if self.clock.seconds() > end:
                raise SystemExit("the simulated host did not get there in time")
            self.tick()

    def transfer(self, data: bytes, chunk: int) -> float:
        """Send ``data`` and wait for all of it to come back; simulated seconds taken."""
        start = self.clock.seconds()
        target = self.echoed + len(data)
        offset = 0
        while self.echoed < target:
            if offset < len(data):
                offset += self.conn.send(data[offset:offset + chunk], self.clock.seconds())
            self.tick()
        return self.clock.seconds() - start


def floor(data: bytes, chunk: int) -> float:
    """The same bytes out and echoed back over a loopback TCP connection: wall seconds."""
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    listener.close()
    for s in (client, server):
        s.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(client, selectors.EVENT_READ | selectors.EVENT_WRITE, "client")
    selector.register(server, selectors.EVENT_READ, "server")
    pending_echo = bytearray()
    offset = received = 0
    start = time.perf_counter()
    while received < len(data):
        for key, events in selector.select():
            if key.data == "client":
                if events & selectors.EVENT_WRITE and offset < len(data):
                    offset += client.send(data[offset:offset + chunk])
                if events & selectors.EVENT_READ:
                    received += len(client.recv(1 << 16))
            else:
                if events & selectors.EVENT_READ:
                    pending_echo += server.recv(1 << 16)
                if pending_echo:
                    try:
                        sent = server.send(pending_echo)
                    except BlockingIOError:
                        sent = 0
                    del pending_echo[:sent]
        if offset >= len(data):
            selector.modify(client, selectors.EVENT_READ, "client")
    elapsed = time.perf_counter() - start
    selector.close()
    client.close()
    server.close()
    return elapsed


def in_process(megabytes: float, chunk: int) -> dict:
    data = os.urandom(int(megabytes * 1_000_000))
    host = PppTcpHost()
    host.dial()
    wall, cpu = time.perf_counter(), time.process_time()
    simulated = host.transfer(data, chunk)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    floor_wall = floor(data, chunk)
    megabytes = len(data) / 1e6
    return {
        "benchmark": "ppp_tcp",
        "host": "atsim",
        "megabytes": megabytes,
        "atsim_mb_per_s": megabytes / wall,
        "atsim_cpu_ms_per_mb": 1000 * cpu / megabytes,
        "atsim_seconds": wall,
        "atsim_simulated_seconds": simulated,
        "line_octets_per_byte": host.line_octets / (2 * len(data)),
        "floor_mb_per_s": megabytes / floor_wall,
        "floor_seconds": floor_wall,
        "share_of_floor": floor_wall / wall,
    }


def print_in_process(figures: dict) -> None:
    megabytes = figures["megabytes"]
    print(f"{megabytes:.1f} MB out and echoed back over PPP through the modem, the host "
          f"atsim's own stack in process: {figures['atsim_mb_per_s']:.2f} MB/s, "
          f"{figures['atsim_cpu_ms_per_mb']:.0f} ms CPU/MB ({figures['atsim_seconds']:.2f} s; "
          f"{figures['atsim_simulated_seconds']:.2f} simulated s; "
          f"{figures['line_octets_per_byte']:.3f} line octets per byte each way)")
    print(f"floor, loopback TCP in process: {figures['floor_mb_per_s']:.1f} MB/s "
          f"({figures['floor_seconds']:.3f} s) — atsim {100 * figures['share_of_floor']:.1f}% "
          "of the floor")


def with_kernel(megabytes: float, transport: str, profile: Path | None) -> dict:
    raw = kernelhost.run(megabytes, transport, profile)
    size = raw["megabytes"]
    figures: dict = {"benchmark": "ppp_tcp", "host": "kernel", "transport": transport,
                     "megabytes": size}
    for direction in ("download", "upload"):
        measured = raw[direction]
        floor_seconds = raw[f"floor_{direction}_seconds"]
        figures[direction] = {
            "mb_per_s": size / measured["seconds"],
            "seconds": measured["seconds"],
            "atsim_cpu_ms_per_mb": 1000 * measured["atsim_cpu_seconds"] / size,
            "atsim_system_ms_per_mb": 1000 * measured["atsim_system_seconds"] / size,
            "dial_cpu_ms_per_mb": 1000 * measured["dial_cpu_seconds"] / size,
            "dial_system_ms_per_mb": 1000 * measured["dial_system_seconds"] / size,
            "floor_mb_per_s": size / floor_seconds,
            "share_of_floor": floor_seconds / measured["seconds"],
        }
    return figures


def print_kernel(figures: dict) -> None:
    print(f"the kernel's TCP through atsim-dial (TUN) and the modem's {figures['transport']} "
          f"port, {figures['megabytes']:.1f} MB each way:")
    for direction, what in (("download", "GET from the lab web server"),
                            ("upload", "to the lab discard service")):
        f = figures[direction]
        print(f"  {direction} ({what}): {f['mb_per_s']:.2f} MB/s, atsim "
              f"{f['atsim_cpu_ms_per_mb']:.0f} ms CPU/MB ({f['atsim_system_ms_per_mb']:.0f} in "
              f"the kernel), atsim-dial {f['dial_cpu_ms_per_mb']:.0f} ms CPU/MB "
              f"({f['dial_system_ms_per_mb']:.0f}) ({f['seconds']:.2f} s) — floor "
              f"(the same over the namespace's loopback) {f['floor_mb_per_s']:.0f} MB/s, "
              f"atsim {100 * f['share_of_floor']:.1f}% of it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", choices=("atsim", "kernel", "both"), default="both",
                        help="whose TCP the host runs (default both, one after the other)")
    parser.add_argument("--megabytes", type=float, default=2.0,
                        help="bytes sent (and echoed back, or each way), in MB")
    parser.add_argument("--chunk", type=int, default=16384,
                        help="bytes handed to the in-process sender at a time")
    parser.add_argument("--transport", choices=("pty", "tcp"), default="pty",
                        help="the modem's port atsim-dial dials on (kernel host)")
    parser.add_argument("--profile", type=Path,
                        help="kernel host: cProfile atsim over the transfers, stats to this file")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results = []
    if args.host in ("atsim", "both"):
        results.append(in_process(args.megabytes, args.chunk))
        if not args.json:
            print_in_process(results[-1])
    if args.host in ("kernel", "both"):
        reason = kernelhost.unavailable()
        if reason is not None:
            results.append({"benchmark": "ppp_tcp", "host": "kernel", "skipped": reason})
            if not args.json:
                print(f"the kernel as the host: skipped ({reason})")
        else:
            results.append(with_kernel(args.megabytes, args.transport, args.profile))
            if not args.json:
                print_kernel(results[-1])
    if args.json:
        print(json.dumps(results if len(results) > 1 else results[0]))


if __name__ == "__main__":
    main()
