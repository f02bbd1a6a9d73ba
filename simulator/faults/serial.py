"""Faults of the serial line between the host and the modem: bytes lost or corrupted on the
wire, a stalled line, a slow line, glitches on the V.24 circuits, a port cut off, a firmware
that freezes.  They act on the ``Channel`` of each host-facing port of the modem (not on the
multiplexer's DLCs, which ride inside those bytes), through its ``rx_filters`` /
``tx_filters`` and its circuits, so every transport and dialect sees them alike.
"""

from __future__ import annotations

import fnmatch

from simulator.faults.at import corrupter, fault_rng
from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo
from simulator.line import Channel
from simulator.transport.pacing import force_rate

DIRECTIONS = ("both", "to_host", "to_modem")
PORT = Arg("text", "a glob of the port labels it acts on; every port if not given",
           default=None)


def port_channels(target: Target, pattern: str | None) -> list[Channel]:
    """The channels of the modem's host-facing ports (``pattern`` narrows by label)."""
    channels = [i.channel for i in target.modem.interpreters
                if "/dlc" not in i.port and (pattern is None or fnmatch.fnmatchcase(i.port,
                                                                                   pattern))]
    if not channels:
        raise FaultError(f"{target.modem.name} has no port"
                         + (f" matching {pattern!r}" if pattern else ""))
    return channels


def _filter_lists(channel: Channel, direction: str) -> list[list]:
    lists = []
    if direction in ("both", "to_host"):
        lists.append(channel.tx_filters)
    if direction in ("both", "to_modem"):
        lists.append(channel.rx_filters)
    return lists


def _install(target: Target, args, make) -> Undo:
    """``make()`` gives one filter per channel and direction; undo removes them all."""
    installed = []
    for channel in port_channels(target, args["port"]):
        for filters in _filter_lists(channel, args["direction"]):
            line_filter = make()
            filters.append(line_filter)
            installed.append((filters, line_filter))

    def undo() -> None:
        for filters, line_filter in installed:
            if line_filter in filters:
                filters.remove(line_filter)
    return undo


class _Counted:
    """Acts on the next ``count`` bytes of all the fault's filters together, then lets
    everything through and ends the fault."""

    def __init__(self, count: int, finished) -> None:
        self.left = count
        self.finished = finished

    def split(self, data: bytes) -> tuple[bytes, bytes]:
        hit, rest = data[:self.left], data[self.left:]
        self.left -= len(hit)
        return hit, rest

    def over(self) -> None:
        if self.left == 0:
            self.left = -1
            self.finished()


def _drop_bytes(target: Target, args) -> Undo:
    if args["count"] is not None:
        counted = _Counted(args["count"], target.finished)

        def make():
            def drop(data: bytes) -> bytes:
                if counted.left <= 0:
                    return data
                _, rest = counted.split(data)
                counted.over()
                return rest
            return drop
    else:
        rate, rng = args["rate"], fault_rng(target, "drop_bytes")

        def make():
            return lambda data: bytes(b for b in data if not rng.random() < rate)
    return _install(target, args, make)


RATE = Arg("probability", "the chance each byte is hit", default=None)
COUNT = Arg("integer", "the next this many bytes are hit, then the fault is over",
            default=None, minimum=1)
DIRECTION = Arg("choice", "to_host: what the modem sends; to_modem: what the host sends",
                default="both", choices=DIRECTIONS)

DROP_BYTES = REGISTRY.add(FaultKind(
    name="drop_bytes",
    summary="bytes are lost on the line: each with a chance (rate), or the next count",
    start=_drop_bytes,
    args={"rate": RATE, "count": COUNT, "direction": DIRECTION, "port": PORT},
    scalar="rate",
    exactly_one=("rate", "count"),
))


def _corrupt_bytes(target: Target, args) -> Undo:
    rng = fault_rng(target, "corrupt_bytes")
    if args["count"] is not None:
        counted = _Counted(args["count"], target.finished)
        noise = corrupter(1.0, rng)

        def make():
            def corrupt(data: bytes) -> bytes:
                if counted.left <= 0:
                    return data
                hit, rest = counted.split(data)
                counted.over()
                return noise(hit) + rest
            return corrupt
    else:
        def make():
            return corrupter(args["rate"], rng)
    return _install(target, args, make)


CORRUPT_BYTES = REGISTRY.add(FaultKind(
    name="corrupt_bytes",
    summary="bytes on the line are replaced by noise: each with a chance (rate), or the "
            "next count",
    start=_corrupt_bytes,
    args={"rate": RATE, "count": COUNT, "direction": DIRECTION, "port": PORT},
    scalar="rate",
    exactly_one=("rate", "count"),
))


