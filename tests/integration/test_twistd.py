"""``twistd atsim`` as a user runs it: the plugin, its options, start-up and shut-down."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess

from tests.integration.harness import (
    AtLink,
    atsim_environment,
    control_off,
    free_tcp_ports,
    modem_yaml,
    run_twistd,
    running_atsim,
    tcp_port_open,
    twistd_command,
    wait_for,
    write_scenario,
)


def test_help_documents_every_option(tmp_path):
    result = run_twistd(["atsim", "--help"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for option in ("--scenario=", "-s", "--seed=", "--state-dir=", "--log-level=",
                   "--control=", "--control-token=", "--events=", "--transcripts=",
                   "--pcap=", "--events-bytes"):
        assert option in result.stdout
    assert "scenarios/quickstart.yaml" in result.stdout


def test_plugin_is_listed_by_twistd(tmp_path):
    result = run_twistd(["--help"], cwd=tmp_path)
    assert re.search(r"^\s+atsim\s+\S", result.stdout, re.M), result.stdout


def test_scenario_is_required(tmp_path):
    result = run_twistd(["atsim"], cwd=tmp_path)
    assert result.returncode != 0
    assert "scenario is required" in result.stdout + result.stderr


def test_bad_scenario_stops_startup_with_file_and_line(tmp_path):
    tcp, = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("lab-1", tcp=tcp, extra="colour: blue\n")])
    result = run_twistd(["atsim", "-s", str(scenario)], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    line = scenario.read_text().splitlines().index("    colour: blue") + 1
    assert re.search(rf"{re.escape(str(scenario))}:{line}: \S*colour\S*: ", output), output
    assert "Traceback" not in output
    assert not (tmp_path / "state").exists() or not any((tmp_path / "state").iterdir())


def test_yaml_syntax_error_names_the_line(tmp_path):
    scenario = tmp_path / "broken.yaml"
    scenario.write_text("modems:\n  - name: a\n    ports: [\n", encoding="utf-8")
    result = run_twistd(["atsim", "-s", str(scenario)], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(scenario))}:\d+: ", output), output
    assert "Traceback" not in output


def test_missing_scenario_file(tmp_path):
    result = run_twistd(["atsim", "-s", str(tmp_path / "nowhere.yaml")], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "nowhere.yaml" in output
    assert "Traceback" not in output


def test_seed_must_be_an_integer(tmp_path):
    tcp, = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("lab-1", tcp=tcp)])
    result = run_twistd(["atsim", "-s", str(scenario), "--seed", "abc"], cwd=tmp_path)
    assert result.returncode != 0
    assert "seed" in (result.stdout + result.stderr).lower()


def test_start_logs_seed_and_ports_then_stops_cleanly(tmp_path):
    tcp, = free_tcp_ports(1)
    pty = tmp_path / "modem-a"
    scenario = write_scenario(tmp_path, [modem_yaml("lab-a", pty=pty, tcp=tcp)])
    with running_atsim(scenario, seed=None) as atsim:
        atsim.wait_ready(ptys=[pty], tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            assert link.command("AT").endswith(b"OK\r\n")
        log = atsim.log()
        seed = re.search(r"repeat this run with --seed (\d+)", log)
        assert seed, log
        # one line per port naming the modem and where a host opens it
        assert re.search(rf"lab-a .*{re.escape(str(pty))}", log), log
        assert re.search(rf"lab-a .*{tcp}", log), log
        assert re.search(r"/dev/pts/\d+", log), log
        # start-up says once that every modem is on, not a line per modem and state
        assert "atsim: 1 modem(s) powered on, their ports open" in log, log
        assert "lab-a powered on" not in log, log
    # twistd re-raises the signal it stopped on once shut-down completed
    assert atsim.process.returncode == -signal.SIGTERM, atsim.log()
    assert "Server Shut Down." in atsim.log()
    wait_for(lambda: not pty.is_symlink(), 5, "the PTY symlink to be removed at shut-down")


def test_log_level_debug_adds_command_lines(tmp_path):
    quiet_port, loud_port = free_tcp_ports(2)
    for port, extra in ((quiet_port, ()), (loud_port, ("--log-level", "debug"))):
        directory = tmp_path / str(port)
        directory.mkdir()
        scenario = write_scenario(directory, [modem_yaml("lab-a", tcp=port)])
        with running_atsim(scenario, extra_args=extra) as atsim:
            atsim.wait_ready(tcp_ports=[port])
            with AtLink.open_tcp(port) as link:
                assert link.command("AT+CSQ").endswith(b"OK\r\n")
            wait_for(lambda: "disconnected" in atsim.log(), 5, "the host to be seen leaving")
            log = atsim.log()
        assert ("<- AT+CSQ" in log) == bool(extra), log


def test_unknown_log_level_is_refused(tmp_path):
    scenario = write_scenario(tmp_path, [modem_yaml("lab-a")])
    result = run_twistd(["atsim", "-s", str(scenario), "--log-level", "loud"],
                        cwd=tmp_path)
    assert result.returncode != 0
    assert "--log-level must be one of debug, info" in result.stdout + result.stderr


def test_two_modems_run_in_one_process(tmp_path):
    tcp1, tcp2 = free_tcp_ports(2)
    scenario = write_scenario(tmp_path, [modem_yaml("m1", tcp=tcp1), modem_yaml("m2", tcp=tcp2)])
    with running_atsim(scenario) as atsim:
        atsim.wait_ready(tcp_ports=[tcp1, tcp2])
        with AtLink.open_tcp(tcp1) as one, AtLink.open_tcp(tcp2) as two:
            assert one.command("ATE0").endswith(b"OK\r\n")
            # E is per channel: the other modem still echoes
            assert two.command("AT").startswith(b"AT\r")
            assert one.command("AT") == b"\r\nOK\r\n"


def occupied_tcp_port():
    """A listening socket on loopback, so atsim cannot listen there."""
    occupant = socket.socket()
    occupant.bind(("127.0.0.1", 0))
    occupant.listen()
    return occupant


def test_port_in_use_stops_startup_and_leaves_nothing_behind(tmp_path):
    pty = tmp_path / "modem-a"
    with occupied_tcp_port() as occupant:
        busy = occupant.getsockname()[1]
        scenario = write_scenario(tmp_path, [modem_yaml("lab-a", pty=pty, tcp=busy)])
        result = run_twistd(["atsim", "-s", str(scenario)], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(rf"atsim cannot start: lab-a tcp \S*{busy}\S*: .*in use", output), output
    assert not os.path.lexists(pty), "the PTY symlink made before the failure is removed"


def run_daemon(args: list[str], cwd) -> subprocess.CompletedProcess:
    """twistd without -n: it forks, and the parent returns once the daemon has started."""
    command = twistd_command() + ["--pidfile", str(cwd / "atsim.pid"),
                                  "--logfile", str(cwd / "atsim.log"), *control_off(args)]
    return subprocess.run(command, cwd=cwd, env=atsim_environment(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


def test_daemon_starts_and_stops_by_its_pidfile(tmp_path):
    tcp, = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("lab-d", tcp=tcp)])
    result = run_daemon(["atsim", "-s", str(scenario)], tmp_path)
    assert result.returncode == 0, result.stderr
    pid = int((tmp_path / "atsim.pid").read_text())
    try:
        wait_for(lambda: tcp_port_open(tcp), 20, "the daemon's TCP port",
                 lambda: (tmp_path / "atsim.log").read_text())
        with AtLink.open_tcp(tcp) as link:
            assert link.command("AT").endswith(b"OK\r\n")
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not (tmp_path / "atsim.pid").exists(), 10, "the daemon to remove its pidfile")


def test_daemon_that_cannot_start_reports_to_the_shell(tmp_path):
    with occupied_tcp_port() as occupant:
        busy = occupant.getsockname()[1]
        scenario = write_scenario(tmp_path, [modem_yaml("lab-d", tcp=busy)])
        result = run_daemon(["atsim", "-s", str(scenario)], tmp_path)
    assert result.returncode == 1
    assert "atsim cannot start: lab-d tcp" in result.stderr
    assert "atsim cannot start: lab-d tcp" in (tmp_path / "atsim.log").read_text()
    # The shell's twistd returns as soon as the daemon reports its failure; the daemon
    # removes its pidfile as it exits, which may be a moment later.
    wait_for(lambda: not (tmp_path / "atsim.pid").exists(), 60,
             "the daemon that could not start to remove its pidfile")
