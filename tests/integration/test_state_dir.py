"""What a module keeps in flash survives a restart of the simulator (the state directory)."""

from __future__ import annotations

import json

from tests.integration.harness import (
    AtLink,
    free_tcp_ports,
    modem_yaml,
    running_atsim,
    write_scenario,
)


def test_stored_profile_and_ipr_survive_restart(tmp_path):
    tcp, = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("keeper", tcp=tcp)])
    with running_atsim(scenario) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            assert link.command("ATE0") == b"ATE0\r\r\nOK\r\n"
            assert link.command("AT+IPR=57600") == b"\r\nOK\r\n"
            link.send(b"ATV0&W\r")
            assert link.read_until(lambda b: b.endswith(b"0\r")) == b"0\r"  # numeric OK
    state_file = tmp_path / "state" / "keeper.json"
    assert state_file.exists(), f"default state dir beside the scenario; {atsim.log()}"
    json.loads(state_file.read_text())

    with running_atsim(scenario) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            # E0 and V0 come back from the stored profile: no echo, numeric "0"
            link.send(b"AT\r")
            assert link.read_until(lambda b: b.endswith(b"0\r")) == b"0\r"
            link.send(b"AT+IPR?\r")
            assert link.read_until(lambda b: b.endswith(b"0\r")) == b"+IPR: 57600\r\n0\r"


def test_explicit_state_dir_and_factory_reset(tmp_path):
    tcp, = free_tcp_ports(1)
    state_dir = tmp_path / "flash"
    scenario = write_scenario(tmp_path, [modem_yaml("keeper", tcp=tcp)])
    with running_atsim(scenario, state_dir=state_dir) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            link.command("ATE0&W")
    assert (state_dir / "keeper.json").exists()
    assert not (tmp_path / "state").exists()

    with running_atsim(scenario, state_dir=state_dir) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            assert link.command("AT") == b"\r\nOK\r\n"  # E0 was stored
            link.command("AT&F&W")
            assert link.command("AT") == b"AT\r\r\nOK\r\n"

    with running_atsim(scenario, state_dir=state_dir) as atsim:
        atsim.wait_ready(tcp_ports=[tcp])
        with AtLink.open_tcp(tcp) as link:
            assert link.command("AT") == b"AT\r\r\nOK\r\n"
