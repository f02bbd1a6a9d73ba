"""The phone book of a running ``twistd atsim`` read and changed by gammu (``getallmemory``,
``searchmemory``, ``deletememory``): the scenario's entries, and what gammu deletes stays
deleted across a restart."""

from __future__ import annotations

import subprocess

import pytest

from tests.integration.harness import (
    AtLink,
    AtsimProcess,
    info_lines,
    modem_yaml,
    require_program,
    write_scenario,
)

pytestmark = pytest.mark.clients

CLIENT_TIMEOUT = 120
BOOK = """\
msisdn: "+33600000009"
phonebook:
  SM:
    - {number: "+33611111111", text: Alice}
    - {number: "0102030405", text: Bob}
  ME:
    - {number: "+4930123456", text: Carol}
"""


@pytest.fixture
def lab(tmp_path):
    pty = tmp_path / "a"
    scenario = write_scenario(tmp_path, [modem_yaml("a", pty=pty, extra=BOOK)])
    process = AtsimProcess(scenario, state_dir=tmp_path / "state").start()
    process.wait_ready(ptys=[pty])
    try:
        yield tmp_path, pty, process
    finally:
        process.stop()


def gammu(directory, pty, process, *args: str) -> str:
    binary = require_program("gammu", "gammu")
    config = directory / "gammurc"
    config.write_text(f"[gammu]\ndevice = {pty}\nconnection = at115200\n")
    result = subprocess.run([binary, "-c", str(config), *args], capture_output=True,
                            text=True, timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr + process.diagnostics()[-3000:]
    return result.stdout


def test_gammu_reads_searches_and_deletes(lab):
    directory, pty, process = lab
    sim = gammu(directory, pty, process, "getallmemory", "SM")
    assert "Alice" in sim and "+33611111111" in sim
    assert "Bob" in sim and "0102030405" in sim
    me = gammu(directory, pty, process, "getallmemory", "ME")
    assert "Carol" in me and "+4930123456" in me and "Alice" not in me
    found = gammu(directory, pty, process, "searchmemory", "Ali")
    assert "Alice" in found and "Bob" not in found
    gammu(directory, pty, process, "deletememory", "SM", "1")
    process.stop()
    process = AtsimProcess(process.scenario, state_dir=directory / "state").start()
    process.wait_ready(ptys=[pty])
    try:
        with AtLink.open_pty(pty) as link:
            link.command("ATE0")
            assert info_lines(link.command("AT+CPBR=1,250")) == [
                '+CPBR: 2,"0102030405",129,"Bob"']
            assert info_lines(link.command("AT+CNUM")) == ['+CNUM: ,"+33600000009",145']
    finally:
        process.stop()
