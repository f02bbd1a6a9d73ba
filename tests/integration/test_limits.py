"""A scenario the machine cannot hold stops ``twistd atsim`` before anything starts, with one
message saying what and how to raise the limit, and a non-zero exit."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.integration.harness import (
    REPO,
    AtLink,
    atsim_environment,
    free_tcp_ports,
    modem_yaml,
    wait_for,
    write_scenario,
)
from tests.integration.test_twistd import occupied_tcp_port

#: twistd with this repository's plugin first: an installed copy of atsim would otherwise
#: provide ``twisted/plugins/atsim_plugin.py`` from site-packages.
TWISTD = (
    "import sys, twisted.plugins; "
    f"twisted.plugins.__path__.insert(0, {str(REPO / 'twisted' / 'plugins')!r}); "
    "from twisted.scripts.twistd import run; sys.argv[0] = 'twistd'; run()"
)


def run_atsim(scenario: Path, *, open_files: tuple[int, int] | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess:
    """``twistd -n atsim -s SCENARIO`` to completion, under ``prlimit`` when ``open_files``
    (soft, hard) is given."""
    command = [sys.executable, "-c", TWISTD, "-n", "--pidfile=", "atsim", "-s", str(scenario)]
    if open_files is not None:
        command = ["prlimit", f"--nofile={open_files[0]}:{open_files[1]}", "--", *command]
    return subprocess.run(command, cwd=scenario.parent, env=atsim_environment(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


@contextlib.contextmanager
def atsim_running(scenario: Path, open_files: tuple[int, int], log_path: Path):
    """``twistd -n atsim -s SCENARIO`` under ``prlimit`` (soft, hard open files) in a session
    of its own, its output in ``log_path``; stopped on leaving."""
    command = ["prlimit", f"--nofile={open_files[0]}:{open_files[1]}", "--", sys.executable,
               "-c", TWISTD, "-n", "--pidfile=", "atsim", "-s", str(scenario), "--seed", "1"]
    with open(log_path, "wb") as log:
        child = subprocess.Popen(command, cwd=scenario.parent, env=atsim_environment(),
                                 stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield child
    finally:
        os.killpg(child.pid, 15)
        child.wait(30)


def pty_modems(directory: Path, count: int) -> str:
    return (f"- name: many-{{n}}\n  count: {count}\n  ports:\n"
            f"    - pty: {directory}/dev/many-{{n}}\n")


def refused(result: subprocess.CompletedProcess, directory: Path) -> str:
    """The output of a run that stopped before anything started."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    assert "listening on" not in output, output
    assert "host opens" not in output, output
    assert not (directory / "dev").exists() or not any((directory / "dev").iterdir())
    return output


def test_a_taken_port_is_named_before_anything_opens(tmp_path):
    free, = free_tcp_ports(1)
    with occupied_tcp_port() as occupant:
        busy = occupant.getsockname()[1]
        scenario = write_scenario(tmp_path, [
            modem_yaml("lab-a", pty=tmp_path / "dev" / "lab-a", tcp=free),
            modem_yaml("lab-b", tcp=busy),
        ])
        output = refused(run_atsim(scenario), tmp_path)
    assert re.search(
        rf"atsim cannot start: lab-b tcp tcp:{busy}:interface=127.0.0.1: 127.0.0.1 port "
        rf"{busy} is already in use by another program: stop it, or give the modem another "
        r"port \(tcp:0", output), output
    assert len(re.findall("atsim cannot start", output)) == 1, output


def test_more_ports_than_the_open_file_limit_stop_start_up(tmp_path):
    ports = free_tcp_ports(40)
    scenario = write_scenario(tmp_path, [
        modem_yaml(f"lab-{i}", tcp=port) for i, port in enumerate(ports)
    ] + [pty_modems(tmp_path, 10)])
    output = refused(run_atsim(scenario, open_files=(100, 100)), tmp_path)
    needed, with_hosts = 10 + 40 + 64, 10 + 2 * 40 + 64
    assert (f"atsim cannot start: the scenario's ports need about {needed} open files "
            "(10 PTY port(s), 40 TCP/RFC 2217 port(s), 64 for atsim itself) but this process "
            "may open only 100 (RLIMIT_NOFILE hard limit): raise it with "
            f"`ulimit -Hn {with_hosts} && ulimit -n {with_hosts}`") in output, output


def test_ports_that_fit_without_room_for_every_host_start_and_say_so(tmp_path):
    ports = free_tcp_ports(40)
    scenario = write_scenario(tmp_path, [
        modem_yaml(f"lab-{i}", tcp=port) for i, port in enumerate(ports)
    ] + [pty_modems(tmp_path, 10)])
    log_path = tmp_path / "warned.log"
    with atsim_running(scenario, (134, 134), log_path):
        last = tmp_path / "dev" / "many-10"
        wait_for(lambda: last.is_symlink() and "host opens" in log_path.read_text(), 60,
                 "the ports", log_path.read_text)
        text = log_path.read_text()
        assert "the open-file limit (134, RLIMIT_NOFILE hard limit) leaves room for about 20 " \
               "of the 40 hosts the scenario's TCP/RFC 2217 ports and exposed listeners may " \
               "have at once (154 open files with all of them" in text, text
        with AtLink.open_tcp(ports[0]) as link:
            assert link.command("AT").endswith(b"OK\r\n")


def test_a_soft_open_file_limit_is_raised_to_the_hard_one(tmp_path):
    scenario = write_scenario(tmp_path, [pty_modems(tmp_path, 60)])
    log_path = tmp_path / "raised.log"
    with atsim_running(scenario, (100, 4096), log_path) as child:
        last = tmp_path / "dev" / "many-60"
        wait_for(lambda: last.is_symlink(), 60, "the last PTY", log_path.read_text)
        assert "open-file limit raised from 100 to 4096 (the hard limit); the scenario needs " \
               "about 124" in log_path.read_text()
        limits = Path(f"/proc/{child.pid}/limits").read_text()
        assert re.search(r"Max open files\s+4096\s+4096", limits), limits
        with AtLink.open_pty(last) as link:
            assert link.command("AT").endswith(b"OK\r\n")


def test_more_ptys_than_the_kernel_allows_stop_start_up(tmp_path):
    limit = int(Path("/proc/sys/kernel/pty/max").read_text())
    # Beyond the limit whatever other programs hold: this run must never open them all.
    wanted = limit + 1
    scenario = write_scenario(tmp_path, [pty_modems(tmp_path, wanted)])
    result = run_atsim(scenario, open_files=(wanted + 1000, wanted + 1000), timeout=300)
    output = refused(result, tmp_path)
    assert re.search(
        rf"atsim cannot start: the scenario needs {wanted:,} PTYs but the kernel allows "
        rf"{limit:,} \(kernel.pty.max\) and [\d,]+ are in use \(kernel.pty.nr\), leaving "
        r"[\d,]+: raise it with `sysctl -w kernel.pty.max=\d+`", output), output
