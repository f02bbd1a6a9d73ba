"""A scenario's timeline under the real ``twistd atsim``: a host on a TCP port sees the
network drop its modem and take it back, and the log says which fault did it."""

from __future__ import annotations

from tests.integration.harness import (
    AtLink,
    free_tcp_ports,
    modem_yaml,
    running_atsim,
    write_scenario,
)

TIMELINE = """\
timeline:
  - every: 2s
    modems: flaky
    do: deregister
    for: 1s
"""


def test_a_host_sees_the_deregistrations_of_the_timeline(tmp_path):
    tcp, = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("flaky", tcp=tcp),
                                         modem_yaml("steady")])
    scenario.write_text(scenario.read_text() + TIMELINE)
    with running_atsim(scenario) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            assert link.command("ATE0+CREG=1") == b"ATE0+CREG=1\r\r\nOK\r\n"
            # Whenever the host joined, the next occurrence drops the modem, then its end
            # lets it register again after the scenario's 0.1 s.
            lost = link.read_until(lambda b: b"+CREG: 2\r\n" in b, timeout=10)
            assert lost.endswith(b"\r\n+CREG: 2\r\n")
            back = link.read_until(lambda b: b"+CREG: 1\r\n" in b, timeout=10)
            assert back.endswith(b"\r\n+CREG: 1\r\n")
        log = atsim.log()
    assert "flaky fault deregister(stat='searching') started by timeline[0] (line" in log
    assert "flaky fault deregister(stat='searching') ended" in log
    assert "steady fault" not in log
    assert "timeline: 1 entry, drawn from seed 1" in log
