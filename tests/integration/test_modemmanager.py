"""ModemManager (Debian's 1.20) drives an atsim modem on a real PTY: it probes the port, picks
its generic plugin, enables the modem, reads what the modem and its SIM say, connects a PPP
bearer with ``ATD*99***1#``, hands the port over, and disconnects.  ``atsim-dial
--connected`` is the host's PPP on the handed-over port (pppd's part, which NetworkManager
starts; there is no ``/dev/ppp`` here), and curl fetches a page of the lab web server through
it.

How ModemManager is made to see a PTY, which no udev reports (docs/ppp.md, "ModemManager"):

- a private D-Bus daemon with a socket in the test's directory; ModemManager runs with
  ``--test-session`` on it (``DBUS_SESSION_BUS_ADDRESS``), mmcli reaches it as the system bus
  (``DBUS_SYSTEM_BUS_ADDRESS``).  The session mode is what lets a bus without polkit work:
  ModemManager then skips its polkit checks for the modem's methods (connect, enable,
  ``--command``);
- ``--test-no-udev --no-auto-scan --initial-kernel-events=FILE`` with the line
  ``action=add,subsystem=tty,name=pts/N,uid=<modem>``: the event ``mmcli
  --report-kernel-event`` would send, read at start-up (reporting it over D-Bus asks polkit
  for the manager's Control authorization, which this bus cannot give);
- without udev, ModemManager reads the port's attributes under ``/sys/class/tty/<name>`` and
  applies the ``ID_MM_*`` properties of its rules files in ``/lib/udev/rules.d``; a PTY has
  neither.  So ModemManager runs in a private mount namespace (``unshare -m``) where a
  directory of the test is bind-mounted on ``/sys/class/tty`` (``pts/N/subsystem`` -> a
  directory called ``tty``) and another on ``/lib/udev/rules.d`` with one rules file giving
  the port ``ID_MM_CANDIDATE`` and ``ID_MM_DEVICE_PROCESS`` (the explicit allow-list, since
  the STRICT filter drops ports without a physical device).  Nothing outside the namespace
  changes.

What ModemManager sends, in order (its --debug log is shown when a test fails).  Probing:
``AT^SQPORT?`` (a Cinterion probe: ``ERROR``), ``AT``, ``AT+CGMI``, then its init string
``ATE0 ATV1 AT+CMEE=1 ATX4 AT&C1``, ``AT+GCAP``, ``AT+WS46=?``, ``AT+CSCS=?`` and
``AT+CSCS="UCS2"``, ``AT+CGMI AT+CGMM AT+CGMR AT+CGSN ATI``, ``AT*CNTI=2``,
``AT+CGDCONT=?``, ``AT+CFUN?``, ``AT+CPIN?``, ``AT+CSIM`` (PIN retries), ``AT+CRSM`` reads
of EF_ICCID, EF_AD, EF_SPN, EF_ECC, EF_GID1/2, ``AT+CIMI``, ``AT+CPLS``/``AT+CPOL``,
``AT+CNUM``, ``AT+CLCK``, ``AT+CEMODE?``, ``AT+CUSD=?``, ``AT+CNMI=?``, ``AT+CPMS``,
``AT+CTZU=1``, ``AT+CCLK?``, ``AT+CESQ=?``, ``ATH``, ``AT+CLCC=?``.  Enabling: the init
string again, ``AT+IFC=2,2``, ``AT+CIND=?``, ``AT+CMER=3,0,0,1``, ``AT+CGEREP=2``,
``AT+CREG=2``, ``AT+CGREG=2``, SMS set-up (``AT+CMGF=0``, ``AT+CPMS``, ``AT+CMGL=4``,
``AT+CNMI=2,1,2,1,0``), ``AT+CLIP=1 AT+CRC=1 AT+CCWA=1``, ``AT+COPS=3,2``/``AT+COPS?``
and ``AT+COPS=3,0``/``AT+COPS?`` (the name, in UCS2), ``AT+CIND?`` for the signal (again
every 30 s).  Connecting: ``AT+CGDCONT?``, ``AT+CGACT?``, ``AT+CGDCONT=1,"IP","internet"``,
``ATD*99***1#`` (``CONNECT``; the port is then PPP's and ModemManager stops reading it).
Disconnecting: it closes the port (the DTR drop of a real line: the modem ends the call),
reopens it a second later, repeats its init string and sends ``AT+CGACT=0,1``.  The commands
atsim does not have (``+WS46``, ``+CSIM``, ``+CPLS``, ``+CPOL``, ``+CEMODE``, ``+CUSD``,
``+CLCC``, ``+CCWA``) answer ``ERROR`` and ModemManager goes on without them.

Skipped with the reason unless ModemManager, mmcli and dbus-daemon are installed, the tests
run as root (mount namespace, bind mounts) and a network namespace with a TUN device can be
made.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from tests.inet.test_kernel_tcp import namespace_unavailable
from tests.integration.harness import REPO, AtsimProcess, require_program, write_scenario


def _unavailable() -> str | None:
    if os.geteuid() != 0:
        return "ModemManager's test runs as root (a mount namespace with bind mounts)"
    with tempfile.TemporaryDirectory() as empty:
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "mount", "--bind",
                                empty, "/sys/class/tty"], capture_output=True, text=True)
    if probe.returncode:
        return f"cannot bind-mount on /sys/class/tty in a mount namespace: {probe.stderr}"
    return namespace_unavailable()


REASON = _unavailable()
pytestmark = [pytest.mark.clients,
              pytest.mark.skipif(REASON is not None, reason=REASON or "")]

#: Hang guards, not timing expectations: ModemManager's probing sends some 60 commands, each
#: answered at once, but a loaded CI machine may take long to run the three processes.
FOUND_TIMEOUT = 180.0
STEP_TIMEOUT = 120.0
#: How often mmcli is asked again while waiting for a state.
POLL = 0.5

OPERATOR = "Atsim Net"
APN = "internet"
IDENTITY = {"manufacturer": "Atsim Lab", "model": "LM-1", "revision": "LM1R01A01",
            "imei": "490154203237518"}
IMSI = "001010123456789"
ICCID = "8900101000000000017"

BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

#: The rules ModemManager's udev-less kernel devices apply (it reads only files named
#: 77-mm-* to 80-mm-*): every tty of the namespace's /sys/class/tty is a modem candidate
#: and explicitly allowed.
RULES = """\
SUBSYSTEM=="tty", ENV{ID_MM_CANDIDATE}="1"
SUBSYSTEM=="tty", ENV{ID_MM_DEVICE_PROCESS}="1"
"""


class ModemManager:
    """A private bus and ModemManager on it, seeing one PTY; mmcli against them."""

    def __init__(self, directory: Path, pts: str, uid: str) -> None:
        self.directory = directory
        self.pts = pts  # "pts/N"
        self.socket = directory / "bus" / "socket"
        self.env = {**os.environ,
                    "DBUS_SYSTEM_BUS_ADDRESS": f"unix:path={self.socket}",
                    "DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.socket}"}
        self.log_path = directory / "ModemManager.log"
        self.uid = uid
        self.bus: subprocess.Popen | None = None
        self.daemon: subprocess.Popen | None = None

    def start(self) -> ModemManager:
        (self.directory / "bus").mkdir()
        config = self.directory / "bus" / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=self.socket))
        self.bus = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait(self.socket.exists, 30, "the private D-Bus daemon's socket")

        sysclass = self.directory / "sysclass" / "tty"
        port = sysclass / self.pts
        port.mkdir(parents=True)
        # /sys/class/tty/<name>/subsystem is a link to the class; its name is what counts.
        (port / "subsystem").symlink_to(sysclass)
        rules = self.directory / "rules"
        rules.mkdir()
        (rules / "78-mm-atsim.rules").write_text(RULES)
        events = self.directory / "kernel-events"
        events.write_text(f"action=add,subsystem=tty,name={self.pts},uid={self.uid}\n")
        script = (f"mount --bind {sysclass} /sys/class/tty && "
                  f"mount --bind {rules} /lib/udev/rules.d && "
                  f"exec ModemManager --test-session --test-no-udev --no-auto-scan "
                  f"--initial-kernel-events={events} --debug --log-level=DEBUG "
                  f"--log-timestamps")
        with open(self.log_path, "wb") as log:
            self.daemon = subprocess.Popen(
                ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def stop(self) -> None:
        for process in (self.daemon, self.bus):
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def exchanges(self) -> str:
        """The AT commands and answers of ModemManager's log, one per line."""
        return "\n".join(line for line in self.log().splitlines() if "] -->" in line
                         or "] <--" in line)

    def mmcli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(["mmcli", *args], env=self.env, capture_output=True,
                                text=True, timeout=STEP_TIMEOUT)
        if check and result.returncode != 0:
            pytest.fail(f"mmcli {' '.join(args)}: {result.stdout}{result.stderr}\n"
                        f"{self.log()[-20000:]}")
        return result

    def json(self, *args: str) -> dict:
        return json.loads(self.mmcli(*args, "-J").stdout)

    def modems(self) -> list[str]:
        result = self.mmcli("-L", "-J", check=False)
        if result.returncode != 0:
            return []  # the daemon has not taken its name on the bus yet
        return json.loads(result.stdout).get("modem-list", [])

    def _wait(self, condition, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if self.daemon is not None and self.daemon.poll() is not None:
                pytest.fail(f"ModemManager exited with {self.daemon.returncode}\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n"
                            f"{self.log()[-30000:]}")
            time.sleep(POLL)

    def wait_for(self, condition, what: str, timeout: float = STEP_TIMEOUT):
        return self._wait(condition, timeout, what)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    for program, package in (("ModemManager", "modemmanager"), ("mmcli", "modemmanager"),
                             ("dbus-daemon", "dbus"), ("curl", "curl")):
        require_program(program, package)
    directory = tmp_path_factory.mktemp("mm")
    www = directory / "www"
    www.mkdir()
    (www / "index.html").write_text("hello through ModemManager's bearer\n")
    pty = directory / "modem0"
    network = textwrap.dedent(f"""\
        network:
          registration: {{delay: 0.1s}}
          operators:
            - {{mcc: "001", mnc: "01", name: "{OPERATOR}", tech: gsm}}
          apns:
            {APN}: {{pool: 10.70.0.0/24, dns: [10.70.0.53]}}
          hosts:
            www.lab:
              services:
                http: {{root: ./www}}
          links: {{default: ideal}}
        """)
    modem = textwrap.dedent(f"""\
        - name: mm-1
          ports:
            - pty: {pty}
          identity:
            manufacturer: {IDENTITY["manufacturer"]}
            model: {IDENTITY["model"]}
            revision: {IDENTITY["revision"]}
            imei: "{IDENTITY["imei"]}"
          sim:
            imsi: "{IMSI}"
            iccid: "{ICCID}"
        """)
    scenario = write_scenario(directory, [modem], network=network)
    atsim = AtsimProcess(scenario).start()
    manager = None
    try:
        atsim.wait_ready(ptys=[pty])
        pts = os.path.relpath(os.path.realpath(pty), "/dev")
        assert re.fullmatch(r"pts/\d+", pts), pts
        manager = ModemManager(directory, pts, "atsim-mm-1").start()
        yield directory, atsim, manager
    finally:
        if manager is not None:
            manager.stop()
        atsim.stop()


@pytest.fixture(scope="module")
def modem(lab) -> str:
    """The modem's D-Bus path once ModemManager found it, enabled it and it registered."""
    _, atsim, manager = lab
    path = manager.wait_for(lambda: next(iter(manager.modems()), None),
                            "ModemManager to find the modem", FOUND_TIMEOUT)
    manager.mmcli("-m", path, "--enable")
    manager.wait_for(lambda: manager.json("-m", path)["modem"]["generic"]["state"]
                     == "registered", "the modem to register")
    return path


def test_the_generic_plugin_reads_the_identity(lab, modem):
    _, _, manager = lab
    generic = manager.json("-m", modem)["modem"]["generic"]
    assert generic["plugin"] == "generic"
    assert generic["manufacturer"] == IDENTITY["manufacturer"]
    assert generic["model"] == IDENTITY["model"]
    assert generic["revision"] == IDENTITY["revision"]
    assert generic["equipment-identifier"] == IDENTITY["imei"]
    assert generic["primary-port"] == manager.pts
    assert generic["ports"] == [f"{manager.pts} (at)"]
    assert manager.json("-m", modem)["modem"]["3gpp"]["imei"] == IDENTITY["imei"]


def test_the_sim(lab, modem):
    _, _, manager = lab
    sim_path = manager.json("-m", modem)["modem"]["generic"]["sim"]
    properties = manager.json("-i", sim_path)["sim"]["properties"]
    assert properties["imsi"] == IMSI
    assert properties["active"] == "yes"
    # Read with AT+CRSM: EF_ICCID, EF_AD (the MNC's length), EF_SPN.
    assert properties["iccid"] == ICCID
    assert properties["operator-code"] == IMSI[:5]
    assert properties["operator-name"] == OPERATOR


def test_registration_at_home_with_the_scenario_operator(lab, modem):
    _, _, manager = lab
    gpp = manager.json("-m", modem)["modem"]["3gpp"]
    assert gpp["registration-state"] == "home"
    assert gpp["operator-code"] == IMSI[:5]
    assert gpp["operator-name"] == OPERATOR
    assert gpp["packet-service-state"] == "attached"


def test_signal_quality_agrees_with_csq(lab, modem):
    """ModemManager reads +CIND's "signal" (0-5) as a percentage; the bars follow +CSQ's
    <rssi> (one bar per 6 units), so the percentage is the modem's +CSQ on +CIND's scale."""
    _, _, manager = lab
    answer = manager.mmcli("-m", modem, "--command=AT+CSQ").stdout
    rssi = int(re.search(r"\+CSQ: (\d+),\d+", answer).group(1))
    bars = 0 if rssi == 99 else min(5, (rssi + 5) // 6)
    quality = manager.json("-m", modem)["modem"]["generic"]["signal-quality"]
    assert int(quality["value"]) == bars * 20, (answer, quality)


def test_connect_ppp_curl_and_disconnect(lab, modem):
    directory, atsim, manager = lab
    manager.mmcli("-m", modem, f"--simple-connect=apn={APN}")
    bearers = manager.json("-m", modem)["modem"]["generic"]["bearers"]
    assert len(bearers) == 1, bearers
    bearer = manager.json("-b", bearers[0])["bearer"]
    assert bearer["status"]["connected"] == "yes"
    assert bearer["status"]["interface"] == manager.pts
    assert bearer["ipv4-config"]["method"] == "ppp"
    assert bearer["properties"]["apn"] == APN
    assert manager.json("-m", modem)["modem"]["generic"]["state"] == "connected"
    assert 'AT+CGDCONT=1,"IP","internet"' in manager.exchanges()
    assert "ATD*99***1#" in manager.exchanges()

    # The host's PPP on the port ModemManager handed over, in a network namespace.
    out, err = directory / "dial.out", directory / "dial.err"
    script = textwrap.dedent(f"""\
        set -u
        {sys.executable} -m simulator.dial.main /dev/{manager.pts} --connected > {out} 2> {err} &
        dial=$!
        for i in $(seq 1 2400); do  # a hang guard (2 minutes), not a timing expectation
          grep -q '^ip ' {out} && break
          kill -0 $dial 2>/dev/null || break
          sleep 0.05
        done
        grep -q '^ip ' {out} || {{ echo "atsim-dial did not come up"; exit 9; }}
        curl -sS --max-time 60 http://198.18.0.1/index.html
        kill -TERM $dial
        wait $dial
        echo "dial exit $?"
        """)
    result = subprocess.run(["unshare", "-n", "bash", "-c", script], capture_output=True,
                            text=True, cwd=directory, timeout=4 * STEP_TIMEOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    report = (f"status {result.returncode}\n{result.stdout}{result.stderr}\natsim-dial:\n"
              f"{_read(out)}{_read(err)}\n{atsim.diagnostics()[-4000:]}\n"
              f"{manager.log()[-20000:]}")
    assert "hello through ModemManager's bearer" in result.stdout, report
    assert "dial exit 0" in result.stdout, report
    assert re.search(r"^ip 10\.70\.0\.\d+ gateway 192\.0\.0\.1 dns 10\.70\.0\.53$",
                     _read(out), re.M), report

    manager.mmcli("-m", modem, "--simple-disconnect")
    manager.wait_for(lambda: manager.json("-b", bearers[0])["bearer"]["status"]["connected"]
                     == "no", "the bearer to disconnect")
    manager.wait_for(lambda: manager.json("-m", modem)["modem"]["generic"]["state"]
                     == "registered", "the modem back to registered")
    assert "AT+CGACT=0,1" in manager.exchanges()
    # The port answers AT again, and the context is down.
    answer = manager.mmcli("-m", modem, "--command=AT+CGACT?").stdout
    assert "+CGACT: 1,0" in answer, answer + manager.exchanges()[-3000:]


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def test_modemmanager_found_no_traceback_in_atsim(lab, modem):
    _, atsim, _ = lab
    assert "Traceback" not in atsim.log()

