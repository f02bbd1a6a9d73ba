"""CPU per AT command on atsim's own path, in one process, next to the least code that answers.

    python benchmarks/at_path.py [--command AT+CSQ] [--modems 1] [--batches 40]
                                 [--batch 5000] [--no-metrics] [--profile N] [--json]

No sockets and no reactor: what is measured is what atsim adds to every command between a
transport's read and its write.

* **atsim**: a generic modem from a scenario, powered on and registered (on ``task.Clock``),
  with the control API's metrics watching it as under ``twistd atsim`` (``--no-metrics``:
  without).  Its port's channel is driven directly: a host end with ``deliver_now`` (as a
  TCP connection has) is attached, ``ATE0`` sent, then the command, one line per
  ``Channel.receive``: line assembly, parsing, the handler, result framing, the meter, the
  gathered write.  ``--modems N``: N such modems take the commands in turn, as a fleet's
  ports do, so each command finds its modem's objects as far from the processor's caches
  as under real load (1: the same modem's, always at hand).
* **floor**: what the floor server of ``at_throughput.py`` does with the same bytes: count
  the CRs and hand ``OK`` for each to the same host end.

Each figure is the least CPU time (``time.thread_time``) per command over ``--batches``
batches of ``--batch`` commands, so time this process lost to others on a busy machine
counts as little as it can.  ``--profile N`` prints the N functions atsim spent most time
in (cProfile, one more batch).
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from twisted.internet import task  # noqa: E402

from simulator.control.events import EventLog  # noqa: E402
from simulator.control.metrics import Metrics  # noqa: E402
from simulator.scenario.loader import load  # noqa: E402
from simulator.service import make_service  # noqa: E402

#: Long enough for a modem on the default network to register.
SETTLE_SECONDS = 120.0


class CountingHost:
    """A host end that keeps only how many bytes it was given."""

    def __init__(self) -> None:
        self.received = 0
        self.last = b""

    def deliver(self, data: bytes) -> None:
        self.received += len(data)
        self.last = data

    deliver_now = deliver

    def modem_signals_changed(self, signals) -> None:
        pass


def modem_channels(directory: Path, metrics: bool, modems: int = 1) -> list:
    scenario = directory / "path.yaml"
    scenario.write_text(f'modems:\n  - name: "path-{{n}}"\n    count: {modems}\n'
                        '    ports: [{tcp: "tcp:0"}]\n')
    clock = task.Clock()
    service = make_service(load(scenario), reactor=clock, seed=1, state_dir=directory / "s")
    for modem in service.modems:
        modem.power_on()
    clock.advance(SETTLE_SECONDS)
    if metrics:
        Metrics(service.modems, service.injector, EventLog(service.modems, clock),
                clock=clock).watch()
    return [modem.interpreters[0].channel for modem in service.modems]


def least_per_command(send, line: bytes, batches: int, batch: int) -> float:
    for _ in range(batch // 10 or 1):  # warm: caches, the command table, the parse table
        send(line)
    best = float("inf")
    for _ in range(batches):
        started = time.thread_time()
        for _ in range(batch):
            send(line)
        best = min(best, (time.thread_time() - started) / batch)
    return best * 1e6


def through_atsim(args: argparse.Namespace, line: bytes) -> tuple[float, bytes]:
    with tempfile.TemporaryDirectory(prefix="atsim-path-") as tmp:
        channels = modem_channels(Path(tmp), not args.no_metrics, args.modems)
        host = CountingHost()
        for channel in channels:
            channel.attach_host(host)
            channel.receive(b"ATE0\r")
        receivers = itertools.cycle([channel.receive for channel in channels])

        def send(data: bytes) -> None:
            next(receivers)(data)

        us = least_per_command(send if len(channels) > 1 else channels[0].receive, line,
                               args.batches, args.batch)
        answer = host.last
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.batch):
                send(line)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    return us, answer


def floor(args: argparse.Namespace, line: bytes) -> float:
    host = CountingHost()

    def data_received(data: bytes) -> None:  # the floor server's OkResponder
        for _ in range(data.count(b"\r")):
            host.deliver_now(b"\r\nOK\r\n")

    return least_per_command(data_received, line, args.batches, args.batch)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--command", default="AT+CSQ", help="the command sent [AT+CSQ]")
    parser.add_argument("--modems", type=int, default=1,
                        help="modems taking the commands in turn [1]")
    parser.add_argument("--batches", type=int, default=40, help="timed batches [40]")
    parser.add_argument("--batch", type=int, default=5000, help="commands per batch [5000]")
    parser.add_argument("--no-metrics", action="store_true",
                        help="without the control API's metrics watching the modem")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N functions atsim spent most time in")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    line = args.command.encode("ascii") + b"\r"
    atsim, answer = through_atsim(args, line)
    bare = floor(args, line)
    if args.json:
        print(json.dumps({"benchmark": "at_path", "command": args.command,
                          "metrics": not args.no_metrics, "modems": args.modems,
                          "answer": answer.decode("latin-1"),
                          "atsim_cpu_us_per_command": round(atsim, 2),
                          "floor_cpu_us_per_command": round(bare, 3),
                          "floor_is": "count the CRs, hand OK to the host end"}, indent=2))
        return
    print(f"{args.command} through a channel, interpreter and command table, one line per "
          f"receive, metrics {'off' if args.no_metrics else 'watching'}, {args.modems} modem(s) in "
          f"turn; answer {answer!r}")
    print(f"{'what':<8} {'CPU us/command':>15}   (least over {args.batches} x {args.batch})")
    print(f"{'atsim':<8} {atsim:>15.2f}")
    print(f"{'floor':<8} {bare:>15.2f}")
    print("(floor: count the CRs and hand OK to the host end, as at_throughput.py's floor "
          "server does)")


if __name__ == "__main__":
    main(sys.argv[1:])
