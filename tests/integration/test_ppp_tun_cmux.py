"""The host's TCP/IP over the simulated modem through a real multiplexer: ``twistd atsim``
with a modem on a PTY, gsm0710muxd (basic option) on that PTY, ``atsim-dial`` in a fresh
network namespace on one DLC's PTY carrying curl's download of the lab web server, and AT
commands answered on a second DLC's PTY while the PPP link is up.

Skipped with the reason where gsm0710muxd, D-Bus, unshare or a TUN device in a user
namespace is missing.
"""

from __future__ import annotations

import hashlib
import threading
import time

import pytest

from tests.cmux.test_gsm0710muxd import DBUS_TIMEOUT, MUXING_TIMEOUT, MuxdLab
from tests.inet.test_kernel_tcp import namespace_unavailable
from tests.integration.harness import AtLink, require_program, wait_for
from tests.integration.test_ppp_tun import RUN_TIMEOUT, lab, over_the_modem  # noqa: F401

REASON = namespace_unavailable()
pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]


@pytest.fixture(scope="module")
def muxd(lab):  # noqa: F811
    program = require_program("gsm0710muxd", "gsm0710muxd")
    require_program("dbus-daemon", "dbus")
    require_program("dbus-send", "dbus")
    directory, pty, process, _, _ = lab
    mux = MuxdLab("basic", directory / "muxd", pty)
    mux.directory.mkdir()

    def diagnostics() -> str:
        return mux.diagnostics() + "\n" + process.diagnostics()[-3000:]

    try:
        mux.start_bus()
        mux.start_muxd(program)
        wait_for(lambda: "method return" in mux.dbus("GetPower", "string:test"), 10,
                 "gsm0710muxd on D-Bus", diagnostics)
        assert "method return" in mux.dbus("SetPower", "string:test", "boolean:true")
        # GetDevice answers "file://" until muxing; this loop is a hang guard, each round
        # waits on gsm0710muxd's answer.
        deadline = time.monotonic() + MUXING_TIMEOUT + DBUS_TIMEOUT
        while (device := mux.get_device("data")) is None:
            if time.monotonic() > deadline:
                pytest.fail("gsm0710muxd never gave a channel\n" + diagnostics())
            time.sleep(0.5)
        mux.channels["data"] = device
        control = mux.get_device("control")
        if control is None:
            pytest.fail("gsm0710muxd gave no second channel\n" + diagnostics())
        mux.channels["control"] = control
        # Held open: gsm0710muxd closes a DLC whose PTY is closed.
        link = mux.links["control"] = AtLink.open_pty(control)
        # gsm0710muxd switches the radio off (AT+CFUN=0) before AT+CMUX, as its Openmoko
        # power-up does; the host switches it on again and waits for packet registration.
        link.drain()
        link.command("ATE0")
        assert link.command("AT+CFUN=1") == b"\r\nOK\r\n"
        wait_for(lambda: b"+CGREG: 0,1" in link.command("AT+CGREG?"), 60,
                 "packet registration", diagnostics)
        yield mux
    finally:
        mux.stop()


def test_ppp_on_one_dlc_while_another_answers_at_commands(lab, muxd):  # noqa: F811
    directory = lab[0]
    data, control = muxd.channels["data"], muxd.links["control"]
    arrived, checked = directory / "cmux-arriving", directory / "cmux-checked"
    target = directory / "cmux-large.bin"
    answers: dict[str, bytes] = {}
    outcome: dict[str, object] = {}
    dial_lab = (directory, data, *lab[2:])

    def inside() -> None:
        try:
            outcome["output"] = over_the_modem(dial_lab, f"""\
                curl -sS --max-time 200 -o {target} http://www.lab/large.bin &
                fetch=$!
                # hang guards, not timing expectations: the first bytes of the download,
                # then the AT answers on the other channel
                for i in $(seq 1 2400); do [ -s {target} ] && break; sleep 0.05; done
                touch {arrived}
                for i in $(seq 1 2400); do [ -e {checked} ] && break; sleep 0.05; done
                wait $fetch
                """)
        except BaseException as error:  # reported by the test thread
            outcome["error"] = error

    thread = threading.Thread(target=inside)
    thread.start()
    try:
        wait_for(lambda: arrived.exists() or not thread.is_alive(), RUN_TIMEOUT,
                 "the download to start over the DLC", muxd.diagnostics)
        if arrived.exists():
            control.command("ATE0")
            answers["cgact"] = control.command("AT+CGACT?")
            answers["csq"] = control.command("AT+CSQ")
    finally:
        checked.touch()
        thread.join(RUN_TIMEOUT)
    if "error" in outcome:
        raise outcome["error"]
    assert "ip 10.70.0." in str(outcome["output"])
    assert answers["cgact"] == b"\r\n+CGACT: 1,1\r\n\r\nOK\r\n", answers
    assert answers["csq"].startswith(b"\r\n+CSQ: ") and answers["csq"].endswith(
        b"\r\n\r\nOK\r\n"), answers
    assert _digest(target) == _digest(directory / "www" / "large.bin")


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
