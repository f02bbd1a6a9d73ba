"""How many IP bytes per second atsim's PPP carries, framing and all, on one core.

Two ``PppPeer``s back to back in memory (a client and a server, as a host and the modem's
PPP server are), IPCP opened, then full-size IPv4 packets one way: each is framed with
octet stuffing and an FCS by one peer and decoded and checked by the other.  The figure
bounds what one dialled modem can move, before any TCP or network work.

    python benchmarks/ppp_throughput.py [--megabytes 8] [--payload random|zeros|flags]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

# This tree's simulator, not an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.ppp import IpcpOpened, IpPacketReceived, PeerConfig, PppPeer

MTU = 1500


def opened_pair() -> tuple[PppPeer, PppPeer]:
    client = PppPeer(PeerConfig.client(None, None), random.Random(1))
    server = PppPeer(PeerConfig.server("192.0.0.1", "10.0.0.1"), random.Random(2))
    for peer in (client, server):
        peer.lower_up(0.0)
        peer.open(0.0)
    up = set()
    for _ in range(20):
        for a, b in ((client, server), (server, client)):
            b.receive_data(a.data_to_send(), 0.0)
            while (event := b.next_event()) is not None:
                if isinstance(event, IpcpOpened):
                    up.add(id(b))
        if len(up) == 2:
            return client, server
    raise SystemExit("IPCP did not open")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=8.0)
    parser.add_argument("--payload", choices=("random", "zeros", "flags"), default="random",
                        help="packet contents: random octets, zeros (nothing to escape), or "
                             "flags (every octet escaped: the worst case)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    client, server = opened_pair()
    body = {"random": lambda: os.urandom(MTU), "zeros": lambda: bytes(MTU),
            "flags": lambda: b"\x7e" * MTU}[args.payload]()
    packets = int(args.megabytes * 1_000_000 / MTU)
    received = 0
    line = 0
    start = time.perf_counter()
    for _ in range(packets):
        client.send_ip(body)
        octets = client.data_to_send()
        line += len(octets)
        server.receive_data(octets, 0.0)
        while (event := server.next_event()) is not None:
            if isinstance(event, IpPacketReceived):
                received += len(event.packet)
    elapsed = time.perf_counter() - start
    assert received == packets * MTU, "packets were lost"
    if args.json:
        print(json.dumps({"benchmark": "ppp_throughput", "payload": args.payload,
                          "packets": packets, "packet_bytes": MTU,
                          "line_octets_per_ip_octet": round(line / received, 4),
                          "mb_per_s": round(received / elapsed / 1e6, 2),
                          "seconds": round(elapsed, 3)}, indent=2))
        return
    print(f"{packets} packets of {MTU} bytes ({args.payload}), {line / received:.3f} line "
          f"octets per IP octet")
    print(f"{received / elapsed / 1e6:.2f} MB/s of IP through framing and deframing "
          f"({elapsed:.2f} s)")


if __name__ == "__main__":
    main()
