"""gsm0710muxd (Debian), a real 27.010 host, against atsim in the basic and the advanced
option, set up as docs/cmux.md says works: a private D-Bus system bus in a temporary
directory, ``SetPower``, then ``GetDevice`` until the channels exist.

gsm0710muxd needs about 16 s from SetPower to muxing, so both options start together,
once per module, and every test of the module shares them.  The last test ends the
multiplexers by stopping gsm0710muxd and checks the modem's port is back in AT command mode.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.harness import (
    REPO,
    AtLink,
    atsim_environment,
    require_program,
    wait_for,
)

pytestmark = pytest.mark.clients

MODES = ("basic", "advanced")

#: From SetPower to a usable channel: ~16 s observed (a 5 s watchdog, then the Openmoko
#: power-on sleeps of 10 s); the margin is for a loaded CI machine.
MUXING_TIMEOUT = 45.0
#: One GetDevice may block ~4 s while gsm0710muxd waits for the modem's MSC.
DBUS_TIMEOUT = 10.0

BUS_CONF = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type>
  <listen>unix:path={socket}</listen><auth>EXTERNAL</auth>
  <policy context="default"><allow user="*"/><allow own="*"/><allow send_type="method_call"/>
    <allow send_destination="*"/><allow receive_type="*"/></policy></busconfig>
"""


