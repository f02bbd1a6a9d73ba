"""Short messages between two modems of a running ``twistd atsim``, sent and read by real host
software: gammu (``sendsms``, ``getallsms``, ``geteachsms``) and python-gsmmodem-new
(``sendSms`` and its receive callback), in PDU and text mode; the SMS centre's folders; the
storage after a restart."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.integration.harness import (
    AtLink,
    AtsimProcess,
    info_lines,
    modem_yaml,
    require_module,
    require_program,
    wait_for,
    write_scenario,
)

pytestmark = pytest.mark.clients

A_NUMBER, B_NUMBER, FOLDER_NUMBER = "+33600000001", "+33600000002", "+3370000"
CLIENT_TIMEOUT = 120
NETWORK = f"""\
network:
  registration: {{delay: 0.1s}}
  sms: {{delay: 0.2s, inbox: ./inbox, poll: 0.2s}}
  numbers:
    "{FOLDER_NUMBER}": {{sms: ./outbox}}
"""


class SmsLab:
    def __init__(self, directory):
        self.directory = directory
        self.pty_a, self.pty_b = directory / "a", directory / "b"
        self.state = directory / "state"
        (directory / "inbox").mkdir()
        self.scenario = write_scenario(directory, [
            modem_yaml("a", pty=self.pty_a, extra=f'msisdn: "{A_NUMBER}"\n'),
            modem_yaml("b", pty=self.pty_b, extra=f'msisdn: "{B_NUMBER}"\n'),
        ], network=NETWORK)
        self.process = None

    def start(self):
        self.process = AtsimProcess(self.scenario, state_dir=self.state).start()
        self.process.wait_ready(ptys=[self.pty_a, self.pty_b])
        return self

    def stop(self):
        self.process.stop()

    def at(self, pty, *lines: str) -> list[bytes]:
        with AtLink.open_pty(pty) as link:
            link.command("ATE0")
            return [link.command(line) for line in lines]

    def clear(self, pty):
        """No message left in either storage of the modem, and the port's settings back."""
        self.at(pty, "ATZ", "AT+CMGF=0", 'AT+CPMS="ME","ME","ME"', "AT+CMGD=1,4",
                'AT+CPMS="SM","SM","SM"', "AT+CMGD=1,4", 'AT+CPMS="ME","ME","ME"',
                "AT+CNMI=0,0,0,0,0")

    def gammu(self, pty, *args: str) -> str:
        binary = require_program("gammu", "gammu")
        config = self.directory / f"gammurc-{pty.name}"
        config.write_text(f"[gammu]\ndevice = {pty}\nconnection = at115200\n")
        result = subprocess.run([binary, "-c", str(config), *args], capture_output=True,
                                text=True, timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, (result.stdout + result.stderr
                                        + self.process.diagnostics()[-3000:])
        return result.stdout


@pytest.fixture(scope="module")
def sms_lab(tmp_path_factory):
    lab = SmsLab(tmp_path_factory.mktemp("smslab")).start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def lab(sms_lab):
    sms_lab.clear(sms_lab.pty_a)
    sms_lab.clear(sms_lab.pty_b)
    return sms_lab


def stored_count(lab, pty) -> int:
    """Messages in ME and SM together (MT), wherever a client's +CPMS put them."""
    (answer,) = lab.at(pty, 'AT+CPMS="MT","MT","MT"')
    return int(info_lines(answer)[0].split(": ")[1].split(",")[0])


def wait_stored(lab, pty, count: int) -> None:
    wait_for(lambda: stored_count(lab, pty) >= count, 20, f"{count} stored messages",
             lab.process.diagnostics)


# -- gammu ------------------------------------------------------------------------------------


def test_gammu_sends_and_the_other_gammu_lists(lab):
    output = lab.gammu(lab.pty_a, "sendsms", "TEXT", B_NUMBER, "-text", "hello from gammu")
    assert "OK, message reference=" in output
    wait_stored(lab, lab.pty_b, 1)
    listed = lab.gammu(lab.pty_b, "getallsms")
    assert "hello from gammu" in listed
    assert A_NUMBER in listed


def test_gammu_long_ucs2_message_is_reassembled(lab):
    text = "Привет, мир! " * 23  # 299 characters, UCS2: five parts
    output = lab.gammu(lab.pty_a, "sendsms", "TEXT", B_NUMBER, "-len", str(len(text)),
                       "-unicode", "-text", text)
    assert output.count("OK, message reference=") == 5, output
    wait_stored(lab, lab.pty_b, 5)
    joined = lab.gammu(lab.pty_b, "geteachsms")
    assert "5 SMS parts in 1 SMS sequences" in joined, joined
    assert text.strip() in joined


def test_gammu_to_the_folder_number(lab):
    lab.gammu(lab.pty_a, "sendsms", "TEXT", FOLDER_NUMBER, "-text", "to the outbox")
    outbox = lab.directory / "outbox"
    wait_for(lambda: outbox.is_dir() and any("to the outbox" in p.read_text()
                                             for p in outbox.iterdir()),
             20, "a message file in the outbox", lab.process.diagnostics)


def test_inbox_file_reaches_gammu(lab):
    (lab.directory / "inbox" / "note.txt").write_text(
        f"From: {FOLDER_NUMBER}\nTo: b\n\nfrom the inbox", encoding="utf-8")
    wait_stored(lab, lab.pty_b, 1)
    assert "from the inbox" in lab.gammu(lab.pty_b, "getallsms")


def test_unknown_number_is_refused_and_a_vanished_host_leaves_a_working_port(lab):
    with AtLink.open_pty(lab.pty_a) as link:
        link.command("ATE0")
        link.send(b'AT+CMEE=1;+CMGF=1;+CMGS="+4900000"\r')
        link.read_until(lambda data: data.endswith(b"> "))
        link.send(b"nobody\x1a")
        assert link.read_until(lambda data: b"ERROR" in data).endswith(b"+CMS ERROR: 1\r\n")
        link.send(b'AT+CMGS="+4900000"\r')
        link.read_until(lambda data: data.endswith(b"> "))
        closes = closed_count(lab)
    # The modem forgets the prompt once it notices the host closed the port.
    wait_for(lambda: closed_count(lab) > closes, 10, "atsim to notice the host closed a",
             lab.process.diagnostics)
    with AtLink.open_pty(lab.pty_a) as link:
        assert link.command("AT").endswith(b"OK\r\n")


def closed_count(lab) -> int:
    return sum(1 for line in lab.process.log().splitlines()
               if f"a pty {lab.pty_a}:" in line and "host closed" in line)


# -- python-gsmmodem-new ----------------------------------------------------------------------

GSMMODEM_SCRIPT = textwrap.dedent("""\
    import os, sys, threading
    from gsmmodem.modem import GsmModem
    sender_port, receiver_port, number, text, mode = sys.argv[1:6]
    received = threading.Event()
    got = []
    def on_sms(sms):
        got.append((sms.number, sms.text))
        received.set()
    receiver = GsmModem(receiver_port, 115200, smsReceivedCallbackFunc=on_sms)
    receiver.smsTextMode = mode == "text"
    receiver.connect()
    sender = GsmModem(sender_port, 115200)
    sender.smsTextMode = mode == "text"
    sender.connect()
    sender.waitForNetworkCoverage(10)
    sms = sender.sendSms(number, text, waitForDeliveryReport=True, deliveryTimeout=30)
    print("report", sms.status == sms.DELIVERED, flush=True)
    if not received.wait(30):
        print("no callback", flush=True)
        os._exit(1)
    print("received", got[0][0], got[0][1], flush=True)
    sender.close()
    receiver.close()
    os._exit(0)
""")


@pytest.mark.parametrize("mode", ["pdu", "text"])
def test_python_gsmmodem_sends_and_its_callback_receives(lab, mode):
    require_module("gsmmodem", "python-gsmmodem-new")
    result = subprocess.run(
        [sys.executable, "-c", GSMMODEM_SCRIPT, str(lab.pty_a), str(lab.pty_b), B_NUMBER,
         f"hello in {mode} mode", mode],
        capture_output=True, text=True, timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert "report True" in lines
    assert f"received {A_NUMBER} hello in {mode} mode" in lines


# -- restart ----------------------------------------------------------------------------------


def test_storage_survives_a_restart(lab):
    with AtLink.open_pty(lab.pty_b) as link:
        link.command("ATE0")
        link.send(b'AT+CMGF=1;+CMGW="+331"\r')
        link.read_until(lambda data: data.endswith(b"> "))
        link.send(b"kept across restarts\x1a")
        assert b"+CMGW: " in link.read_until(lambda data: b"OK\r\n" in data)
    lab.stop()
    lab.start()
    answers = lab.at(lab.pty_b, "AT+CMGF=1", 'AT+CMGL="ALL"')
    assert b"kept across restarts" in answers[-1]
