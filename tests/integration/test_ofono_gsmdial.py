"""oFono's own PPP against the modem: ``gsmdial`` (oFono's gatchat and gatppp, built from
Debian's oFono source by ``tests/integration/ofono_build.py``) dials ``twistd atsim``'s modem
over a real PTY from a fresh network namespace (``unshare -rnm``), negotiates LCP, CHAP and
IPCP with atsim's PPP server, and configures the TUN interface gatppp makes; the kernel's
ping and curl then reach the lab through it, and gsmdial's hang-up (LCP Terminate), its
``+++``/``ATO0`` and ``+++``/``ATH0`` leave the modem answering AT again.

gsmdial registers (``AT+CFUN?``, ``+CPIN?``, ``+CREG=2``, ``+CGREG=2``, ``+COPS=0``,
``+CGATT=1``), defines the context (``AT+CGDCONT=<cid>,"IP","<apn>"``) and dials with
``AT+CGDATA="PPP",<cid>`` (``--legacy``: ``ATD*99***<cid>#``); it gives the interface the
IPCP addresses with ``ifconfig`` and sets no route, so the tests add the default route and
write the name servers it printed into the namespace's resolv.conf, as a connection manager
would.  Its ``--modem`` option puts PPP on a second port while ``--control`` takes the AT
setup.  gsmdial has no 27.010 multiplexer of its own: ``test_ofono_gatmux.py`` runs oFono's
multiplexer setup; ``test_ofono_server.py`` runs oFono's PPP as the server.

Skipped with the reason where the oFono source, glib's headers, gcc, ifconfig or a TUN
device in a user namespace is missing (in CI, ``.ci/run`` provides them and a missing one
fails).
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.inet.test_kernel_tcp import namespace_unavailable
from tests.integration import ofono_build
from tests.integration.harness import (
    AtLink,
    AtsimProcess,
    free_tcp_ports,
    in_ci,
    loopback,
    require_program,
    wait_for,
    write_scenario,
)

REASON = namespace_unavailable()
pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]

#: Crosses some 1500 PPP frames and many TCP windows; quick enough for a shared CI machine.
LARGE = 2 * 1024 * 1024
#: Hang guard of one gsmdial run, not a timing expectation.
RUN_TIMEOUT = 240


@pytest.fixture(scope="session")
def gsmdial() -> Path:
    try:
        return ofono_build.build()
    except ofono_build.Unavailable as missing:
        if in_ci():
            pytest.fail(f"{missing}; .ci/run should have provided it")
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    for program, package in (("curl", "curl"), ("ping", "iputils-ping"),
                             ("ifconfig", "net-tools")):
        require_program(program, package)
    directory = tmp_path_factory.mktemp("gsmdial")
    www = directory / "www"
    www.mkdir()
    (www / "index.html").write_text("hello from the lab\n")
    (www / "large.bin").write_bytes(os.urandom(LARGE))
    network = textwrap.dedent("""\
        network:
          registration: {delay: 0.1s}
          apns:
            internet: {pool: 10.70.0.0/24, dns: [10.70.0.53, 10.70.0.54]}
            corp: {pool: 10.66.0.0/24, dns: [10.66.0.53], user: me, password: "s3cret"}
            "*": {pool: 10.71.0.0/24, dns: [10.71.0.53]}
          hosts:
            www.lab:
              services:
                http: {root: ./www}
          links: {default: ideal}
        """)
    control, data = directory / "modem0", directory / "modem1"
    (tcp,) = free_tcp_ports(1)
    modem = (f"- name: m1\n  ports:\n    - pty: {control}\n    - pty: {data}\n"
             f"    - tcp: {loopback(tcp)}\n")
    scenario = write_scenario(directory, [modem], network=network)
    process = AtsimProcess(scenario).start()
    try:
        process.wait_ready(ptys=[control, data], tcp_ports=[tcp])
        yield directory, control, data, tcp, process
    finally:
        process.stop()


def dial(lab, gsmdial: Path, options: str, commands: str = "", *,
         name: str = "gsmdial", port: str | None = None, before: str = "") -> str:
    """Run gsmdial with ``options`` in a fresh network namespace; once its interface has the
    IPCP addresses, route everything through it, use its name servers, run ``commands``
    (bash, failing on an error), then end it with SIGTERM.  Returns gsmdial's output and
    the commands'.  If the link never comes up, returns what gsmdial said once it exits.
    ``port`` is gsmdial's port option (the control PTY if not given); ``before`` runs in the
    namespace first."""
    directory, control, _, _, process = lab
    port = port or f"-n {control}"
    out = directory / f"{name}.out"
    resolv = directory / f"{name}.resolv.conf"
    script = textwrap.dedent(before) + textwrap.dedent(f"""\
        set -u
        {gsmdial} {port} -c 1 -o 1 {options} > {out} 2>&1 &
        g=$!
        # hang guards (2 minutes each), not timing expectations
        for i in $(seq 1 2400); do
          grep -q -e '^Secondary DNS Server:' -e '^PPP Link down' {out} && break
          kill -0 $g 2>/dev/null || break
          sleep 0.05
        done
        if ! grep -q '^Secondary DNS Server:' {out}; then
          wait $g
          echo "gsmdial exit $?"
          exit 0
        fi
        # gsmdial prints the addresses, then runs ifconfig on the interface it names
        device=$(sed -n 's/^Network Device: //p' {out})
        for i in $(seq 1 2400); do
          ip -4 addr show "$device" 2>/dev/null | grep -q ' peer ' && break
          sleep 0.05
        done
        ip route add default dev "$device"
        sed -n 's/^\\(Primary\\|Secondary\\) DNS Server: //p' {out} | grep -v '^0\\.0\\.0\\.0$' \\
            | sed 's/^/nameserver /' > {resolv}
        echo "options timeout:30 attempts:3" >> {resolv}
        mount --bind {resolv} /etc/resolv.conf
        set -e
        """) + textwrap.dedent(commands) + textwrap.dedent("""\
        set +e
        kill -TERM $g
        wait $g
        echo "gsmdial exit $?"
        """)
    result = in_namespace("-rnm", script, cwd=directory)
    output = result.stdout + _read(out)
    report = (f"status {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n"
              f"{result.stderr}\ngsmdial:\n{_read(out)}\n{process.diagnostics()[-3000:]}")
    assert result.returncode == 0, report
    assert "gsmdial exit 0" in result.stdout, report
    return output


def in_namespace(flags: str, script: str, **kwargs) -> subprocess.CompletedProcess:
    """``unshare <flags> bash -c <script>``, its output captured; past the hang guard the
    whole process group goes (gsmdial and the rest the script started), then the test
    fails."""
    with subprocess.Popen(["unshare", flags, "bash", "-c", script], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True,
                          **kwargs) as child:
        try:
            stdout, stderr = child.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            stdout, stderr = child.communicate()
            pytest.fail(f"still running after {RUN_TIMEOUT} s (a hang guard)\n{stdout}\n"
                        f"{stderr}")
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


def answers_at_again(lab, port: Path | None = None) -> bytes:
    """What the modem's port answers to ``AT+CGACT?`` once gsmdial is gone, after checking
    that plain ``AT`` gets ``OK``."""
    with AtLink.open_pty(port or lab[1]) as link:
        link.drain()
        assert link.command("ATE0").endswith(b"OK\r\n")
        assert link.command("AT") == b"\r\nOK\r\n"
        return link.command("AT+CGACT?")


def wait_registered(lab, link: AtLink) -> None:
    """Until ``AT+CGREG?`` says registered: a client that dials at once (no ``+CREG``
    polling of its own) gets ``NO CARRIER`` from a modem still registering."""
    wait_for(lambda: re.search(rb"\+CGREG: \d,[15]\b", link.command("AT+CGREG?")), 60,
             "packet registration", lab[-1].diagnostics)


@pytest.mark.parametrize("how", ["cgdata", "legacy"])
def test_gsmdial_gets_the_apns_address_and_the_kernel_reaches_the_lab(lab, gsmdial, how):
    options = "-a internet" + (" --legacy" if how == "legacy" else "")
    output = dial(lab, gsmdial, options, """\
        ip -4 addr show "$device"
        ping -c 2 -W 5 192.0.0.1
        ping -c 1 -W 5 www.lab
        curl -sS --max-time 60 http://www.lab/index.html
        """, name=f"gsmdial-{how}")
    sent = "ATD*99***1#" if how == "legacy" else 'AT+CGDATA="PPP",1'
    assert f": > {sent}\\r\n: < \\r\\nCONNECT\\r\\n" in output
    assert re.search(r"inet 10\.70\.0\.\d+ peer 192\.0\.0\.1/32", output), output
    assert "Peer IP Address: 192.0.0.1" in output
    assert "Primary DNS Server: 10.70.0.53\nSecondary DNS Server: 10.70.0.54" in output
    assert "2 packets transmitted, 2 received" in output
    assert "PING www.lab (198.18.0.1)" in output  # named through the DNS IPCP gave
    assert "hello from the lab\n" in output
    # SIGTERM: gatppp's LCP Terminate-Request, the modem's Ack, then carrier drops (gsmdial
    # gives up waiting for NO CARRIER after 10 s, so the modem's side is checked instead)
    assert "PPP Link down: 6" in output  # G_AT_PPP_REASON_LOCAL_CLOSE
    assert answers_at_again(lab) == b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n"
    assert "PPP on cid 1 ended: peer terminated the link" in lab[-1].log()


def test_large_transfers_arrive_intact_with_compressed_headers(lab, gsmdial):
    """PFC and ACFC asked for (RFC 1661 §6.5, §6.6): the frames of 2 MiB each way lose their
    address, control and a protocol octet, and the files still arrive byte for byte."""
    directory = lab[0]
    target, upload = directory / "downloaded.bin", directory / "upload.bin"
    recording = directory / "large.pppdump"
    upload.write_bytes(os.urandom(LARGE))
    output = dial(lab, gsmdial, f"-a internet --pfc --acfc -D {recording}", f"""\
        curl -sS --max-time 200 -o {target} http://www.lab/large.bin
        curl -sS --max-time 200 -T {upload} http://www.lab/uploaded.bin
        """, name="gsmdial-large")
    assert "Network Device: " in output
    assert _digest(target) == _digest(directory / "www" / "large.bin")
    assert _digest(directory / "www" / "uploaded.bin") == _digest(upload)
    sent, received = _frames(recording)
    # IPv4 (0x21, then the header's 0x45) right after the flag: no FF 03, one protocol octet
    assert sum(f.startswith(b"\x21\x45") for f in sent) > 100
    assert sum(f.startswith(b"\x21\x45") for f in received) > 1000
    assert not any(f.startswith(b"\xff\x03\x00\x21") for f in sent + received)


def test_the_apns_login_over_chap(lab, gsmdial):
    """The APN wants a login: atsim asks for CHAP-MD5 (RFC 1994), gatppp's only method unless
    told otherwise, and the context gets the APN's address and its one name server."""
    output = dial(lab, gsmdial, "-a corp -u me -w s3cret", """\
        ip -4 addr show "$device"
        curl -sS --max-time 60 http://www.lab/index.html
        """, name="gsmdial-chap")
    assert re.search(r"inet 10\.66\.0\.\d+ peer 192\.0\.0\.1/32", output), output
    # RFC 1877: a server with one name server rejects the secondary option; gatppp prints
    # what it did not get as 0.0.0.0
    assert "Primary DNS Server: 10.66.0.53\nSecondary DNS Server: 0.0.0.0" in output
    assert "hello from the lab\n" in output


