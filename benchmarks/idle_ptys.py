"""What PTY modems cost while no host uses them, and how soon a host's open is noticed.

    python benchmarks/idle_ptys.py [--ports 2000] [--seconds 5] [--mode inotify|poll|both]
                                   [--opens 50] [--json]

For each mode, in this one process: start ``--ports`` PTY ports (the transport alone, an echo
device behind each), let the reactor run idle for ``--seconds`` and measure the CPU time the
process used meanwhile (user + system, from ``getrusage``), as a share of one core.  Then a
host opens and closes one of the ports ``--opens`` times; printed is the delay from the
``open()`` to the port telling its modem (p50 and max).

* **inotify**: how atsim notices hosts where the kernel supports it (Linux);
* **poll**: the fallback, a read on every idle port every 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from twisted.internet import defer, task  # noqa: E402

from simulator.line import Channel  # noqa: E402
from simulator.transport import PtyPortService  # noqa: E402


class OpenTimer:
    """The device behind a port: remembers when the port said a host opened it."""

    def __init__(self, channel: Channel) -> None:
        self.opened_at: float | None = None
        channel.attach_device(self)

    def host_opened(self) -> None:
        self.opened_at = time.monotonic()

    def host_closed(self) -> None:
        pass

    def data_received(self, data: bytes) -> None:
        pass

    def host_signals_changed(self, old, new) -> None:
        pass


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sleep(reactor, seconds: float) -> defer.Deferred:
    return task.deferLater(reactor, seconds, lambda: None)


@defer.inlineCallbacks
def measure(reactor, mode: str, args: argparse.Namespace, directory: Path):
    ports, timers = [], []
    for i in range(args.ports):
        channel = Channel(f"idle-{i}")
        timers.append(OpenTimer(channel))
        port = PtyPortService(directory / f"{mode}-{i}", channel, reactor, f"idle-{i}",
                              watch_opens=(mode == "inotify"))
        port.startService()
        ports.append(port)
    try:
        yield sleep(reactor, 1.0)  # the first look of every port
        wall, cpu = time.monotonic(), cpu_seconds()
        yield sleep(reactor, args.seconds)
        cpu_share = (cpu_seconds() - cpu) / (time.monotonic() - wall)
        delays = []
        for n in range(args.opens):
            timer = timers[n % len(timers)]
            timer.opened_at = None
            started = time.monotonic()
            fd = os.open(ports[n % len(ports)].address, os.O_RDWR | os.O_NOCTTY)
            yield sleep(reactor, 0.15)  # longer than one poll interval
            os.close(fd)
            if timer.opened_at is not None:
                delays.append(timer.opened_at - started)
            yield sleep(reactor, 0.05)
    finally:
        for port in ports:
            port.stopService()
    return {
        "mode": mode,
        "ports": args.ports,
        "seconds": args.seconds,
        "cpu_percent_of_one_core": round(100 * cpu_share, 1),
        "opens": args.opens,
        "opens_noticed": len(delays),
        "open_notice_p50_ms": round(1000 * statistics.median(delays), 2) if delays else None,
        "open_notice_max_ms": round(1000 * max(delays), 2) if delays else None,
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--mode", choices=("inotify", "poll", "both"), default="both")
    parser.add_argument("--opens", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    modes = ("inotify", "poll") if args.mode == "both" else (args.mode,)

    @defer.inlineCallbacks
    def run(reactor):
        results = []
        with tempfile.TemporaryDirectory(prefix="atsim-idle-") as directory:
            for mode in modes:
                result = yield measure(reactor, mode, args, Path(directory))
                results.append(result)
        return results

    # react() ends the process when run() is done: the figures are printed from inside.
    task.react(lambda reactor: run(reactor).addCallback(report, args))


def report(results: list[dict], args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.ports} PTY ports with no host, CPU measured over {args.seconds:g} s; "
          f"{args.opens} opens by a host")
    print(f"{'mode':8} {'CPU % of a core':>16} {'open seen p50 ms':>17} {'max ms':>8} "
          f"{'seen':>6}")
    for r in results:
        p50 = "-" if r["open_notice_p50_ms"] is None else f"{r['open_notice_p50_ms']:.2f}"
        top = "-" if r["open_notice_max_ms"] is None else f"{r['open_notice_max_ms']:.2f}"
        print(f"{r['mode']:8} {r['cpu_percent_of_one_core']:>16.1f} {p50:>17} {top:>8} "
              f"{r['opens_noticed']:>3}/{r['opens']}")

if __name__ == "__main__":
    main(sys.argv[1:])
