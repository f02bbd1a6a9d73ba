"""Faults of the timeline under the real ``twistd atsim``, seen by real hosts: a fleet of
50 modems polled by python-gsmmodem-new while a share of them is deregistered, and a WIP
TCP socket whose server resets it once 10 KiB have moved.  Every wait is for an event (a
line read, a client's report); the timeouts only stop a hung run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from simulator.faults.schedule import Schedule
from simulator.scenario.loader import load
from tests.integration.harness import (
    AtLink,
    AtsimProcess,
    free_tcp_ports,
    modem_yaml,
    wait_for,
    write_scenario,
)

FLEET = 50

FLEET_SCENARIO = """\
network:
  registration:
    delay: 0.1s
modems:
  - name: fleet-{{n}}
    count: {count}
    ports:
      - pty: {directory}/fleet-{{n}}
timeline:
  - when: {{command: "AT+CSQ", count: 2}}   # the host's second poll of each modem
    modems: "20% of fleet-*"
    do: deregister
    for: 10s
"""

# Connects to every modem, then polls each in turn (AT+CSQ, AT+CREG?) and keeps the
# registration states it read, until every modem was polled 3 times and every modem it saw
# lose the network has come back.  gsmmodem leaves a timer thread behind: os._exit.
POLLER = textwrap.dedent("""\
    import json, os, re, sys
    from gsmmodem.modem import GsmModem
    paths = sys.argv[1:]
    modems = {}
    for path in paths:
        modem = GsmModem(path, 115200)
        modem.connect()
        modems[os.path.basename(path)] = modem
    seen = {name: [] for name in modems}
    signal = {name: set() for name in modems}
    rounds = 0
    def settled():
        return rounds >= 3 and all(states[-1] in (1, 5) for states in seen.values())
    while not settled():
        rounds += 1
        for name, modem in modems.items():
            signal[name].add(modem.signalStrength)
            reply = [l for l in modem.write("AT+CREG?") if l.startswith("+CREG:")][0]
            stat = int(re.match(r"\\+CREG: \\d,(\\d)", reply).group(1))
            if not seen[name] or seen[name][-1] != stat:
                seen[name].append(stat)
    for modem in modems.values():
        modem.close()
    print(json.dumps({"seen": seen, "signal": {k: sorted(v) for k, v in signal.items()}}),
          flush=True)
    sys.stdout.flush()
    os._exit(0)
""")


@pytest.mark.clients
def test_a_share_of_the_fleet_is_deregistered_while_gsmmodem_polls_it(tmp_path):
    pytest.importorskip("gsmmodem", reason="python-gsmmodem-new is not installed")
    text = FLEET_SCENARIO.format(count=FLEET, directory=tmp_path)
    scenario = tmp_path / "fleet.yaml"
    scenario.write_text(text)
    loaded = load(scenario)
    names = [modem.name for modem in loaded.modems]
    expected = Schedule(loaded.timeline, names, seed=1).targets[0]
    assert len(expected) == FLEET // 5
    ptys = [tmp_path / name for name in names]
    with running(scenario) as atsim:
        atsim.wait_ready(ptys=ptys)
        result = subprocess.run([sys.executable, "-c", POLLER, *map(str, ptys)],
                                capture_output=True, text=True, timeout=600,
                                stdin=subprocess.DEVNULL)
        log = atsim.log()
    assert result.returncode == 0, result.stderr[-3000:] + log[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    seen = report["seen"]
    lost = {name for name, states in seen.items() if states != [1]}
    assert lost == expected
    for name in lost:
        assert seen[name] == [1, 2, 1], name  # registered, searching, registered again
        assert -1 in report["signal"][name]  # AT+CSQ: 99 (no signal), which gsmmodem reads as -1
    assert log.count("fault deregister(stat='searching') started by timeline[0]") == 10
    assert log.count("fault deregister(stat='searching') ended") == 10


class running:
    def __init__(self, scenario, **kwargs) -> None:
        self.process = AtsimProcess(scenario, **kwargs)

    def __enter__(self) -> AtsimProcess:
        return self.process.start()

    def __exit__(self, *exc) -> None:
        self.process.stop()


WIP_NETWORK = """\
network:
  registration:
    delay: 0.1s
  apns:
    "*": {pool: 10.64.0.0/16, dns: [10.64.255.53]}
  hosts:
    www.example.com:
      services: {discard: {}}
  links:
    default: ideal
"""

RESET_AFTER_10K = """\
timeline:
  - when: {bytes: 10KiB, host: www.example.com}
    do: reset_peer
"""


def test_a_wip_socket_whose_peer_resets_after_10_kib_shows_etx_and_843(tmp_path):
    (port,) = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("w", tcp=port, extra="dialect: wip\n")],
                              network=WIP_NETWORK)
    scenario.write_text(scenario.read_text() + RESET_AFTER_10K)
    with running(scenario) as atsim:
        atsim.wait_ready(tcp_ports=[port])
        with AtLink.open_tcp(port) as link:
            assert link.command("ATE0+CMEE=1").endswith(b"OK\r\n")
            wait_for(lambda: b"+CREG: 0,1" in link.command("AT+CREG?"), 60, "registration")
            assert link.command("AT+WIPCFG=1") == b"\r\nOK\r\n"
            assert link.command("AT+WIPBR=1,6") == b"\r\nOK\r\n"
            assert link.command("AT+WIPBR=4,6,0") == b"\r\nOK\r\n"
            assert link.command('AT+WIPCREATE=2,1,"www.example.com",9') == b"\r\nOK\r\n"
            link.read_until(lambda b: b"+WIPREADY: 2,1\r\n" in b)
            assert link.command("AT+WIPDATA=2,1,1") == b"\r\nCONNECT\r\n"
            for _ in range(10):
                link.send(b"x" * 1024)
            # 001 §6.2.5: the reset ends data mode with an ETX, then +CME ERROR: 843
            ending = link.read_until(lambda b: b.endswith(b"+CME ERROR: 843\r\n"), timeout=60)
            assert ending == b"\x03\r\n+CME ERROR: 843\r\n"
            assert link.command("AT") == b"\r\nOK\r\n"  # back in AT mode
        log = atsim.log()
    assert "w fault reset_peer started (an event) by timeline[0] (line" in log
