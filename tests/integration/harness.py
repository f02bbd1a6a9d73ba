"""Helpers for the integration tests: start the real ``twistd -n atsim`` on a scenario written
into a temporary directory, wait until its ports answer, and talk AT to them over a real PTY
or a real socket.

Everything listens on 127.0.0.1 only.  Waits poll for a condition with a deadline; there are
no fixed sleeps except the short poll interval itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

#: How long atsim may take from exec to every port open.  Importing Twisted and building the
#: modems takes well under a second here; the margin is for a loaded CI machine.
STARTUP_TIMEOUT = 20.0
#: Default wait for one AT command's final result code.
COMMAND_TIMEOUT = 5.0
POLL_INTERVAL = 0.02

#: Final result codes of V.250 (verbose) and 27.007/27.005 errors: what ends a response.
FINAL_RESULT = re.compile(
    rb"\r\n(OK|ERROR|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT[^\r]*"
    rb"|\+CME ERROR: [^\r]*|\+CMS ERROR: [^\r]*)\r\n"
)


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def require_program(name: str, debian_package: str) -> str:
    """The path of a third-party client, or skip the test when it is not installed.  In CI
    the clients are installed by ``.ci/run``, so a missing one fails the test instead."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path:
        return path
    message = f"{name} is not installed (apt-get install {debian_package})"
    if in_ci():
        pytest.fail(message + "; .ci/run should have installed it")
    pytest.skip(message)


def require_module(name: str, pip_package: str) -> None:
    try:
        __import__(name)
    except ImportError:
        message = f"Python module {name} is missing (pip install {pip_package})"
        if in_ci():
            pytest.fail(message + "; .ci/run should have installed it")
        pytest.skip(message)


def wait_for(condition: Callable[[], object], timeout: float, what: str,
             diagnostics: Callable[[], str] = lambda: "") -> object:
    """Poll ``condition`` until it returns something true; fail with ``what`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{diagnostics()}")
        time.sleep(POLL_INTERVAL)


# -- ports ------------------------------------------------------------------------------------


def free_tcp_ports(count: int) -> list[int]:
    """Ports nobody listens on right now.  All sockets stay bound until every port is picked
    so the same port cannot come out twice."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tcp_port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


#: The identity the lab modem is given, so tests compare against values they chose rather
#: than a dialect's defaults.
IDENTITY = {
    "manufacturer": "Atsim Lab",
    "model": "LM-1",
    "revision": "LM1R01A01",
    "imei": "490154203237518",
    "imsi": "001010123456789",
}

IDENTITY_YAML = f"""\
identity:
  manufacturer: {IDENTITY["manufacturer"]}
  model: {IDENTITY["model"]}
  revision: {IDENTITY["revision"]}
  imei: "{IDENTITY["imei"]}"
sim:
  imsi: "{IDENTITY["imsi"]}"
"""


# -- scenarios --------------------------------------------------------------------------------


def loopback(port: int) -> str:
    """A Twisted server endpoint on 127.0.0.1 only: tests never listen on other addresses."""
    return f'"tcp:{port}:interface=127.0.0.1"'


def modem_yaml(name: str, *, pty: Path | None = None, tcp: int | None = None,
               rfc2217: int | None = None, extra: str = "") -> str:
    """One entry of the scenario's ``modems:`` list (see docs/scenario.md)."""
    ports = []
    if pty is not None:
        ports.append(f"- pty: {pty}")
    if tcp is not None:
        ports.append(f"- tcp: {loopback(tcp)}")
    if rfc2217 is not None:
        ports.append(f"- rfc2217: {loopback(rfc2217)}")
    body = f"name: {name}\nports:\n" + textwrap.indent("\n".join(ports), "  ") + "\n" + extra
    return "- " + textwrap.indent(body, "  ")[2:]


def write_scenario(directory: Path, modems: list[str], *, network: str = "",
                   name: str = "scenario.yaml") -> Path:
    """A scenario file with the given ``modem_yaml`` entries.  Registration is made quick so
    tests do not wait for the default network delay."""
    network = network or "network:\n  registration:\n    delay: 0.1s\n"
    text = network + "modems:\n" + textwrap.indent("".join(m.rstrip() + "\n" for m in modems),
                                                   "  ")
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the simulator process --------------------------------------------------------------------


#: ``twistd`` with this repository's plugin first: where atsim is also installed, Twisted
#: would otherwise find the installed ``atsim_plugin.py`` (its own plugin directory comes
#: before any on the path) and test the installed options instead of these.
TWISTD_LAUNCHER = f"""\
import sys
import twisted.plugins
twisted.plugins.__path__.insert(0, {str(REPO / "twisted" / "plugins")!r})
sys.argv[0] = "twistd"
from twisted.scripts.twistd import run
run()
"""


def twistd_command() -> list[str]:
    """``twistd`` of the interpreter running the tests (same virtualenv), loading this
    repository's atsim plugin."""
    return [sys.executable, "-c", TWISTD_LAUNCHER]


def atsim_environment() -> dict[str, str]:
    """Run the working tree's code, whether atsim is installed (CI) or not: the repository on
    PYTHONPATH provides both ``simulator`` and ``twisted/plugins/atsim_plugin.py``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def control_off(args: list[str]) -> list[str]:
    """``args`` with ``--control none`` after ``atsim`` unless they choose an endpoint: the
    control API's default port is one for the whole machine, and tests run many atsims."""
    if "atsim" not in args or any(a.startswith("--control") and a != "--control-token"
                                  for a in args):
        return list(args)
    at = args.index("atsim") + 1
    return [*args[:at], "--control", "none", *args[at:]]


