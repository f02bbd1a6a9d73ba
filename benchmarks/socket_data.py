"""Socket data mode throughput: a WIP ``+WIPDATA`` session through atsim (or eDsoft's
``#OTCP``, Fibocom's ``+MIPODM``), next to a bare Twisted relay, in the same run.

    python benchmarks/socket_data.py [--modems 1] [--seconds 5] [--window 65536]
                                     [--dialect wip|edsoft|mip] [--profile STATS] [--json]

Two servers, each a process of its own, measured one after the other:

* **atsim**: ``twistd -n atsim`` with ``--modems`` WIP modems (firmware 5.01) on TCP ports, an
  ``ideal`` link (no shaping) and the lab's echo service.  Each client opens the IP stack and
  the GPRS bearer, connects a TCP socket to the echo service (``AT+WIPCREATE=2,1,"echo.lab",7``)
  and maps it with ``AT+WIPDATA=2,1,1`` (continuous mode: the host's bytes are read through the
  DLE/ETX codec, the network's are DLE-escaped on the way back).  The payload holds no DLE or
  ETX, so every byte the host sends comes back as it was.  ``--dialect edsoft``: the
  application started (``AT+WOPEN=1``), GPRS attached, ``AT#CONNECTIONSTART``, a TCP session
  to the echo service by ``AT#OTCP=1`` (DLE/ETX as WIP); ``--dialect mip``: ``AT+MIPCALL``,
  then ``AT+MIPODM`` (online data mode, every byte as it is).
* **floor**: a bare Twisted relay in one process: for each client connection it opens a TCP
  connection to an echo server (in the same process) and passes bytes both ways, nothing more.

The load comes from a third process, one Twisted client per port, each keeping ``--window``
bytes in flight: it sends more as the echo comes back.  Printed: the echoed payload per
second over all modems (MB/s, 10^6 bytes), and the server's CPU time per megabyte.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from at_throughput import (  # noqa: E402
    Server,
    environment,
    free_tcp_ports,
    process_cpu_seconds,
    twistd,
    wait_ready,
)

#: Payload: printable, so no DLE (0x10) or ETX (0x03) needs escaping either way.
CHUNK = bytes(range(0x20, 0x7F)) * 44  # 4,180 bytes

#: The commands that bring a WIP socket to data mode, each with what ends its answer.
SETUP = (
    (b"ATE0", b"OK\r\n"),
    (b"AT+CMEE=1", b"OK\r\n"),
    (b"AT+WIPCFG=1", b"OK\r\n"),
    (b"AT+WIPBR=1,6", b"OK\r\n"),
    (b'AT+WIPBR=2,6,11,"internet"', b"OK\r\n"),
    (b"AT+WIPBR=4,6,0", b"OK\r\n"),
    (b'AT+WIPCREATE=2,1,"echo.lab",7', b"+WIPREADY: 2,1\r\n"),
    (b"AT+WIPDATA=2,1,1", b"CONNECT\r\n"),
)

#: Each dialect's socket data mode: its scenario lines, the commands that reach it, and
#: how it is described.  eDsoft's ``#OTCP`` DLE-escapes as WIP does (an ETX would end it);
#: Fibocom's ``+MIPODM`` passes every byte as it is.
DIALECTS = {
    "wip": (["    dialect: wip", '    revision: "5.01"'], SETUP,
            "a WIP TCP socket each in +WIPDATA continuous mode"),
    "edsoft": (["    dialect: edsoft"], (
        (b"ATE0", b"OK\r\n"),
        (b"AT+WOPEN=1", b"OK\r\n"),  # the application starts (the module restarts)
        (b"ATE0", b"OK\r\n"),
        (b"AT+CGATT=1", b"OK\r\n", "retry"),  # until registered again after the restart
        (b'AT#APNSERV="internet"', b"OK\r\n"),
        (b"AT#CONNECTIONSTART", b"Ok_Info_GprsActivation\r\n"),
        (b'AT#TCPSERV=1,"echo.lab"', b"OK\r\n"),
        (b"AT#TCPPORT=1,7", b"OK\r\n"),
        (b"AT#OTCP=1", b"Ok_Info_WaitingForData\r\n"),
    ), "an eDsoft TCP session each in #OTCP data mode"),
    "mip": (["    dialect: mip"], (
        (b"ATE0", b"OK\r\n"),
        (b'AT+MIPCALL=1,"internet"', b"+MIPCALL: 10."),
        (b'AT+MIPODM=1,,"echo.lab",7,0', b"+MIPODM: 1,1\r\n"),
    ), "a Fibocom socket each in +MIPODM online data mode"),
}


def scenario_text(ports: list[int], dialect: str = "wip") -> str:
    lines = ["modems:"]
    for index, port in enumerate(ports, 1):
        lines += [f"  - name: data-{index}", *DIALECTS[dialect][0],
                  f'    ports: [{{tcp: "tcp:{port}:interface=127.0.0.1"}}]']
    return "\n".join(lines + NETWORK) + "\n"


#: The network of the scenario: GPRS, an APN and the lab's echo service, an ideal link.
NETWORK = [
    "network:",
    '  operators: [{mcc: "208", mnc: "01", name: "Lab", tech: gprs}]',
    "  registration: {delay: 10ms}",
    "  apns:",
    "    internet: {pool: 10.64.0.0/16, dns: [10.64.255.53], activation_delay: 10ms}",
    "  hosts:",
    "    echo.lab: {services: {echo: {}}}",
    "  links: {default: ideal}",
]


def start_atsim(directory: Path, modems: int, profile: Path | None = None,
                dialect: str = "wip") -> Server:
    ports = free_tcp_ports(modems)
    program = [twistd()] if profile is None else [
        sys.executable, str(Path(__file__).with_name("at_throughput.py")), "--serve-profiled",
        str(profile.resolve())]
    scenario = directory / "data.yaml"
    scenario.write_text(scenario_text(ports, dialect))
    log = directory / "atsim.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*program, "-n", "--pidfile=", "atsim", "-s", str(scenario), "--seed", "1",
             "--control", "tcp:0:interface=127.0.0.1", "--state-dir", str(directory / "state")],
            cwd=directory, env=environment(), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT)
    return Server("atsim", process, ports, log)


def start_floor(directory: Path, modems: int, profile: Path | None = None,
                dialect: str = "wip") -> Server:
    ports = free_tcp_ports(modems + 1)
    log = directory / "floor.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve-floor", ",".join(map(str, ports))],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    return Server("floor", process, ports[1:], log)


def serve_floor(ports: list[int]) -> None:
    """An echo server on the first port; a relay to it on each of the others."""
    from twisted.internet import protocol, reactor

    class Echo(protocol.Protocol):
        def dataReceived(self, data: bytes) -> None:
            self.transport.write(data)

    class Outbound(protocol.Protocol):
        def __init__(self, inbound) -> None:
            self.inbound = inbound

        def connectionMade(self) -> None:
            self.inbound.outbound = self
            if self.inbound.waiting:
                self.transport.write(b"".join(self.inbound.waiting))
                self.inbound.waiting = []

        def dataReceived(self, data: bytes) -> None:
            self.inbound.transport.write(data)

    class Relay(protocol.Protocol):
        def connectionMade(self) -> None:
            self.outbound = None
            self.waiting: list[bytes] = []
            protocol.ClientCreator(reactor, Outbound, self).connectTCP("127.0.0.1", ports[0])

        def dataReceived(self, data: bytes) -> None:
            if self.outbound is None:
                self.waiting.append(data)
            else:
                self.outbound.transport.write(data)

    reactor.listenTCP(ports[0], protocol.Factory.forProtocol(Echo), interface="127.0.0.1")
    relay = protocol.Factory.forProtocol(Relay)
    for port in ports[1:]:
        reactor.listenTCP(port, relay, interface="127.0.0.1")
    reactor.run()


@dataclass
class Result:
    name: str
    megabytes_per_s: float
    cpu_s_per_megabyte: float


def drive(server: Server, seconds: float, warmup: float, window: int, setup: tuple,
          profiling: bool = False) -> Result:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            echoed, cpu = _drive(server, seconds, warmup, window, setup, profiling)
            payload = f"{echoed} {cpu}"
        except BaseException as error:  # noqa: BLE001 - reported by the parent
            payload = f"error {error!r}"
        with os.fdopen(write, "w") as out:
            out.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as source:
        text = source.read()
    os.waitpid(pid, 0)
    if not text or text.startswith("error"):
        sys.exit(f"the load driver for {server.name} failed: {text}\n"
                 f"{server.log.read_text()[-3000:]}")
    echoed, cpu = text.split()
    megabytes = int(echoed) / 1e6
    return Result(server.name, megabytes / seconds, float(cpu) / megabytes if megabytes else 0)


def _drive(server: Server, seconds: float, warmup: float, window: int,
           setup: tuple, profiling: bool) -> tuple[int, float]:
    """``setup``: the commands and their answers' endings before data mode (none for the
    floor)."""
    from twisted.internet import protocol, reactor

    state = {"measuring": False, "echoed": 0, "ready": 0, "cpu": 0.0}
    count = len(server.addresses)

    class Client(protocol.Protocol):
        def connectionMade(self) -> None:
            self.step = 0
            self.answer = b""
            self.in_flight = 0
            if setup:
                self.transport.write(setup[0][0] + b"\r")
            else:
                self.streaming()

        def streaming(self) -> None:
            self.step = None
            state["ready"] += 1
            if state["ready"] == count:
                reactor.callLater(warmup, start)
            self.fill()

        def fill(self) -> None:
            while self.in_flight < window:
                self.transport.write(CHUNK)
                self.in_flight += len(CHUNK)

        def dataReceived(self, data: bytes) -> None:
            if self.step is None:
                self.in_flight -= len(data)
                if state["measuring"]:
                    state["echoed"] += len(data)
                self.fill()
                return
            self.answer += data
            command, ending, *retry = setup[self.step]
            if ending not in self.answer:
                if b"ERROR" in self.answer and retry:  # not yet (the network): again soon
                    self.answer = b""
                    reactor.callLater(0.1, self.transport.write, command + b"\r")
                elif b"ERROR" in self.answer:
                    print(f"{command.decode()}: {self.answer!r}", file=sys.stderr)
                    reactor.stop()
                return
            self.answer = b""
            self.step += 1
            if self.step == len(setup):
                self.streaming()
            else:
                self.transport.write(setup[self.step][0] + b"\r")

    def start() -> None:
        state["measuring"] = True
        state["cpu"] = process_cpu_seconds(server.process.pid)
        if profiling:
            os.kill(server.process.pid, signal.SIGUSR1)
        reactor.callLater(seconds, stop)

    def stop() -> None:
        state["measuring"] = False
        state["cpu"] = process_cpu_seconds(server.process.pid) - state["cpu"]
        if profiling:
            os.kill(server.process.pid, signal.SIGUSR2)
        reactor.stop()

    for port in server.addresses:
        protocol.ClientCreator(reactor, Client).connectTCP("127.0.0.1", port)
    reactor.callLater(120, reactor.stop)  # a setup that never finishes
    reactor.run()
    if state["ready"] < count:
        raise RuntimeError(f"only {state['ready']} of {count} sockets reached data mode")
    return state["echoed"], state["cpu"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modems", type=int, default=1, help="modems, one session each [1]")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time [5]")
    parser.add_argument("--warmup", type=float, default=1.0, help="streaming before [1]")
    parser.add_argument("--window", type=int, default=65536,
                        help="bytes each client keeps in flight [65536]")
    parser.add_argument("--dialect", choices=sorted(DIALECTS), default="wip",
                        help="whose socket data mode: WIP +WIPDATA, eDsoft #OTCP, Fibocom "
                        "+MIPODM [wip]")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", type=Path, metavar="STATS",
                        help="profile atsim (cProfile) over the measured window into STATS")
    parser.add_argument("--serve-floor", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--serve-profiled"]:
        from at_throughput import serve_profiled

        serve_profiled(Path(argv[1]), argv[2:])
        return
    args = parse_args(argv)
    if args.serve_floor:
        serve_floor([int(p) for p in args.serve_floor.split(",")])
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="atsim-data-") as tmp:
        for name, start in (("atsim", start_atsim), ("floor", start_floor)):
            directory = Path(tmp) / name
            directory.mkdir()
            profile = args.profile if name == "atsim" else None
            server = start(directory, args.modems, profile, args.dialect)
            try:
                wait_ready(server)
                setup = DIALECTS[args.dialect][1] if name == "atsim" else ()
                results.append(drive(server, args.seconds, args.warmup, args.window,
                                     setup=setup, profiling=profile is not None))
            finally:
                if server.process.poll() is None:
                    server.process.send_signal(signal.SIGTERM)
                server.stop()
    atsim, floor = results
    if args.json:
        print(json.dumps({
            "benchmark": "socket_data", "modems": args.modems, "seconds": args.seconds,
            "window": args.window, "dialect": args.dialect,
            "mode": DIALECTS[args.dialect][1][-1][0].decode(),
            "floor": "a bare Twisted relay to an echo server in its process",
            **{r.name: {"megabytes_per_s": round(r.megabytes_per_s, 2),
                        "server_cpu_s_per_megabyte": round(r.cpu_s_per_megabyte, 4)}
               for r in results},
            "share_of_floor": round(atsim.megabytes_per_s / floor.megabytes_per_s, 3)
            if floor.megabytes_per_s else None,
        }, indent=2))
        return
    print(f"{args.modems} modem(s), {DIALECTS[args.dialect][2]} to the lab echo service, "
          f"{args.window:,} bytes in flight per modem, {args.seconds:g} s")
    print(f"{'server':<8} {'MB/s echoed':>12} {'server CPU s/MB':>16}")
    for r in results:
        print(f"{r.name:<8} {r.megabytes_per_s:>12.2f} {r.cpu_s_per_megabyte:>16.4f}")
    if floor.megabytes_per_s:
        print(f"atsim moves {atsim.megabytes_per_s / floor.megabytes_per_s:.0%} of the floor's "
              "rate (floor: a bare Twisted relay to an echo server)")


if __name__ == "__main__":
    main(sys.argv[1:])
