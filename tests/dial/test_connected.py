"""``atsim-dial --connected``: the port is already in data mode (another program dialled), so
the dialer sends no AT command and its first octets on the line are PPP's."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from simulator.ppp.framing import FrameDecoder

REPO = Path(__file__).resolve().parents[2]
#: A hang guard: the dialer's first LCP Configure-Request goes out as soon as it started.
GUARD = 60.0


def first_octets(args: list[str]) -> bytes:
    """Run atsim-dial on a fresh PTY's slave and return what it writes until a whole PPP
    frame (or an AT command line) has arrived at the master."""
    master, slave = os.openpty()
    dialer = subprocess.Popen(
        [sys.executable, "-m", "simulator.dial.main", os.ttyname(slave), *args],
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    received = b""
    deadline = time.monotonic() + GUARD
    try:
        while time.monotonic() < deadline and dialer.poll() is None:
            readable, _, _ = select.select([master], [], [], 0.5)
            if readable:
                received += os.read(master, 4096)
            if b"\r" in received or received.count(b"~") >= 2:
                break
    finally:
        if dialer.poll() is None:
            dialer.send_signal(signal.SIGKILL)
        dialer.wait()
        os.close(master)
        os.close(slave)  # kept open until now: a master without a slave reads EIO
    return received


def test_connected_starts_with_lcp_and_sends_no_at():
    octets = first_octets(["--connected", "--no-tun"])
    assert not octets.startswith(b"AT"), octets
    decoder = FrameDecoder()
    frames = decoder.feed(octets)
    assert frames, octets
    assert frames[0].protocol == 0xC021, frames  # LCP
    assert frames[0].information[0] == 1, frames  # Configure-Request


def test_without_it_the_dialer_wakes_the_modem_with_at():
    assert first_octets(["--no-tun", "--timeout", "1"]).startswith(b"AT\r")
