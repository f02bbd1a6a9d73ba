"""The WIP dialect in the real simulator: ``twistd -n atsim`` on a scenario with a WIP modem,
AT over its real TCP port, its TCP socket reaching a server of the test on loopback."""

from __future__ import annotations

import socket
import threading

import pytest

from tests.integration.harness import (
    AtLink,
    AtsimProcess,
    free_tcp_ports,
    modem_yaml,
    wait_for,
    write_scenario,
)

NETWORK = """\
network:
  registration:
    delay: 0.1s
  apns:
    "*": {pool: 10.64.0.0/16, dns: [10.64.255.53]}
  allow: [127.0.0.0/8]
  links:
    default: ideal
"""


class EchoServer:
    """A real TCP echo server on loopback, in a thread of the test."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def wip_lab(tmp_path):
    (port,) = free_tcp_ports(1)
    scenario = write_scenario(tmp_path, [modem_yaml("w", tcp=port,
                                                    extra="dialect: wip\n")], network=NETWORK)
    process = AtsimProcess(scenario).start()
    try:
        process.wait_ready(tcp_ports=[port])
        with AtLink.open_tcp(port) as link:
            yield link
    finally:
        process.stop()


def test_tcp_client_echo_through_the_real_simulator(wip_lab):
    link = wip_lab
    server = EchoServer()
    try:
        assert link.command("ATE0+CMEE=1").endswith(b"OK\r\n")
        wait_for(lambda: b"+CREG: 0,1" in link.command("AT+CREG?"), 10, "registration")
        assert link.command("AT+WIPCFG=1") == b"\r\nOK\r\n"
        assert link.command("AT+WIPBR=1,6") == b"\r\nOK\r\n"
        assert link.command("AT+WIPBR=4,6,0") == b"\r\nOK\r\n"
        assert link.command(f'AT+WIPCREATE=2,1,"127.0.0.1",{server.port}') == b"\r\nOK\r\n"
        link.read_until(lambda b: b"+WIPREADY: 2,1\r\n" in b)
        assert link.command("AT+WIPDATA=2,1,1") == b"\r\nCONNECT\r\n"
        link.send(b"ping \x10\x03 pong")
        assert link.read_until(lambda b: b.endswith(b"pong")) == b"ping \x10\x03 pong"
    finally:
        server.close()
