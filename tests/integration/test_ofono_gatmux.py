"""oFono's 27.010 multiplexer setup with oFono's PPP on one channel: ``ofono_muxdial.c``
(gatmux and gatppp, built with gatchat from Debian's oFono source by
``tests/integration/ofono_build.py``) does what oFono's modem plugins do on ``twistd atsim``'s
modem (``g_at_mux_setup_gsm0710``: ``AT+CMUX=?``, then the advanced option it prefers; two
channels), dials on one channel and answers AT on the other; gsmdial, oFono's dialling tool,
has no multiplexer.  Runs in a fresh network namespace; skipped as
``test_ofono_gsmdial.py`` is.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.inet.test_kernel_tcp import namespace_unavailable
from tests.integration import ofono_build
from tests.integration.harness import AtLink, wait_for
from tests.integration.test_ofono_gsmdial import (  # noqa: F401 (fixtures)
    _digest,
    _read,
    answers_at_again,
    gsmdial,
    in_namespace,
    lab,
    wait_registered,
)

REASON = namespace_unavailable()
pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]


def muxdial(lab, arguments: str, commands: str, *, name: str) -> str:  # noqa: F811
    """Run ``ofono-muxdial <second port> <arguments>`` in a fresh network namespace; once
    IPCP opened, give its interface the addresses it printed and the default route, as a
    connection manager would, run ``commands``, then SIGTERM.  After it ended, the port is
    back in AT command mode (the multiplexer closed with DISC on DLC 0).  Returns its
    output and the commands'."""
    program = ofono_build.build("ofono-muxdial")
    directory, _, data, _, process = lab
    with AtLink.open_pty(data) as link:
        wait_registered(lab, link)
    out = directory / f"{name}.out"
    ended = process.log().count("multiplexer ended (DISC on DLC 0)")
    script = textwrap.dedent(f"""\
        set -u
        {program} {data} {arguments} > {out} 2>&1 &
        g=$!
        for i in $(seq 1 2400); do  # a hang guard (2 minutes), not a timing expectation
          grep -q -e '^Secondary DNS Server:' -e '^PPP Link down' -e '^failed' {out} && break
          kill -0 $g 2>/dev/null || break
          sleep 0.05
        done
        if grep -q '^Secondary DNS Server:' {out}; then
          set -e
          device=$(sed -n 's/^Network Device: //p' {out})
          ip addr add "$(sed -n 's/^IP Address: //p' {out})" \\
              peer "$(sed -n 's/^Peer IP Address: //p' {out})" dev "$device"
          ip link set "$device" up
          ip route add default dev "$device"
        """) + textwrap.indent(textwrap.dedent(commands), "  ") + textwrap.dedent("""\
          set +e
          kill -TERM $g
        fi
        wait $g
        echo "muxdial exit $?"
        """)
    result = in_namespace("-rn", script, cwd=directory)
    output = result.stdout + _read(out)
    report = f"{output}\n{result.stderr}\n{process.diagnostics()[-3000:]}"
    assert result.returncode == 0, report
    assert "muxdial exit 0" in output, report
    assert "Port: > AT+CMUX=1,0,6,64\\r\nPort: < \\r\\nOK\\r\\n" in output, report
    assert "NO CARRIER on the PPP channel\n" in output, report
    assert "control: +CGACT: 1,0\ncontrol: OK" in output, report
    wait_for(lambda: process.log().count("multiplexer ended (DISC on DLC 0)") > ended, 60,
             "the multiplexer's close-down", process.diagnostics)
    assert answers_at_again(lab, data) == b"\r\n+CGACT: 1,0\r\n\r\nOK\r\n"
    return output


def test_ofonos_multiplexer_setup_and_ppp_on_a_channel(lab, gsmdial):  # noqa: F811
    """oFono's own 27.010 setup (gatmux: ``AT+CMUX=?``, then the advanced option it prefers)
    on the second port, then gatppp on one channel (``ofono_muxdial.c``, gsmdial's sequence
    with the multiplexer oFono's modem plugins set up) carrying 2 MiB, while the other
    channel answers ``AT+CGACT?``; the hang-up, then the multiplexer's close-down, give the
    port back to AT commands."""
    directory = lab[0]
    target = directory / "mux-downloaded.bin"
    output = muxdial(lab, "internet", f"""\
        ping -c 2 -W 5 192.0.0.1
        curl -sS --max-time 200 -o {target} http://198.18.0.1/large.bin
        """, name="muxdial")
    assert "Primary DNS Server: 10.70.0.53" in output
    assert "2 packets transmitted, 2 received" in output
    assert "control: +CGACT: 1,1\ncontrol: OK" in output
    assert _digest(target) == _digest(directory / "www" / "large.bin")
    assert "PPP Link down: 6\n" in output  # G_AT_PPP_REASON_LOCAL_CLOSE


def test_pap_when_the_client_will_only_do_pap(lab, gsmdial):  # noqa: F811
    """oFono set to PAP (its context's auth method): gatppp Configure-Naks the modem's
    CHAP-MD5 with PAP (RFC 1661 §5.3: a Nak may suggest another value), the modem asks for
    PAP instead (RFC 1334 §2), and the APN's login passes."""
    output = muxdial(lab, "corp me s3cret pap", """\
        curl -sS --max-time 60 http://198.18.0.1/index.html
        """, name="muxdial-pap")
    # gatppp's answer to the modem's Configure-Request: the Nak, then the Ack of PAP
    assert re.search(r"lcp: pppcp_send_configure_nak: .*\n(.*\n)*"
                     r"PPP: lcp: pppcp_send_configure_ack", output), output
    assert re.search(r"IP Address: 10\.66\.0\.\d+\n", output), output
    assert "hello from the lab\n" in output
    assert "PPP Link down: 6\n" in output


@pytest.mark.parametrize("method", ["pap", "chap"])
def test_a_wrong_login_over_the_multiplexer_is_refused(lab, gsmdial, method):  # noqa: F811
    output = muxdial(lab, f"corp me wrong {method}", "", name=f"muxdial-refused-{method}")
    assert "PPP Link down: 1\n" in output  # G_AT_PPP_REASON_AUTH_FAIL
    assert "Network Device:" not in output
    refused = "PAP: login 'me' refused" if method == "pap" else "CHAP: 'me' refused"
    assert f"authentication failed ({refused})" in lab[-1].log()
