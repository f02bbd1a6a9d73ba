"""oFono's PPP as the server, atsim's as the client: oFono's ``test-server`` (a small AT
server on a PTY of its own whose ``ATD*99...`` runs gatppp as PPP's server; built from
Debian's oFono source by ``tests/integration/ofono_build.py``) answers ``atsim-dial``, each in
a network namespace of its own.  Skipped as ``test_ofono_gsmdial.py`` is.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.inet.test_kernel_tcp import namespace_unavailable
from tests.integration import ofono_build
from tests.integration.harness import REPO, wait_for
from tests.integration.test_ofono_gsmdial import (  # noqa: F401 (a fixture)
    LARGE,
    _digest,
    _read,
    gsmdial,
    in_namespace,
)

REASON = namespace_unavailable()
pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]


@pytest.fixture(scope="module")
def ofono_server(gsmdial, tmp_path_factory):  # noqa: F811
    """oFono's ``test-server`` in a network namespace of its own: an AT server on a PTY it
    makes, whose ``ATD*99...`` runs gatppp as PPP's server (192.168.1.1, giving the client
    192.168.1.2 and the name servers 10.10.10.10 and 10.10.10.11); once IPCP opened, a web
    server on its address serves a file.  Yields the PTY, the file and the server's log."""
    program = ofono_build.build("test-server")
    directory = tmp_path_factory.mktemp("ofono-server")
    served = directory / "www" / "served.bin"
    served.parent.mkdir()
    served.write_bytes(os.urandom(LARGE // 2))
    log = directory / "test-server.out"
    script = textwrap.dedent(f"""\
        {program} > {log} 2>&1 &
        server=$!
        # hang guards, not timing expectations
        for i in $(seq 1 2400); do
          ip -4 addr show ppp0 2>/dev/null | grep -q ' peer ' && break
          kill -0 $server 2>/dev/null || exit 1
          sleep 0.05
        done
        {sys.executable} -m http.server --bind 192.168.1.1 --directory {served.parent} 8000 \\
            > {directory}/http.log 2>&1 &
        wait $server
        """)
    holder = subprocess.Popen(["unshare", "-rn", "bash", "-c", script],
                              start_new_session=True)
    try:
        found = wait_for(lambda: re.search(r"new pty is created at (\S+)", _read(log)), 60,
                         "test-server's PTY", lambda: _read(log))
        yield Path(found[1]), served, log
    finally:
        os.killpg(holder.pid, signal.SIGTERM)
        holder.wait(30)


def test_atsims_ppp_client_against_ofonos_ppp_server(ofono_server):
    """The other way round: atsim-dial (atsim's PPP as the client) dials oFono's gatppp server
    from a second namespace, takes the address and name servers it gives, and the kernels of
    the two namespaces ping and fetch over the link; SIGTERM ends it with LCP Terminate."""
    pty, served, log = ofono_server
    directory = served.parent.parent
    target, out = directory / "fetched.bin", directory / "dial.out"
    script = textwrap.dedent(f"""\
        set -u
        {sys.executable} -m simulator.dial.main {pty} > {out} 2>&1 &
        dial=$!
        for i in $(seq 1 2400); do  # a hang guard (2 minutes), not a timing expectation
          grep -q '^ip ' {out} && break
          kill -0 $dial 2>/dev/null || break
          sleep 0.05
        done
        set -e
        ping -c 2 -W 5 192.168.1.1
        for i in $(seq 1 2400); do  # the web server starts once the server's side is up
          curl -sS --max-time 60 -o {target} http://192.168.1.1:8000/served.bin && break
          sleep 0.05
        done
        set +e
        kill -TERM $dial
        wait $dial
        echo "dial exit $?"
        """)
    result = in_namespace("-rn", script, cwd=directory,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    output = result.stdout + _read(out)
    report = f"{output}\n{result.stderr}\ntest-server:\n{_read(log)[-4000:]}"
    assert "ip 192.168.1.2 gateway 192.168.1.1 dns 10.10.10.10,10.10.10.11" in output, report
    assert "2 packets transmitted, 2 received" in output, report
    assert _digest(target) == _digest(served), report
    assert "dial exit 0" in output, report
    assert "ended: closed" in output, report
    wait_for(lambda: "Server: > \\r\\nNO CARRIER\\r\\n" in _read(log), 60,
             "test-server's NO CARRIER", lambda: _read(log)[-4000:])
