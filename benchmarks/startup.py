"""How long ``twistd atsim`` takes to open every port of a large scenario, what an idle modem
costs in memory and CPU, next to a bare Twisted process listening on as many ports.

    python benchmarks/startup.py [--modems 10000] [--idle-seconds 3] [--settle-seconds 1]
                                 [--json]

Three runs, one after the other, each a process of its own:

* **atsim**: ``twistd -n atsim`` on a generated scenario of ``--modems`` generic modems, one
  TCP port each (``count:``, ``tcp:{base+n}:interface=127.0.0.1``), the control API on;
* **atsim, one modem**: the same with one modem, so the memory of the modems is what the
  large run holds beyond it;
* **floor**: a bare Twisted process that listens on as many ports and does nothing else.

Ready is the moment the control API says it listens, which it does after every modem's
port opened.  Printed: seconds from starting the process to ready and the CPU time (user +
system) it used until then, which moves less with whatever else runs on the machine; the
resident memory (``VmRSS``) per modem beyond the one-modem run; the seconds until every
modem registered on the network (a moment after power-on; the log has a line for each); and
the CPU the process used while idle for ``--idle-seconds``, from ``--settle-seconds`` after
the last registration.

A TCP modem holds one open file (its listening socket) and a second while a host is
connected.  The run raises the hard ``RLIMIT_NOFILE`` to room for both where it may (root);
the modems start with room for their listening sockets alone (atsim then warns how many
hosts fit at once, and no host connects here), so only a hard limit below that lowers the
count: the run then takes the most modems that fit and says so.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from at_throughput import environment, process_cpu_seconds, twistd  # noqa: E402

#: What ``simulator.limits`` keeps for atsim itself beside its ports.
FILES_FOR_ATSIM = 64
READY_TIMEOUT = 300.0
READY_LINE = b"control API: listening on"
#: What atsim logs for each modem that registered on the network.
REGISTERED_LINE = b" registered operator="


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def free_port_range(count: int) -> int:
    """A base such that base+1 ... base+count are free now, below the ephemeral range."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    if count >= low - 1025:
        sys.exit(f"not {count} ports below the ephemeral range ({low})")
    for _ in range(50):
        base = random.randrange(1024, low - count - 1)
        if all(_free(base + n) for n in range(1, count + 1)):
            return base
    sys.exit(f"no {count} consecutive free TCP ports found below {low}")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def serve_floor(base: int, count: int) -> None:
    """Listen on base+1 ... base+count, say so, then idle until killed."""
    from twisted.internet import reactor
    from twisted.internet.protocol import Factory, Protocol

    factory = Factory.forProtocol(Protocol)
    for n in range(1, count + 1):
        reactor.listenTCP(base + n, factory, interface="127.0.0.1")
    print(READY_LINE.decode(), flush=True)
    reactor.run()


class PortsTaken(Exception):
    """Another program took some of the ports between choosing them and listening."""


#: Times a run starts again on other ports when another program took some of its own.
ATTEMPTS = 3


def run_on_free_ports(name: str, count: int, command, *args, **kwargs) -> dict:
    """``run`` with ``command(base)`` on ports base+1 ... base+count free when chosen; on
    other ones when another program (a test, another benchmark) takes some meanwhile."""
    for attempt in range(ATTEMPTS):
        try:
            return run(name, command(free_port_range(count)), *args, **kwargs)
        except PortsTaken:
            if attempt == ATTEMPTS - 1:
                sys.exit(f"{name}: another program took some of the ports {ATTEMPTS} times")
    raise AssertionError("unreachable")


