"""Faults seen on the modem's AT channels."""

from __future__ import annotations

from simulator.faults.model import REGISTRY, Arg, FaultKind, Target


def _urc(target: Target, args) -> None:
    line = args["line"]
    target.modem.emit_urc(lambda session: line)


URC = REGISTRY.add(FaultKind(
    name="urc",
    summary="an unsolicited line on every AT channel of the modem, framed as its URCs are",
    start=_urc,
    args={"line": Arg("text", "the line, without CR LF")},
    scalar="line",
    event=True,
))