def test_a_wrong_password_is_refused(lab, gsmdial):
    output = dial(lab, gsmdial, "-a corp -u me -w wrong", name="gsmdial-refused")
    assert "PPP Link down: 1" in output  # G_AT_PPP_REASON_AUTH_FAIL
    assert "Network Device:" not in output
    # gsmdial switches the radio mode (-o 1) only once it saw NO CARRIER; the line itself may
    # have come in with the last frames, before gatchat's log took over from gatppp's
    assert re.search(r"PPP Link down: 1\n(.*\n)*: > AT\+CFUN=1\\r\n: < \\r\\nOK", output)
    assert answers_at_again(lab) == b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n"


def test_escape_then_online_then_escape_and_hang_up(lab, gsmdial):
    """SIGUSR1: gatppp stops its frames, sends ``+++`` between guard times and gsmdial sends
    ``ATO0``; the link carries curl afterwards.  SIGUSR2: ``+++`` then ``ATH0``, which ends
    the link and the context at once."""
    directory = lab[0]
    out = directory / "gsmdial-escape.out"
    # gatppp keeps 1.5 s of silence before and after its "+++"; a guard time of 0.4 s
    # (S12=20) instead of 1 s leaves that margin to a modem process kept waiting for a core
    with AtLink.open_pty(lab[1]) as link:
        link.drain()
        assert link.command("ATS12=20").endswith(b"OK\r\n")
    try:
        output = dial(lab, gsmdial, "-a internet", f"""\
            kill -USR1 $g
            for i in $(seq 1 2400); do grep -q '^resume_ppp' {out} && break; sleep 0.05; done
            curl -sS --max-time 60 http://www.lab/index.html
            kill -USR2 $g
            for i in $(seq 1 2400); do grep -q '^kill_ppp' {out} && break; sleep 0.05; done
            """, name="gsmdial-escape")
        assert ": > ATO0\\r\n: < \\r\\nCONNECT\\r\\n\nresume_ppp: 1" in output
        assert "hello from the lab\n" in output
        assert ": > ATH0\\r\n: < \\r\\nOK\\r\\n\nkill_ppp: 1" in output
        assert answers_at_again(lab) == b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n"
    finally:
        with AtLink.open_pty(lab[1]) as link:
            link.drain()
            link.command("ATS12=50")


