"""``twistd atsim``: run the modems of a scenario file.

This file is found by Twisted's plugin system (``twisted/plugins/`` has no ``__init__.py`` on
purpose: it is a namespace shared with every other installed Twisted plugin).  Keep imports
of atsim inside functions so ``twistd --help`` stays fast and cannot break on atsim's own
import errors.
"""

from __future__ import annotations

from pathlib import Path

from twisted.application.service import IServiceMaker
from twisted.plugin import IPlugin
from twisted.python import usage
from zope.interface import implementer

DESCRIPTION = "Cellular-modem simulator: virtual AT modems on PTYs, TCP, RFC 2217 and serial."

# Twisted reflows this text into one paragraph.
LONGDESC = (
    "Runs every modem a scenario file describes, in this one process: host software opens "
    "each modem's port (a pseudo-terminal symlink, a TCP or RFC 2217 port on loopback, or a "
    "real serial device) as it would open a real modem and speaks AT commands to it. One log "
    "line per port says where to open it. Example: twistd -n atsim -s "
    "scenarios/quickstart.yaml. Options of twistd itself (-n to stay in the foreground, "
    "-l FILE for the log, --pidfile) go before 'atsim'; see twistd --help."
)


DEFAULT_CONTROL_PORT = 8474
DEFAULT_CONTROL = f"tcp:{DEFAULT_CONTROL_PORT}:interface=127.0.0.1"


class Options(usage.Options):
    synopsis = ("-s SCENARIO [--seed N] [--state-dir DIR] [--log-level LEVEL] "
                "[--control ENDPOINT|none] [--control-token FILE] [--shard I/N] [--events FILE "
                "[--events-bytes]] [--transcripts DIR] [--pcap DIR]")
    longdesc = LONGDESC

    optFlags = [
        ["events-bytes", None,
         "With --events: the bytes of every port too, as 'bytes' events (direction, text, "
         "hex; the lines of +CPIN and the like redacted). Many events: for short runs."],
    ]

    optParameters = [
        ["scenario", "s", None,
         "Scenario file (YAML) describing the modems, their ports and the network. Required."],
        ["seed", None, None,
         "Seed for every random choice of the run (an integer). Default: a new random seed, "
         "written to the log at start so the run can be repeated.", int],
        ["state-dir", None, None,
         "Directory where modems keep what a real module stores in flash (AT&W profiles, "
         "+IPR...), one JSON file per modem, and the lab CA (lab-ca/ca.pem) that signs the lab's "
         "TLS services. Default: state/ beside the scenario file."],
        ["log-level", None, "info",
         "Least severe events atsim logs: debug (every command line, URC and data-mode "
         "change of every channel), info (ports, registration, calls, faults), warn or "
         "error. Default: info. debug costs throughput with many busy modems."],
        ["control", None, DEFAULT_CONTROL,
         "Where the control API (HTTP/JSON: modems, faults, events, metrics; see "
         "docs/control.md) listens: a Twisted server endpoint, or 'none' for no API. "
         "Default: tcp:8474:interface=127.0.0.1 (this machine only)."],
        ["control-token", None, None,
         "File holding a token the control API then requires of every request "
         "(Authorization: Bearer <token>; the lab page and the event stream also take "
         "?token=<token>), for a port others can reach. Default: none."],
        ["shard", None, None,
         "Run share I of N of the scenario's modems (I counts from 0: 0/4 ... 3/4), so N "
         "processes, on one machine or several, run the scenario together: every modem keeps "
         "its name, ports and random draws. Needs --seed (the same in every shard). Only "
         "shard 0 opens the lab's real listeners; the control API listens on port 8474 + I "
         "unless --control says otherwise. Calls and IP between modems of different shards "
         "do not connect (docs/scaling.md). Default: every modem in this process."],
        ["events", None, None,
         "Write every event of the run (commands, results, URCs, registration, faults ...: "
         "what GET /events streams) to FILE as JSON Lines, PINs and passwords redacted; "
         "appended to. See docs/observability.md. Default: none."],
        ["transcripts", None, None,
         "Write one readable transcript per modem port into DIR (DIR/<modem>/<port>.txt): "
         "what the host sent and what the modem answered, with UTC times. Default: none."],
        ["pcap", None, None,
         "Write the IP traffic of each modem's bearers into DIR/<modem>.pcap (classic pcap, "
         "raw IPv4: tcpdump -r, Wireshark), and the PPP frames of each port in data mode "
         "into DIR/<modem>.<port>.ppp.pcap. Default: none."],
    ]

    def postOptions(self) -> None:
        """Load and build everything now, so a bad scenario stops twistd with its message
        (file:line: key: problem) and a non-zero exit before any port opens."""
        if not self["scenario"]:
            raise usage.UsageError("a scenario is required: atsim -s SCENARIO.yaml")
        from twisted.logger import InvalidLogLevelError

        from simulator import logs

        try:
            logs.set_level(self["log-level"])
        except InvalidLogLevelError:
            names = ", ".join(level.name for level in logs.LEVELS)
            raise usage.UsageError(f"--log-level must be one of {names}") from None
        from simulator.network.lab.ca import LabCaError
        from simulator.scenario.errors import ScenarioError
        from simulator.scenario.loader import load
        from simulator.service import make_service

        pause_collector_until_running()
        try:
            scenario = load(Path(self["scenario"]))
        except ScenarioError as error:
            raise usage.UsageError(str(error)) from None

        from simulator.shards import WHOLE, Shard, ShardError

        shard = WHOLE
        if self["shard"] is not None:
            try:
                shard = Shard.parse(self["shard"])
            except ShardError as error:
                raise usage.UsageError(str(error)) from None
            if self["seed"] is None:
                raise usage.UsageError(
                    f"--shard {shard} needs --seed N, the same in every shard, so each modem "
                    "draws what it would draw in one process")
            if self["control"] == DEFAULT_CONTROL:
                self["control"] = f"tcp:{DEFAULT_CONTROL_PORT + shard.index}:interface=127.0.0.1"

        quiet_startup_errors()

        state_dir = Path(self["state-dir"]).absolute() if self["state-dir"] else None
        from twisted.internet import reactor

        from simulator.control.service import TokenError, read_token

        control = None if self["control"].strip().lower() == "none" else self["control"]
        try:
            token = read_token(Path(self["control-token"])) if self["control-token"] else None
        except TokenError as error:
            raise usage.UsageError(str(error)) from None
        try:
            self.service = make_service(
                scenario, reactor=reactor, seed=self["seed"], state_dir=state_dir,
                control=control, control_token=token, shard=shard,
                events_file=_path(self["events"]), transcripts=_path(self["transcripts"]),
                pcap=_path(self["pcap"]), events_bytes=bool(self["events-bytes"]))
        except ScenarioError as error:
            raise usage.UsageError(str(error)) from None
        except LabCaError as error:
            raise usage.UsageError(str(error)) from None
        try:
            self.service.state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise usage.UsageError(
                f"state directory {self.service.state_dir}: {error.strerror}") from None