def run(name: str, command: list[str], log: Path, idle: float, cwd: Path,
        settle: float = 0.0, registered: int = 0) -> dict:
    """``registered``: after ready, wait until the log says that many modems registered
    (then ``settle`` more seconds) before measuring the idle CPU."""
    started = time.monotonic()
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=environment(),
                                   stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = started + READY_TIMEOUT
        while READY_LINE not in log.read_bytes():
            if process.poll() is not None:
                text = log.read_text()
                if "already in use" in text or "Address already in use" in text:
                    raise PortsTaken(name)
                sys.exit(f"{name} exited:\n{text[-3000:]}")
            if time.monotonic() > deadline:
                sys.exit(f"{name} was not ready after {READY_TIMEOUT:.0f} s")
            time.sleep(0.02)
        ready = time.monotonic() - started
        rss = rss_kib(process.pid)
        cpu_to_ready = process_cpu_seconds(process.pid)
        while log.read_bytes().count(REGISTERED_LINE) < registered:
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{name}: not every modem registered:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        all_registered = time.monotonic() - started
        time.sleep(settle)  # other start-up timers run their course
        cpu = process_cpu_seconds(process.pid)
        time.sleep(idle)
        idle_cpu = (process_cpu_seconds(process.pid) - cpu) / idle
        return {"ready_s": round(ready, 2), "cpu_s_to_ready": round(cpu_to_ready, 2),
                "registered_s": round(all_registered, 2) if registered else None,
                "rss_kib": rss,
                "idle_cpu_percent_of_one_core": round(100 * idle_cpu, 1)}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def atsim_command(directory: Path, base: int, count: int) -> list[str]:
    scenario = directory / f"startup-{count}.yaml"
    scenario.write_text(
        "modems:\n"
        "  - name: start-{n}\n"
        f"    count: {count}\n"
        f'    ports: [{{tcp: "tcp:{{{base}+n}}:interface=127.0.0.1"}}]\n')
    return [twistd(), "-n", "--pidfile=", "atsim", "-s", str(scenario), "--seed", "1",
            "--control", "tcp:0:interface=127.0.0.1", "--state-dir", str(directory / "state")]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", type=int, default=10000, help="modems [10000]")
    parser.add_argument("--idle-seconds", type=float, default=3.0,
                        help="CPU measured over this long once ready [3]")
    parser.add_argument("--settle-seconds", type=float, default=1.0,
                        help="wait this long after every modem registered before measuring "
                             "idle CPU [1]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve-floor", nargs=2, type=int, metavar=("BASE", "COUNT"),
                        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.serve_floor:
        serve_floor(*args.serve_floor)
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * args.modems + FILES_FOR_ATSIM
    if hard != resource.RLIM_INFINITY and hard < wanted:
        try:  # root may raise the hard limit (up to fs.nr_open); others keep theirs
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
        except (ValueError, OSError):
            pass
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:  # the floor's process inherits it (atsim raises its own too)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    fits = args.modems if hard == resource.RLIM_INFINITY else hard - FILES_FOR_ATSIM
    count = min(args.modems, fits)
    note = None
    if count < args.modems:
        note = (f"the hard open-file limit ({hard:,}) allows {count:,} TCP modems, not "
                f"{args.modems:,}: measured with {count:,}")
    figures: dict = {"benchmark": "startup", "modems": count, "asked": args.modems,
                     "transport": "tcp", "idle_seconds": args.idle_seconds,
                     "floor": "a bare Twisted process listening on as many TCP ports",
                     "note": note}
    with tempfile.TemporaryDirectory(prefix="atsim-startup-") as tmp:
        directory = Path(tmp)
        figures["atsim"] = run_on_free_ports(
            "atsim", count, lambda base: atsim_command(directory, base, count),
            directory / "atsim.log", args.idle_seconds, directory, args.settle_seconds,
            registered=count)
        one = run_on_free_ports("atsim (one modem)", 1,
                                lambda base: atsim_command(directory, base, 1),
                                directory / "one.log", 0.1, directory)
        figures["floor"] = run_on_free_ports(
            "floor", count,
            lambda base: [sys.executable, __file__, "--serve-floor", str(base), str(count)],
            directory / "floor.log", args.idle_seconds, directory)
    atsim = figures["atsim"]
    atsim["rss_kib_one_modem"] = one["rss_kib"]
    atsim["rss_kib_per_modem"] = round((atsim["rss_kib"] - one["rss_kib"]) / max(1, count - 1),
                                       1)
    atsim["ready_s_per_10000"] = round(atsim["ready_s"] * 10000 / count, 2)
    floor = figures["floor"]
    floor["rss_kib_per_port"] = round(floor["rss_kib"] / count, 1)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    if note:
        print(note)
    print(f"{count:,} modems on TCP; idle CPU over {args.idle_seconds:g} s from "
          f"{args.settle_seconds:g} s after every modem registered")
    print(f"{'server':<8} {'ready s':>8} {'CPU s':>6} {'RSS MiB':>8} {'KiB/modem':>10} "
          f"{'idle CPU %':>11}")
    for name, r, per in (("atsim", atsim, "rss_kib_per_modem"),
                         ("floor", floor, "rss_kib_per_port")):
        print(f"{name:<8} {r['ready_s']:>8.2f} {r['cpu_s_to_ready']:>6.2f} "
              f"{r['rss_kib'] / 1024:>8.0f} {r[per]:>10.1f} "
              f"{r['idle_cpu_percent_of_one_core']:>11.1f}")
    print(f"atsim: KiB/modem beyond a one-modem atsim ({one['rss_kib'] / 1024:.0f} MiB); floor: "
          "KiB per port of the whole process (a bare Twisted process listening on as many "
          f"ports); ready in {atsim['ready_s_per_10000']:.1f} s per 10,000 modems; every modem "
          f"registered after {atsim['registered_s']:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