def test_ppp_on_a_second_port_while_the_first_takes_the_setup(lab, gsmdial):
    """``--modem``: registration and ``+CGDCONT`` on the control port, ``AT+CGDATA`` and PPP
    on the other; the context is the control port's definition."""
    _, control, data, _, _ = lab
    output = dial(lab, gsmdial, f"-a internet -m {data}", """\
        curl -sS --max-time 60 http://www.lab/index.html
        """, name="gsmdial-two-ports")
    assert 'Control: > AT+CGDCONT=1,"IP","internet"\\r' in output
    # gsmdial sends ATE0 on the control port only: the second port still echoes
    assert ('Modem: > AT+CGDATA="PPP",1\\r\n'
            'Modem: < AT+CGDATA="PPP",1\\r\\r\\nCONNECT\\r\\n') in output
    assert "Primary DNS Server: 10.70.0.53" in output
    assert "hello from the lab\n" in output
    assert "PPP Link down: 6" in output
    assert answers_at_again(lab, data) == b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n"


def test_the_network_ending_the_context_ends_gsmdials_link(lab, gsmdial):
    """``AT+CGACT=0,1`` on the other port: the modem sends LCP Terminate-Request (RFC 1661
    §3.7), gatppp acknowledges and reports the peer's close, and carrier drops."""
    _, _, other, _, _ = lab
    output = dial(lab, gsmdial, "-a internet", f"""\
        stty -F {other} raw -echo
        exec 3<>{other}
        printf 'AT+CGACT=0,1\\r' >&3
        grep -a -m 1 -q '^OK' <&3
        exec 3<&-
        wait $g
        echo "gsmdial ended $?"
        """, name="gsmdial-deactivated")
    assert "gsmdial ended 0" in output
    assert "PPP Link down: 4" in output  # G_AT_PPP_REASON_PEER_CLOSED
    assert re.search(r"PPP Link down: 4\n(.*\n)*: > AT\+CFUN=1\\r\n: < \\r\\nOK", output)
    assert answers_at_again(lab) == b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n"


