"""lwIP's PPPoS stack (LCP, PAP, CHAP-MD5, IPCP, TCP, UDP, DNS: an implementation independent
of atsim's) dials a generic modem of ``twistd atsim`` on its real PTY or TCP port, as firmware
built on lwIP does, and uses the link: the lab web server, echo and DNS, a megabyte over a
line that loses and damages octets, and the end of the call.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import textwrap

import pytest

from tests.integration.harness import (
    AtLink,
    AtsimProcess,
    free_tcp_ports,
    wait_for,
    write_scenario,
)
from tests.lwip.host import HANG_GUARD, LwipHost, run_host

pytestmark = pytest.mark.clients

CORP = ipaddress.ip_network("10.71.0.0/24")
INTERNET = ipaddress.ip_network("10.70.0.0/24")
WWW_LAB = "198.18.0.1"  # the first lab host's address (docs/scenario.md)
BLOB = 256 * 1024
MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    directory = tmp_path_factory.mktemp("lwip")
    www = directory / "www"
    www.mkdir()
    (www / "index.html").write_text("hello from the lab\n")
    (www / "blob.bin").write_bytes(os.urandom(BLOB))
    network = textwrap.dedent("""\
        network:
          registration: {delay: 0.1s}
          apns:
            internet: {pool: 10.70.0.0/24, dns: [10.70.0.53]}
            corp: {pool: 10.71.0.0/24, dns: [10.71.0.53], user: me, password: s3cret}
          hosts:
            www.lab:
              services:
                http: {root: ./www}
                echo: {}
          links: {default: ideal}
        timeline:
          # From the dial on, lossy's line loses and damages octets both ways: frames fail
          # their FCS, and TCP (lwIP's and the gateway's) must retransmit.
          - when: {command: "ATD*99***1#"}
            modems: lossy
            do: {drop_bytes: {rate: 0.00002}}
          - when: {command: "ATD*99***1#"}
            modems: lossy
            do: {corrupt_bytes: {rate: 0.00002}}
        """)
    tcp, exposed = free_tcp_ports(2)
    modems = [
        f'- name: m1\n  ports:\n    - pty: {directory / "m1"}\n'
        f'    - tcp: "tcp:{tcp}:interface=127.0.0.1"\n'
        f'  expose:\n    "tcp/8080": "tcp:{exposed}:interface=127.0.0.1"\n',
        f'- name: lossy\n  ports:\n    - pty: {directory / "lossy"}\n',
    ]
    process = AtsimProcess(write_scenario(directory, modems, network=network)).start()
    try:
        process.wait_ready(ptys=[directory / "m1", directory / "lossy"], tcp_ports=[tcp])
        for name in ("m1", "lossy"):  # a host dials once the modem is attached
            with AtLink.open_pty(directory / name) as at:
                wait_for(lambda at=at: b"+CGREG: 0,1" in at.command("AT+CGREG?"), 20,
                         f"{name} to attach", process.diagnostics)
        yield directory, process, tcp, exposed
    finally:
        process.stop()


def pty(lab, name: str = "m1") -> str:
    return str(lab[0] / name)


def ppp_address(line: str) -> ipaddress.IPv4Address:
    return ipaddress.ip_address(re.match(r"ppp up ip (\S+) ", line).group(1))


#: Every run on m1 waits for the modem's NO CARRIER (RFC 1661's Stopping state after lwIP's
#: Terminate-Request, 3 s) before it ends: otherwise it would meet the next run's first AT.
HANG_UP = ("--wait-no-carrier",)


def dial(apn: str, *, command: str = "ATD*99***1#") -> list[str]:
    return ["--at", "AT", "--at", f'AT+CGDCONT=1,"IP","{apn}"', "--dial", command]


def test_pap_login_the_address_the_modem_reports_a_download_and_the_hangup(lwip_host, lab):
    directory, process, tcp, _ = lab
    host = LwipHost(lwip_host, pty(lab), *dial("corp"), "--user", "me", "--password", "s3cret",
                    "--auth", "pap", "--hold", "--get", "www.lab:80/blob.bin",
                    "--out", str(directory / "blob.got"), "--wait-no-carrier",
                    "--then", "AT", "--then", "AT+CGACT?")
    try:
        address = ppp_address(host.wait_line("ppp up "))
        host.wait_line("holding")
        with AtLink.open_tcp(tcp) as at:  # the modem's other port, while the link is up
            assert f'+CGPADDR: 1,"{address}"' in at.command("AT+CGPADDR=1").decode()
        host.release()
        run = host.finish()
    finally:
        host.kill()
    assert run.returncode == 0, f"{run}\n{process.diagnostics()[-3000:]}"
    assert address in CORP
    assert run.line("auth ") == "auth by us pap, by the peer none"
    assert run.line("http ") == f"http 200 {BLOB}"
    assert (directory / "blob.got").read_bytes() == (directory / "www" / "blob.bin").read_bytes()
    # lwIP's Terminate-Request ends the call: NO CARRIER, then AT on the same port, and the
    # context is down.
    assert run.steps[-5:] == ["ppp down closed by us", "hangup NO CARRIER", "at AT -> OK",
                              "info +CGACT: 1,0", "at AT+CGACT? -> OK"]


def test_chap_md5_login_and_a_lab_name_through_the_ipcp_name_server(lwip_host, lab):
    directory = lab[0]
    run = run_host(lwip_host, pty(lab), *dial("corp"), "--user", "me", "--password", "s3cret",
                   "--auth", "chap", "--resolve", "www.lab", "--get", "www.lab:80/index.html",
                   "--out", str(directory / "index.got"), "--wait-no-carrier")
    assert run.returncode == 0, run
    assert run.line("auth ") == "auth by us chap, by the peer none"
    assert run.line("ppp up ").endswith(" gateway 192.0.0.1 dns 10.71.0.53 0.0.0.0")
    assert run.line("resolve ") == f"resolve www.lab {WWW_LAB}"
    assert run.line("http ") == "http 200 19"
    assert (directory / "index.got").read_text() == "hello from the lab\n"


def test_a_wrong_chap_secret_is_refused_and_the_modem_hangs_up(lwip_host, lab):
    run = run_host(lwip_host, pty(lab), *dial("corp"), "--user", "me", "--password", "wrong",
                   "--auth", "chap", "--wait-no-carrier", "--then", "AT")
    assert run.returncode == 4, run
    assert "ppp up" not in run.stdout
    assert run.steps[-3:] == ["ppp down authentication failed", "hangup NO CARRIER",
                              "at AT -> OK"]
    assert "error: PPP: authentication failed" in run.stderr


def test_a_host_without_a_login_is_ended_by_the_modem(lwip_host, lab):
    """The APN wants a login and lwIP has none: lwIP rejects the Authentication-Protocol
    option, the modem terminates LCP and drops carrier while lwIP still waits out its
    restart timer after the Terminate-Ack (RFC 1661 §4.2); the harness sees NO CARRIER."""
    run = run_host(lwip_host, pty(lab), *dial("corp"), "--wait-no-carrier", "--then", "AT")
    assert run.returncode == 4, run
    assert "ppp up" not in run.stdout
    assert run.steps[-3:] == ["ppp down peer ended the link", "hangup NO CARRIER",
                              "at AT -> OK"]


def test_cgdata_on_the_tcp_port_udp_and_tcp_echo(lwip_host, lab):
    """``AT+CGDATA="PPP",1`` instead of ATD, on the modem's TCP port instead of its PTY."""
    tcp = lab[2]
    run = run_host(lwip_host, f"tcp:127.0.0.1:{tcp}",
                   *dial("internet", command='AT+CGDATA="PPP",1'), "--udp", "www.lab:7:512",
                   "--echo", "www.lab:7:65536", "--wait-no-carrier", "--then", "AT")
    assert run.returncode == 0, run
    assert run.line("at AT+CGDATA") == 'at AT+CGDATA="PPP",1 -> CONNECT'
    assert run.line("auth ") == "auth by us none, by the peer none"
    assert ppp_address(run.line("ppp up ")) in INTERNET
    assert run.line("udp ") == "udp 512 ok"
    assert run.line("echo ").startswith("echo 65536 ok;")
    assert run.steps[-2:] == ["hangup NO CARRIER", "at AT -> OK"]


