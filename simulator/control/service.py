"""``ControlService``: the control API listening on its endpoint inside ``twistd atsim``."""

from __future__ import annotations

from pathlib import Path

from twisted.application.service import Service
from twisted.internet import defer, endpoints
from twisted.python.failure import Failure
from twisted.web.server import Site

from simulator.control.api import ControlApi, access_log_line
from simulator.control.events import EventLog
from simulator.control.faults import FaultBook
from simulator.control.metrics import Metrics
from simulator.logs import Logger
from simulator.transport import TransportError

log = Logger(namespace="atsim.control")

#: Where the API listens unless ``--control`` says otherwise: loopback only.
DEFAULT_ENDPOINT = "tcp:8474:interface=127.0.0.1"


class TokenError(ValueError):
    """The token file cannot be read or is empty."""


def read_token(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise TokenError(f"control token file {path}: {error}") from None
    if not token or any(c.isspace() for c in token):
        raise TokenError(f"control token file {path}: expected one word, the token")
    return token


class ControlService(Service):
    """The control API of ``simulator`` (a ``SimulatorService``) on ``endpoint``."""

    name = "control"

    def __init__(self, simulator, endpoint: str = DEFAULT_ENDPOINT, *, reactor,
                 token: str | None = None, events: EventLog | None = None,
                 recording=None, network_events=None) -> None:
        self.simulator = simulator
        self.endpoint = endpoint
        self.reactor = reactor
        self.token = token
        self.events = events
        self.recording = recording
        self.network_events = network_events
        self.api: ControlApi | None = None
        #: The bound address once listening (``.host``, ``.port``).
        self.address = None
        self._port = None

    def startService(self) -> None:
        modems = {modem.name: modem for modem in self.simulator.modems}
        book = FaultBook(modems, self.simulator.injector, self.reactor, self.simulator.seed)
        events = self.events or EventLog(list(modems.values()), self.reactor)
        metrics = Metrics(list(modems.values()), self.simulator.injector, events,
                          clock=self.reactor, sockets=self.network_events)
        if self.recording is not None:
            for name, (help_text, read) in self.recording.counters().items():
                metrics.add_counter(name, help_text, read)
        self.api = ControlApi(modems, book, events, metrics, token=self.token,
                              simulator=self.simulator, network_events=self.network_events)
        try:
            endpoint = endpoints.serverFromString(self.reactor, self.endpoint)
        except (ValueError, TypeError, KeyError) as e:
            book.close()
            raise TransportError(f"control API: invalid endpoint {self.endpoint!r}: {e}"
                                 ) from e
        site = Site(self.api, logFormatter=access_log_line)
        site.noisy = False
        outcome: list = []
        endpoint.listen(site).addBoth(outcome.append)
        # Stock server endpoints listen synchronously, so a port in use stops the start.
        if not outcome or isinstance(outcome[0], Failure):
            book.close()
            why = outcome[0].getErrorMessage() if outcome else "it did not listen at once"
            raise TransportError(f"control API: cannot listen on {self.endpoint!r}: {why}")
        self._port = outcome[0]
        self.address = self._port.getHost()
        metrics.watch()
        where = (f"http://{self.address.host}:{self.address.port}/"
                 if hasattr(self.address, "port") else str(self.address))
        log.info("control API: listening on {where} ({auth})", where=where,
                 auth="bearer token required" if self.token else "no token")
        Service.startService(self)

    def stopService(self):
        Service.stopService(self)
        waits = []
        if self.api is not None:
            self.api.book.close()
            self.api.metrics.unwatch()
            waits.append(self.api.close_streams())
        port, self._port = self._port, None
        if port is not None:
            waits.append(defer.maybeDeferred(port.stopListening))
        return defer.gatherResults(waits, consumeErrors=True).addCallback(lambda _: None)
