"""The host's own TCP/IP over the simulated modem: ``twistd atsim`` with a modem on a real
PTY, ``atsim-dial`` in a fresh network namespace (``unshare -rnm``) dialling ``ATD*99***1#``
and carrying PPP to a TUN interface, and the kernel's ping, curl and nc through it to the lab
services and to a server on this machine's loopback (a ``hosts:`` forward).

Skipped with the reason where a TUN device cannot be made in a user namespace, or where
ping, curl or nc are missing outside CI.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tests.inet.test_kernel_tcp import namespace_unavailable
from tests.integration.harness import (
    REPO,
    AtsimProcess,
    free_tcp_ports,
    require_program,
    wait_for,
    write_scenario,
)

REASON = namespace_unavailable()
pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]

#: Big enough that a transfer crosses thousands of PPP frames and many TCP windows, small
#: enough for a shared CI machine (a few seconds each way here).
LARGE = 10 * 1024 * 1024
#: What a rate-limited download carries while the link goes through +++ and ATO.
SLOW = 1024 * 1024
RUN_TIMEOUT = 240


class EchoServer:
    """A TCP echo server on this machine's loopback: the real endpoint behind a forward."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    for program, package in (("curl", "curl"), ("ping", "iputils-ping"),
                             ("nc", "netcat-openbsd")):
        require_program(program, package)
    directory = tmp_path_factory.mktemp("ppp")
    www = directory / "www"
    www.mkdir()
    (www / "index.html").write_text("hello from the lab\n")
    (www / "large.bin").write_bytes(os.urandom(LARGE))
    (www / "slow.bin").write_bytes(os.urandom(SLOW))
    echo = EchoServer()
    pty = directory / "modem0"
    network = textwrap.dedent(f"""\
        network:
          registration: {{delay: 0.1s}}
          apns:
            internet: {{pool: 10.70.0.0/24, dns: [10.70.0.53]}}
          hosts:
            www.lab:
              services:
                http: {{root: ./www}}
                ftp: {{root: ./www, users: {{user: pass}}}}
                echo: {{}}
            real.lab:
              forward: "127.0.0.1:{echo.port}"
          links: {{default: ideal}}
        """)
    exposed, tcp = free_tcp_ports(2)
    modem = (f"- name: m1\n  ports:\n    - pty: {pty}\n"
             f"    - tcp: \"tcp:{tcp}:interface=127.0.0.1\"\n"
             f"  expose:\n    \"tcp/8080\": \"tcp:{exposed}:interface=127.0.0.1\"\n")
    scenario = write_scenario(directory, [modem], network=network)
    process = AtsimProcess(scenario).start()
    try:
        process.wait_ready(ptys=[pty], tcp_ports=[tcp])
        yield directory, pty, process, exposed, tcp
    finally:
        process.stop()
        echo.close()


