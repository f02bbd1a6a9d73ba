"""WIP's UART bearer (``AT+WIPBR``, bid 1: PPP on the modem's first port, D64 of
docs/dialects/wip.md) against lwIP's PPP on that port of ``twistd atsim``: the modem as PPP
server with lwIP dialling in, and the modem as PPP client of lwIP's server.  Either way a WIP
TCP socket, driven in data mode on the modem's second port, reaches a listener of lwIP's
stack and what it sends comes back through lwIP.
"""

from __future__ import annotations

import random
import string

import pytest

from tests.integration.harness import AtLink, AtsimProcess, free_tcp_ports, write_scenario
from tests.lwip.host import LwipHost, run_host

pytestmark = pytest.mark.clients

ETX = b"\x03"
#: Printable, so nothing in it needs WIP's DLE escaping in continuous data mode.
PAYLOAD = "".join(random.Random(5).choices(string.ascii_letters + string.digits, k=32 * 1024)
                  ).encode()


@pytest.fixture
def wip(tmp_path):
    """A WIP modem: UART1 on a PTY (the bearer's port), UART2 and a third port on TCP."""
    uart2, third = free_tcp_ports(2)
    modem = (f'- name: w1\n  dialect: wip\n  revision: "5.01"\n  ports:\n'
             f'    - pty: {tmp_path / "uart1"}\n'
             f'    - tcp: "tcp:{uart2}:interface=127.0.0.1"\n'
             f'    - tcp: "tcp:{third}:interface=127.0.0.1"\n')
    process = AtsimProcess(write_scenario(tmp_path, [modem])).start()
    try:
        process.wait_ready(ptys=[tmp_path / "uart1"], tcp_ports=[uart2, third])
        with AtLink.open_tcp(uart2) as at, AtLink.open_tcp(third) as other:
            for line in ("ATE0", "AT+CMEE=1", "AT+WIPCFG=1", "AT+WIPBR=1,1"):
                assert at.command(line).endswith(b"\r\nOK\r\n"), process.diagnostics()
            other.command("ATE0")
            yield str(tmp_path / "uart1"), at, other, process
    finally:
        process.stop()


def echo_through_lwip(at: AtLink, address: str, port: int) -> None:
    """A WIP TCP client to lwIP's listener; in data mode on UART2 the payload goes out and
    comes back; a lone ETX shuts the sending side, lwIP closes in turn (SHUTDOWN)."""
    assert at.command(f'AT+WIPCREATE=2,1,"{address}",{port}') == b"\r\nOK\r\n"
    at.read_until(lambda b: b"\r\n+WIPREADY: 2,1\r\n" in b)
    assert at.command("AT+WIPDATA=2,1,1") == b"\r\nCONNECT\r\n"
    at.send(PAYLOAD)
    assert at.read_until(lambda b: len(b) >= len(PAYLOAD), 60) == PAYLOAD
    at.send(ETX)
    assert at.read_until(lambda b: b"\r\nSHUTDOWN\r\n" in b, 60) == b"\r\nSHUTDOWN\r\n"


def test_server_bearer_gives_lwip_its_address_and_a_wip_socket_reaches_lwip(lwip_host, wip):
    uart1, at, _, process = wip
    assert at.command('AT+WIPBR=4,1,1,"user","secret"') == b"\r\nOK\r\n"
    host = LwipHost(lwip_host, uart1, "--user", "user", "--password", "secret",
                    "--listen", "7000", "--then", "AT")
    try:
        report = at.read_until(lambda b: b"+WIPBR: 1," in b and b.endswith(b"\r\n"), 60)
        assert report == b"\r\n+WIPBR: 1,0,192.168.0.1,192.168.0.2,0.0.0.0,0.0.0.0\r\n"
        assert host.wait_line("ppp up ") == \
            "ppp up ip 192.168.0.2 gateway 192.168.0.1 dns 0.0.0.0 0.0.0.0"
        host.wait_line("listening 7000")
        echo_through_lwip(at, "192.168.0.2", 7000)
        run = host.finish()
    finally:
        host.kill()
    assert run.returncode == 0, f"{run}\n{process.diagnostics()[-3000:]}"
    assert run.line("auth ") == "auth by us chap, by the peer none"
    assert run.line("served ").startswith(f"served {len(PAYLOAD)} from 192.168.0.1:")
    # lwIP's Terminate-Request ends the bearer; UART1 is an AT port again.
    assert run.line("ppp down") == "ppp down closed by us"
    assert run.steps[-1] == "at AT -> OK"


