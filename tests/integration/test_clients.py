"""Real host software against a running simulator, configured as docs/running.md says works:
python-gsmmodem-new, gammu, chat (ppp) and picocom, each on the modem's PTY."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from tests.integration.harness import IDENTITY, require_module, require_program

pytestmark = pytest.mark.clients

#: The scenario's default operator (simulator.scenario.model.NetworkSpec).
OPERATOR = {"mcc": "001", "mnc": "01", "name": "Test Network"}

CLIENT_TIMEOUT = 90


@pytest.fixture
def pty(lab):
    """The lab modem's PTY with its channel back on the stored profile (echo on, verbose),
    whatever the previous client left; closed again before the client opens it."""
    with lab.open_pty() as link:
        link.command("ATZ")
    return lab.pty


def run(args, **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("stdin", subprocess.DEVNULL)
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(args, stderr=subprocess.PIPE, timeout=CLIENT_TIMEOUT, **kwargs)


def field(output: str, label: str) -> str:
    """A 'Label : value' line of gammu's output."""
    match = re.search(rf"^{re.escape(label)}\s*:\s*(.*?)\s*$", output, re.M)
    assert match, f"no {label!r} line in:\n{output}"
    return match.group(1)


# -- python-gsmmodem-new ----------------------------------------------------------------------

# gsmmodem leaves a non-daemon timer thread behind (10 s) after close(); os._exit skips it.
GSMMODEM_SCRIPT = textwrap.dedent("""\
    import json, os, sys
    from gsmmodem.modem import GsmModem
    modem = GsmModem(sys.argv[1], 115200)
    modem.connect()
    try:
        modem.waitForNetworkCoverage(10)
        print(json.dumps({name: getattr(modem, name) for name in (
            "manufacturer", "model", "revision", "imei", "imsi", "networkName",
            "signalStrength")}), flush=True)
    finally:
        modem.close()
    os._exit(0)
""")


def test_python_gsmmodem_connect_and_properties(pty):
    require_module("gsmmodem", "python-gsmmodem-new")
    result = run([sys.executable, "-c", GSMMODEM_SCRIPT, str(pty)], text=True)
    assert result.returncode == 0, result.stderr
    properties = json.loads(result.stdout.splitlines()[-1])
    assert properties["manufacturer"] == IDENTITY["manufacturer"]
    assert properties["model"] == IDENTITY["model"]
    assert properties["revision"].endswith(IDENTITY["revision"])
    assert properties["imei"] == IDENTITY["imei"]
    assert properties["imsi"] == IDENTITY["imsi"]
    assert properties["networkName"] == OPERATOR["name"]
    assert 0 <= properties["signalStrength"] <= 31


# -- gammu ------------------------------------------------------------------------------------


@pytest.fixture
def gammu(pty, tmp_path):
    binary = require_program("gammu", "gammu")
    config = tmp_path / "gammurc"
    config.write_text(
        f"[gammu]\ndevice = {pty}\nconnection = at115200\n"
        f"logfile = {tmp_path / 'gammu.log'}\nlogformat = textall\n"
    )

    def gammu(*args: str) -> str:
        result = run([binary, "-c", str(config), *args], text=True)
        log = (tmp_path / "gammu.log").read_text(errors="replace")[-4000:]
        assert result.returncode == 0, f"{result.stdout}{result.stderr}\n{log}"
        return result.stdout

    return gammu


def test_gammu_identify(gammu):
    output = gammu("identify")
    assert field(output, "Manufacturer") == IDENTITY["manufacturer"]
    assert IDENTITY["model"] in field(output, "Model")
    assert field(output, "Firmware") == IDENTITY["revision"]
    assert field(output, "IMEI") == IDENTITY["imei"]
    assert field(output, "SIM IMSI") == IDENTITY["imsi"]


def test_gammu_networkinfo(gammu):
    output = gammu("networkinfo")
    assert field(output, "Network state") == "home network"
    assert field(output, "Network").startswith(f"{OPERATOR['mcc']} {OPERATOR['mnc']}")
    assert field(output, "Name in phone") == f'"{OPERATOR["name"]}"'
    assert re.search(r"LAC [0-9A-F]+, CID [0-9A-F]+", output), output


# -- chat (ppp) -------------------------------------------------------------------------------


def run_chat(pty, script: str, tmp_path) -> subprocess.CompletedProcess:
    """chat talks on its stdin and stdout: both are the modem's PTY, as with
    ``chat -f script < $PTY > $PTY``."""
    binary = require_program("chat", "ppp")
    script_file = tmp_path / "chat.script"
    script_file.write_text(script)
    fd = os.open(pty, os.O_RDWR | os.O_NOCTTY)
    try:
        return run([binary, "-v", "-s", "-f", str(script_file)], stdin=fd, stdout=fd, text=True)
    finally:
        os.close(fd)


def test_chat_plain_at(pty, tmp_path):
    result = run_chat(pty, "TIMEOUT 5\n'' AT OK\n", tmp_path)
    assert result.returncode == 0, result.stderr



DIAL_SCRIPT = """\
ABORT 'BUSY'
ABORT 'NO CARRIER'
ABORT 'ERROR'
TIMEOUT 5
'' AT
OK ATZ
OK 'AT+CGDCONT=1,"IP","internet"'
OK ATD*99***1#
CONNECT '\\d\\d+++\\c'
OK ATH
OK ''
"""


def test_chat_dial_script_runs_to_the_final_result(pty, tmp_path):
    """Every command before the dial answers OK and the packet-data dial answers CONNECT,
    where pppd would take over the line (docs/ppp.md); the script then leaves data mode
    with +++ after two seconds of silence (chat's \\d) and hangs up with ATH, so the modem
    is in command mode for whoever opens the port next."""
    result = run_chat(pty, DIAL_SCRIPT, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "CONNECT" in result.stderr and "Failed" not in result.stderr
    assert result.stderr.count("-- got it") == 6  # every expectation met, the OK of ATH too


# -- picocom ----------------------------------------------------------------------------------


def test_picocom_one_shot(pty):
    binary = require_program("picocom", "picocom")
    result = run([binary, "-q", "-b", "115200", "--initstring", "AT+CSQ\r",
                  "--exit-after", "1000", str(pty)])
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rb"AT\+CSQ\r\r\n\+CSQ: \d+,\d+\r\n\r\nOK\r\n", result.stdout), result.stdout
