"""AT command throughput of atsim, next to the floor set by a bare Twisted responder.

    python benchmarks/at_throughput.py [--modems 200] [--transport tcp|pty] [--seconds 5] [--pin]

Two runs on the same transport and the same number of ports:

* **atsim**: ``twistd -n atsim`` on a generated scenario with one port per modem;
* **floor**: a bare Twisted server answering every line with ``OK`` (no parsing, no modem):
  the most any server on this reactor and transport could do.

Each run is a separate server process; the load comes from a child of this process, one epoll
loop over every port (no framework, no threads) sending each port's command again as soon as
the previous answer's final result code arrived.  Printed: commands per second over all
ports, and the latency from sending a command to its final result (p50, p99).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Final result codes that end a response (verbose form).
FINAL_RESULT = re.compile(rb"\r\n(OK|ERROR|\+CME ERROR: [^\r]*)\r\n")
#: A server must have every port open within this time.
STARTUP_TIMEOUT = 60.0


def connect_fd(fd: int, protocol, reactor) -> None:
    """Run ``protocol`` on a PTY file descriptor (either end).  Twisted's StandardIO would
    take a readable fd given as stdout for end of file, so it cannot share one fd."""
    from twisted.internet import abstract, fdesc

    class FdConnection(abstract.FileDescriptor):
        def fileno(self) -> int:
            return fd

        def doRead(self):
            return fdesc.readFromFD(fd, protocol.dataReceived)

        def writeSomeData(self, data: bytes):
            return fdesc.writeToFD(fd, data)

    fdesc.setNonBlocking(fd)
    connection = FdConnection(reactor)
    connection.connected = True  # FileDescriptor.write drops data until this is set
    connection.startReading()
    protocol.makeConnection(connection)


# -- the floor server (run in a child process) -------------------------------------------------


def serve_floor(transport: str, ports: list[int], pty_dir: Path | None) -> None:
    """Answer every CR-terminated line with OK on each port, then run until killed."""
    from twisted.internet import reactor
    from twisted.internet.protocol import Factory, Protocol

    class OkResponder(Protocol):
        def dataReceived(self, data: bytes) -> None:
            for _ in range(data.count(b"\r")):
                self.transport.write(b"\r\nOK\r\n")

    if transport == "tcp":
        factory = Factory.forProtocol(OkResponder)
        for port in ports:
            reactor.listenTCP(port, factory, interface="127.0.0.1")
    else:
        for index in range(len(ports)):
            master, slave = os.openpty()
            tty.setraw(slave)  # the slave stays open here: no EIO while clients reopen
            os.symlink(os.ttyname(slave), pty_dir / f"floor{index}")
            connect_fd(master, OkResponder(), reactor)
    reactor.run()


# -- starting the servers ----------------------------------------------------------------------


def free_tcp_ports(count: int) -> list[int]:
    """``count`` ports free now, below the kernel's ephemeral range: a port the kernel picked
    for ``bind(0)`` may be handed to someone's outgoing connection before the server listens
    on it (the load driver's own clients, or anything else on a shared machine)."""
    low, _ = (int(x) for x in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    ports: list[int] = []
    candidate = random.randrange(10000, max(10001, low - count * 2))
    while len(ports) < count:
        if candidate >= low:
            sys.exit(f"not {count} free TCP ports below {low}")
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", candidate))
                ports.append(candidate)
            except OSError:
                pass
        candidate += 1
    return ports


def twistd() -> str:
    beside = Path(sys.executable).with_name("twistd")
    return str(beside) if beside.exists() else shutil.which("twistd") or "twistd"


def environment() -> dict[str, str]:
    """The working tree's atsim (and its twistd plugin), installed or not, and this module
    (for ``info_observer``)."""
    env = dict(os.environ)
    paths = [str(REPO), str(Path(__file__).parent), env.get("PYTHONPATH")]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, paths))
    return env


def atsim_scenario(directory: Path, transport: str, ports: list[int]) -> tuple[Path, list]:
    """A scenario with one modem per port; returns it and the addresses to open."""
    lines = ["modems:"]
    addresses: list = []
    for index, port in enumerate(ports, 1):
        lines.append(f"  - name: bench-{index}")
        if transport == "tcp":
            lines.append(f'    ports: [{{tcp: "tcp:{port}:interface=127.0.0.1"}}]')
            addresses.append(port)
        else:
            path = directory / "pty" / f"bench-{index}"
            lines.append(f"    ports: [{{pty: {path}}}]")
            addresses.append(path)
    scenario = directory / "bench.yaml"
    scenario.write_text("\n".join(lines) + "\n")
    return scenario, addresses


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    addresses: list  # TCP ports or PTY paths
    log: Path

    def ready(self) -> bool:
        if self.process.poll() is not None:
            sys.exit(f"{self.name} server exited:\n{self.log.read_text()[-3000:]}")
        return all(
            address.exists() if isinstance(address, Path) else _accepts(address)
            for address in self.addresses
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 1).close()
        return True
    except OSError:
        return False