def over_the_modem(lab, commands: str) -> str:
    """Run ``commands`` (bash) in a fresh network namespace whose only way out is the modem,
    dialled with atsim-dial on its PTY; returns their output, and atsim-dial's, and fails on
    an error."""
    directory, pty, process, _, _ = lab
    resolv = directory / "resolv.conf"
    out, err = directory / "dial.out", directory / "dial.err"
    dial = f"{sys.executable} -m simulator.dial.main {pty} --apn internet --resolv-conf {resolv}"
    script = textwrap.dedent(f"""\
        set -u
        {dial} > {out} 2> {err} &
        dial=$!
        for i in $(seq 1 2400); do  # a hang guard (2 minutes), not a timing expectation
          grep -q '^ip ' {out} && break
          kill -0 $dial 2>/dev/null || break
          sleep 0.05
        done
        grep -q '^ip ' {out} || {{ echo "atsim-dial did not come up"; exit 9; }}
        # glibc gives a name server 5 s by default; a loaded machine can take longer to carry
        # the query through the simulated network, which is no failure of the network.
        echo "options timeout:30 attempts:3" >> {resolv}
        mount --bind {resolv} /etc/resolv.conf
        set -e
        """) + textwrap.dedent(commands) + textwrap.dedent("""\
        set +e
        kill -TERM $dial
        wait $dial
        echo "dial exit $?"
        """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(["unshare", "-rnm", "bash", "-c", script], capture_output=True,
                            text=True, cwd=directory, env=env, timeout=RUN_TIMEOUT)
    report = (f"status {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
              f"\natsim-dial:\n{_read(out)}{_read(err)}\n{process.diagnostics()[-3000:]}")
    assert result.returncode == 0, report
    assert "dial exit 0" in result.stdout, report
    return result.stdout + _read(out)


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def test_ipcp_address_ping_and_the_lab_web_server(lab):
    output = over_the_modem(lab, """\
        ip -4 addr show atsim0
        ping -c 2 -W 5 192.0.0.1
        ping -c 2 -W 5 www.lab
        curl -sS --max-time 30 http://www.lab/index.html
        """)
    assert "inet 10.70.0.1 peer 192.0.0.1/32" in output
    assert "ip 10.70.0.1 gateway 192.0.0.1 dns 10.70.0.53" in output
    assert "2 packets transmitted, 2 received" in output
    assert "PING www.lab (198.18.0.1)" in output  # the name came from the lab DNS
    assert "hello from the lab" in output


def test_dialling_the_tcp_port_into_a_given_namespace(lab):
    """``socket://`` and ``--netns``: atsim-dial connects to the modem's TCP port from this
    namespace (where 127.0.0.1 is atsim's), then enters a namespace another process holds
    and makes the interface there; curl runs in that namespace."""
    if os.geteuid() != 0 or not shutil.which("nsenter"):
        pytest.skip("needs root (a network namespace another process holds) and nsenter")
    directory, _, process, _, tcp = lab
    holder = subprocess.Popen(["unshare", "-n", "sleep", str(RUN_TIMEOUT)])
    out = directory / "netns-dial.out"
    dial = None
    try:
        netns = f"/proc/{holder.pid}/ns/net"
        wait_for(lambda: os.path.exists(netns) and os.readlink(netns)
                 != os.readlink("/proc/self/ns/net"), 10, "the holder's namespace")
        with open(out, "w") as stdout:
            dial = subprocess.Popen(
                [sys.executable, "-m", "simulator.dial.main", f"socket://127.0.0.1:{tcp}",
                 "--apn", "internet", "--netns", netns], stdout=stdout,
                stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(REPO)})
        wait_for(lambda: "\nip " in "\n" + _read(out), 60, "atsim-dial's interface",
                 lambda: _read(out) + process.diagnostics()[-2000:])
        result = subprocess.run(["nsenter", "-t", str(holder.pid), "-n", "curl", "-sS",
                                 "--max-time", "30", "http://198.18.0.1/index.html"],
                                capture_output=True, text=True, timeout=60)
        assert result.stdout == "hello from the lab\n", result.stderr
        dial.terminate()
        assert dial.wait(30) == 0, _read(out)
    finally:
        if dial is not None and dial.poll() is None:
            dial.kill()
            dial.wait()
        holder.kill()
        holder.wait()


def test_large_transfers_both_ways_arrive_intact(lab):
    directory = lab[0]
    upload = directory / "upload.bin"
    upload.write_bytes(os.urandom(LARGE))
    over_the_modem(lab, f"""\
        curl -sS --max-time 200 -o {directory}/downloaded.bin http://www.lab/large.bin
        curl -sS --max-time 200 -T {upload} http://www.lab/uploaded.bin
        """)
    assert _digest(directory / "downloaded.bin") == _digest(directory / "www" / "large.bin")
    assert _digest(directory / "www" / "uploaded.bin") == _digest(upload)


def test_ftp_passive_and_active_over_the_modem(lab):
    """Passive mode: the host connects to the lab's data port.  Active mode (PORT): the lab
    server connects back to the host's address, which the gateway offers to the host."""
    directory = lab[0]
    over_the_modem(lab, f"""\
        curl -sS --max-time 120 -o {directory}/ftp-passive.bin ftp://user:pass@www.lab/slow.bin
        curl -sS --max-time 120 --ftp-port - -o {directory}/ftp-active.bin \\
            ftp://user:pass@www.lab/slow.bin
        """)
    expected = _digest(directory / "www" / "slow.bin")
    assert _digest(directory / "ftp-passive.bin") == expected
    assert _digest(directory / "ftp-active.bin") == expected


