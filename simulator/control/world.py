"""``GET /network`` and ``GET /timeline``: the simulated world and the scenario's timeline as
the control API shows them (read-only)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from simulator.faults.timeline import Entry


def network(simulator) -> dict[str, Any]:
    """The operators, the lab hosts, the numbers, and each modem's link and bearers."""
    world = simulator.network
    spec = simulator.scenario.network
    operators = [{"numeric": o.numeric, "name": o.name, "tech": o.tech, "lac": o.lac,
                  "cell_id": o.cell_id} for o in spec.operators]
    hosts = [{"name": h.label, "names": list(h.names), "address": str(h.address),
              "forward": h.forward is not None} for h in world.hosts]
    links = []
    for name in (modem.name for modem in simulator.modems):
        subscriber = world.subscribers.get(name)
        if subscriber is None:
            continue
        link = subscriber.link
        links.append({"modem": name, "link": link.name, "up": link.is_up,
                      "params": _params(link.params), "msisdn": subscriber.msisdn,
                      "bearers": [{"apn": b.apn, "address": b.address}
                                  for b in world.bearers(name)]})
    return {"operators": operators, "hosts": hosts,
            "numbers": [n.number for n in spec.numbers] if hasattr(spec, "numbers") else [],
            "links": links}


def _params(params) -> dict[str, Any]:
    return {key: (None if isinstance(value, float) and math.isinf(value) else value)
            for key, value in dataclasses.asdict(params).items()}


def timeline(player, now: float, limit: int = 100) -> dict[str, Any]:
    """The entries, and the next ``limit`` actions due (start or end, modem, in how long)."""
    if player is None:
        return {"entries": [], "next": [], "running": False}
    entries = [_entry(i, e) for i, e in enumerate(player.entries)]
    elapsed = now - player.started_at if player.running else 0.0
    upcoming = [{"at": a.time, "in": max(0.0, a.time - elapsed), "edge": a.edge,
                 "entry": a.entry, "modem": a.modem}
                for a in player.schedule.upcoming(limit)]
    return {"running": player.running, "elapsed": elapsed, "entries": entries,
            "next": upcoming}


def _entry(index: int, entry: Entry) -> dict[str, Any]:
    trigger = entry.trigger
    return {"index": index, "name": entry.name, "text": entry.describe(index),
            "fault": str(entry.fault),
            "trigger": {"kind": type(trigger).__name__.lower(),
                        **{k: _plain(v) for k, v in dataclasses.asdict(trigger).items()}},
            "modems": [s.text for s in entry.modems] or ["*"],
            "probability": entry.probability, "for": entry.duration, "until": entry.until}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
