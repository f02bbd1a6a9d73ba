"""Faults of the modem's power: it reboots, or goes off until the fault is undone.

Without power the modem end of every channel is dead (``Channel.set_device_power``): the
host's bytes are lost, nothing answers, DSR/CTS/DCD drop where the port shows them.
"""

from __future__ import annotations

from simulator.faults.model import REGISTRY, Arg, FaultKind, Target, Undo, held
from simulator.modem.modem import Modem


def _channels(modem: Modem):
    return [interpreter.channel for interpreter in modem.interpreters]


def switch_off(modem: Modem) -> Undo:
    """Power the modem down; the returned ``Undo`` powers it up again (its boot sequence)."""
    channels = _channels(modem)

    def off() -> None:
        for channel in channels:
            channel.set_device_power(False)
        modem.power_off()

    def on() -> None:
        for channel in channels:
            channel.set_device_power(True)
        for interpreter in list(modem.interpreters):
            interpreter.restart()
        modem.power_on()

    return held(modem, "power", off, on)


def _power_off(target: Target, args) -> Undo:
    return switch_off(target.modem)


POWER_OFF = REGISTRY.add(FaultKind(
    name="power_off",
    summary="the modem loses power: no answer, no URCs, DSR/CTS/DCD off, calls, PDP "
            "contexts and sockets gone; undone, it boots as at start-up",
    start=_power_off,
))


def _reboot(target: Target, args) -> None:
    modem = target.modem
    power_back = switch_off(modem)
    modem.clock.callLater(args["down"], power_back)


REBOOT = REGISTRY.add(FaultKind(
    name="reboot",
    summary="the modem resets: off for `down`, then its start-up sequence again",
    start=_reboot,
    args={"down": Arg("duration", "how long the modem stays off", default=1.0)},
    scalar="down",
    event=True,
))