def _stall(target: Target, args) -> Undo:
    """Nothing moves either way; CTS goes off and the port stops reading from the host, as
    when the modem's input FIFO is full (an RFC 2217 host sees NOTIFY-MODEMSTATE and is sent
    FLOWCONTROL-SUSPEND).  Undone, CTS comes back, the host may send again (RESUME) and what
    waited is delivered, in order, as from a UART's FIFO."""
    undos = []
    for channel in port_channels(target, args["port"]):
        held_tx, held_rx = bytearray(), bytearray()

        def keep(store):
            def hold(data: bytes) -> bytes:
                store.extend(data)
                return b""
            return hold

        tx, rx = keep(held_tx), keep(held_rx)
        channel.tx_filters.insert(0, tx)
        channel.rx_filters.insert(0, rx)
        cts = channel.modem_signals.cts
        channel.set_modem_signals(cts=False)
        channel.hold_input(True, cause="stall")

        def undo(channel=channel, tx=tx, rx=rx, held_tx=held_tx, held_rx=held_rx, cts=cts):
            channel.tx_filters.remove(tx)
            channel.rx_filters.remove(rx)
            channel.set_modem_signals(cts=cts)
            channel.hold_input(False, cause="stall")
            if held_tx:
                channel.write(bytes(held_tx))
            if held_rx:
                channel.receive(bytes(held_rx))
        undos.append(undo)

    def undo_all() -> None:
        for undo in undos:
            undo()
    return undo_all


STALL = REGISTRY.add(FaultKind(
    name="stall",
    summary="the line stops: no byte is delivered either way and CTS is off; undone, "
            "what waited is delivered",
    start=_stall,
    args={"port": PORT},
))


def _freeze(target: Target, args) -> Undo:
    """The firmware hangs: what the host sends is lost, nothing is written (URCs included);
    the circuits stay as they were.  Undone, it goes on where it was."""
    drop = lambda data: b""  # noqa: E731
    undos = []
    for channel in port_channels(target, args["port"]):
        channel.rx_filters.insert(0, drop)
        channel.tx_filters.insert(0, drop)
        undos.append((channel.rx_filters, channel.tx_filters))

    def undo() -> None:
        for rx, tx in undos:
            rx.remove(drop)
            tx.remove(drop)
    return undo


FREEZE = REGISTRY.add(FaultKind(
    name="freeze",
    summary="the modem stops answering anything: the host's bytes are lost, nothing comes "
            "back, the circuits stay; undone, it goes on where it was",
    start=_freeze,
    args={"port": PORT},
))

GLITCH_LINES = ("dcd", "ri", "dsr", "cts", "dtr")


def _glitch(target: Target, args) -> None:
    line, length = args["line"], args["length"]
    clock = target.modem.clock
    for channel in port_channels(target, args["port"]):
        if line == "dtr":  # the modem sees the host's DTR drop (&D decides what follows)
            if channel.host_signals.dtr:
                channel.set_host_signals(dtr=False)
                clock.callLater(length, channel.set_host_signals, dtr=True)
            continue
        now = getattr(channel.modem_signals, line)
        channel.set_modem_signals(**{line: not now})

        def back(channel=channel, now=now) -> None:
            channel.set_modem_signals(**{line: now})
        clock.callLater(length, back)


GLITCH = REGISTRY.add(FaultKind(
    name="glitch",
    summary="one circuit flips for a moment: DCD, RI, DSR or CTS as the host sees them, or "
            "the host's DTR as the modem sees it",
    start=_glitch,
    args={"line": Arg("choice", "the circuit", choices=GLITCH_LINES),
          "length": Arg("duration", "how long it stays flipped", default=0.1),
          "port": PORT},
    scalar="line",
    event=True,
))


def _port_close(target: Target, args) -> None:
    for channel in port_channels(target, args["port"]):
        channel.hang_up()


PORT_CLOSE = REGISTRY.add(FaultKind(
    name="port_close",
    summary="the port is cut off: a TCP or RFC 2217 host is disconnected, a PTY hangs up "
            "(reads end, writes fail with EIO; the same path opens a new PTY)",
    start=_port_close,
    args={"port": PORT},
    event=True,
))


def _baud(target: Target, args) -> Undo:
    """The port's output goes at the fault's rate, paced even on a port without ``paced``;
    undone, at the rate before (a later ``baud`` fault's, the port's own, or at once)."""
    clock = target.modem.clock
    undos = [force_rate(channel, clock, args["rate"], args["bits"])
             for channel in port_channels(target, args["port"])]

    def undo() -> None:
        for one in undos:
            one()
    return undo


BAUD = REGISTRY.add(FaultKind(
    name="baud",
    summary="the modem's output reaches the host at this line rate (paced, as a UART at "
            "that speed), also on a port without paced: true",
    start=_baud,
    args={"rate": Arg("integer", "the line rate in baud", minimum=50, maximum=4_000_000),
          "bits": Arg("integer", "bits per character on the line (start, data, parity, stop); "
                      "the port's framing if not given (10 at 8N1)",
                      default=None, minimum=7, maximum=13),
          "port": PORT},
    scalar="rate",
))
