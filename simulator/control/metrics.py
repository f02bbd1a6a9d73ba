"""What ``GET /metrics`` counts, written by ``prometheus_client`` in the Prometheus text
exposition format (version 0.0.4), every name prefixed ``atsim_``.

The modems pay little for being counted: a meter on each modem (``Modem.meters``: a command
line and its result are two calls, no event built) adds to plain integers, the host-facing
channels count their own bytes, and the families are built from them only when somebody
scrapes (a custom collector), the command latency histogram too (a count per bucket).

Labels are bounded so that 10,000 modems stay cheap: per-modem series are few (a handful of
families with the label ``modem`` only); everything broken down by command, result or URC is
*not* per modem but per dialect, and each of those labels keeps at most ``LABEL_LIMIT``
distinct values (a host typing random commands cannot grow the scrape without bound: the rest
is counted as ``other``).
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

from simulator.control.events import EventLog
from simulator.faults import Injector
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.network import NetworkService
from simulator.modem.registration import Domain

#: What generate_latest writes (the classic text format).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Distinct values one label (command, result, URC) keeps per dialect before ``other``.
LABEL_LIMIT = 200
OTHER = "other"
#: Lines whose label is remembered (forgotten all at once when full).
NAME_CACHE = 4096

#: Seconds from a command line's last byte to its final result code.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                   10.0, 30.0, 60.0, 180.0)

# The first command of a line: AT+CREG?, AT#SGACT=1, ATD*99#, AT&W, ATS0=1, ATE0.
_COMMAND = re.compile(r"^AT\s*([+#%$*^!@][A-Z0-9]+|&[A-Z]|S\d+|[A-Z])", re.IGNORECASE)
# A result or URC's name: "+CME ERROR: 3" -> "+CME ERROR", "CONNECT 9600" -> "CONNECT".
_NAME = re.compile(r"^([+#%$^!@]?[A-Z][A-Z0-9_ ]*?)(?:[:=]|\s+\d|$)", re.IGNORECASE)


def command_name(line: str) -> str:
    """``AT+CGDCONT=1,"IP"`` -> ``+CGDCONT``; ``AT`` alone -> ``AT``."""
    match = _COMMAND.match(line.strip())
    if match is None:
        return "AT" if line.strip().upper() == "AT" else OTHER
    return match[1].upper()


def result_name(text: str) -> str:
    """``+CME ERROR: 10`` -> ``+CME ERROR``; ``CONNECT 9600`` -> ``CONNECT``; ``4`` -> ``4``."""
    text = text.strip()
    if text.isdigit():
        return text
    match = _NAME.match(text)
    return match[1].strip().upper() if match else OTHER


def port_kind(port: str | None) -> str:
    """The kind of the AT channel a port label names: pty, tcp, rfc2217, serial or cmux."""
    if port is None:
        return "none"
    if "/dlc" in port:
        return "cmux"
    return port.split(" ", 1)[0]


class BoundedLabels:
    """A label's values, at most ``limit`` distinct ones per key; later ones are ``other``."""

    def __init__(self, limit: int = LABEL_LIMIT) -> None:
        self.limit = limit
        self._seen: dict[str, set[str]] = {}

    def __call__(self, key: str, value: str) -> str:
        seen = self._seen.setdefault(key, set())
        if value in seen:
            return value
        if len(seen) >= self.limit:
            return OTHER
        seen.add(value)
        return value


@dataclasses.dataclass
class ModemCounts:
    commands: int = 0
    errors: int = 0
    urcs: int = 0
    bytes_rx: int = 0
    bytes_tx: int = 0
    faults_started: int = 0
    faults_ended: int = 0
    #: PPP links of the modem whose IPCP is up now (``ppp`` events).
    ppp_sessions: int = 0


