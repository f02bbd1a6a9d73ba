"""Build the running simulator from a scenario: one ``MultiService`` holding, per modem, the
modem itself and one port service per host-facing port.

Nothing here listens or opens anything until the service is started, so a scenario that
cannot be built (an unknown dialect, a port a transport refuses) fails before any port is
half open.
"""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path

from twisted.application.service import MultiService, Service
from twisted.internet import defer

import simulator.dialects
from simulator.control.events import EventLog
from simulator.control.netevents import NetworkEvents
from simulator.control.recording import RecordingError, RecordingService
from simulator.control.service import ControlService
from simulator.faults import Injector
from simulator.faults.player import TimelinePlayer
from simulator.limits import LimitError, check_before_start
from simulator.line import Channel
from simulator.logs import Logger
from simulator.modem.modem import Modem
from simulator.modem.spec import ModemSpec
from simulator.modem.storage import NVStore, stored_files
from simulator.modem.terminal import stored_line_settings
from simulator.network import Network
from simulator.ports import port_service
from simulator.scenario.model import Scenario
from simulator.shards import WHOLE, Shard
from simulator.transport import TransportError

log = Logger(namespace="atsim.service")

#: Directory under the scenario's own directory where modems keep their flash (``&W``,
#: ``+IPR``...) when no ``--state-dir`` is given.
STATE_DIR_NAME = "state"


class StartupError(Exception):
    """A port could not be opened; nothing of the simulator is left running."""


def default_state_dir(scenario: Scenario) -> Path:
    return scenario.directory / STATE_DIR_NAME


def new_seed() -> int:
    """A fresh seed for a run whose seed was not given; logged so the run can be repeated."""
    return random.SystemRandom().randrange(2**32)


def modem_rng(seed: int, modem_name: str) -> random.Random:
    """Each modem draws from its own generator, so adding a modem to a scenario does not
    change what the others do with the same seed."""
    return random.Random(f"{seed}:{modem_name}")


def start_children(parent: MultiService) -> None:
    """Start ``parent``'s services in order, all or none: if one fails, the ones already
    started are stopped again, newest first (a PTY symlink removed, a port closed), and the
    error goes on up."""
    started = []
    try:
        for child in parent:
            child.startService()
            started.append(child)
    except BaseException:
        for child in reversed(started):
            child.stopService()
        raise


class ModemService(MultiService):
    """One modem and its port services.  The modem is powered on before its ports open, so
    the first host to connect finds it already booting, as a real module on a powered board."""

    def __init__(self, modem: Modem) -> None:
        super().__init__()
        self.modem = modem
        self.setName(modem.name)

    def startService(self) -> None:
        Service.startService(self)
        self.modem.power_on()
        try:
            start_children(self)
        except BaseException:
            self.running = False
            self.modem.power_off()
            raise

    def stopService(self):
        stopped = super().stopService()  # close the ports first: hosts see the port go away
        stopped.addBoth(self._power_off)
        return stopped

    def _power_off(self, result):
        self.modem.power_off()
        return result


class SimulatorService(MultiService):
    """The whole simulator: every modem of the scenario, with the seed of the run."""

    def __init__(self, scenario: Scenario, seed: int, state_dir: Path,
                 shard: Shard = WHOLE) -> None:
        super().__init__()
        self.scenario = scenario
        self.seed = seed
        self.state_dir = state_dir
        #: The share of the scenario's modems this process runs.
        self.shard = shard
        self.modem_specs = shard.share(scenario.modems)
        #: Starts and ends every fault of the run (the timeline's and any other), with the
        #: counts per kind.
        self.injector = Injector()

    @property
    def network(self) -> Network:
        return self.getServiceNamed("network")

    @property
    def modems(self) -> list[Modem]:
        return [child.modem for child in self if isinstance(child, ModemService)]

    def startService(self) -> None:
        log.info(
            "atsim: scenario {scenario}, {count} modem(s){share}, seed {seed} "
            "(repeat this run with --seed {seed}), state dir {state_dir}",
            scenario=str(self.scenario.path),
            count=len(self.modem_specs),
            share="" if self.shard == WHOLE else
            f" (shard {self.shard} of {len(self.scenario.modems)} modems)",
            seed=self.seed,
            state_dir=str(self.state_dir),
        )
        Service.startService(self)
        try:
            check_before_start(self.modem_specs)
            start_children(self)
            # One line for the fleet: each modem's power-on is logged at debug level only.
            log.info("atsim: {count} modem(s) powered on, their ports open",
                     count=len(self.modem_specs))
        except (LimitError, TransportError, RecordingError) as error:
            # A port that cannot be opened (TCP port in use, a file where the PTY symlink
            # goes): say which and stop with nothing left open.  It must stay an Exception:
            # a daemonizing twistd reports only those to the waiting parent (which would wait
            # for ever on a SystemExit).
            self.running = False
            log.critical("atsim cannot start: {error}", error=str(error))
            raise StartupError(f"atsim cannot start: {error}") from None
        except BaseException:
            self.running = False
            raise

    def stopService(self):
        """Stop every service, newest first, and the recording once they all have: the
        modems' power-off and the ports closing belong in the files."""
        recording = [child for child in self if child.name == RecordingService.name]
        if not recording:
            return super().stopService()
        Service.stopService(self)
        others = [child for child in reversed(list(self)) if child not in recording]
        stopped = defer.DeferredList([defer.maybeDeferred(c.stopService) for c in others])
        stopped.addCallback(lambda _: defer.DeferredList(
            [defer.maybeDeferred(c.stopService) for c in recording]))
        return stopped