def test_frames_respect_the_small_mru_lwip_asks_for(lwip_host, lab):
    """RFC 1661 §6.1: lwIP asks for an MRU of 576.  The lab's echo of a 1000-octet datagram
    comes back longer than that, so the gateway sends it in fragments (lwIP reassembles);
    TCP follows the MSS lwIP derives from the MRU.  No frame exceeds the MRU plus PPP's
    address, control, protocol and FCS octets."""
    directory = lab[0]
    run = run_host(lwip_host, pty(lab), *dial("internet"), "--mru", "576",
                   "--udp", "www.lab:7:1000", "--get", "www.lab:80/blob.bin",
                   "--out", str(directory / "mru.got"), *HANG_UP)
    assert run.returncode == 0, run
    assert run.line("udp ") == "udp 1000 ok"
    assert run.line("http ") == f"http 200 {BLOB}"
    assert (directory / "mru.got").read_bytes() == (directory / "www" / "blob.bin").read_bytes()
    longest = int(re.match(r"longest frame received (\d+)", run.line("longest ")).group(1))
    assert 576 < longest <= 576 + 6


def test_the_control_characters_lwip_asks_to_be_escaped_never_come_raw(lwip_host, lab):
    """RFC 1662 §7.1: lwIP's ACCM asks for XON and XOFF (0x11, 0x13) escaped, as a host
    with software flow control does; the echoed stream is full of both."""
    run = run_host(lwip_host, pty(lab), *dial("internet"), "--accm", "000A0000",
                   "--echo", "www.lab:7:262144", *HANG_UP)
    assert run.returncode == 0, run
    assert run.line("echo ").startswith("echo 262144 ok;")
    assert run.line("raw octets ") == "raw octets the ACCM escapes 0"