def test_gsmdial_over_the_modems_tcp_port(lab, gsmdial):
    """``--ip``/``--port``: gsmdial on a TCP socket (V.250 syntax without the permissive
    parsing it uses on a TTY).  The namespace has its own loopback, so a socat there relays
    through a Unix socket (file systems cross network namespaces) to atsim's port here."""
    socat = require_program("socat", "socat")
    directory, _, _, tcp, _ = lab
    relay = directory / "tcp-relay.sock"
    relay.unlink(missing_ok=True)
    outside = subprocess.Popen([socat, f"UNIX-LISTEN:{relay}", f"TCP:127.0.0.1:{tcp}"])
    try:
        output = dial(lab, gsmdial, "-a internet", """\
            curl -sS --max-time 60 http://www.lab/index.html
            """, name="gsmdial-tcp", port="-i 127.0.0.1 -p 7000", before=f"""\
            ip link set lo up
            for i in $(seq 1 2400); do [ -S {relay} ] && break; sleep 0.05; done
            {socat} TCP-LISTEN:7000,bind=127.0.0.1 UNIX-CONNECT:{relay} &
            for i in $(seq 1 2400); do ss -ltn | grep -q '127.0.0.1:7000 ' && break; \\
                sleep 0.05; done
            """)
    finally:
        outside.kill()
        outside.wait()
    assert "IP: 127.0.0.1\nPort: 7000" in output
    assert ': > AT+CGDATA="PPP",1\\r\n: < \\r\\nCONNECT\\r\\n' in output
    assert "hello from the lab\n" in output
    assert "PPP Link down: 6" in output


