"""GenPro chapter 7 in order, by a host program on one port of ``twistd -n atsim`` running
``scenarios/genpro-lab.yaml``: the manual's answers byte for byte, through the lab's real
FTP, echo and SNTP services and a host-side client reaching the modem's listening socket
through ``expose:``.  The scenario is the shipped one with free TCP ports and no PTY; the
address the network attributes is the lab's (80.10.32.x), not the printed 80.10.32.45."""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from pathlib import Path

import pytest

from tests.dialects.atsharp_support import LabHost
from tests.integration.harness import REPO, AtLink, AtsimProcess, free_tcp_ports

SCENARIO = REPO / "scenarios" / "genpro-lab.yaml"
DLE, ETX = b"\x10", b"\x03"


def line(text: str) -> bytes:
    return f"\r\n{text}\r\n".encode()


OK = line("OK")


def info(*texts: str) -> bytes:
    return line("\r\n".join(texts)) + OK


def lab_scenario(directory: Path, at_port: int, exposed: int) -> Path:
    text = SCENARIO.read_text(encoding="utf-8")
    text = re.sub(r"\n\s*- pty: [^\n]*", "", text)
    text = text.replace("tcp:7801:", f"tcp:{at_port}:").replace("tcp:18025:", f"tcp:{exposed}:")
    (directory / "genpro-lab" / "ftp").mkdir(parents=True)
    path = directory / "genpro-lab.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class Host(LabHost):
    def registered(self, timeout: float = 20.0) -> None:
        """"It is assumed that the modem is already connected in GSM" (§7.2.1)."""
        deadline = time.monotonic() + timeout
        while self.link.command("AT+CREG?") != info("+CREG: 0,1"):
            assert time.monotonic() < deadline, "never registered"
            time.sleep(0.2)

    def lines(self, count: int, timeout: float = 10.0) -> list[str]:
        got = self.link.read_until(lambda b: b.count(b"\r\n") >= 2 * count, timeout)
        end = 0
        for _ in range(2 * count):
            end = got.index(b"\r\n", end) + 2
        got = self.link.keep_after(got, end)
        return [part for part in got.decode("latin-1").split("\r\n") if part]


@pytest.fixture
def lab(tmp_path):
    at_port, exposed = free_tcp_ports(2)
    process = AtsimProcess(lab_scenario(tmp_path, at_port, exposed)).start()
    try:
        process.wait_ready(tcp_ports=[at_port])
        with AtLink.open_tcp(at_port) as link:
            yield Host(link), exposed
    finally:
        process.stop()
    assert "Traceback" not in process.log()


def test_chapter_7_in_order(lab, tmp_path):
    h, exposed = lab
    h.at("ATE0", b"ATE0\r" + OK)
    h.registered()

    # 7.1.1
    h.at("AT+CGREG=1", OK)
    h.at("AT#GPRSMODE=1", OK)
    h.at('AT#APNSERV="apn_serveur"', OK)
    h.at('AT#APNUN="user_name_APN"', OK)
    h.at('AT#APNPW="password_APN"', OK)
    h.at("AT#VGPRS", info('#APNPW: "password_APN"', '#APNSERV: "apn_serveur"',
                          '#APNUN: "user_name_APN"', "#GPRSMODE: 1", "#GPRSCID: 1"))
    # 7.1.2
    h.at('AT#TCPSERV=1,"255.255.255.255"', OK)
    h.at('AT#TCPSERV=1,"distantserver.com"', OK)
    h.at('AT#TCPPOINT=1,"1025"', OK)
    # 7.1.3
    for setting in ("AT#FTPMODE=0", 'AT#FTPSERV="server.ftp.fr"', 'AT#FTPUN="username"',
                    'AT#FTPPW="password"', 'AT#FTPPORT="21"', 'AT#FTPGETPATH="."',
                    'AT#FTPPUTPATH="."', 'AT#FTPPUTFILENAME="filename.txt"',
                    'AT#FTPGETFILENAME="filename.txt"', 'AT#FTPTYPE="I"'):
        h.at(setting, OK)

    # 7.2.1: detached since start-up (G23); the attach takes the network's attach time
    h.at("AT+CGATT=1", OK + line("+CGREG: 2") + line("+CGREG: 1"))
    time.sleep(0.6)  # §8: at least 500 ms after the OK before AT#CONNECTIONSTART
    # 7.2.2
    h.link.send(b"AT#CONNECTIONSTART\r")
    address, activation = h.lines(2)
    assert ipaddress.IPv4Address(address) in ipaddress.IPv4Network("80.10.32.0/24")
    assert activation == "Ok_Info_GprsActivation"

    # 7.2.3, 7.2.4: the echo server gives the bytes back; the local ETX closes
    h.at("AT#OTCP=1", line("Ok_Info_WaitingForData"))
    h.data(b"Data" + DLE + ETX, b"Data" + DLE + ETX)
    h.data(ETX, line("Ok_Info_SocketClosed"))

    # 7.4.7: the transmission and reception examples through the lab's FTP server
    h.at("AT#FTPPUT", line("Ok_Info_DataBegin"))
    h.data(b"0123456" + DLE + DLE + b"654321" + DLE + ETX + b"123456" + ETX, OK)
    stored = tmp_path / "genpro-lab" / "ftp" / "filename.txt"
    assert stored.read_bytes() == b"0123456" + DLE + b"654321" + ETX + b"123456"
    h.at("AT#FTPGET", line("Ok_Info_DataBegin") + b"0123456" + DLE + DLE + b"654321" + DLE
         + ETX + b"123456" + ETX + OK)

    # 7.3.3, 7.3.4: a server socket, the host's client through expose:
    h.at('AT#TCPSERV=1,"255.255.255.255"', OK)
    h.at("AT#LTCPSTART=1", OK)
    with socket.create_connection(("127.0.0.1", exposed), timeout=10) as client:
        h.expect(line("Ok_Info_WaitingForData"))
        client.sendall(b"from the client")
        h.expect(b"from the client")
        h.link.send(b"to the client")
        assert client.recv(100) == b"to the client"
    h.expect(ETX + line("Ok_Info_SocketClosed"))

    # 7.5.3
    h.at("AT+EGNTPUTC=9,30", OK)
    h.at("AT+EGNTP=1", OK, timeout=40)
    h.at('AT+EGNTP=2,"mySntpServer",45', OK, timeout=50)
    h.link.send(b'AT+EGNTP=2,"mySntpServer",45,1\r')
    shown, final = h.lines(2, timeout=50)
    assert re.fullmatch(r"\d\d/\d\d/\d\d,\d\d:\d\d:\d\d", shown) and final == "OK"

    # 7.2.5
    h.at("AT#CONNECTIONSTOP", OK)
    h.at("AT#VSTATE", info('#STATE: "IDLE"'))
