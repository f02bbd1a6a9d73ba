"""The manual's chapter 3 by a host program on one TCP port of ``twistd -n atsim`` running
``scenarios/mip-lab.yaml``: +MIPCALL, a TCP socket to the lab echo with +MIPSEND/+MIPPUSH
and +MIPRTCP (§3.1, §3.2, §3.3), then an SSL socket to the lab's TLS echo, whose certificate
the modem verifies (the scenario's ``tls: {verify: true}``) against the lab CA atsim made in
its state dir, carrying bytes both ways unchanged, and +MIPCLOSE (§3.11); then UDP in a
prompt mode (§3.5), +MPING (§3.6), +MIPNTP and +MIPDNS against the scenario's host (§3.7,
§3.8), online data mode carrying 1 MiB of random bytes each way through the real TCP port and
the lab echo unchanged (§3.9), and +MIPREAD (§3.10); every answer byte for byte, save the
values the lab chooses (addresses, round-trip times), which are matched by their form.

The scenario is the shipped one with two changes a test needs: its TCP ports are free ones
and it has no PTYs."""

from __future__ import annotations

import random
import re
import select
import shutil
import time

import pytest

from tests.dialects.edsoft.test_twistd import OK, Host, info, line, two_free_ports
from tests.integration.harness import REPO, AtLink, AtsimProcess, wait_for

SCENARIO = REPO / "scenarios" / "mip-lab.yaml"


def lab_scenario(directory, base: int):
    text = SCENARIO.read_text(encoding="utf-8")
    text = re.sub(r"\n\s*- pty: [^\n]*", "", text)
    text = text.replace("{7500+n}", f"{{{base - 1}+n}}")
    assert "pty:" not in text.split("modems:")[1].split("network")[0]
    shutil.copytree(SCENARIO.parent / "mip-lab", directory / "mip-lab")
    path = directory / "mip-lab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def lab(tmp_path):
    base = two_free_ports()
    state = tmp_path / "state"
    process = AtsimProcess(lab_scenario(tmp_path, base), state_dir=state).start()
    try:
        process.wait_ready(tcp_ports=[base])
        with AtLink.open_tcp(base) as link:
            yield Host(link), state
    finally:
        process.stop()
    assert "Traceback" not in process.log()


def registered(h: Host) -> bool:
    return h.link.command("AT+CEREG?").endswith(info("+CEREG: 0,1"))  # echo or not


def urc_line(h: Host, prefix: str, timeout: float = 60.0) -> str:
    """The next ``CR LF <prefix>... CR LF`` line, whose value the lab chooses."""
    head = b"\r\n" + prefix.encode()
    got = h.link.read_until(lambda b: len(b) >= len(head) and (
        not b.startswith(head) or b.find(b"\r\n", 2) > 0), timeout)
    assert got.startswith(head), got
    got = h.link.keep_after(got, got.index(b"\r\n", 2) + 2)
    return got.decode("latin-1").strip()


def test_chapter_3_plain_and_tls_through_twistd(lab):
    h, state = lab
    h.at("ATE0", b"ATE0\r" + OK)
    wait_for(lambda: registered(h), 30, "LTE registration")
    assert h.link.command("AT+COPS?") == info('+COPS: 0,0,"Lab LTE",7')

    # §3.1: OK, then the address of the scenario's CTNET pool
    h.at('AT+MIPCALL=1,"CTNET"', OK)
    address = urc_line(h, "+MIPCALL: ")
    assert re.fullmatch(r"\+MIPCALL: 10\.34\.7\.\d+", address), address
    h.at("AT+MIPCALL?", info(address.replace("+MIPCALL: ", "+MIPCALL: 1,")))

    # §3.2 and §3.3: TCP to the lab echo, buffered then pushed, echoed back
    h.at('AT+MIPOPEN=1,,"111.231.250.105",3000,0', OK)
    h.expect(line("+MIPOPEN: 1,1"))
    h.at('AT+MIPSEND=1,"313233343536"', info("+MIPSEND: 1,0,2042"))
    h.at("AT+MIPPUSH=1", info("+MIPPUSH: 1,0,6"))
    h.expect(line("+MIPRTCP: 1,0,313233343536"))

    # SSL to the lab's TLS echo by name: verified against the lab CA, bytes unchanged
    payload = bytes(range(256))
    h.at('AT+MIPOPEN=3,,"tls.lab",4433,2', OK)
    h.expect(line("+MIPOPEN: 3,1"))
    h.at(f'AT+MIPSEND=3,"{payload.hex().upper()}"', info("+MIPSEND: 3,0,1792"))
    h.at("AT+MIPPUSH=3", info("+MIPPUSH: 3,0,256"))
    echoed = b""
    while len(echoed) < len(payload):  # TLS records may split the echo over several URCs
        shown = urc_line(h, "+MIPRTCP: 3,0,")
        echoed += bytes.fromhex(shown.removeprefix("+MIPRTCP: 3,0,"))
    assert echoed == payload
    assert (state / "lab-ca" / "ca.pem").is_file()

    # §3.11
    h.at("AT+MIPCLOSE=1", OK)
    h.expect(line("+MIPCLOSE: 1,0"))
    h.at("AT+MIPCLOSE=3", OK)
    h.expect(line("+MIPCLOSE: 3,0"))
    h.at("AT+MIPOPEN?", info("+MIPOPEN: 1 2 3 4 5 6"))