def test_a_wrong_login_is_refused_by_the_server_bearer(lwip_host, wip):
    uart1, at, _, _ = wip
    assert at.command('AT+WIPBR=4,1,1,"user","secret"') == b"\r\nOK\r\n"
    host = LwipHost(lwip_host, uart1, "--user", "user", "--password", "wrong", "--then", "AT")
    try:
        report = at.read_until(lambda b: b"+WIPBR: 1," in b and b.endswith(b"\r\n"), 60)
        run = host.finish()
    finally:
        host.kill()
    assert report == b"\r\n+WIPBR: 1,814,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0\r\n"
    assert run.returncode == 4, run
    assert run.line("ppp down") == "ppp down authentication failed"
    assert run.steps[-1] == "at AT -> OK"


def test_the_server_bearer_ends_a_host_that_does_not_log_in(lwip_host, wip):
    uart1, at, _, _ = wip
    assert at.command('AT+WIPBR=4,1,1,"user","secret"') == b"\r\nOK\r\n"
    run = run_host(lwip_host, uart1, "--then", "AT")
    report = at.read_until(lambda b: b"+WIPBR: 1," in b and b.endswith(b"\r\n"), 60)
    assert report == b"\r\n+WIPBR: 1,814,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0\r\n"
    assert run.returncode == 4, run
    assert run.line("ppp down") == "ppp down peer ended the link"
    assert run.steps[-1] == "at AT -> OK"


def test_client_bearer_logs_in_to_lwips_server_and_is_ended_by_wipbr_5(lwip_host, wip):
    uart1, at, other, process = wip
    for line in ('AT+WIPBR=2,1,0,"user"', 'AT+WIPBR=2,1,1,"secret"'):
        assert at.command(line) == b"\r\nOK\r\n"
    host = LwipHost(lwip_host, uart1, "--server", "--local", "192.168.1.1",
                    "--peer", "192.168.1.2", "--dns", "192.168.1.53", "--user", "user",
                    "--password", "secret", "--auth", "chap", "--listen", "7000",
                    "--until-peer-ends", "--then", "AT")
    try:
        host.wait_line("ppp listening")
        assert at.command("AT+WIPBR=4,1,0", 60) == b"\r\nOK\r\n"  # once IPCP is up
        assert host.wait_line("ppp up ") == \
            "ppp up ip 192.168.1.1 gateway 192.168.1.2 dns 0.0.0.0 0.0.0.0"
        for option, value in ((15, "192.168.1.2"), (16, "192.168.1.1"), (17, "192.168.1.53")):
            assert at.command(f"AT+WIPBR=3,1,{option}") == \
                f'\r\n+WIPBR: 1,{option},"{value}"\r\n\r\nOK\r\n'.encode()
        host.wait_line("listening 7000")
        echo_through_lwip(at, "192.168.1.1", 7000)
        host.wait_line("served ")
        # +WIPBR=5 from the third port: the modem's Terminate-Request ends lwIP's link.
        # (URCs of the socket show on this port too: only the result matters here)
        assert other.command("AT+WIPBR=5,1").endswith(b"\r\nOK\r\n")
        run = host.finish()
    finally:
        host.kill()
    assert run.returncode == 0, f"{run}\n{process.diagnostics()[-3000:]}"
    assert run.line("auth ") == "auth by us none, by the peer chap"
    assert run.line("ppp down") == "ppp down peer ended the link"
    assert run.steps[-1] == "at AT -> OK"
    assert other.command("AT+WIPBR?").endswith(b"\r\n1,0\r\n\r\nOK\r\n")
