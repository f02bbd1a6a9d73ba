"""What watching costs a modem: AT commands through one in-process modem (generic dialect,
no transport, ``task.Clock``) with nothing watching, with the control API's metrics, with the
metrics, an event-stream client and transcripts, and with all of that and an event file.

    python benchmarks/observability.py [--commands 20000] [--command AT+CSQ]

Printed: microseconds per command line (command in, final result out) for each setup, and
each one's cost over the bare modem.  Figures for a person to compare; the machine's load
moves them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from twisted.internet.task import Clock  # noqa: E402

import simulator.dialects  # noqa: E402
from simulator.control.eventfile import EventFile  # noqa: E402
from simulator.control.events import EventFilter, EventLog  # noqa: E402
from simulator.control.metrics import Metrics  # noqa: E402
from simulator.control.transcripts import TranscriptRecorder  # noqa: E402
from simulator.faults import Injector  # noqa: E402
from simulator.line import Channel  # noqa: E402
from simulator.modem.modem import Modem  # noqa: E402
from simulator.modem.spec import ModemSpec  # noqa: E402
from simulator.modem.storage import NVStore  # noqa: E402
from simulator.network.spec import NetworkSpec  # noqa: E402


class Host:
    def __init__(self) -> None:
        self.received = 0

    def deliver(self, data: bytes) -> None:
        self.received += len(data)

    def modem_signals_changed(self, signals) -> None:
        pass


def modem():
    clock = Clock()
    spec = ModemSpec(name="bench-1", n=1)
    m = Modem(spec, simulator.dialects.get("generic"), NetworkSpec(), clock, random.Random(1),
              NVStore(None))
    channel = Channel("bench-1/tcp")
    channel.attach_host(Host())
    m.attach(channel, "tcp tcp:0")
    m.power_on()
    clock.advance(30)
    channel.receive(b"ATE0\r")
    return clock, m, channel


class Sink:
    """An event-stream client that keeps up: takes every event as it comes."""

    def __init__(self, log: EventLog) -> None:
        self.subscription = log.subscribe(EventFilter(), wake=self.take)

    def take(self) -> None:
        self.subscription.take()


def run(setup: str, commands: int, line: bytes, directory: Path) -> float:
    clock, m, channel = modem()
    log = EventLog([m], clock)
    stops = []
    if setup != "bare":
        metrics = Metrics([m], Injector(), log, clock=clock)
        metrics.watch()
    if setup in ("stream+transcripts", "everything"):
        Sink(log)
        transcripts = TranscriptRecorder(directory / setup, [m], clock)
        transcripts.start()
        stops.append(transcripts.stop)
    if setup == "everything":
        events = EventFile(directory / f"{setup}.jsonl", log)
        events.start()
        stops.append(events.stop)
    started = time.perf_counter()
    for _ in range(commands):
        channel.receive(line)
    elapsed = time.perf_counter() - started
    for stop in stops:
        stop()
    return elapsed / commands * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=20000)
    parser.add_argument("--command", default="AT+CSQ")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    line = args.command.encode() + b"\r"
    setups = ("bare", "metrics", "stream+transcripts", "everything")
    with tempfile.TemporaryDirectory() as tmp:
        figures = {s: run(s, args.commands, line, Path(tmp)) for s in setups}
    if args.json:
        print(json.dumps({"benchmark": "observability", "commands": args.commands,
                          "command": args.command,
                          "cpu_us_per_command": {k: round(v, 2) for k, v in figures.items()},
                          "floor": "bare: the modem with nothing watching it"}, indent=2))
        return 0
    print(f"{args.commands} x {args.command} through one in-process modem (generic)")
    print(f"{'setup':<20} {'us/command':>10} {'over bare':>10}")
    for setup, micros in figures.items():
        print(f"{setup:<20} {micros:>10.1f} {micros / figures['bare'] - 1:>+10.0%}")
    print("metrics: the control API's counters; stream: one event client that keeps up; "
          "everything: also --events to a file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
