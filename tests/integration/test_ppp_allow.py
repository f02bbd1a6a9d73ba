"""A dialled host reaches a real server through ``allow:`` and nothing else real.

atsim runs in a network namespace of its own (``unshare -rn``) whose loopback also holds
198.18.0.1 and 198.18.0.2 (RFC 2544's benchmarking range), with a TCP echo server listening
on both.  The scenario allows only 198.18.0.1.  ``atsim-dial`` brings the host up in a second
namespace whose only way out is the modem: its kernel's ``nc`` reaches the echo server at the
allowed address, and at the other address, where the same server listens, the network answers
as for any address outside ``allow``: unreachable.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap

import pytest

from tests.integration.harness import AtsimProcess, require_program, write_scenario
from tests.integration.test_ppp_tun import REASON, over_the_modem

pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]

ALLOWED, WALLED = "198.18.0.1", "198.18.0.2"
ECHO_PORT = 4000

ECHO_SERVER = """\
import socket, sys, threading

def echo(conn):
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", int(sys.argv[1])))
server.listen(8)
open(sys.argv[2], "w").close()
while True:
    conn, _ = server.accept()
    threading.Thread(target=echo, args=(conn,), daemon=True).start()
"""


@pytest.fixture(scope="module")
def walled_lab(tmp_path_factory):
    require_program("nc", "netcat-openbsd")
    require_program("ip", "iproute2")
    directory = tmp_path_factory.mktemp("allow")
    pty = directory / "modem0"
    network = textwrap.dedent(f"""\
        network:
          registration: {{delay: 0.1s}}
          apns:
            internet: {{pool: 10.71.0.0/24, dns: [10.71.0.53]}}
          allow: [{ALLOWED}/32]
          links: {{default: ideal}}
        """)
    scenario = write_scenario(directory, [f"- name: m1\n  ports:\n    - pty: {pty}\n"],
                              network=network)
    (directory / "echo.py").write_text(ECHO_SERVER)
    listening = directory / "echo-listening"
    # The echo server listens before twistd starts, in the namespace atsim's sockets use.
    setup = textwrap.dedent(f"""\
        ip link set lo up
        ip addr add {ALLOWED}/32 dev lo
        ip addr add {WALLED}/32 dev lo
        {sys.executable} echo.py {ECHO_PORT} {listening} &
        while [ ! -e {listening} ]; do sleep 0.05; done
        exec "$@"
        """)
    process = AtsimProcess(scenario)
    process.args = ["unshare", "-rn", "sh", "-c", setup, "sh", *process.args]
    process.start()
    try:
        process.wait_ready(ptys=[pty])
        yield directory, pty, process, None, None
    finally:
        process.stop()
        try:
            os.killpg(process.process.pid, signal.SIGKILL)  # the echo server left behind
        except ProcessLookupError:
            pass


def test_a_real_server_inside_allow_answers_the_dialled_host(walled_lab):
    output = over_the_modem(walled_lab, f"""\
        printf 'through allow\\n' | nc -N -w 30 {ALLOWED} {ECHO_PORT}
        """)
    assert "through allow\n" in output


def test_a_real_server_outside_allow_is_unreachable(walled_lab):
    output = over_the_modem(walled_lab, f"""\
        if printf 'walled\\n' | nc -v -N -w 30 {WALLED} {ECHO_PORT} 2>&1; then
            echo "crossed the wall"
        else
            echo "refused by the network"
        fi
        """)
    assert "refused by the network" in output
    assert "walled" not in output  # nothing came back
    assert "No route to host" in output