@dataclasses.dataclass
class MuxdLab:
    """One modem PTY with its own D-Bus daemon and gsm0710muxd."""

    mode: str
    directory: Path
    modem_pty: Path
    processes: list[subprocess.Popen] = dataclasses.field(default_factory=list)
    bus_address: str = ""
    channels: dict[str, Path] = dataclasses.field(default_factory=dict)
    #: The channels' PTYs, opened once: gsm0710muxd closes a DLC when its PTY is closed.
    links: dict[str, AtLink] = dataclasses.field(default_factory=dict)
    #: The simulator's log (every modem of the module writes there).
    modem_log: Path | None = None

    def host_closes_logged(self) -> int:
        """How often the simulator logged that the host closed this lab's modem PTY."""
        if self.modem_log is None or not self.modem_log.exists():
            return 0
        return self.modem_log.read_text(errors="replace").count(
            f"muxd-{self.mode} pty: host closed")

    @property
    def muxd_log(self) -> Path:
        return self.directory / "muxd.txt"

    def start_bus(self) -> None:
        socket_path = self.directory / "system_bus_socket"
        conf = self.directory / "bus.conf"
        conf.write_text(BUS_CONF.format(socket=socket_path))
        self.processes.append(subprocess.Popen(
            ["dbus-daemon", f"--config-file={conf}", "--nofork"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "dbus.txt", "wb"),  # noqa: SIM115
        ))
        self.bus_address = f"unix:path={socket_path}"
        wait_for(socket_path.exists, 10, f"the {self.mode} D-Bus socket")

    def start_muxd(self, program: str) -> None:
        args = [program, "-v", "-v", "-s", str(self.modem_pty), "-l", str(self.muxd_log)]
        if self.mode == "basic":
            args += ["-m", "basic"]
        self.processes.append(subprocess.Popen(
            args, env=self.env(), stdin=subprocess.DEVNULL,
            stdout=open(self.directory / "muxd.out", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        ))

    def env(self) -> dict[str, str]:
        return {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": self.bus_address}

    def dbus(self, method: str, *args: str) -> str:
        result = subprocess.run(
            ["dbus-send", "--system", "--print-reply", "--type=method_call",
             "--dest=org.pyneo.mux", "/org/pyneo/Muxer", f"org.pyneo.Powered.{method}", *args],
            env=self.env(), capture_output=True, text=True, timeout=DBUS_TIMEOUT + 20,
        )
        return result.stdout + result.stderr

    def get_device(self, purpose: str) -> Path | None:
        reply = self.dbus("GetDevice", f"string:{purpose}")
        for word in reply.split():
            word = word.strip('"')
            if word.startswith("file:///dev/"):
                return Path(word[len("file://"):])
        return None

    def diagnostics(self) -> str:
        parts = [f"gsm0710muxd ({self.mode}) log tail:"]
        with contextlib.suppress(OSError):
            parts += self.muxd_log.read_text(errors="replace").splitlines()[-40:]
        return "\n".join(parts)

    def stop(self) -> None:
        for link in self.links.values():
            link.close()
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture(scope="module")
def labs(tmp_path_factory):
    muxd = require_program("gsm0710muxd", "gsm0710muxd")
    require_program("dbus-daemon", "dbus")
    require_program("dbus-send", "dbus")
    directory = tmp_path_factory.mktemp("muxd")
    labs = {mode: MuxdLab(mode, directory / mode, directory / f"modem-{mode}")
            for mode in MODES}
    modem_log = directory / "atsim.txt"
    modem = subprocess.Popen(
        [sys.executable, "-m", "tests.cmux.pty_modem", str(modem_log),
         *(f"muxd-{mode}={lab.modem_pty}" for mode, lab in labs.items())],
        cwd=REPO, env=atsim_environment(), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=open(directory / "atsim.err", "wb"),  # noqa: SIM115
    )

    for lab in labs.values():
        lab.modem_log = modem_log

    def diagnostics() -> str:
        text = modem_log.read_text(errors="replace") if modem_log.exists() else ""
        return "\n".join([*(lab.diagnostics() for lab in labs.values()),
                          "atsim log tail:", *text.splitlines()[-60:]])

    try:
        wait_for(lambda: all(lab.modem_pty.exists() for lab in labs.values()), 20,
                 "the modem PTYs", diagnostics)
        for lab in labs.values():
            lab.directory.mkdir()
            lab.start_bus()
            lab.start_muxd(muxd)
        for lab in labs.values():
            # gsm0710muxd takes a moment to own its bus name.
            wait_for(lambda lab=lab: "method return" in lab.dbus("GetPower", "string:test"),
                     10, f"gsm0710muxd ({lab.mode}) on D-Bus", diagnostics)
            assert "method return" in lab.dbus("SetPower", "string:test", "boolean:true")
        # Both options power up in parallel: GetDevice returns "file://" until muxing.
        with concurrent.futures.ThreadPoolExecutor(len(labs)) as pool:
            def first_channel(lab: MuxdLab) -> Path | None:
                deadline = time.monotonic() + MUXING_TIMEOUT
                while time.monotonic() < deadline:
                    device = lab.get_device("chan1")
                    if device is not None:
                        return device
                    time.sleep(0.5)
                return None

            for lab, device in zip(labs.values(), pool.map(first_channel, labs.values()),
                                   strict=True):
                if device is None:
                    pytest.fail(f"gsm0710muxd ({lab.mode}) never gave a channel\n"
                                + diagnostics())
                lab.channels["chan1"] = device
                lab.links["chan1"] = AtLink.open_pty(device)
        for lab in labs.values():
            device = lab.get_device("chan2")
            if device is None:
                pytest.fail(f"gsm0710muxd ({lab.mode}) gave no second channel\n"
                            + diagnostics())
            lab.channels["chan2"] = device
            lab.links["chan2"] = AtLink.open_pty(device)
        yield labs
    finally:
        for lab in labs.values():
            lab.stop()
        modem.send_signal(signal.SIGTERM)
        try:
            modem.wait(10)
        except subprocess.TimeoutExpired:
            modem.kill()
            modem.wait()


@pytest.fixture(params=MODES)
def lab(request, labs) -> MuxdLab:
    return labs[request.param]


def test_two_channels_answer_at_at_once(lab):
    one, two = lab.links["chan1"], lab.links["chan2"]
    # Each DLC starts with the power-on profile: echo on (gsm0710muxd's ATE0 went to
    # the physical port only).
    assert one.command("AT") == b"AT\r\r\nOK\r\n"
    assert two.command("ATE0") == b"ATE0\r\r\nOK\r\n"
    one.send(b"AT+CGMI\r")
    two.send(b"AT+CMUX?\r")
    mux = "0,0,5,64" if lab.mode == "basic" else "1,0,5,64"
    assert two.read_until(lambda b: b.endswith(b"OK\r\n")) == (
        f"\r\n+CMUX: {mux},10,3,30,10,2\r\n\r\nOK\r\n".encode())
    assert one.read_until(lambda b: b.endswith(b"OK\r\n")).endswith(b"\r\n\r\nOK\r\n")
    # Output longer than N1 (64) arrives whole.
    assert two.command("AT+CMUX=?").startswith(b"\r\n+CMUX: (0-1),(0),(1-6),(1-127),")


def test_data_mode_escape_and_resume_on_one_channel_while_the_other_answers(lab):
    data, other = lab.links["chan1"], lab.links["chan2"]
    data.command("ATE0")
    other.command("ATE0")
    assert data.command("ATD123") == b"\r\nCONNECT 9600\r\n"
    data.send(b"hello through the mux")
    assert data.read_until(lambda b: len(b) >= 21) == b"HELLO THROUGH THE MUX"
    assert other.command("AT") == b"\r\nOK\r\n"
    time.sleep(1.2)  # guard time (S12 = 1 s) before and after +++
    data.send(b"+++")
    assert data.read_until(lambda b: b.endswith(b"OK\r\n"), timeout=5) == b"\r\nOK\r\n"
    assert other.command("AT") == b"\r\nOK\r\n"
    assert data.command("ATO") == b"\r\nCONNECT\r\n"
    data.send(b"again")
    assert data.read_until(lambda b: len(b) >= 5) == b"AGAIN"
    time.sleep(1.2)
    data.send(b"+++")
    data.read_until(lambda b: b.endswith(b"OK\r\n"), timeout=5)
    assert data.command("ATH") == b"\r\nOK\r\n"


def test_a_frame_with_a_bad_fcs_is_lost_to_gsm0710muxd(lab):
    """``bad_fcs`` on one frame of DLC 1: gsm0710muxd discards it, so the answer it carried
    never reaches the channel's PTY; the next answer does.  No time limit stands in for the
    loss: frames arrive in order, so the second answer arriving first shows the first one
    was dropped."""
    one, two = lab.links["chan1"], lab.links["chan2"]
    one.command("ATE0")
    two.command("ATE0")
    manufacturer = one.command("AT+CGMI")
    assert two.command("AT+TFAULT=bad_fcs,count,1,dlc,1") == b"\r\nOK\r\n"
    one.send(b"AT\r")  # its "OK" goes out with a wrong FCS
    one.send(b"AT+CGMI\r")
    assert one.read_until(lambda b: b.endswith(b"OK\r\n") and len(b) >= len(manufacturer)
                          ) == manufacturer
    assert one.command("AT") == b"\r\nOK\r\n"  # the fault is over: frames are good


def test_gsm0710muxd_opens_a_dlc_again_that_the_modem_closed(lab):
    """``dce_disc`` on DLC 1: gsm0710muxd takes the DISC as the channel closed; the next
    bytes written to the channel's PTY make it send SABM again, and the channel goes on
    with a fresh AT channel on the modem (echo on again)."""
    one, two = lab.links["chan1"], lab.links["chan2"]
    one.command("ATE0")
    two.command("ATE0")

    def logged(text: str) -> int:
        return lab.muxd_log.read_text(errors="replace").count(text)

    closed, opened = logged("channel 1 for chan1 closed"), logged("Logical channel 1 opened")
    assert two.command("AT+TFAULT=dce_disc,dlc,1") == b"\r\nOK\r\n"
    wait_for(lambda: logged("channel 1 for chan1 closed") > closed, 30,
             "gsm0710muxd to see DLC 1 closed", lab.diagnostics)
    one.send(b"AT\r")  # written to a closed channel: gsm0710muxd opens it again
    wait_for(lambda: logged("Logical channel 1 opened") > opened, 30,
             "gsm0710muxd to open DLC 1 again", lab.diagnostics)
    assert one.command("AT") == b"AT\r\r\nOK\r\n"
    assert two.command("AT") == b"\r\nOK\r\n"  # the other channel was not touched


def test_gsm0710muxd_reads_the_fc_bit_of_flow_off(lab):
    """``flow_off`` on DLC 1 is an MSC with FC set: gsm0710muxd reads it ("No frames
    allowed"), and the MSC with FC clear when the fault is undone ("Frames allowed").
    gsm0710muxd 1.13 goes on sending regardless, and the modem takes what it sends."""
    one, two = lab.links["chan1"], lab.links["chan2"]
    one.command("ATE0")
    two.command("ATE0")

    def logged(text: str) -> int:
        return lab.muxd_log.read_text(errors="replace").count(text)

    stopped, allowed = logged("No frames allowed"), logged("Frames allowed")
    assert two.command("AT+TFAULT=flow_off,dlc,1") == b"\r\nOK\r\n"
    wait_for(lambda: logged("No frames allowed") > stopped, 30,
             "gsm0710muxd to read FC set", lab.diagnostics)
    assert one.command("AT") == b"\r\nOK\r\n"
    assert two.command("AT+TFAULT") == b"\r\nOK\r\n"  # undone
    wait_for(lambda: logged("Frames allowed") > allowed, 30,
             "gsm0710muxd to read FC clear", lab.diagnostics)
    assert one.command("AT") == b"\r\nOK\r\n"


def test_stopping_gsm0710muxd_returns_the_port_to_at_command_mode(labs):
    """Last test of the module: gsm0710muxd goes, the port is an AT port again."""
    closes = {mode: lab.host_closes_logged() for mode, lab in labs.items()}
    for lab in labs.values():
        lab.stop()
    for mode, lab in labs.items():
        # The multiplexer ends when the modem sees the host go; a host that opened the port
        # again before that would still be talking to the multiplexer, as on a real UART.
        wait_for(lambda lab=lab, mode=mode: lab.host_closes_logged() > closes[mode], 30,
                 f"the {mode} modem to see gsm0710muxd close its port", lab.diagnostics)
        with AtLink.open_pty(lab.modem_pty) as port:
            port.drain()
            assert port.command("AT").endswith(b"\r\nOK\r\n"), lab.mode
