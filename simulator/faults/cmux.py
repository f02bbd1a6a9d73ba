"""Faults of the 27.010 multiplexer (``AT+CMUX``): the modem's frames damaged or missing, the
modem closing a DLC or the whole multiplexer, asking the host to stop, or restarting.

They act inside the modem's ``DceMultiplexer`` (``simulator.cmux``), not on the line's bytes
(that is ``corrupt_bytes``): a frame with a wrong FCS is one whole frame, a lost UA is a SABM
the modem acted as if it never got.  What lasts (``bad_fcs``, ``lose_ua``, ``lose_dm``,
``flow_off``) is kept in the modem's ``MuxService.faults`` and so also acts on a multiplexer
started while it lasts; what happens once (``dce_disc``, ``close_down``, ``mux_restart``)
needs a running multiplexer.
"""

from __future__ import annotations

from simulator.cmux.injected import Spoiler
from simulator.cmux.session import DceMultiplexer, MuxState
from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo
from simulator.modem.mux import MuxService

COUNT = Arg("integer", "the next this many frames, then the fault is over; every frame "
                       "while it lasts if not given", default=None, minimum=1)
DLC = Arg("integer", "only this DLC (0 is the control channel); every DLC if not given",
          default=None, minimum=0, maximum=63)


def mux_service(target: Target) -> MuxService:
    try:
        return target.modem.service(MuxService)
    except LookupError:
        raise FaultError(f"{target.modem.name} has no multiplexer (+CMUX)") from None


def running(target: Target) -> list[DceMultiplexer]:
    sessions = [m.session for m in mux_service(target).multiplexers
                if m.session.state is not MuxState.CLOSED]
    if not sessions:
        raise FaultError(f"{target.modem.name} has no running multiplexer")
    return sessions


def _spoiler(spoils: str):
    def start(target: Target, args) -> Undo:
        faults = mux_service(target).faults
        spoiler = Spoiler(spoils, args["count"], args["dlc"], target.finished)
        faults.spoilers.append(spoiler)

        def undo() -> None:
            if spoiler in faults.spoilers:
                faults.spoilers.remove(spoiler)
        return undo
    return start


def _spoiler_kind(name: str, summary: str) -> FaultKind:
    return REGISTRY.add(FaultKind(name=name, summary=summary, start=_spoiler(name),
                                  args={"count": COUNT, "dlc": DLC}, scalar="count"))


BAD_FCS = _spoiler_kind(
    "bad_fcs", "the frames the modem sends carry a wrong FCS (the next count, or all while "
               "it lasts): the host discards them")
LOSE_UA = _spoiler_kind(
    "lose_ua", "the modem leaves SABM and DISC it would answer with UA unanswered (the next "
               "count, or all while it lasts): the host's T1 runs out and it retries")
LOSE_DM = _spoiler_kind(
    "lose_dm", "the modem leaves SABM and DISC it would answer with DM unanswered (the next "
               "count, or all while it lasts)")


def _dce_disc(target: Target, args) -> None:
    dlci = args["dlc"]
    if not any([session.disconnect(dlci) for session in running(target)]):
        raise FaultError(f"{target.modem.name}: DLC {dlci} is not open")


DCE_DISC = REGISTRY.add(FaultKind(
    name="dce_disc",
    summary="the modem closes a DLC: DISC from the modem's side; the DLC's AT channel is gone "
            "until the host opens it again",
    start=_dce_disc,
    args={"dlc": Arg("integer", "the DLC to close", default=1, minimum=1, maximum=63)},
    scalar="dlc",
    event=True,
))


def _close_down(target: Target, args) -> None:
    for session in running(target):
        session.send_close_down()


CLOSE_DOWN = REGISTRY.add(FaultKind(
    name="close_down",
    summary="the modem ends the multiplexer: CLD, and once the host answers (or T2 x N2 "
            "passed) the port is back in AT command mode",
    start=_close_down,
    event=True,
))


def _flow_off(target: Target, args) -> Undo:
    service = mux_service(target)
    faults = service.faults
    dlci = args["dlc"]
    faults.flow_off.append(dlci)

    def tell() -> None:
        for multiplexer in list(service.multiplexers):
            multiplexer.session.flow_changed()
    tell()

    def undo() -> None:
        faults.flow_off.remove(dlci)
        tell()
    return undo


FLOW_OFF = REGISTRY.add(FaultKind(
    name="flow_off",
    summary="the modem asks the host to stop sending on a DLC (MSC with FC set); undone, "
            "MSC with FC clear",
    start=_flow_off,
    args={"dlc": Arg("integer", "the DLC; every DLC if not given", default=None, minimum=1,
                     maximum=63)},
    scalar="dlc",
))


def _mux_restart(target: Target, args) -> None:
    for session in running(target):
        session.restart()


MUX_RESTART = REGISTRY.add(FaultKind(
    name="mux_restart",
    summary="the multiplexer restarts: every DLC, DLC 0 included, is closed without a word; "
            "the host's next frames are answered DM or go unanswered",
    start=_mux_restart,
    event=True,
))