def pause_collector_until_running() -> None:
    """Building thousands of modems creates millions of objects that live as long as the
    process; Python's cycle collector would walk all of them again and again while they are
    made (a third of the start-up time with 2,000 modems) and later, in every full
    collection, pause every modem for a time that grows with their number.  So it is off
    until the reactor runs (every port open), and what exists then is moved out of its sight
    (``gc.freeze``): later collections see only what the running modems create."""
    import gc

    from twisted.internet import reactor

    gc.disable()

    def settle() -> None:
        gc.freeze()
        gc.enable()

    reactor.callWhenRunning(settle)


def _path(value: str | None) -> Path | None:
    return Path(value).absolute() if value else None


def quiet_startup_errors() -> None:
    """A scenario the machine cannot hold, or a port that fails to open at start-up, is
    logged with what to do (``SimulatorService.startService``); twistd re-raises it to exit
    non-zero, and the traceback Python would print after it says nothing more."""
    import sys

    from simulator.service import StartupError

    previous = sys.excepthook

    def hook(kind, value, traceback):
        if not issubclass(kind, StartupError):
            previous(kind, value, traceback)

    sys.excepthook = hook


@implementer(IServiceMaker, IPlugin)
class AtsimServiceMaker:
    tapname = "atsim"
    description = DESCRIPTION
    options = Options

    def makeService(self, options: Options):
        return options.service


atsim = AtsimServiceMaker()
