"""The kernel as the host of a dialled modem, for ``ppp_tcp.py --host kernel``.

The outer half (``run``) starts ``twistd atsim`` with one generic modem (a PTY, or a TCP
port) and a lab host serving HTTP and discard on an ``ideal`` link, then runs this module
again inside a fresh network namespace (``unshare -rn``).  The inner half (``inside``) starts
``atsim-dial`` on the modem's port, which makes a TUN interface there, and moves bytes with
the kernel's own TCP: a download (``GET`` of a file of ``--megabytes`` from the lab's web
server, read to the end) and an upload (the same number of bytes written to the lab's
discard service, until the lab closed its end after the last of them).  The floor is the
same two transfers with the same client code against a server process in the namespace on
its loopback: the kernel's TCP and a bare server, nothing else.

CPU times come from ``/proc/<pid>/stat``: atsim's (the PPP server, the host gateway's TCP, the
network's pipes, the lab service) and atsim-dial's (PPP framing on the host's side).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from at_throughput import (  # noqa: E402
    REPO,
    environment,
    free_tcp_ports,
    process_cpu_split,
    twistd,
)

LAB = "198.18.0.10"
HTTP_PORT, DISCARD_PORT = 80, 9
FLOOR_PORT = 5000
FILE_NAME = "payload.bin"
#: A hang guard for one transfer, not a timing expectation.
TRANSFER_TIMEOUT = 600.0


def unavailable() -> str | None:
    """Why the kernel mode cannot run here, or None."""
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    for program in ("unshare", "ip"):
        if not any(Path(d, program).exists() for d in
                   os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]):
            return f"needs {program}"
    probe = subprocess.run(["unshare", "-rn", "ip", "tuntap", "add", "dev", "probe0", "mode",
                            "tun"], capture_output=True, text=True)
    if probe.returncode:
        return f"cannot make a TUN device in a network namespace: {probe.stderr.strip()}"
    return None


def scenario(directory: Path, port: str) -> Path:
    text = f"""\
network:
  registration: {{delay: 0.1s}}
  apns:
    internet: {{pool: 10.70.0.0/24, dns: [10.70.0.53]}}
  hosts:
    www.lab:
      address: {LAB}
      services:
        http: {{root: ./www}}
        discard: {{}}
  links: {{default: ideal}}
modems:
  - name: m1
    ports:
      - {port}
