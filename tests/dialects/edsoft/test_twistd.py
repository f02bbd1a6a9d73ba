"""002 Appendix A, A.1 to A.8 in order, by a host program on one port of ``twistd -n atsim``
running ``scenarios/edsoft-lab.yaml``: the manual's answers byte for byte, through the lab's
real SMTP, POP3, FTP and echo services.

The scenario is the shipped one with three changes a test needs: its TCP ports are free
ones, it has no PTYs, and edsoft-1's SIM asks for a PIN so that A.3's ``AT+CPIN`` is a real
step.  What the manual prints that cannot come back as printed (its placeholders, its
addresses, its typing slips) is decision E101 of docs/dialects/edsoft.md."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from pathlib import Path

import pytest

from tests.dialects.atsharp_support import LabHost
from tests.integration.harness import REPO, AtLink, AtsimProcess

SCENARIO = REPO / "scenarios" / "edsoft-lab.yaml"
PIN = "0000"


def line(text: str) -> bytes:
    return f"\r\n{text}\r\n".encode()


OK = line("OK")


def info(*texts: str) -> bytes:
    return b"".join(line(t) for t in texts) + OK


def two_free_ports() -> int:
    """A port ``p`` with ``p+1`` free as well (the scenario numbers ports ``base+n``)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", first))
                b.bind(("127.0.0.1", first + 1))
        except OSError:
            continue
        return first
    pytest.fail("no two consecutive free ports")


def lab_scenario(directory: Path, base: int) -> Path:
    text = SCENARIO.read_text(encoding="utf-8")
    text = re.sub(r"\n\s*- pty: [^\n]*", "", text)
    text = text.replace("{7300+n}", f"{{{base - 1}+n}}")
    text = text.replace('    msisdn: "+3360000010{n}"\n',
                        f'    msisdn: "+3360000010{{n}}"\n    sim: {{pin: "{PIN}"}}\n')
    assert f'pin: "{PIN}"' in text and "pty:" not in text.split("modems:")[1].split("network")[0]
    (directory / "edsoft-lab" / "ftp").mkdir(parents=True)
    path = directory / "edsoft-lab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class Host(LabHost):
    def until_idle(self, timeout: float = 10.0) -> None:
        """AT#VSTATE until the connection that AT#CONNECTIONSTOP ended is gone (§8.2)."""
        deadline = time.monotonic() + timeout
        while True:
            answer = self.link.command("AT#VSTATE")
            if answer == info('#STATE: "IDLE"'):
                return
            assert answer == info('#STATE: "DISCONNECTING"')
            assert time.monotonic() < deadline, "the connection never ended"
            time.sleep(0.1)

    def address(self, timeout: float = 10.0) -> str:
        """An address line the manual prints as an example (``213.30.30.30``)."""
        got = self.link.read_until(lambda b: b.count(b"\r\n") >= 2, timeout)
        got = self.link.keep_after(got, got.index(b"\r\n", 2) + 2)
        return got.decode().strip()


@pytest.fixture
def host(tmp_path):
    base = two_free_ports()
    process = AtsimProcess(lab_scenario(tmp_path, base)).start()
    try:
        process.wait_ready(tcp_ports=[base])
        with AtLink.open_tcp(base) as link:
            yield Host(link)
    finally:
        process.stop()
    # nothing the program did left a traceback in atsim's log
    assert "Traceback" not in process.log()