def test_a_real_server_behind_a_forward(lab):
    output = over_the_modem(lab, """\
        printf 'through the modem\\n' | nc -N -w 20 real.lab 4000
        """)
    assert "through the modem" in output


def test_escape_and_online_keep_a_tcp_connection(lab):
    directory = lab[0]
    output = over_the_modem(lab, f"""\
        curl -sS --max-time 200 --limit-rate 200k -o {directory}/slow.bin \\
            http://www.lab/slow.bin &
        fetch=$!
        sleep 1
        kill -USR1 $dial
        for i in $(seq 1 600); do grep -q '^resumed' {directory}/dial.out && break; sleep 0.05; done
        wait $fetch
        """)
    assert "escaped" in output and "resumed" in output
    assert _digest(directory / "slow.bin") == _digest(directory / "www" / "slow.bin")


def test_a_program_on_this_machine_reaches_a_port_the_dialled_host_serves(lab):
    """The modem's ``expose:`` entry publishes the host's port 8080 on loopback: a
    connection there crosses the modem's link and reaches nc listening in the namespace."""
    directory, _, _, exposed, _ = lab
    ready = directory / "listening"
    ready.unlink(missing_ok=True)
    outcome: dict[str, str] = {}

    def inside() -> None:
        outcome["output"] = over_the_modem(lab, f"""\
            printf 'from the host\\n' | nc -l -N 8080 > {directory}/heard.txt &
            listener=$!
            for i in $(seq 1 600); do ss -ltn | grep -q ':8080 ' && break; sleep 0.05; done
            touch {ready}
            wait $listener
            """)

    thread = threading.Thread(target=inside)
    thread.start()
    try:
        wait_for(ready.exists, 60, "the host listening on 8080")
        with socket.create_connection(("127.0.0.1", exposed), 30) as conn:
            conn.sendall(b"to the host\n")
            conn.shutdown(socket.SHUT_WR)
            answer = b""
            while data := conn.recv(4096):
                answer += data
    finally:
        thread.join(RUN_TIMEOUT)
    assert answer == b"from the host\n"
    assert (directory / "heard.txt").read_text() == "to the host\n"
    assert "dial exit 0" in outcome.get("output", "")


def test_pppd_and_chat_dial(lab):
    if not os.path.exists("/dev/ppp"):
        pytest.skip("pppd needs the kernel's PPP (/dev/ppp, CONFIG_PPP); this machine has "
                    "none: atsim-dial covers the same path with a TUN interface")
    pppd = shutil.which("pppd", path="/usr/sbin:/sbin:" + os.environ.get("PATH", ""))
    if pppd is None:
        pytest.skip("pppd is not installed (apt-get install ppp)")
    directory, pty, process, _, _ = lab
    script = textwrap.dedent(f"""\
        set -u
        {pppd} {pty} 115200 noauth local nocrtscts nodetach defaultroute usepeerdns \\
            noipdefault connect "chat -v '' AT OK 'AT+CGDCONT=1,\\"IP\\",\\"internet\\"' OK \\
            'ATD*99***1#' CONNECT ''" > {directory}/pppd.out 2>&1 &
        ppp=$!
        for i in $(seq 1 600); do ip -4 addr show ppp0 2>/dev/null | grep -q inet && break; \\
            sleep 0.05; done
        ip -4 addr show ppp0
        curl -sS --max-time 30 http://198.18.0.1/index.html
        kill -TERM $ppp; wait $ppp
        """)
    result = subprocess.run(["unshare", "-rn", "bash", "-c", script], capture_output=True,
                            text=True, timeout=RUN_TIMEOUT)
    assert "inet 10.70.0." in result.stdout, result.stdout + result.stderr
    assert "hello from the lab" in result.stdout


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