def build_modem(
    spec: ModemSpec, scenario: Scenario, network: Network, *, reactor, seed: int,
    state_dir: Path, stored: frozenset[str] | None = None,
) -> ModemService:
    """``stored``: the names of the files in ``state_dir`` (None: each modem looks)."""
    rng = modem_rng(seed, spec.name)
    network.attach(spec, rng)
    file_name = f"{spec.name}.json"
    modem = Modem(
        spec,
        simulator.dialects.get(spec.dialect),
        scenario.network,
        reactor,
        rng,
        NVStore(state_dir / file_name, exists=None if stored is None else file_name in stored),
        ip_network=network,
    )
    service = ModemService(modem)
    # The UART starts as the modem's flash says (+IPR, +ICF set in an earlier run), over the
    # scenario's baudrate (docs/dialects/generic.md, "Terminal and clock").
    uart = stored_line_settings(modem.store)
    for port in spec.ports:
        if "baudrate" in uart and uart["baudrate"] != port.baudrate:
            log.info("{modem} {port}: starts at {rate} baud, the rate stored with AT+IPR "
                     "(the scenario says {scenario})", modem=spec.name, port=port.label,
                     rate=uart["baudrate"], scenario=port.baudrate)
            port = dataclasses.replace(port, baudrate=uart["baudrate"])
        channel = Channel(f"{spec.name}/{port.label}")
        channel.set_line_settings(**{k: v for k, v in uart.items() if k != "baudrate"})
        modem.attach(channel, port.label)
        transport = port_service(port, channel, reactor, label=f"{spec.name} {port.label}")
        transport.setServiceParent(service)
    return service


def make_service(
    scenario: Scenario, *, reactor, seed: int | None, state_dir: Path | None,
    control: str | None = None, control_token: str | None = None, shard: Shard = WHOLE,
    events_file: Path | None = None, transcripts: Path | None = None, pcap: Path | None = None,
    events_bytes: bool = False,
) -> SimulatorService:
    """The simulator for ``scenario``.  ``seed`` None draws one (it is logged at start);
    ``state_dir`` None keeps the modems' flash in ``<scenario directory>/state/``;
    ``control`` is the endpoint of the control API (None: no API), ``control_token`` the
    bearer token it then requires; ``shard`` the share of the modems to run (see
    ``simulator.shards``); ``events_file``, ``transcripts`` and ``pcap`` where the
    run's event log (JSON Lines), transcripts and packet captures go (None: not kept);
    ``events_bytes`` puts the bytes of every port in the event log too."""
    if seed is None:
        seed = new_seed()
    if state_dir is None:
        state_dir = default_state_dir(scenario)
    top = SimulatorService(scenario, seed, state_dir, shard)
    # The network starts first (lab services listening) and stops last.  Every shard
    # simulates the whole lab for its modems; only the first opens its real listeners.
    network = Network(scenario.network, clock=reactor, reactor=reactor, state_dir=state_dir,
                      lab_listen=shard.first)
    network.setServiceParent(top)
    stored = stored_files(state_dir)
    modems = [build_modem(spec, scenario, network, reactor=reactor, seed=seed,
                          state_dir=state_dir, stored=stored) for spec in top.modem_specs]
    events = EventLog([service.modem for service in modems], reactor, monotonic=time.monotonic)
    network_events = None
    if control is not None or events_file is not None or transcripts is not None \
            or pcap is not None:
        network_events = NetworkEvents([service.modem for service in modems], network.router)
        network_events.setServiceParent(top)
    recording = None
    if events_file is not None or transcripts is not None or pcap is not None:
        # Before the modems start (their power-on is recorded) and after they stop.
        recording = RecordingService(top, events, reactor=reactor, events_file=events_file,
                                     transcripts=transcripts, pcap=pcap,
                                     events_bytes=events_bytes)
        recording.setServiceParent(top)
    for service in modems:
        service.setServiceParent(top)
    if control is not None:
        # After the modems (it reads them) and before the timeline (it lists its faults).
        ControlService(top, control, reactor=reactor, token=control_token, events=events,
                       recording=recording, network_events=network_events
                       ).setServiceParent(top)
    if scenario.timeline:
        # Last: its clock starts once every modem is powered on and its ports are open.
        modems = {modem.name: modem for modem in top.modems}
        TimelinePlayer(scenario.timeline, modems, clock=reactor, seed=seed,
                       injector=top.injector,
                       names=[spec.name for spec in scenario.modems]).setServiceParent(top)
    return top
