"""AT command throughput of one scenario run as 1, 2 … N processes (``twistd atsim --shard``).

    python benchmarks/shards.py [--modems 200] [--shards 1,2] [--seconds 5] [--warmup 1]

For each count of shards, the same generated scenario (one modem per TCP port) is started
as that many ``twistd -n atsim --seed 1 --shard i/N`` processes, and the load of
``at_throughput.py`` (one client per port, each sending ``AT+CSQ`` again as soon as the
previous answer arrived, from one separate process) runs against every port of every shard.
Printed: commands per second over all ports and the latency percentiles, per shard count.
The load driver is one process too: on a machine with fewer cores than shards + 1, the
driver and the shards share cores and the figure says more about the machine than atsim.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from at_throughput import (  # noqa: E402  (a script beside this one, not a package)
    REPO,
    Server,
    atsim_scenario,
    drive,
    environment,
    free_tcp_ports,
    wait_ready,
)

#: ``twistd`` with this tree's atsim plugin first (an installed atsim has its own plugin,
#: which Twisted's plugin directory would otherwise find first).
TWISTD = [sys.executable, "-c", f"""\
import sys
import twisted.plugins
twisted.plugins.__path__.insert(0, {str(REPO / "twisted" / "plugins")!r})
sys.argv[0] = "twistd"
from twisted.scripts.twistd import run
run()
"""]


def start_shards(directory: Path, modems: int, shards: int) -> list[Server]:
    scenario, addresses = atsim_scenario(directory, "tcp", free_tcp_ports(modems))
    servers = []
    for index in range(shards):
        log = directory / f"shard-{index}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [*TWISTD, "-n", "--pidfile=", "atsim", "-s", str(scenario), "--seed", "1",
                 "--shard", f"{index}/{shards}", "--control", "none",
                 "--state-dir", str(directory / "state")],
                cwd=directory, env=environment(), stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT,
            )
        # Modem k (0-based) is in shard k mod N: the same rule as simulator.shards.
        mine = [a for position, a in enumerate(addresses) if position % shards == index]
        servers.append(Server(f"shard {index}/{shards}", process, mine, log))
    return servers


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", type=int, default=200, help="modems (ports) [200]")
    parser.add_argument("--shards", default="1,2", help="shard counts to run [1,2]")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds [5]")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds [1]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="atsim-shards-") as tmp:
        for count in (int(c) for c in args.shards.split(",")):
            directory = Path(tmp) / f"n{count}"
            directory.mkdir()
            servers = start_shards(directory, args.modems, count)
            try:
                for server in servers:
                    wait_ready(server)
                everyone = Server(f"{count} shard(s)", servers[0].process,
                                  [a for s in servers for a in s.addresses], servers[0].log)
                rows.append((count, drive(everyone, b"AT+CSQ", args.seconds, args.warmup)))
            finally:
                for server in servers:
                    server.stop()
    if args.json:
        print(json.dumps({"benchmark": "shards", "modems": args.modems, "transport": "tcp",
                          "seconds": args.seconds, "warmup": args.warmup,
                          "runs": [{"shards": count, "commands_per_s": round(r.rate),
                                    "p50_ms": round(r.p50_ms, 2), "p99_ms": round(r.p99_ms, 2),
                                    "errors": r.errors} for count, r in rows]}, indent=2))
        return
    print(f"{args.modems} modems on tcp, AT+CSQ back to back on each, {args.seconds:g} s "
          f"measured after {args.warmup:g} s warm-up, atsim log level info")
    print(f"{'shards':>6} {'commands/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for count, r in rows:
        print(f"{count:>6} {r.rate:>11.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>7}")


if __name__ == "__main__":
    main(sys.argv[1:])