def start_atsim(directory: Path, transport: str, modems: int, log_level: str,
                profile: Path | None = None) -> Server:
    scenario, addresses = atsim_scenario(directory, transport, free_tcp_ports(modems))
    log = directory / "atsim.log"
    # Profiled: twistd runs inside this script, which profiles the measured window only.
    program = [twistd()] if profile is None else [
        sys.executable, __file__, "--serve-profiled", str(profile.resolve())]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            # The control API on a free port: on by default, so its observers are measured
            # too, without taking the default port another atsim may hold.
            [*program, "-n", "--pidfile=", "atsim", "-s", str(scenario), "--seed", "1",
             "--control", "tcp:0:interface=127.0.0.1",
             "--state-dir", str(directory / "state"), "--log-level", log_level],
            cwd=directory, env=environment(), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server("atsim", process, addresses, log)


def start_floor(directory: Path, transport: str, modems: int) -> Server:
    ports = free_tcp_ports(modems)
    pty_dir = directory / "floor"
    pty_dir.mkdir()
    log = directory / "floor.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve-floor", transport, "--pty-dir", str(pty_dir),
             "--ports", ",".join(map(str, ports))],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
        )
    addresses = ports if transport == "tcp" else [pty_dir / f"floor{i}" for i in range(modems)]
    return Server("floor", process, addresses, log)


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.ready():
        if time.monotonic() > deadline:
            server.stop()
            sys.exit(f"{server.name} did not open its ports in {STARTUP_TIMEOUT:.0f} s")
        time.sleep(0.05)


# -- the load ------------------------------------------------------------------------------------


def process_cpu_split(pid: int) -> tuple[float, float]:
    """User and system CPU time of process ``pid`` so far (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of process ``pid`` so far."""
    return sum(process_cpu_split(pid))


@dataclass
class Figures:
    commands: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    server_cpu: float = 0.0
    server_system_cpu: float = 0.0