class Metrics:
    """Counts what the modems do, from the moment ``watch`` is called."""

    def __init__(self, modems: Sequence[Modem], injector: Injector, events: EventLog,
                 clock=None, sockets=None) -> None:
        self._modems = list(modems)
        self._injector = injector
        self._events = events
        self._clock = clock
        #: The ``NetworkEvents`` of the run (its socket counts), if any.
        self._sockets = sockets
        self.counts = {modem.name: ModemCounts() for modem in self._modems}
        #: "command" or "result" -> (dialect, label) -> its tally, counted in place.
        self._tallies: dict[str, dict[tuple[str, str], _Tally]] = {"command": {}, "result": {}}
        #: (dialect, URC) -> count.
        self.urcs: Counter[tuple[str, str]] = Counter()
        #: (dialect, port kind, direction) -> bytes, as of the last scrape.
        self.port_bytes: Counter[tuple[str, str, str]] = Counter()
        #: The watched ports: (modem, (dialect, port kind), channel, the channel's byte
        #: counts when watching began), read when scraped.
        self._ports: list[tuple[str, tuple[str, str], Channel, int, int]] = []
        #: (dialect, role) -> PPP links whose IPCP opened; cause -> PPP links ended.
        self.ppp_opened: Counter[tuple[str, str]] = Counter()
        self.ppp_ended: Counter[tuple[str]] = Counter()
        #: Other counters a part of the control plane keeps (``name -> value``), such as the
        #: event file's lines; shown as ``atsim_<name>_total``.
        self.extra: dict[str, tuple[str, Callable[[], float]]] = {}
        self._labels = BoundedLabels()
        # (modem, port) -> (time the command line came, its command's name)
        self._pending: dict[tuple[str, str | None], tuple[float, str]] = {}
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(_Collector(self))
        #: dialect -> its command latencies (a histogram kept as plain numbers).
        self._latency: dict[str, _Latency] = {}
        self._names: dict[tuple[str, str, str], str] = {}
        #: modem name -> what counts its commands (``Modem.meters``).
        self._meters: dict[str, _ModemMeter] = {}
        #: (family, dialect) -> the line as the modem has it (the text after ``AT``, a
        #: result's bytes) -> the tally of its (dialect, bounded label).
        self._keys: dict[tuple[str, str], dict] = {}

    @property
    def commands(self) -> dict[tuple[str, str], int]:
        """(dialect, command) -> command lines."""
        return {key: tally.count for key, tally in self._tallies["command"].items()
                if tally.count}

    @property
    def command_errors(self) -> dict[tuple[str, str], int]:
        """(dialect, command) -> its lines answered with an error."""
        return {key: tally.errors for key, tally in self._tallies["command"].items()
                if tally.errors}

    @property
    def results(self) -> dict[tuple[str, str], int]:
        """(dialect, result) -> final results."""
        return {key: tally.count for key, tally in self._tallies["result"].items()}

    def watch(self) -> None:
        for modem in self._modems:
            modem.add_hook("meters", self._meter_of(modem))
            for interpreter in modem.interpreters:  # the host-facing ports, not CMUX DLCs
                channel = interpreter.channel
                self._ports.append((modem.name, (modem.dialect.name, port_kind(interpreter.port)),
                                    channel, channel.bytes_rx, channel.bytes_tx))

    def unwatch(self) -> None:
        for modem in self._modems:
            meter = self._meters.get(modem.name)
            modem.remove_hook("meters", meter)

    def _meter_of(self, modem: Modem) -> _ModemMeter:
        meter = self._meters.get(modem.name)
        if meter is None:
            meter = self._meters[modem.name] = _ModemMeter(
                self, self.counts[modem.name], modem.dialect.name)
        return meter

    def add_counter(self, name: str, help_text: str, read) -> None:
        """Show ``read()`` as the counter ``atsim_<name>_total``."""
        self.extra[name] = (help_text, read)

    def _observe(self, modem: Modem, kind: str, port, fields: dict) -> None:
        """Every event but a command line and its result, which ``_ModemMeter`` is told
        of directly."""
        if kind == "urc":
            self.counts[modem.name].urcs += 1
            dialect = modem.dialect.name
            for line in fields.get("lines", ()):
                self.urcs[dialect, self._name("urc", dialect, line, result_name)] += 1
        elif kind == "ppp":
            self._ppp(modem, fields)
        elif kind == "fault":
            if fields.get("edge") == "start":
                self.counts[modem.name].faults_started += 1
            else:
                self.counts[modem.name].faults_ended += 1

    def _ppp(self, modem: Modem, fields: dict) -> None:
        phase = fields.get("phase")
        if phase == "ipcp up":
            self.counts[modem.name].ppp_sessions += 1
            self.ppp_opened[modem.dialect.name, str(fields.get("role"))] += 1
        elif phase == "terminated":
            if fields.get("network_was_up"):
                counts = self.counts[modem.name]
                counts.ppp_sessions = max(0, counts.ppp_sessions - 1)
            # causes are a fixed set (``Termination`` and the port's own ends)
            self.ppp_ended[fields.get("cause") or OTHER,] += 1

    def _tally(self, family: str, dialect: str, raw, text: str, namer) -> _Tally:
        """The tally of a command line or result as the modem has it (``raw``),
        remembered, its label made from ``text`` the first time."""
        keys = self._keys.setdefault((family, dialect), {})
        if len(keys) >= NAME_CACHE:
            keys.clear()  # the same dict: a meter holding it sees it emptied
        tally = keys[raw] = self._series(family, (dialect, self._labels(f"{family}:{dialect}",
                                                                          namer(text))))
        return tally

    def _series(self, family: str, key: tuple[str, str]) -> _Tally:
        tallies = self._tallies[family]
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = _Tally()
        return tally

    def _name(self, family: str, dialect: str, text: str, namer) -> str:
        """The bounded label of ``text`` (a command line, a result, a URC), remembered: a
        fleet sends the same few lines over and over."""
        key = (family, dialect, text)
        name = self._names.get(key)
        if name is None:
            if len(self._names) >= NAME_CACHE:
                self._names.clear()
            name = self._names[key] = self._labels(f"{family}:{dialect}", namer(text))
        return name

    def _read_port_bytes(self) -> None:
        """The bytes through the watched ports since watching began, from the channels'
        own counts (a channel counts what a tap would see: no call per write)."""
        for counts in self.counts.values():
            counts.bytes_rx = counts.bytes_tx = 0
        self.port_bytes.clear()
        for modem, (dialect, kind), channel, rx_base, tx_base in self._ports:
            counts = self.counts[modem]
            rx, tx = channel.bytes_rx - rx_base, channel.bytes_tx - tx_base
            counts.bytes_rx += rx
            counts.bytes_tx += tx
            self.port_bytes[dialect, kind, "rx"] += rx
            self.port_bytes[dialect, kind, "tx"] += tx

    def render(self) -> str:
        """The exposition text."""
        return generate_latest(self.registry).decode("utf-8")

    # -- the families, built at scrape time ---------------------------------------------------

    def families(self) -> Iterator:
        per_modem = [
            ("commands", "AT command lines received", "commands"),
            ("command_errors", "final results that were errors (ERROR, +CME ERROR ...)",
             "errors"),
            ("urcs", "unsolicited result codes shown", "urcs"),
            ("faults_started", "faults started on the modem", "faults_started"),
            ("faults_ended", "faults ended on the modem", "faults_ended"),
        ]
        for name, help_text, attribute in per_modem:
            family = CounterMetricFamily(f"atsim_modem_{name}", help_text, labels=["modem"])
            for modem, counts in self.counts.items():
                family.add_metric([modem], getattr(counts, attribute))
            yield family
        self._read_port_bytes()
        family = CounterMetricFamily(
            "atsim_modem_port_bytes", "bytes through the modem's host-facing ports (rx: "
            "from the host, tx: to the host)", labels=["modem", "direction"])
        for modem, counts in self.counts.items():
            family.add_metric([modem, "rx"], counts.bytes_rx)
            family.add_metric([modem, "tx"], counts.bytes_tx)
        yield family
        yield _gauge("atsim_modem_powered", "1 while the modem has power", ["modem"],
                     (([m.name], int(m.powered)) for m in self._modems))
        yield _gauge("atsim_modem_registered",
                     "1 while the modem is registered on the network (+CREG)", ["modem"],
                     (([m.name], int(_registration(m) in ("home", "roaming")))
                      for m in self._modems))
        yield _gauge("atsim_modem_hosts_attached", "ports of the modem a host has open",
                     ["modem"],
                     (([m.name], sum(i.channel.host_attached for i in m.interpreters))
                      for m in self._modems))
        yield _gauge("atsim_modem_ppp_sessions", "PPP links of the modem with IPCP up "
                     "(a host's dial, the modem's own CSD PPP)", ["modem"],
                     (([m], c.ppp_sessions) for m, c in self.counts.items()))
        # -- by dialect ---------------------------------------------------------------------
        latency = HistogramMetricFamily(
            "atsim_command_latency_seconds",
            "time from a command line's end to its final result code", labels=["dialect"])
        for dialect, kept in sorted(self._latency.items()):
            latency.add_metric([dialect], kept.buckets(), kept.sum)
        yield latency
        states: Counter[tuple[str, str]] = Counter()
        for modem in self._modems:
            state = _registration(modem) if modem.powered else "off"
            states[modem.dialect.name, state] += 1
        yield _gauge("atsim_modems_by_state", "modems by dialect and registration state "
                     "(home, roaming, searching, denied, not_searching, unknown, off)",
                     ["dialect", "state"], (([d, s], n) for (d, s), n in sorted(states.items())))
        yield _counter("atsim_commands", "AT command lines, by dialect and first command",
                       ["dialect", "command"], self.commands)
        yield _counter("atsim_command_errors", "command lines answered with an error, by "
                       "dialect and first command", ["dialect", "command"], self.command_errors)
        yield _counter("atsim_results", "final result codes, by dialect and result",
                       ["dialect", "result"], self.results)
        yield _counter("atsim_urcs", "unsolicited lines, by dialect and name",
                       ["dialect", "urc"], self.urcs)
        yield _counter("atsim_port_bytes", "bytes through host-facing ports, by dialect, "
                       "port kind and direction (rx: from the host)",
                       ["dialect", "port_kind", "direction"], self.port_bytes)
        yield _counter("atsim_ppp_sessions_opened", "PPP links whose IPCP opened, by dialect "
                       "and the modem's role (server: a host dialled it)",
                       ["dialect", "role"], self.ppp_opened)
        yield _counter("atsim_ppp_sessions_ended", "PPP links ended, by cause",
                       ["cause"], self.ppp_ended)
        dropped = Counter()
        urcs_dropped = Counter()
        for modem in self._modems:
            for interpreter in modem.interpreters:
                dropped[modem.dialect.name, "rx"] += interpreter.channel.dropped_rx
                dropped[modem.dialect.name, "tx"] += interpreter.channel.dropped_tx
                urcs_dropped[modem.dialect.name,] += interpreter.urcs_dropped
        yield _counter("atsim_port_bytes_dropped", "bytes lost on ports (no host attached, "
                       "no power), by dialect and direction", ["dialect", "direction"],
                       dropped)
        yield _counter("atsim_urcs_dropped", "unsolicited lines a busy channel could not "
                       "queue, by dialect", ["dialect"], urcs_dropped)
        if self._sockets is not None:
            yield _counter("atsim_sockets_opened", "TCP connections of the modems' sockets "
                           "opened, by dialect", ["dialect"],
                           {(d,): n for d, n in self._sockets.sockets_opened.items()})
            yield _gauge("atsim_sockets_open", "TCP connections of the modems open now, by "
                         "dialect", ["dialect"],
                         (([d], n) for d, n in sorted(self._sockets.sockets_open.items())))
            yield _counter("atsim_socket_bytes", "bytes of the modems' TCP connections, by "
                           "dialect and direction (up: sent by the modem)",
                           ["dialect", "direction"], self._sockets.socket_bytes)
        # -- faults -------------------------------------------------------------------------
        kinds = sorted({kind for kind, _ in self._injector.counts})
        for edge, word in (("start", "started"), ("end", "ended")):
            yield _counter(f"atsim_faults_{word}", f"faults {word}, by kind", ["kind"],
                           {(k,): self._injector.counts[k, edge] for k in kinds})
        yield _gauge("atsim_faults_active", "faults running now, by kind", ["kind"],
                     (([k], max(0, self._injector.counts[k, "start"]
                                - self._injector.counts[k, "end"])) for k in kinds))
        # -- the run and the control plane ----------------------------------------------------
        yield _gauge("atsim_modems", "modems of the run", [], [([], len(self._modems))])
        yield _counter("atsim_events_published", "events built for the event stream's "
                       "subscribers and the event file", [], {(): self._events.published})
        yield _counter("atsim_events_dropped", "events a slow subscriber lost (its queue "
                       "was full)", [], {(): self._events.dropped})
        yield _gauge("atsim_event_subscribers", "event streams open now (and the event "
                     "file)", [], [([], self._events.subscribers)])
        for name, (help_text, read) in sorted(self.extra.items()):
            yield _counter(f"atsim_{name}", help_text, [], {(): read()})


