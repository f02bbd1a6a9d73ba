"""Faults of the cellular network: what the network does to a registered modem."""

from __future__ import annotations

from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo, held
from simulator.modem import signal
from simulator.modem.network import NetworkService
from simulator.modem.packet import PacketService
from simulator.modem.registration import Stat
from simulator.modem.sim import SimService
from simulator.network.errors import CallError

_OUTAGES = {"searching": Stat.SEARCHING, "denied": Stat.DENIED}


def _deregister(target: Target, args) -> Undo:
    network = target.modem.service(NetworkService)
    stat = _OUTAGES[args["stat"]]
    return held(network, "outage", lambda: network.lose_network(stat),
                network.restore_network)


DEREGISTER = REGISTRY.add(FaultKind(
    name="deregister",
    summary="the network drops the modem: +CREG/+CGREG go to searching (or denied); the "
            "packet domain is detached; undone, the modem registers again after the "
            "registration delay",
    start=_deregister,
    args={"stat": Arg("choice", "searching: out of coverage; denied: registration refused",
                      default="searching", choices=tuple(_OUTAGES))},
    scalar="stat",
))


def _roaming(target: Target, args) -> Undo:
    network = target.modem.service(NetworkService)
    return held(network, "roaming", lambda: network.set_roaming(True),
                lambda: network.set_roaming(False))


ROAMING = REGISTRY.add(FaultKind(
    name="roaming",
    summary="the modem is registered roaming (<stat> 5) on the operator it is on; undone, "
            "home again",
    start=_roaming,
))


#: Seconds between the steps of a fading signal: +CSQ is a measurement the MT refreshes
#: about once a second.
FADE_STEP = 1.0


def _signal(target: Target, args) -> Undo:
    network = target.modem.service(NetworkService)
    clock = target.modem.clock
    before = network.signal_override
    start = network.signal_quality() if network.serving is not None else None
    goal = (args["rssi"], signal.BER_UNKNOWN if args["ber"] is None else args["ber"])
    fades = bool(args["over"]) and start is not None and start[0] != signal.RSSI_UNKNOWN \
        and goal[0] != signal.RSSI_UNKNOWN
    steps = max(1, round(args["over"] / FADE_STEP))
    pending = []

    def step(i: int) -> None:
        # <rssi> moves a step a second from the figure shown to the goal; <ber> changes
        # with the last step.
        pending.clear()
        if not fades or i >= steps:
            network.set_signal(goal)
            return
        network.set_signal((round(start[0] + (goal[0] - start[0]) * i / steps),
                            start[1]))
        pending.append(clock.callLater(FADE_STEP, step, i + 1))

    step(0)

    def undo() -> None:
        for call in pending:
            call.cancel()
        network.set_signal(before)

    return undo


SIGNAL = REGISTRY.add(FaultKind(
    name="signal",
    summary="+CSQ (and +CESQ) show other figures, at once or fading over a time; undone, "
            "the scenario's again",
    start=_signal,
    args={"rssi": Arg("integer", "+CSQ <rssi>: 0 (-113 dBm or less) to 31 (-51 dBm or more)",
                      maximum=31),
          "ber": Arg("integer", "+CSQ <ber>: 0-7; left out, 99 (not known)", default=None,
                     maximum=7),
          "over": Arg("duration", "reach the figures in steps of one second over this time",
                      default=0.0)},
    scalar="rssi",
))


def _detach(target: Target, args) -> Undo:
    network = target.modem.service(NetworkService)
    return held(network, "ps_barred", network.network_detach, network.allow_attach)


DETACH = REGISTRY.add(FaultKind(
    name="detach",
    summary="the network detaches the packet domain (+CGEV: NW DETACH): every context and "
            "bearer is lost and no attach is accepted; undone, the modem attaches again",
    start=_detach,
))


def _pdp_deactivate(target: Target, args) -> None:
    target.modem.service(PacketService).network_deactivate()


PDP_DEACTIVATE = REGISTRY.add(FaultKind(
    name="pdp_deactivate",
    summary="the network deactivates every active PDP context: +CGEV: NW PDN DEACT, each "
            "dialect's bearer-lost indication",
    start=_pdp_deactivate,
    event=True,
))


def _cell_change(target: Target, args) -> Undo:
    network = target.modem.service(NetworkService)
    before = network.cell
    serving = network.serving or network.home_operator()
    lac, ci = before or ((serving.lac, serving.cell_id) if serving else (0x1A2B, 0x01C3D4E))
    network.move_to_cell((lac + 1 if args["lac"] is None else args["lac"],
                          ci + 1 if args["ci"] is None else args["ci"]))
    return lambda: network.move_to_cell(before)


CELL_CHANGE = REGISTRY.add(FaultKind(
    name="cell_change",
    summary="the modem moves to another cell of its network (new <lac>, <ci>: +CREG: 1,... "
            "URCs on channels with <n> 2); undone, back to the first cell",
    start=_cell_change,
    args={"lac": Arg("integer", "the new location area code, 0-FFFF; left out, the next one",
                     default=None, maximum=0xFFFF),
          "ci": Arg("integer", "the new cell identity, 0-FFFFFFF; left out, the next one",
                    default=None, maximum=0xFFFFFFF)},
))


def _sim_removed(target: Target, args) -> Undo:
    sim = target.modem.service(SimService)
    return held(sim, "removed", sim.remove_card, sim.insert_card)


SIM_REMOVED = REGISTRY.add(FaultKind(
    name="sim_removed",
    summary="the SIM is taken out: SIM commands answer +CME ERROR: 10, the modem "
            "deregisters; undone, the card is back (its PIN asked again if it has one)",
    start=_sim_removed,
))


def _calls(target: Target):
    network = target.modem.ip_network
    if network is None:
        raise FaultError("the modem is not attached to an IP network: it has no calls")
    return network.calls


def _busy(target: Target, args) -> Undo:
    calls, name = _calls(target), target.modem.name
    return held(calls, f"busy {name}", lambda: calls.refusing.add(name),
                lambda: calls.refusing.discard(name))


BUSY = REGISTRY.add(FaultKind(
    name="busy",
    summary="calls to the modem get BUSY from the network; undone, they ring again",
    start=_busy,
))


def _call_drop(target: Target, args) -> None:
    _calls(target).drop(target.modem.name)


CALL_DROP = REGISTRY.add(FaultKind(
    name="call_drop",
    summary="the network ends the modem's connected calls: NO CARRIER",
    start=_call_drop,
    event=True,
))


def _incoming_call(target: Target, args) -> Undo:
    calls = _calls(target)
    try:
        incoming = calls.call_from(args["from"], target.modem.name)
    except CallError as error:  # the modem is busy: the caller hears it, the host nothing
        target.modem.event("incoming call refused", reason=str(error))
        return lambda: None
    return lambda: calls.end_call_from(incoming)


INCOMING_CALL = REGISTRY.add(FaultKind(
    name="incoming_call",
    summary="a data call from outside rings at the modem (RING, +CRING, +CLIP as its "
            "settings say); undone, the caller gives up or hangs up",
    start=_incoming_call,
    args={"from": Arg("text", "the caller's number as +CLIP shows it; left out, withheld",
                      default=None)},
    scalar="from",
))
