"""The TCP endpoint against an independent implementation: the kernel's TCP, reached through
a TUN interface in a fresh network namespace (``unshare -rn``, no root on the machine needed
where user namespaces are allowed).  Both directions run at once — a kernel client to our echo
server and our client to a kernel echo server — with loss on the interface."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PEER = Path(__file__).with_name("kernel_peer.py")
ROOT = Path(__file__).parents[2]


def namespace_unavailable() -> str | None:
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    if not (shutil.which("unshare") and shutil.which("ip")):
        return "needs unshare and ip"
    probe = subprocess.run(["unshare", "-rn", "ip", "tuntap", "add", "dev", "probe0", "mode",
                            "tun"], capture_output=True, text=True)
    if probe.returncode:
        return f"cannot make a TUN device in a user namespace: {probe.stderr.strip()}"
    return None


REASON = namespace_unavailable()


@pytest.mark.skipif(REASON is not None, reason=REASON or "")
@pytest.mark.parametrize(("seed", "loss", "size"), [
    (1, 0.0, 1_000_000),
    (2, 0.05, 300_000),
    (3, 0.15, 60_000),
])
def test_against_the_kernel_tcp(seed, loss, size):
    result = subprocess.run(
        ["unshare", "-rn", sys.executable, str(PEER), str(seed), str(loss), str(size)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
