"""``atsim`` (as ``python -m simulator.control``) against a running ``twistd atsim`` with
its control API on a free loopback port: listing, showing, applying and removing a fault as
the host on the modem's port sees it, a URC line injected, following events, and the exit
statuses."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys

import pytest

from simulator.control.cli import EXIT, fault_value
from tests.integration.harness import (
    AtLink,
    atsim_environment,
    free_tcp_ports,
    modem_yaml,
    run_twistd,
    running_atsim,
    wait_for,
    write_scenario,
)


def ctl(url: str, *args: str, token_file=None) -> subprocess.CompletedProcess:
    extra = ["--token-file", str(token_file)] if token_file else []
    return subprocess.run([sys.executable, "-m", "simulator.control", "--control", url, *extra,
                           *args], env=atsim_environment(), capture_output=True, text=True,
                          timeout=60)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ctl")
    tcp, control = free_tcp_ports(2)
    scenario = write_scenario(directory, [modem_yaml("lab-1", tcp=tcp), modem_yaml("lab-2"),
                                          modem_yaml("gw-1")])
    token = directory / "token"
    token.write_text("letmein\n")
    with running_atsim(scenario, extra_args=(
            "--control", f"tcp:{control}:interface=127.0.0.1",
            "--control-token", str(token))) as atsim:
        atsim.wait_ready(tcp_ports=[tcp, control])
        yield {"url": f"http://127.0.0.1:{control}", "tcp": tcp, "token": token,
               "atsim": atsim}


def run(lab, *args):
    return ctl(lab["url"], *args, token_file=lab["token"])


def test_ls_and_show(lab):
    listing = run(lab, "ls", "lab-*")
    assert listing.returncode == 0, listing.stderr
    names = [line.split()[0] for line in listing.stdout.splitlines()]
    assert names == ["lab-1", "lab-2"]
    wait_for(lambda: json.loads(run(lab, "--json", "show", "lab-1").stdout)["registered"],
             10, "lab-1 registered")
    shown = json.loads(run(lab, "show", "lab-1", "--json").stdout)
    assert shown["name"] == "lab-1" and shown["sim"]["state"] == "READY"
    assert "registration:" in run(lab, "show", "lab-1").stdout


def test_a_fault_applied_and_removed_as_the_host_sees_it(lab):
    with AtLink.open_tcp(lab["tcp"]) as link:
        assert link.command("ATE0+CREG=1").endswith(b"OK\r\n")
        applied = run(lab, "fault", "lab-1", "deregister", "--for", "5m")
        assert applied.returncode == 0, applied.stderr
        fault_id, modem, text = applied.stdout.split("\t")
        assert (modem, text.strip()) == ("lab-1", "deregister(stat='searching')")
        link.read_until(lambda b: b"+CREG: 2\r\n" in b)
        listed = run(lab, "faults", "--json")
        assert [f["id"] for f in json.loads(listed.stdout)["faults"]] == [int(fault_id)]
        assert fault_id in run(lab, "faults", "--modem", "lab-1").stdout.split()
        removed = run(lab, "unfault", fault_id)
        assert removed.returncode == 0, removed.stderr
        assert removed.stdout.strip().endswith("ended")
        link.read_until(lambda b: b"+CREG: 1\r\n" in b)
    assert "lab-1 fault deregister(stat='searching') started by control API" in \
        lab["atsim"].log()


def test_a_urc_line_reaches_the_host(lab):
    with AtLink.open_tcp(lab["tcp"]) as link:
        assert link.command("ATE0").endswith(b"OK\r\n")
        sent = run(lab, "urc", "lab-1", "+CREG: 0")
        assert sent.returncode == 0, sent.stderr
        fault_id, modem, text, over = sent.stdout.rstrip("\n").split("\t")
        assert (modem, text, over) == ("lab-1", "urc(line='+CREG: 0')", "(an event: over)")
        link.read_until(lambda b: b"\r\n+CREG: 0\r\n" in b)
    shown = json.loads(run(lab, "urc", "lab-1", "+CSQ: 9,0", "--json").stdout)
    assert (shown["fault"], shown["args"], shown["active"]) == ("urc", {"line": "+CSQ: 9,0"},
                                                                False)
    assert shown["id"] > int(fault_id)
    unknown = run(lab, "urc", "lab-9", "+CREG: 0")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        EXIT["not found"], "atsim: 404: no modem 'lab-9'")


def test_a_short_message_reaches_the_host(lab):
    with AtLink.open_tcp(lab["tcp"]) as link:
        assert link.command("ATE0+CMGF=1;+CNMI=2,2").endswith(b"OK\r\n")
        sent = run(lab, "sms", "lab-1", "your code is 4711", "--from", "+3370")
        assert (sent.returncode, sent.stdout) == (0, "lab-1\t1 part(s)\n"), sent.stderr
        shown = link.read_until(lambda b: b"your code is 4711\r\n" in b)
        assert b'\r\n+CMT: "+3370",,"' in shown
        assert link.command("AT+CNMI=0,0").endswith(b"OK\r\n")


def test_a_cell_broadcast_reaches_the_host(lab):
    with AtLink.open_tcp(lab["tcp"]) as link:
        assert link.command('ATE0+CMGF=1;+CSCB=0,"919";+CNMI=2,0,2').endswith(b"OK\r\n")
        sent = run(lab, "broadcast", "919", "Road closed")
        assert (sent.returncode, sent.stdout) == (0, "919\t1 page(s)\n"), sent.stderr
        shown = link.read_until(lambda b: b"Road closed\r\n" in b)
        # <sn> counts the centre's messages so far; <dcs> 15 is the default alphabet
        assert re.search(rb"\r\n\+CBM: \d+,919,15,1,1\r\nRoad closed\r\n", shown), shown
        refused = run(lab, "broadcast", "70000", "x")
        assert refused.returncode != 0 and "id:" in refused.stderr
        assert link.command('AT+CSCB=0,"";+CNMI=0,0,0').endswith(b"OK\r\n")


def test_events_follow_one_modem(lab):
    follower = subprocess.Popen(
        [sys.executable, "-m", "simulator.control", "--control", lab["url"], "--token-file",
         str(lab["token"]), "events", "--follow", "lab-1", "--kind", "command", "--count", "1",
         "--json"],
        env=atsim_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: "atsim_event_subscribers 1.0" in run(lab, "metrics").stdout, 20,
                 "the follower's subscription")
        with AtLink.open_tcp(lab["tcp"]) as link:
            link.command("AT+CSQ")
        out, err = follower.communicate(timeout=20)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    event = json.loads(out)
    assert (event["modem"], event["kind"], event["data"]) == ("lab-1", "command",
                                                               {"line": "AT+CSQ"})


def test_registration_pause_and_resume_as_the_host_sees_them(lab):
    with AtLink.open_tcp(lab["tcp"]) as link:
        assert link.command("ATE0+CREG=1").endswith(b"OK\r\n")
        denied = run(lab, "registration", "lab-1", "denied", "--for", "5m")
        assert denied.returncode == 0, denied.stderr
        assert "deregister(stat='denied')" in denied.stdout
        link.read_until(lambda b: b"+CREG: 3\r\n" in b)
        back = run(lab, "registration", "lab-1", "registered")
        assert back.returncode == 0, back.stderr
        assert back.stdout.strip().endswith("ended")
        link.read_until(lambda b: b"+CREG: 1\r\n" in b)
        paused = run(lab, "pause", "lab-1")
        assert paused.stdout.strip() == "lab-1\tpaused"
        link.send(b"AT+CSQ\r")
        assert json.loads(run(lab, "show", "lab-1", "--json").stdout)["paused"]
        resumed = run(lab, "resume", "lab-1")
        assert resumed.stdout.strip() == "lab-1\trunning"
        link.read_until(lambda b: b"+CSQ:" in b and b"OK\r\n" in b)


def test_network_and_timeline(lab):
    shown = run(lab, "network")
    assert shown.returncode == 0, shown.stderr
    assert "operators:" in shown.stdout and "lab-1" in shown.stdout
    assert json.loads(run(lab, "timeline", "--json").stdout)["entries"] == []


def test_an_incoming_call_rings_at_the_host(lab):
    with AtLink.open_tcp(lab["tcp"]) as link:
        assert link.command("ATE0").endswith(b"OK\r\n")
        call = run(lab, "call", "lab-1", "from=+33612345678", "--for", "5m")
        assert call.returncode == 0, call.stderr
        assert "incoming_call" in call.stdout
        link.read_until(lambda b: b"RING\r\n" in b)


def test_exit_statuses_say_what_failed(lab, tmp_path):
    unknown = run(lab, "show", "lab-9")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        EXIT["not found"], "atsim: 404: no modem 'lab-9'")
    bad = run(lab, "fault", "lab-1", "deregister", "stat=sideways")
    assert bad.returncode == EXIT["refused"]
    assert "sideways" in bad.stderr
    assert run(lab, "unfault", "999").returncode == EXIT["not found"]
    wrong = tmp_path / "wrong"
    wrong.write_text("guess")
    assert ctl(lab["url"], "ls", token_file=wrong).returncode == EXIT["unauthorised"]
    nobody, = free_tcp_ports(1)
    assert ctl(f"http://127.0.0.1:{nobody}", "ls").returncode == EXIT["unreachable"]
    assert run(lab, "fault", "lab-1").returncode == EXIT["usage"]
    neither = run(lab, "events", "lab-1")
    assert (neither.returncode, neither.stderr.strip()) == (
        EXIT["usage"], "atsim: events: give --follow (until interrupted) or --count N")


def test_fault_arguments_from_the_command_line():
    assert fault_value("deregister", []) == "deregister"
    assert fault_value("urc", ["+CREG: 0"]) == {"urc": "+CREG: 0"}
    assert fault_value("link", ["latency=2s", "mtu=576", "loss=30%"]) == {
        "link": {"latency": "2s", "mtu": 576, "loss": "30%"}}


def test_a_control_port_in_use_stops_startup(tmp_path):
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        busy = occupant.getsockname()[1]
        scenario = write_scenario(tmp_path, [modem_yaml("lab-1")])
        result = run_twistd(["atsim", "-s", str(scenario), "--control",
                             f"tcp:{busy}:interface=127.0.0.1"], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(rf"atsim cannot start: control API: cannot listen on \S*{busy}\S*: "
                     r".*in use", output), output


def test_a_token_file_that_cannot_be_read_is_a_usage_error(tmp_path):
    scenario = write_scenario(tmp_path, [modem_yaml("lab-1")])
    result = run_twistd(["atsim", "-s", str(scenario), "--control-token",
                         str(tmp_path / "missing")], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"control token file {tmp_path / 'missing'}" in output
    assert "Traceback" not in output