class _Tally:
    """The counts of one series of ``atsim_commands`` (and its ``atsim_command_errors``)
    or ``atsim_results``, added to in place: no key hashed per command."""

    __slots__ = ("count", "errors")

    def __init__(self) -> None:
        self.count = 0
        self.errors = 0


class _ModemMeter:
    """Counts one modem's commands (a ``CommandMeter``): a command line, its result and
    the latency between them are a few additions, with no event built."""

    __slots__ = ("_metrics", "_counts", "_dialect", "_latency", "_seconds", "_pending",
                 "_command_keys", "_result_keys")

    def __init__(self, metrics: Metrics, counts: ModemCounts, dialect: str) -> None:
        self._metrics = metrics
        self._counts = counts
        self._dialect = dialect
        self._latency: _Latency | None = None
        clock = metrics._clock
        #: The clock's reading, bound once: two per command.
        self._seconds = None if clock is None else clock.seconds
        #: port -> (when its command line came, the line's tally)
        self._pending: dict[str, tuple[float, _Tally]] = {}
        keys = metrics._keys
        self._command_keys = keys.setdefault(("command", dialect), {})
        self._result_keys = keys.setdefault(("result", dialect), {})

    def line(self, modem: Modem, port: str, text: str) -> None:
        self._counts.commands += 1
        tally = self._command_keys.get(text)
        if tally is None:
            tally = self._metrics._tally("command", self._dialect, text, f"AT{text}",
                                         command_name)
        tally.count += 1
        seconds = self._seconds
        if seconds is not None:
            self._pending[port] = (seconds(), tally)

    def result(self, modem: Modem, port: str, data: bytes, error: bool) -> None:
        tally = self._result_keys.get(data)
        if tally is None:
            tally = self._metrics._tally("result", self._dialect, data,
                                         data.decode("latin-1").strip(), result_name)
        tally.count += 1
        pending = self._pending.pop(port, None)
        if error:
            self._counts.errors += 1
            line = pending[1] if pending else self._metrics._series("command",
                                                                     (self._dialect, OTHER))
            line.errors += 1
        if pending is not None:
            latency = self._latency
            if latency is None:  # a dialect's histogram is shown from its first command on
                latency = self._latency = self._metrics._latency.setdefault(self._dialect,
                                                                            _Latency())
            seconds = self._seconds() - pending[0]
            if seconds < 0.0:
                seconds = 0.0
            latency.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1  # ``observe``
            latency.sum += seconds

    def event(self, modem: Modem, kind: str, port: str | None, fields: dict) -> None:
        self._metrics._observe(modem, kind, port, fields)


class _Latency:
    """One dialect's latency histogram: a count per bucket and the sum, as plain numbers
    (``observe`` is a bisect and two additions)."""

    def __init__(self) -> None:
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.sum += seconds

    def buckets(self) -> list[tuple[str, int]]:
        """Cumulative ``(le, count)`` pairs, ``+Inf`` last."""
        shown, total = [], 0
        for bound, count in zip((*map(str, LATENCY_BUCKETS), "+Inf"), self.counts,
                                strict=True):
            total += count
            shown.append((bound, total))
        return shown


class _Collector:
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self):
        yield from self.metrics.families()


def _counter(name: str, help_text: str, labels: list[str], values) -> CounterMetricFamily:
    family = CounterMetricFamily(name, help_text, labels=labels)
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


def _gauge(name: str, help_text: str, labels: list[str], samples) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help_text, labels=labels)
    for key, value in samples:
        family.add_metric(list(key), value)
    return family


def _registration(modem: Modem) -> str:
    try:
        network = modem.service(NetworkService)
    except LookupError:
        return "unknown"
    return network.report(Domain.CS).stat.name.lower()