def typed(h: Host, command: str, answer: bytes, timeout: float = 60.0) -> None:
    """``command`` with the module's echo (E1, the factory setting) before its answer."""
    h.at(command, command.encode() + b"\r" + answer, timeout)


def one_mib_each_way(h: Host) -> bytes:
    """Write 1 MiB of random bytes while reading what comes back, until as much came back."""
    payload = random.Random(9).randbytes(1 << 20)
    sock = h.link._sock
    sent, echoed = 0, bytearray()
    deadline = time.monotonic() + 300  # a hang guard, not a speed requirement
    while len(echoed) < len(payload):
        assert time.monotonic() < deadline, f"{sent} sent, {len(echoed)} back"
        readable, writable, _ = select.select([sock], [sock] if sent < len(payload) else [],
                                              [], 1.0)
        if writable:
            try:
                sent += sock.send(payload[sent:sent + 4096])
            except BlockingIOError:
                pass
        if readable:
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            assert data, "the modem port closed"
            echoed += data
    assert bytes(echoed) == payload
    return payload


def test_chapter_3_services_and_online_data_mode_through_twistd(lab):
    h, _ = lab
    wait_for(lambda: registered(h), 30, "LTE registration")
    h.at('AT+MIPCALL=1,"CTNET"', b'AT+MIPCALL=1,"CTNET"\r' + OK)
    urc_line(h, "+MIPCALL: ")

    # §3.5: UDP in the prompt's data-length mode, the reply with its source
    typed(h, 'AT+MIPOPEN=1,,"111.231.250.105",5092,1', OK + line("+MIPOPEN: 1,1"))
    h.at("AT+MIPSEND=1,10", b"AT+MIPSEND=1,10\r>")
    h.data(b"1234567890", b"1234567890" + OK + line("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
           + line("+MIPRUDP: 111.231.250.105,5092,1,0,31323334353637383930"))
    typed(h, "AT+MIPCLOSE=1", OK + line("+MIPCLOSE: 1,0"))

    # §3.6: four replies, then the summary; the round trip is the LTE link's
    typed(h, 'AT+MPING=1,"111.231.250.105"', OK)
    for _ in range(4):
        assert re.fullmatch(r'\+MPING: "111\.231\.250\.105",0,0,\d+',
                            urc_line(h, "+MPING: ")), h.link.received[-200:]
    assert re.fullmatch(r'\+MPINGSTAT: 0,"111\.231\.250\.105",4,4,\d+',
                        urc_line(h, "+MPINGSTAT: "))

    # §3.7 and §3.8 against the scenario's own host for time and names
    typed(h, 'AT+MIPNTP="echo.lab",123', OK + line("+MIPNTP: 1"))
    h.link.send(b'AT+MIPDNS="echo.lab"\r')
    h.expect(b'AT+MIPDNS="echo.lab"\r')
    assert re.fullmatch(r'\+MIPDNS: "echo\.lab",\d+\.\d+\.\d+\.\d+', urc_line(h, "+MIPDNS: "))
    h.expect(OK)

    # §3.9: online data mode, 1 MiB of random bytes each way through the lab echo unchanged,
    # then the escape after a second of silence (S12's guard time) on both sides
    typed(h, 'AT+MIPODM=2,,"111.231.250.105",3000,0', OK + line("+MIPODM: 2,1"))
    one_mib_each_way(h)
    time.sleep(1.1)  # the guard time is silence the host must keep: the input, not a wait
    h.data(b"+++", OK)
    typed(h, "AT+MIPCLOSE=2", OK + line("+MIPCLOSE: 2,0"))

    # §3.10: the data kept for +MIPREAD
    typed(h, 'AT+GTSET="IPRFMT",5', OK)
    typed(h, 'AT+MIPOPEN=1,,"111.231.250.105",3000,0', OK + line("+MIPOPEN: 1,1"))
    h.at("AT+MIPSEND=1,10", b"AT+MIPSEND=1,10\r>")
    h.data(b"1234567890", b"1234567890" + OK + line("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
           + line("+MIPREAD: 1,10"))
    typed(h, "AT+MIPREAD=1,10", line("+MIPDATA: 1,10")[:-2] + b"\r\n1234567890\r\n" + OK)
    typed(h, "AT+MIPCLOSE=1", OK + line("+MIPCLOSE: 1,0"))
