"""Running ``lwip-ppp-host`` from a test: to completion, or in the background while the test
talks to the modem's other ports (``--hold``, ``--listen``)."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

#: The harness's own --timeout: a guard against a hang, never a timing expectation (a run
#: here takes seconds; a loaded machine may take many times that).
HANG_GUARD = 300


@dataclasses.dataclass
class HostRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def steps(self) -> list[str]:
        """The result lines without the frame measure, which comes with "ppp down"."""
        return [line for line in self.lines if not line.startswith("longest frame")]

    def line(self, prefix: str) -> str:
        """The first result line starting with ``prefix``; fails the test if there is none."""
        for line in self.lines:
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting {prefix!r} in\n{self}")

    def __str__(self) -> str:
        return f"exit {self.returncode}\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"


class LwipHost:
    """One run of the harness in the background, its result lines read as they come."""

    def __init__(self, binary: Path, port: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [str(binary), "--port", port, "--timeout", str(HANG_GUARD), *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.seen: list[str] = []

    def wait_line(self, prefix: str) -> str:
        """Read result lines until one starts with ``prefix``.  The harness ends itself at its
        --timeout, so this cannot block for ever."""
        while True:
            line = self.process.stdout.readline()
            if not line:
                run = self.finish()
                raise AssertionError(f"the harness ended before {prefix!r}\n{run}")
            self.seen.append(line.rstrip("\n"))
            if line.startswith(prefix):
                return line.rstrip("\n")

    def release(self) -> None:
        """End --hold."""
        self.process.stdin.write("\n")
        self.process.stdin.flush()

    def finish(self) -> HostRun:
        stdout, stderr = self.process.communicate(timeout=HANG_GUARD + 60)
        text = "".join(line + "\n" for line in self.seen) + stdout
        return HostRun(self.process.returncode, text, stderr)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def run_host(binary: Path, port: str, *args: str) -> HostRun:
    """The harness run to its end."""
    host = LwipHost(binary, port, *args)
    try:
        return host.finish()
    finally:
        host.kill()