def test_bluetooth_mode_dials_atd_star_99_alone(lab, gsmdial):
    """``--bluetooth``: no setup at all, ``ATD*99#`` straight away (a DUN gateway's way);
    the modem uses its first context (defining it if there is none), and gsmdial stops at
    ``NO CARRIER``.  The modem answers ``NO CARRIER`` to a packet dial before it registered,
    so this waits for that as a Bluetooth phone would be."""
    with AtLink.open_pty(lab[1]) as link:
        # no context left from other tests: "+CGDCONT=<cid>" undefines one (27.007 §10.1.1)
        assert link.command("AT+CGDCONT=1").endswith(b"\r\nOK\r\n")
        wait_registered(lab, link)
    output = dial(lab, gsmdial, "-b", """\
        curl -sS --max-time 60 http://www.lab/index.html
        """, name="gsmdial-bluetooth")
    assert output.count(": > ") == 1  # the dial, nothing else
    assert ": > ATD*99#\\r\n" in output
    assert re.search(r"IP Address: 10\.71\.0\.\d+\n", output), output  # "*": any other APN
    assert "hello from the lab\n" in output
    assert "PPP Link down: 6" in output


def _frames(recording: Path) -> tuple[list[bytes], list[bytes]]:
    """The HDLC frames (flags removed, octets unescaped, FCS kept) gsmdial sent and received,
    from its ``-D`` recording: records of 0x07 and a 4-octet time, then 0x01 (sent) or 0x02
    (received), a 2-octet length and the octets of one read or write."""
    data, streams, at = recording.read_bytes(), {1: bytearray(), 2: bytearray()}, 0
    while at < len(data):
        assert data[at] == 0x07, f"unknown record {data[at]:#x} at {at}"
        kind, length = data[at + 5], int.from_bytes(data[at + 6:at + 8], "big")
        streams[kind] += data[at + 8:at + 8 + length]
        at += 8 + length

    def frames(stream: bytes) -> list[bytes]:
        return [re.sub(rb"\x7d(.)", lambda m: bytes([m[1][0] ^ 0x20]), raw, flags=re.S)
                for raw in stream.split(b"\x7e") if raw]

    return frames(bytes(streams[1])), frames(bytes(streams[2]))


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