def test_escape_and_ato_halfway_through_a_transfer_keep_the_connection(lwip_host, lab):
    """``+++`` between guard times leaves data mode with PPP up (OK), ``ATO`` resumes it
    (CONNECT) and the frames the network sent meanwhile follow: the echo completes."""
    run = run_host(lwip_host, pty(lab), *dial("internet"), "--escape",
                   "--echo", "www.lab:7:524288", "--wait-no-carrier", "--then", "AT")
    assert run.returncode == 0, run
    assert run.line("escape ") == "escape +++ -> OK"
    assert run.line("at ATO") == "at ATO -> CONNECT"
    assert run.line("echo ").startswith("echo 524288 ok;")
    assert run.steps[-2:] == ["hangup NO CARRIER", "at AT -> OK"]


def test_a_program_on_this_machine_reaches_lwips_listener_through_expose(lwip_host, lab):
    """Inbound TCP: the modem's ``expose:`` port on this machine's loopback leads to port
    8080 of the host's address; the gateway offers the connection to lwIP (from its own
    address), lwIP's listener sends back what it gets."""
    exposed = lab[3]
    payload = bytes(range(256)) * 256
    host = LwipHost(lwip_host, pty(lab), *dial("internet"), "--listen", "8080", *HANG_UP)
    try:
        host.wait_line("listening 8080")
        with socket.create_connection(("127.0.0.1", exposed), 30) as sock:
            sock.settimeout(HANG_GUARD)
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            echoed = b""
            while chunk := sock.recv(65536):
                echoed += chunk
        run = host.finish()
    finally:
        host.kill()
    assert echoed == payload
    assert run.returncode == 0, run
    assert run.line("served ").startswith(f"served {len(payload)} from 192.0.0.1:")


def test_a_megabyte_through_the_lab_echo(lwip_host, lab):
    run = run_host(lwip_host, pty(lab), *dial("internet"), "--echo", f"www.lab:7:{MEGABYTE}",
                   *HANG_UP)
    assert run.returncode == 0, run
    assert run.line("echo ").startswith(f"echo {MEGABYTE} ok;")


def test_a_megabyte_and_a_download_over_a_line_that_loses_and_damages_octets(lwip_host, lab):
    """lwIP's TCP retransmission meets the gateway's: every octet comes back in order,
    although frames were lost both ways (lwIP counts those it received damaged)."""
    directory, process, _, _ = lab
    run = run_host(lwip_host, pty(lab, "lossy"), *dial("internet"),
                   "--echo", f"www.lab:7:{MEGABYTE}", "--get", "www.lab:80/blob.bin",
                   "--out", str(directory / "lossy.got"))
    assert run.returncode == 0, f"{run}\n{process.diagnostics()[-3000:]}"
    damaged = int(re.search(r"(\d+) damaged frames", run.line("echo ")).group(1))
    assert damaged > 0
    assert run.line("echo ").startswith(f"echo {MEGABYTE} ok;")
    assert run.line("http ") == f"http 200 {BLOB}"
    assert (directory / "lossy.got").read_bytes() == (directory / "www" / "blob.bin").read_bytes()