def test_appendix_a_in_order(host, tmp_path):
    h = host
    h.at("ATE0", b"ATE0\r" + OK)  # the host's own: answers without the echo, as printed

    # A.1: start the TCP/IP stack; its version (E16: the §8.1.2 line)
    h.at("AT+WOPEN=1", OK)
    h.at("AT#VVERSION", info('#VERSION: "eDsoft-W302_V03.00 67826 Mar 18 2003 18:42:19"'))

    # A.2
    h.at("AT#PPPmode=1", OK)
    h.at("AT#PPPmode?", info("#PPPMODE: 1"))

    # A.3: "xxxx" is the SIM's PIN; +CREG: 1 once the network took the module
    h.at(f"AT+CPIN={PIN}", OK)
    h.at("AT+CREG=1", OK)
    h.expect(line("+CREG: 1"))

    # A.4 (E56): the lab attaches with the registration; detached first, the attach is a
    # change +CGREG reports
    h.at("AT+CGATT=0", OK)
    h.at("AT+CGREG=1", OK)
    h.at("AT+CGATT=1", OK + line("+CGREG: 2") + line("+CGREG: 1"))

    # A.5.1: the lab's ISP at 0860000000; "xxx.xxx.xxx" is no address (E6)
    h.at("AT#GPRSMODE=0", OK)
    h.at('AT#DIALN1="0860000000"', OK)
    h.at('AT#ISPUN="login"', OK)
    h.at('AT#ISPPW="password"', OK)
    h.at('AT#DNSSERV1="xxx.xxx.xxx"', line("#CME ERROR: 34882"))
    h.at("AT#ConnectionStart", line("DIALING") + line("0860000000") + line("CONNECT 9600")
         + line("213.30.30.30") + line("Ok_Info_Ppp"), timeout=20)
    h.at("AT#ConnectionStop", OK)
    h.until_idle()  # the call's release takes its time: then the next connection (E101)

    # A.5.2: the APN as printed; its address is the lab's (E101)
    h.at("AT#GPRSMODE=1", OK)
    h.at('AT#APNSERV="apnserver.com"', OK)
    h.at('AT#APNUN="login"', OK)
    h.at('AT#APNPW="password"', OK)
    h.link.send(b"AT#ConnectionStart\r")
    address = h.address()
    assert ipaddress.IPv4Address(address) in ipaddress.IPv4Network("213.30.31.0/24")
    h.expect(line("Ok_Info_GprsActivation"))
    # the link stays up for A.6-A.8 ("When required, stop the Internet connection")

    # A.6.1 (E22: "AT#SENDERADDR" typed with its "=")
    for setting in ('AT#SMTPSERV="smtp.domain.com"', 'AT#DOMAIN="domain.com"',
                    'AT#SENDERNAME="Test module"', 'AT#SENDERADDR="module@domain.com"',
                    "AT#REC1=recipient@domain.com", "AT#CCREC1=ccrecipient@domain.com",
                    'AT#SUBJ1="Email Subject"'):
        h.at(setting, OK)
    h.at("AT#Putmail", line("Ok_Info_WaitingForData"))
    h.data(b"Data\r\nData\r\n.\r\n", OK)  # not echoed; the end sequence, then OK

    # A.6.2: the mail just sent, as printed without its header (POP3HEADERMODE 0)
    for setting in ('AT#POP3SERV="pop3.domain.com"', 'AT#POP3UN="module@domain.com"',
                    'AT#POP3PW="password"', "AT#POP3HEADERMODE=0"):
        h.at(setting, OK)
    h.at("AT#Getmail", line("Ok_Info_Mail") + b"Data\r\nData\r\n.\r\n" + OK)

    # A.7.1: the file's bytes, DLE-escaped ETX and DLE among them; the ETX is echoed
    upload = b"first line\r\n\x10\x03 and \x10\x10 inside\r\n"
    for setting in ('AT#FTPSERV="pop3.domain.com"', 'AT#FTPUN="ftplogin"',
                    'AT#FTPPW="ftppassword"', 'AT#FTPPUTFILENAME="upload.txt"',
                    'AT#FTPPUTPATH="."'):
        h.at(setting, OK)
    h.at("AT#FTPput", line("Ok_Info_WaitingForData"))
    h.data(upload + b"\x03", b"\x03" + OK)
    stored = tmp_path / "edsoft-lab" / "ftp" / "upload.txt"
    assert stored.read_bytes() == b"first line\r\n\x03 and \x10 inside\r\n"

    # A.7.2: the same file back, escaped as it went, then ETX and OK
    for setting in ('AT#FTPSERV="pop3.domain.com"', 'AT#FTPUN="ftplogin"',
                    'AT#FTPPW="ftppassword"', 'AT#FTPGETFILENAME="upload.txt"'):
        h.at(setting, OK)
    h.at("AT#FTPget", line("Ok_Info_DataBegin") + upload + b"\x03" + OK)

    # A.8.2: "xxx.xxx.xxx.xxx" is the lab's echo host, on the echo port (E101)
    h.at('AT#TCPSERV=1,"echo.lab"', OK)
    h.at('AT#TCPPORT=1,"7"', OK)
    h.at("AT#otcp=1", line("Ok_Info_WaitingForData"))
    h.data(b"Data", b"Data")  # "Data flow is bidirectionnal"
    h.data(b"\x10\x03Data\x10\x10", b"\x10\x03Data\x10\x10")
    h.data(b"\x03", OK)  # closed locally by the host's ETX

    h.at("AT#ConnectionStop", OK)
    h.at("AT#VSTATE", info('#STATE: "IDLE"'))
