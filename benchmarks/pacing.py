"""Paced ports at scale: does every port deliver its line rate, measured by the hosts?

    python benchmarks/pacing.py [--ports 1000] [--baud 115200] [--seconds 20] [--warmup 3]
                                [--json]

A server process runs ``--ports`` TCP ports with ``paced: true`` (atsim's transport glue:
``StreamPortService`` with the pacing layer, ``simulator/transport/pacing.py``), each with
a device behind its channel that always has more to say than the line carries (it offers
1.5 times the line rate; what does not fit is dropped, as for any slow host).  With
``--atsim`` the server is ``twistd atsim`` instead, one generic modem per paced port, and
each host keeps ``AT+CLAC`` lines in flight so its modem always has output waiting.  This
process is the hosts: one Twisted client per port, counting the bytes it receives.  After the
warm-up, each host's bytes are counted over ``--seconds``; printed: the line rate, the
per-port rates (min, median, max, 1st and 99th percentile) and how many ports were within
±2 % of the line rate.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def serve(count: int, baud: int) -> None:
    """The server process: paced ports, each with a talkative device; prints its ports."""
    sys.path.insert(0, str(REPO))
    from twisted.internet import reactor, task

    from simulator.line import Channel, LineSettings
    from simulator.ports import port_service
    from simulator.transport.pacing import characters_per_second
    from simulator.transport.spec import PortSpec

    offer = int(characters_per_second(LineSettings(baudrate=baud)) * 1.5 / 4)  # per 0.25 s

    class Talker:
        """Says ``offer`` bytes every 0.25 s while a host is there."""

        def __init__(self, channel: Channel) -> None:
            self.channel = channel
            self.loop = task.LoopingCall(lambda: channel.write(b"x" * offer))

        def data_received(self, data): pass
        def host_signals_changed(self, old, new): pass

        def host_opened(self):
            if not self.loop.running:
                self.loop.start(0.25)

        def host_closed(self):
            if self.loop.running:
                self.loop.stop()

    ports = []
    for index in range(count):
        channel = Channel(f"bench-{index}")
        spec = PortSpec(kind="tcp", target="tcp:0:interface=127.0.0.1", baudrate=baud,
                        paced=True)
        service = port_service(spec, channel, reactor, f"bench-{index}")
        channel.attach_device(Talker(channel))
        service.startService()
        ports.append(service.address.port)
    print("PORTS " + ",".join(map(str, ports)), flush=True)
    reactor.run()


#: What a host of ``--atsim`` keeps asking: the list of commands (543 bytes from a generic
#: modem), a few lines ahead so that the modem's line never waits for the host.
QUERY, IN_FLIGHT = b"AT+CLAC\r", 8


#: ``--data``: what a host keeps in flight through its modem's socket (about 2.1 s of line
#: time at 115200 baud, so the modem's line never waits for the echo), and how much it has
#: to receive before it sends that much again (fewer, larger writes per port).
DATA_WINDOW, DATA_REFILL = 24576, 4096


def serve_atsim(directory: Path, count: int, baud: int, data: bool = False,
                profile: Path | None = None) -> tuple[subprocess.Popen, list[int]]:
    sys.path.insert(0, str(Path(__file__).parent))
    from at_throughput import Server, environment, free_tcp_ports, wait_ready
    from shards import TWISTD

    ports = free_tcp_ports(count)
    lines = ["modems:"]
    for index, port in enumerate(ports, 1):
        lines += [f"  - name: paced-{index}",
                  f'    ports: [{{tcp: "tcp:{port}:interface=127.0.0.1", baudrate: {baud}, '
                  "paced: true}]"]
        if data:
            lines += ["    dialect: wip", '    revision: "5.01"']
    if data:
        from socket_data import NETWORK

        lines += NETWORK
    scenario = directory / "paced.yaml"
    scenario.write_text("\n".join(lines) + "\n")
    with open(directory / "atsim.log", "wb") as log:
        process = subprocess.Popen(
            [*(TWISTD if profile is None else [
                sys.executable, str(Path(__file__).with_name("at_throughput.py")),
                "--serve-profiled", str(profile.resolve())]),
             "-n", "--pidfile=", "atsim", "-s", str(scenario), "--seed", "1",
             "--control", "none", "--state-dir", str(directory / "state")],
            cwd=directory, env=environment(), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT)
    # Every port open before any host connects: a host retrying a port nobody listens on yet
    # can end up connected to itself.
    wait_ready(Server("atsim", process, ports, directory / "atsim.log"))
    return process, ports


def measure(ports: list[int], warmup: float, seconds: float, ask: bool = False,
            data: bool = False, marked=lambda index: None) -> tuple[list[float], float]:
    """This process as the hosts: the bytes per second each received over ``seconds``.
    The warm-up starts once every host is connected (``data``: once every host's socket is
    in data mode).
    ``ask``: keep ``IN_FLIGHT`` lines of ``QUERY`` waiting at the modem.
    ``data``: bring a WIP socket to the lab echo into data mode (``socket_data.SETUP``),
    then keep ``DATA_WINDOW`` bytes of payload in flight through it."""
    from twisted.internet import protocol, reactor

    counts = [0] * len(ports)
    connected: list[int] = []
    if data:
        from socket_data import CHUNK, SETUP

        payload = (CHUNK * (DATA_WINDOW // len(CHUNK) + 1))[:DATA_WINDOW]

    class Host(protocol.Protocol):
        def __init__(self, index: int) -> None:
            self.index = index

        def connectionMade(self) -> None:
            if data:
                self.step, self.answer, self.owed = 0, b"", 0
                self.transport.write(SETUP[0][0] + b"\r")
                return
            self.started()
            if ask:
                self.transport.write(b"ATE0\r" + QUERY * IN_FLIGHT)

        def started(self) -> None:
            connected.append(self.index)
            if len(connected) == len(ports):  # the warm-up starts with the last host
                reactor.callLater(warmup, mark)

        def dataReceived(self, data: bytes) -> None:
            if ask:
                counts[self.index] += len(data)
                answers = data.count(b"OK\r\n")
                if answers:
                    self.transport.write(QUERY * answers)
            elif not data_mode:
                counts[self.index] += len(data)
            elif self.step is None:
                counts[self.index] += len(data)
                self.owed += len(data)
                if self.owed >= DATA_REFILL:
                    self.transport.write(payload[:self.owed])
                    self.owed = 0
            else:
                self.setup(data)

        def setup(self, data: bytes) -> None:
            self.answer += data
            command, ending, *_ = SETUP[self.step]
            if ending not in self.answer:
                if b"ERROR" in self.answer:
                    print(f"host {self.index}: {command.decode()}: {self.answer!r}",
                          file=sys.stderr)
                    reactor.stop()
                return
            self.answer, self.step = b"", self.step + 1
            if self.step < len(SETUP):
                self.transport.write(SETUP[self.step][0] + b"\r")
                return
            self.step = None
            self.transport.write(payload)
            self.started()

    data_mode = data

    class Factory(protocol.ClientFactory):
        def __init__(self, index: int) -> None:
            self.index = index

        def buildProtocol(self, addr):
            return Host(self.index)

        def clientConnectionFailed(self, connector, reason) -> None:
            print(f"host {self.index}: {reason.getErrorMessage()}", file=sys.stderr)
            reactor.stop()

    for index, port in enumerate(ports):
        reactor.connectTCP("127.0.0.1", port, Factory(index))
    marks: list[tuple[float, list[int]]] = []

    def mark() -> None:
        marks.append((time.monotonic(), list(counts)))
        marked(len(marks))
        if len(marks) == 2:
            reactor.stop()
        else:
            reactor.callLater(seconds, mark)

    reactor.run()
    if len(marks) < 2:
        sys.exit("the hosts stopped before the measurement ended")
    (t1, c1), (t2, c2) = marks
    return [(b - a) / (t2 - t1) for a, b in zip(c1, c2, strict=True)], t2 - t1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", type=int, default=1000, help="paced ports [1000]")
    parser.add_argument("--baud", type=int, default=115200, help="line rate, 8N1 [115200]")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds [20]")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds [3]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--atsim", action="store_true",
                        help="modems of twistd atsim behind the ports, answering AT+CLAC")
    parser.add_argument("--data", action="store_true",
                        help="WIP modems of twistd atsim behind the ports, each in +WIPDATA "
                        "on a socket to the lab echo, the host keeping the line busy")
    parser.add_argument("--profile", type=Path, metavar="STATS",
                        help="with --atsim or --data: profile the server (cProfile) over the "
                        "measured window into STATS")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.ports, args.baud)
        return
    cpu = None
    with tempfile.TemporaryDirectory(prefix="atsim-pacing-") as tmp:
        if args.atsim or args.data:
            server, ports = serve_atsim(Path(tmp), args.ports, args.baud, data=args.data,
                                        profile=args.profile)
        else:
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO),
                                                              env.get("PYTHONPATH")]))
            server = subprocess.Popen(
                [sys.executable, __file__, "--serve", "--ports", str(args.ports), "--baud",
                 str(args.baud)], stdout=subprocess.PIPE, env=env, text=True)
        try:
            if not (args.atsim or args.data):
                line = server.stdout.readline()
                if not line.startswith("PORTS "):
                    sys.exit("the server did not start")
                ports = [int(p) for p in line.split()[1].split(",")]
            cpu = None
            if args.atsim or args.data:
                sys.path.insert(0, str(Path(__file__).parent))
                from at_throughput import process_cpu_seconds

                cpu = process_cpu_seconds(server.pid)
            def marked(index: int) -> None:
                if args.profile is not None:  # the measured window only
                    os.kill(server.pid, signal.SIGUSR1 if index == 1 else signal.SIGUSR2)

            rates, measured = measure(ports, args.warmup, args.seconds, ask=args.atsim,
                                      data=args.data, marked=marked)
            if cpu is not None:
                # Over the whole run (setup included): what the server's CPU went to.
                cpu = process_cpu_seconds(server.pid) - cpu
            if (args.atsim or args.data) and not any(rates):
                sys.exit("no host received anything; atsim's log ends:\n"
                         + (Path(tmp) / "atsim.log").read_text()[-2000:])
        finally:
            server.terminate()
            server.wait()
    line_rate = args.baud / 10
    within = sum(1 for r in rates if abs(r - line_rate) <= 0.02 * line_rate)
    figures = {
        "ports": args.ports, "baud": args.baud, "line_rate": line_rate,
        "seconds": round(measured, 2), "min": min(rates), "p1": percentile(rates, 0.01),
        "median": percentile(rates, 0.5), "p99": percentile(rates, 0.99), "max": max(rates),
        "within_2_percent": within,
        "behind": "data" if args.data else "atsim" if args.atsim else "transport",
    }
    if cpu is not None:
        figures["server_cpu_s"] = round(cpu, 2)
    if args.json:
        print(json.dumps(figures))
        return
    behind = ("WIP modems in +WIPDATA to the lab echo, the hosts keeping the line busy"
              if args.data else "generic modems answering AT+CLAC" if args.atsim
              else "the transport alone")
    print(f"{behind}: {args.ports} paced TCP ports at {args.baud} baud "
          f"(8N1: {line_rate:.0f} B/s each),\nbytes counted by the hosts over "
          f"{measured:.1f} s after {args.warmup:g} s warm-up")
    print("B/s per port: min {min:.0f}  p1 {p1:.0f}  median {median:.0f}  p99 {p99:.0f}  "
          "max {max:.0f}".format(**figures))
    print(f"{within} of {args.ports} ports within ±2 % of {line_rate:.0f} B/s "
          f"(worst {max(abs(r - line_rate) for r in rates) / line_rate:+.2%} off)")
    if cpu is not None:
        print(f"server CPU over the run (setup included): {cpu:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
