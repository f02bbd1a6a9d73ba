"""What ``GET /metrics`` counts and how it is written: the Prometheus text exposition format
(version 0.0.4), names prefixed ``atsim_``.

Counts are kept per modem as plain integers by a modem observer and a tap on each port's
channel; labels are only the modem, the port direction and the fault kind, so their number
grows with the modems and nothing else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from simulator.control.events import EventLog
from simulator.faults import Injector
from simulator.modem.modem import Modem
from simulator.modem.network import NetworkService
from simulator.modem.registration import Domain

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclasses.dataclass
class ModemCounts:
    commands: int = 0
    errors: int = 0
    urcs: int = 0
    bytes_rx: int = 0
    bytes_tx: int = 0
    faults_started: int = 0
    faults_ended: int = 0


class Metrics:
    """Counts what the modems do, from the moment ``watch`` is called."""

    def __init__(self, modems: Sequence[Modem], injector: Injector, events: EventLog) -> None:
        self._modems = list(modems)
        self._injector = injector
        self._events = events
        self.counts = {modem.name: ModemCounts() for modem in self._modems}

    def watch(self) -> None:
        for modem in self._modems:
            modem.observers.append(self._observe)
            counts = self.counts[modem.name]
            for interpreter in modem.interpreters:  # the host-facing ports, not CMUX DLCs
                interpreter.channel.add_tap(_byte_counter(counts))

    def unwatch(self) -> None:
        for modem in self._modems:
            if self._observe in modem.observers:
                modem.observers.remove(self._observe)

    def _observe(self, modem: Modem, kind: str, port, fields: dict) -> None:
        counts = self.counts[modem.name]
        if kind == "command":
            counts.commands += 1
        elif kind == "result":
            if fields.get("error"):
                counts.errors += 1
        elif kind == "urc":
            counts.urcs += 1
        elif kind == "fault":
            if fields.get("edge") == "start":
                counts.faults_started += 1
            else:
                counts.faults_ended += 1

    def render(self) -> str:
        """The exposition text."""
        out: list[str] = []
        per_modem = [
            ("commands", "AT commands received", "commands"),
            ("command_errors", "final results that were errors (ERROR, +CME ERROR ...)",
             "errors"),
            ("urcs", "unsolicited result codes shown", "urcs"),
            ("faults_started", "faults started on the modem", "faults_started"),
            ("faults_ended", "faults ended on the modem", "faults_ended"),
        ]
        for name, help_text, attribute in per_modem:
            _family(out, f"atsim_modem_{name}_total", "counter", help_text,
                    ((f'modem="{_label(m)}"', getattr(c, attribute))
                     for m, c in self.counts.items()))
        _family(out, "atsim_modem_port_bytes_total", "counter",
                "bytes through the modem's ports (rx: from the host, tx: to the host)",
                [sample for m, c in self.counts.items()
                 for sample in ((f'modem="{_label(m)}",direction="rx"', c.bytes_rx),
                                (f'modem="{_label(m)}",direction="tx"', c.bytes_tx))])
        _family(out, "atsim_modem_powered", "gauge", "1 while the modem has power",
                ((f'modem="{_label(m.name)}"', int(m.powered)) for m in self._modems))
        _family(out, "atsim_modem_registered", "gauge",
                "1 while the modem is registered on the network (+CREG)",
                ((f'modem="{_label(m.name)}"', int(_registered(m))) for m in self._modems))
        _family(out, "atsim_modem_hosts_attached", "gauge",
                "ports of the modem a host has open",
                ((f'modem="{_label(m.name)}"',
                  sum(i.channel.host_attached for i in m.interpreters)) for m in self._modems))
        kinds = sorted({kind for kind, _ in self._injector.counts})
        for edge in ("start", "end"):
            word = "started" if edge == "start" else "ended"
            _family(out, f"atsim_faults_{word}_total", "counter", f"faults {word}, by kind",
                    ((f'kind="{_label(k)}"', self._injector.counts[k, edge]) for k in kinds))
        _family(out, "atsim_modems", "gauge", "modems of the run", [("", len(self._modems))])
        _family(out, "atsim_events_published_total", "counter",
                "events built for event-stream subscribers", [("", self._events.published)])
        _family(out, "atsim_events_dropped_total", "counter",
                "events a slow subscriber lost (its queue was full)",
                [("", self._events.dropped)])
        _family(out, "atsim_event_subscribers", "gauge", "event streams open now",
                [("", self._events.subscribers)])
        return "".join(out)


def _byte_counter(counts: ModemCounts):
    def tap(direction: str, data: bytes) -> None:
        if direction == "rx":
            counts.bytes_rx += len(data)
        else:
            counts.bytes_tx += len(data)

    return tap


def _registered(modem: Modem) -> bool:
    try:
        network = modem.service(NetworkService)
    except LookupError:
        return False
    return network.report(Domain.CS).registered


def _family(out: list[str], name: str, kind: str, help_text: str,
            samples: Iterable[tuple[str, int | float]]) -> None:
    out.append(f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n")
    for labels, value in samples:
        out.append(f"{name}{{{labels}}} {value}\n" if labels else f"{name} {value}\n")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