"""
    path = directory / "scenario.yaml"
    path.write_text(text)
    return path


def run(megabytes: float, transport: str, profile: Path | None = None) -> dict:
    """Start atsim, run the transfers in a namespace; the figures as a dict."""
    size = int(megabytes * 1_000_000)
    with tempfile.TemporaryDirectory(prefix="atsim-ppp-bench-") as tmp:
        directory = Path(tmp)
        (directory / "www").mkdir()
        (directory / "www" / FILE_NAME).write_bytes(os.urandom(size))
        if transport == "pty":
            where = directory / "modem0"
            port, dial_port = f"pty: {where}", str(where)
        else:
            number = free_tcp_ports(1)[0]
            port = f'tcp: "tcp:{number}:interface=127.0.0.1"'
            dial_port = f"socket://127.0.0.1:{number}"
        path = scenario(directory, port)
        program = [twistd()] if profile is None else [
            sys.executable, str(HERE / "at_throughput.py"), "--serve-profiled",
            str(profile.resolve())]
        log = directory / "atsim.log"
        with open(log, "wb") as out:
            atsim = subprocess.Popen(
                [*program, "-n", "--pidfile=", "atsim", "-s", str(path), "--seed", "1",
                 "--control", "none", "--state-dir", str(directory / "state")],
                cwd=directory, env=environment(), stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)
        holder = dial = None
        try:
            _wait_ready(atsim, transport, dial_port, log)
            inner_command = ["unshare", "-rn"]
            dial_pid = "-"
            if transport == "tcp":
                # atsim's TCP port is on this namespace's loopback: atsim-dial connects from
                # here, then moves into a namespace a holder process keeps (``--netns``).
                holder = subprocess.Popen(["unshare", "-n", "sleep", str(4 * TRANSFER_TIMEOUT)])
                netns = f"/proc/{holder.pid}/ns/net"
                while os.readlink(netns) == os.readlink("/proc/self/ns/net"):
                    time.sleep(0.01)
                dial = start_dial(dial_port, ["--netns", netns])
                wait_up(dial)
                dial_pid = str(dial.pid)
                inner_command = ["nsenter", "-t", str(holder.pid), "-n"]
            inner = subprocess.run(
                [*inner_command, sys.executable, __file__, "--inside", dial_port, dial_pid,
                 str(atsim.pid), str(size), "1" if profile else "0"],
                input="", capture_output=True, text=True, cwd=directory, env=environment(),
                timeout=4 * TRANSFER_TIMEOUT)
        finally:
            for process in (dial, holder):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()
            atsim.send_signal(signal.SIGTERM)
            try:
                atsim.wait(20)
            except subprocess.TimeoutExpired:
                atsim.kill()
                atsim.wait()
        if inner.returncode:
            sys.exit(f"the namespace side failed ({inner.returncode}):\n{inner.stdout}\n"
                     f"{inner.stderr}\natsim:\n{log.read_text()[-3000:]}")
        return json.loads(inner.stdout.strip().splitlines()[-1])


def _wait_ready(atsim: subprocess.Popen, transport: str, dial_port: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        if atsim.poll() is not None:
            sys.exit(f"atsim exited:\n{log.read_text()[-3000:]}")
        if transport == "pty":
            if Path(dial_port).exists():
                return
        else:
            try:
                socket.create_connection(("127.0.0.1", int(dial_port.rsplit(":", 1)[1])),
                                         1).close()
                return
            except OSError:
                pass
        if time.monotonic() > deadline:
            sys.exit("atsim did not open its port in 30 s")
        time.sleep(0.05)


# -- inside the namespace ------------------------------------------------------------------------


def download(address: str, port: int, request: bytes) -> int:
    """Connect, send ``request``, read to the end; the bytes read."""
    with socket.create_connection((address, port), TRANSFER_TIMEOUT) as conn:
        conn.sendall(request)
        received = 0
        buffer = bytearray(1 << 18)
        while n := conn.recv_into(buffer):
            received += n
    return received


def upload(address: str, port: int, data: bytes) -> None:
    """Connect, write ``data``, half-close, wait until the far end closes: every byte was
    taken by then (it closes after reading our FIN, which follows the last byte)."""
    with socket.create_connection((address, port), TRANSFER_TIMEOUT) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        while conn.recv(65536):
            pass


def serve_floor(size: int) -> None:
    """The floor's server, in the namespace on loopback: a request on the first connection
    gets ``size`` bytes; the second connection is read and discarded."""
    listener = socket.create_server(("127.0.0.1", FLOOR_PORT))
    print("ready", flush=True)
    payload = os.urandom(size)
    conn, _ = listener.accept()
    with conn:
        conn.recv(4096)
        conn.sendall(payload)
    conn, _ = listener.accept()
    with conn:
        buffer = bytearray(1 << 18)
        while conn.recv_into(buffer):
            pass


def start_dial(dial_port: str, extra: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator.dial.main", dial_port, "--apn", "internet", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})


def wait_up(dial: subprocess.Popen) -> None:
    """Until atsim-dial says the interface is configured."""
    lines = []
    for line in dial.stdout:
        lines.append(line)
        if line.startswith("ip "):
            return
    sys.exit("atsim-dial did not come up:\n" + "".join(lines))


def inside(dial_port: str, dial_pid: str, atsim_pid: int, size: int, profiling: bool) -> None:
    if dial_pid == "-":
        dial = start_dial(dial_port, [])
        wait_up(dial)
        dial_pid = str(dial.pid)
    stop = lambda signum: os.kill(int(dial_pid), signum)  # noqa: E731
    cpu = {"atsim": lambda: process_cpu_split(atsim_pid),
           "dial": lambda: process_cpu_split(int(dial_pid))}
    figures: dict = {"megabytes": size / 1e6}
    request = f"GET /{FILE_NAME} HTTP/1.0\r\nHost: www.lab\r\n\r\n".encode()
    data = os.urandom(size)
    try:
        upload(LAB, DISCARD_PORT, b"warm-up")  # the first connection's set-up is not measured
        for direction, transfer in (
                ("download", lambda: download(LAB, HTTP_PORT, request)),
                ("upload", lambda: upload(LAB, DISCARD_PORT, data))):
            before = {name: read() for name, read in cpu.items()}
            if profiling:
                os.kill(atsim_pid, signal.SIGUSR1)
            start = time.perf_counter()
            moved = transfer()
            wall = time.perf_counter() - start
            if profiling and direction == "upload":
                os.kill(atsim_pid, signal.SIGUSR2)
            if direction == "download" and (moved or 0) < size:
                sys.exit(f"downloaded {moved} bytes of {size}")
            figures[direction] = {"seconds": wall}
            for name, read in cpu.items():
                (user, system), (user0, system0) = read(), before[name]
                figures[direction][f"{name}_cpu_seconds"] = user - user0 + system - system0
                figures[direction][f"{name}_system_seconds"] = system - system0
    finally:
        stop(signal.SIGTERM)
    server = subprocess.Popen([sys.executable, __file__, "--serve-floor", str(size)],
                              stdout=subprocess.PIPE, text=True)
    server.stdout.readline()
    start = time.perf_counter()
    download("127.0.0.1", FLOOR_PORT, b"GET\r\n")
    figures["floor_download_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    upload("127.0.0.1", FLOOR_PORT, data)
    figures["floor_upload_seconds"] = time.perf_counter() - start
    server.wait(30)
    print(json.dumps(figures))


if __name__ == "__main__":
    if sys.argv[1] == "--inside":
        inside(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "1")
    elif sys.argv[1] == "--serve-floor":
        serve_floor(int(sys.argv[2]))
