"""``twistd atsim --events --transcripts --pcap`` as people run it: the files a session on a
real TCP port leaves once atsim stops, and a place that cannot be written stopping start-up
with a message."""

from __future__ import annotations

import json

from simulator.control.cmuxpcap import LINKTYPE_USER0
from simulator.control.pcap import read_pcap
from tests.cmux import dte
from tests.integration.harness import (
    AtLink,
    free_tcp_ports,
    modem_yaml,
    run_twistd,
    running_atsim,
    write_scenario,
)


def test_a_run_leaves_its_event_log_transcripts_and_capture_directory(tmp_path):
    tcp, = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("lab-1", tcp=tcp)])
    run = tmp_path / "run"
    with running_atsim(scenario, extra_args=(
            "--events", str(run / "events.jsonl"), "--transcripts", str(run / "transcripts"),
            "--pcap", str(run / "pcap"))) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            assert link.command("ATE0").endswith(b"OK\r\n")
            assert b"+CSQ:" in link.command("AT+CSQ")
            # A multiplexer: DLC 0 opened by the host and acknowledged, in the capture.
            assert link.command("AT+CMUX=0").endswith(b"OK\r\n")
            link.send(dte.frame(dte.BASIC, 0, dte.SABM | dte.PF))
            ua = dte.frame(dte.BASIC, 0, dte.UA | dte.PF)
            link.read_until(lambda received: ua in received)
    events = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    assert ("lab-1", "command", {"line": "AT+CSQ"}) in [
        (e["modem"], e["kind"], e["data"]) for e in events]
    assert events[-1]["kind"] == "power" and events[-1]["data"] == {"state": "off"}
    transcript, = (run / "transcripts" / "lab-1").iterdir()
    lines = [line.split(" ", 2)[2] for line in transcript.read_text().splitlines()[2:]]
    at = lines.index("--> AT+CSQ")
    assert lines[at + 1].startswith("<-- +CSQ: ") and lines[at + 2] == "<-- OK"
    assert lines[at + 3] == "--> AT+CMUX=0"
    cmux, = (run / "pcap").glob("lab-1.*.cmux.pcap")
    link_type, records = read_pcap(cmux.read_bytes())
    assert link_type == LINKTYPE_USER0
    assert [r for _, r in records[:2]] == [b"\x00" + dte.frame(dte.BASIC, 0, dte.SABM | dte.PF),
                                           b"\x01" + ua]


def test_a_recording_place_that_cannot_be_written_stops_startup(tmp_path):
    scenario = write_scenario(tmp_path, [modem_yaml("lab-1")])
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = run_twistd(["atsim", "-s", str(scenario), "--events",
                         str(blocker / "events.jsonl")], cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "atsim cannot start: event file" in output, output
    assert "Traceback" not in output