@dataclass
class Result:
    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    #: The server's CPU time (user + system) per command over the measured window: what one
    #: command costs the server, less sensitive than the rate to what else runs on the machine.
    cpu_us_per_command: float
    #: The part of it spent in the kernel (the sockets or PTYs, epoll): the same work for
    #: both servers, so what atsim costs beyond the floor shows in the rest (user time).
    system_us_per_command: float


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def drive(server: Server, command: bytes, seconds: float, warmup: float,
          profiling: bool = False, pin: bool = False) -> Result:
    """Run the load against ``server`` from a child process, so the driver's own start-up is
    not measured.  ``pin``: the server on one CPU, the driver on another, for the run."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drive, write the figures, exit
        os.close(read)
        if pin:
            cpus = sorted(os.sched_getaffinity(0))
            os.sched_setaffinity(server.process.pid, {cpus[0]})
            os.sched_setaffinity(0, {cpus[1]})
        figures = _drive_in_this_process(server.addresses, command, seconds, warmup,
                                         server.process.pid, profiling)
        payload = (f"{figures.commands} {figures.errors} {figures.server_cpu} "
                   f"{figures.server_system_cpu} ") + " ".join(
            f"{x:.6f}" for x in figures.latencies)
        with os.fdopen(write, "w") as out:
            out.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as source:
        text = source.read()
    os.waitpid(pid, 0)
    if not text:
        sys.exit(f"the load driver for {server.name} failed")
    commands, errors, server_cpu, server_system_cpu, *latencies = text.split()
    latencies = [float(x) for x in latencies]
    return Result(server.name, int(commands) / seconds, percentile(latencies, 0.5) * 1000,
                  percentile(latencies, 0.99) * 1000, int(errors),
                  float(server_cpu) / max(1, int(commands)) * 1e6,
                  float(server_system_cpu) / max(1, int(commands)) * 1e6)


class _End:
    """One port as the load driver sees it: the file descriptor it reads and writes, what
    it read of the answer so far, and when it sent the command being answered."""

    __slots__ = ("fd", "buffer", "in_setup", "sent_at", "unsent", "keep")

    def __init__(self, fd: int, keep=None) -> None:
        self.fd = fd
        self.buffer = b""
        self.in_setup = True
        self.sent_at = 0.0
        self.unsent = b""  # what the kernel did not take yet
        self.keep = keep  # the socket object, which owns the descriptor


def _open_end(address) -> _End:
    if isinstance(address, Path):
        fd = os.open(address, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        return _End(fd)
    sock = socket.create_connection(("127.0.0.1", address))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setblocking(False)
    return _End(sock.fileno(), sock)


def _drive_in_this_process(addresses: list, command: bytes, seconds: float,
                           warmup: float, server_pid: int, profiling: bool) -> Figures:
    """The load: one epoll loop over every port, each answer read, checked for its final
    result and followed at once by the next command.  No framework: the driver costs a
    few microseconds a command, so the server, not the load, is what runs out of CPU."""
    import select

    figures = Figures()
    setup = b"ATE0\r"  # the floor does not echo either; echo would only add bytes to parse
    line = command + b"\r"
    clock = time.perf_counter
    poller = select.epoll()
    ends: dict[int, _End] = {}
    for address in addresses:
        end = _open_end(address)
        ends[end.fd] = end
        poller.register(end.fd, select.EPOLLIN)

    def send(end: _End, data: bytes) -> None:
        if end.unsent:
            end.unsent += data
            return
        try:
            sent = os.write(end.fd, data)
        except BlockingIOError:
            sent = 0
        if sent < len(data):
            end.unsent = data[sent:]
            poller.modify(end.fd, select.EPOLLIN | select.EPOLLOUT)

    def flush(end: _End) -> None:
        try:
            sent = os.write(end.fd, end.unsent)
        except BlockingIOError:
            return
        end.unsent = end.unsent[sent:]
        if not end.unsent:
            poller.modify(end.fd, select.EPOLLIN)

    for end in ends.values():
        send(end, setup)
    ready = 0
    measuring = False
    start_at = stop_at = None  # when the warm-up ends, when the measured window does
    cpu_before = (0.0, 0.0)
    latencies = figures.latencies
    while True:
        now = clock()
        if start_at is not None and not measuring and now >= start_at:
            measuring = True
            stop_at = now + seconds
            cpu_before = process_cpu_split(server_pid)
            if profiling:
                os.kill(server_pid, signal.SIGUSR1)
        elif measuring and now >= stop_at:
            (user, system), (user_before, system_before) = (process_cpu_split(server_pid),
                                                            cpu_before)
            figures.server_cpu = user - user_before + system - system_before
            figures.server_system_cpu = system - system_before
            if profiling:
                os.kill(server_pid, signal.SIGUSR2)
            break
        for fd, event in poller.poll(0.05):
            end = ends[fd]
            if event & select.EPOLLOUT:
                flush(end)
            if not event & (select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR):
                continue
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError as e:
                sys.exit(f"reading a port: {e}")
            if not data:
                sys.exit("a server closed a port")
            # Most answers arrive whole and end in OK: skip the search for those.
            buffer = end.buffer + data if end.buffer else data
            if buffer.endswith(b"\r\nOK\r\n"):
                ok = True
            else:
                match = FINAL_RESULT.search(buffer)
                if match is None:
                    end.buffer = buffer
                    continue
                ok = match.group(1) == b"OK"
            end.buffer = b""
            now = clock()
            if end.in_setup:
                end.in_setup = False
                ready += 1
                if ready == len(ends):
                    start_at = now + warmup
            elif measuring:
                figures.commands += 1
                latencies.append(now - end.sent_at)
                if not ok:
                    figures.errors += 1
            end.sent_at = now
            send(end, line)
    for end in ends.values():
        if end.keep is None:
            os.close(end.fd)
        else:
            end.keep.close()
    return figures


def serve_profiled(stats: Path, argv: list[str]) -> None:
    """Run ``twistd`` with ``argv`` in this process, profiling only between SIGUSR1 and
    SIGUSR2 (the measured window), then write the statistics to ``stats``."""
    import cProfile

    profiler = cProfile.Profile()

    def start(signum, frame) -> None:
        profiler.enable()

    def stop(signum, frame) -> None:
        profiler.disable()
        profiler.dump_stats(stats)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from twisted.scripts.twistd import run

    sys.argv = ["twistd", *argv]
    run()


# -- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", type=int, default=200, help="modems (ports) [200]")
    parser.add_argument("--transport", choices=("tcp", "pty"), default="tcp",
                        help="how the clients reach the modems [tcp]")
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="measured time per run [5]")
    # 3 s: a modem registers 2 s after power-on (the default network's delay), and a
    # fleet registering at once (events, log lines) is start-up, not the command path.
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="load before measuring starts (once every client had its answer "
                        "to ATE0), per run [3]")
    parser.add_argument("--command", default="AT+CSQ", help="the command sent [AT+CSQ]")
    parser.add_argument("--log-level", choices=("debug", "info"), default="info",
                        help="atsim's --log-level: info is its default; debug adds a line "
                        "per command and URC of every channel [info]")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measured runs per server, alternating; the median is shown [3]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--pin", action="store_true",
                        help="run each server on one CPU and the load on another, so the "
                        "scheduler does not put them on the same one (needs 2 CPUs)")
    parser.add_argument("--profile", type=Path, metavar="STATS",
                        help="profile atsim (cProfile) over the measured window and write "
                        "the statistics to STATS (read them with python -m pstats)")
    # internal: the floor server's own process, the profiled atsim
    parser.add_argument("--serve-floor", choices=("tcp", "pty"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-profiled", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ports", help=argparse.SUPPRESS)
    parser.add_argument("--pty-dir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--serve-profiled"]:
        serve_profiled(Path(argv[1]), argv[2:])
        return
    args = parse_args(argv)
    if args.serve_floor:
        serve_floor(args.serve_floor, [int(p) for p in args.ports.split(",")], args.pty_dir)
        return
    if args.pin and len(os.sched_getaffinity(0)) < 2:
        sys.exit("--pin needs two CPUs this process may run on")
    command = args.command.encode("ascii")
    rounds: dict[str, list[Result]] = {"atsim": [], "floor": []}
    with tempfile.TemporaryDirectory(prefix="atsim-bench-") as tmp:
        servers = {}
        try:
            for name in rounds:
                directory = Path(tmp) / name
                directory.mkdir()
                if name == "atsim":
                    servers[name] = start_atsim(directory, args.transport, args.modems,
                                                args.log_level, args.profile)
                else:
                    servers[name] = start_floor(directory, args.transport, args.modems)
                wait_ready(servers[name])
            # Rounds alternate between the two, so a change in what else runs on the machine
            # falls on both alike.
            for _ in range(args.rounds):
                for name, server in servers.items():
                    rounds[name].append(drive(
                        server, command, args.seconds, args.warmup,
                        profiling=name == "atsim" and args.profile is not None, pin=args.pin))
        finally:
            for server in servers.values():
                server.stop()
    results = [median_round(r) for r in rounds.values()]
    if args.json:
        print_json(args, results, rounds)
    else:
        print_table(args, results, rounds)


def median_round(results: list[Result]) -> Result:
    """The round with the median command rate."""
    return sorted(results, key=lambda r: r.rate)[(len(results) - 1) // 2]


def _figures(r: Result) -> dict:
    return {
        "commands_per_s": round(r.rate),
        "p50_ms": round(r.p50_ms, 2),
        "p99_ms": round(r.p99_ms, 2),
        "errors": r.errors,
        "server_cpu_us_per_command": round(r.cpu_us_per_command, 1),
        "server_system_cpu_us_per_command": round(r.system_us_per_command, 1),
    }


def print_json(args: argparse.Namespace, results: list[Result],
               rounds: dict[str, list[Result]]) -> None:
    atsim, floor = results
    figures = {
        "benchmark": "at_throughput",
        "modems": args.modems,
        "transport": args.transport,
        "command": args.command,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "pinned": args.pin,
        "log_level": args.log_level,
        "floor": "a bare Twisted server answering OK to every CR",
    }
    for r in results:
        figures[r.name] = _figures(r)
        figures[r.name]["rounds"] = [_figures(x) for x in rounds[r.name]]
    figures["rate_share_of_floor"] = round(atsim.rate / floor.rate, 3) if floor.rate else None
    figures["p99_over_floor_p99"] = round(atsim.p99_ms / floor.p99_ms, 2) if floor.p99_ms else None
    figures["cpu_over_floor_cpu"] = (round(atsim.cpu_us_per_command / floor.cpu_us_per_command, 2)
                                     if floor.cpu_us_per_command else None)
    print(json.dumps(figures, indent=2))


def print_table(args: argparse.Namespace, results: list[Result],
                rounds: dict[str, list[Result]]) -> None:
    print(f"{args.modems} modems on {args.transport}, {args.command} back to back on each, "
          f"{args.rounds} x {args.seconds:g} s measured per server (each after {args.warmup:g} s "
          f"warm-up, rounds alternating), atsim log level {args.log_level}"
          + (", server and load pinned to a CPU each" if args.pin else ""))
    print(f"{'server':<8} {'commands/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'server CPU us/command':>22} {'(system)':>9}   (the median round; all rounds' "
          "rates)")
    for r in results:
        print(f"{r.name:<8} {r.rate:>11.0f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.errors:>7} "
              f"{r.cpu_us_per_command:>22.1f} {f'({r.system_us_per_command:.1f})':>9}   "
              + " ".join(f"{x.rate:.0f}" for x in rounds[r.name]))
    atsim, floor = results
    if floor.rate:
        print(f"atsim: {atsim.rate / floor.rate:.0%} of the floor's command rate, p99 "
              f"{atsim.p99_ms / floor.p99_ms:.2f} x the floor's, CPU per command "
              f"{atsim.cpu_us_per_command / floor.cpu_us_per_command:.2f} x the floor's "
              "(floor: a bare Twisted server answering OK to every line)")


if __name__ == "__main__":
    main(sys.argv[1:])