def run_twistd(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run twistd to completion (for start-up failures and ``--help``)."""
    return subprocess.run(
        twistd_command() + ["-n", "--pidfile=", *control_off(args)], cwd=cwd,
        env=atsim_environment(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=timeout,
    )


class AtsimProcess:
    """``twistd -n atsim -s SCENARIO`` as a child process, its log in a file."""

    def __init__(self, scenario: Path, *, seed: int | None = 1,
                 state_dir: Path | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.scenario = scenario
        self.log_path = scenario.with_suffix(".log")
        args = ["-n", "--pidfile=", "atsim", "-s", str(scenario)]
        if seed is not None:
            args += ["--seed", str(seed)]
        if state_dir is not None:
            args += ["--state-dir", str(state_dir)]
        self.args = twistd_command() + control_off(args + list(extra_args))
        self.process: subprocess.Popen | None = None

    def start(self) -> AtsimProcess:
        # Appending keeps the log of a previous run of the same scenario (restart tests).
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.args, cwd=self.scenario.parent, env=atsim_environment(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def diagnostics(self) -> str:
        state = "running" if self.running else f"exited with {self.process.returncode}"
        return f"atsim {state}; its log:\n{self.log()}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, *, ptys: list[Path] = (), tcp_ports: list[int] = (),
                   timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait until every PTY symlink resolves and every TCP port accepts."""

        def ready() -> bool:
            if not self.running:
                pytest.fail("atsim exited during start-up\n" + self.diagnostics())
            return all(p.exists() for p in ptys) and all(tcp_port_open(p) for p in tcp_ports)

        wait_for(ready, timeout, "atsim's ports", self.diagnostics)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (twistd stops its services and exits), SIGKILL if it does not."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


# -- talking AT -------------------------------------------------------------------------------


class AtLink:
    """A host end of a modem port: a PTY opened like a serial device, or a TCP socket."""

    def __init__(self, fd: int | None = None, sock: socket.socket | None = None) -> None:
        self._fd = fd
        self._sock = sock
        self.received = b""  # everything read so far, for diagnostics
        self._unread = b""  # read from the port but after the answer a caller waited for

    @classmethod
    def open_pty(cls, path: Path) -> AtLink:
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        tty.setraw(fd)
        return cls(fd=fd)

    @classmethod
    def open_tcp(cls, port: int) -> AtLink:
        sock = socket.create_connection(("127.0.0.1", port), 5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # let fragments be fragments
        sock.setblocking(False)
        return cls(sock=sock)

    def fileno(self) -> int:
        return self._fd if self._fd is not None else self._sock.fileno()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> AtLink:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            select.select([], [self], [], COMMAND_TIMEOUT)
            try:
                n = os.write(self._fd, view) if self._fd is not None else self._sock.send(view)
            except BlockingIOError:
                continue
            view = view[n:]

    def _read_some(self, timeout: float) -> bytes:
        readable, _, _ = select.select([self], [], [], timeout)
        if not readable:
            return b""
        try:
            data = os.read(self._fd, 65536) if self._fd is not None else self._sock.recv(65536)
        except BlockingIOError:
            return b""
        if not data:
            raise ConnectionError("the modem port closed")
        return data

    def read_until(self, done: Callable[[bytes], bool], timeout: float = COMMAND_TIMEOUT
                   ) -> bytes:
        """Read until ``done(buffer)``; fail the test with what arrived if it never is."""
        buffer, self._unread = self._unread, b""
        deadline = time.monotonic() + timeout
        while not done(buffer):
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no complete answer within {timeout} s; got {buffer!r}")
            buffer += self._read_some(min(left, 0.1))
        self.received += buffer
        return buffer

    def keep_after(self, buffer: bytes, end: int) -> bytes:
        """``buffer`` up to ``end``; the rest (a URC that came in the same read) is kept for
        the next read instead of being swallowed with this answer."""
        self._unread = buffer[end:] + self._unread
        return buffer[:end]

    def drain(self, quiet: float = 0.2) -> bytes:
        """Read until nothing arrives for ``quiet`` seconds (URCs, late echoes)."""
        buffer, self._unread = self._unread, b""
        while True:
            data = self._read_some(quiet)
            if not data:
                return buffer
            buffer += data

    def command(self, line: str | bytes, timeout: float = COMMAND_TIMEOUT) -> bytes:
        """Send one command line (CR added) and return everything up to its final result."""
        if isinstance(line, str):
            line = line.encode("ascii")
        self.send(line + b"\r")
        answer = self.read_until(lambda b: FINAL_RESULT.search(b) is not None, timeout)
        return self.keep_after(answer, FINAL_RESULT.search(answer).end())


def final_result(response: bytes) -> str:
    """The last final result code in ``response`` ("" if none)."""
    matches = FINAL_RESULT.findall(response)
    return matches[-1].decode() if matches else ""


def info_lines(response: bytes) -> list[str]:
    """The information text of a response: its non-empty lines before the final result,
    echo excluded (the echo is the text before the first CR LF)."""
    text = response.decode("latin-1")
    body = text[text.find("\r\n"):] if "\r\n" in text else ""
    lines = [line for line in body.split("\r\n") if line]
    return lines[:-1]


@contextlib.contextmanager
def running_atsim(scenario: Path, **kwargs) -> Iterator[AtsimProcess]:
    process = AtsimProcess(scenario, **kwargs).start()
    try:
        yield process
    finally:
        process.stop()
