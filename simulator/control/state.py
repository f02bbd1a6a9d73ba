"""One modem's state as the control API shows it, read from what its services expose: power,
SIM, registration, signal, PDP contexts and the network's bearers, circuit calls, its
message storages, its AT channels.  A dialect without one of those services leaves its key out."""

from __future__ import annotations

import dataclasses
from typing import Any

from simulator.modem.calls import CallService
from simulator.modem.modem import Modem
from simulator.modem.mux import MuxService
from simulator.modem.network import NetworkService
from simulator.modem.packet import PacketService
from simulator.modem.power import PowerService
from simulator.modem.registration import Domain
from simulator.modem.sim import SimService
from simulator.modem.sms import SmsService


def summary(modem: Modem) -> dict[str, Any]:
    """What ``GET /modems`` lists for each modem."""
    network = _service(modem, NetworkService)
    registration = network.report(Domain.CS) if network is not None else None
    return {
        "name": modem.name,
        "dialect": modem.dialect.name,
        "powered": modem.powered,
        "registered": registration.registered if registration is not None else False,
        "registration": (registration.stat.name.lower() if registration is not None
                         else None),
        "rssi": network.signal_quality()[0] if network is not None else None,
        "bearers": ([b.address for b in modem.ip_network.bearers(modem.name)]
                    if modem.ip_network is not None else []),
        "hosts_attached": sum(i.channel.host_attached for i in modem.interpreters),
        "paused": paused(modem),
    }


def host_channels(modem: Modem):
    """The channels of the modem's host-facing ports (not a multiplexer's channels)."""
    return [i.channel for i in modem.interpreters if "/dlc" not in i.port]


def paused(modem: Modem) -> bool:
    return any(channel.paused for channel in host_channels(modem))


def details(modem: Modem, faults: list[dict[str, Any]],
            sockets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What ``GET /modems/{name}`` shows; ``faults`` are the modem's running faults,
    ``sockets`` its sockets open now, as ``NetworkEvents.connections`` keeps them: TCP
    connections, TCP listeners and UDP ports (None: not watched)."""
    state = summary(modem)
    power = _service(modem, PowerService)
    if power is not None:
        state["functionality"] = power.fun
        state["radio_on"] = power.radio_on
    sim = _service(modem, SimService)
    if sim is not None:
        state["sim"] = {"state": sim.card.state.value,
                        "pin_retries": sim.card.locks.pin_retries,
                        "puk_retries": sim.card.locks.puk_retries}
    network = _service(modem, NetworkService)
    if network is not None:
        state["registration"] = {domain.value: _report(network.report(domain))
                                 for domain in Domain}
        serving = network.serving
        state["operator"] = (None if serving is None else
                             {"numeric": serving.numeric, "name": serving.name,
                              "tech": serving.tech})
        state["packet_attached"] = network.ps_attached
        rssi, ber = network.signal_quality()
        state["signal"] = {"rssi": rssi, "ber": ber}
    packet = _service(modem, PacketService)
    if packet is not None:
        state["pdp_contexts"] = [
            {"cid": c.cid, "apn": c.apn, "type": c.pdp_type, "active": c.active,
             "addresses": list(c.shown_addresses()) if c.active else []}
            for c in sorted(packet.contexts.values(), key=lambda c: c.cid)]
    if modem.ip_network is not None:
        state["bearers"] = [{"apn": b.apn, "address": b.address, "dns": list(b.dns)}
                            for b in modem.ip_network.bearers(modem.name)]
    calls = _service(modem, CallService)
    if calls is not None:
        state["calls"] = {
            "ringing": calls.ringing is not None,
            "dialling": calls.dialling is not None,
            "in_call": (modem.ip_network is not None
                        and modem.ip_network.calls.in_call(modem.name)),
        }
    sms = _service(modem, SmsService)
    if sms is not None:
        state["sms"] = {
            "storage": {memory: {"used": sms.used(memory), "total": sms.capacity(memory)}
                        for memory in sms.store.capacities},
            "waiting_at_centre": (modem.ip_network.sms.waiting(modem.name)
                                  if modem.ip_network is not None else 0),
        }
    state["ports"] = [
        {"port": i.port, "mode": i.mode.value, "host_attached": i.channel.host_attached,
         "online": i.online, "urcs_dropped": i.urcs_dropped,
         "bytes_dropped": {"rx": i.channel.dropped_rx, "tx": i.channel.dropped_tx}}
        for i in modem.interpreters]
    mux = _service(modem, MuxService)
    if mux is not None and mux.multiplexers:
        state["cmux"] = [_multiplexer(modem, m) for m in mux.multiplexers]
    if sockets is not None:
        state["sockets"] = [dict(s) for s in sockets]
    # the host's numbers for them, from each dialect's own table
    state["dialect_sockets"] = [view.to_json() for service in modem.services
                                for view in service.socket_views()]
    state["faults"] = faults
    return state


def _multiplexer(modem: Modem, multiplexer) -> dict[str, Any]:
    """One running multiplexer: its port, +CMUX values, session state and open DLCs."""
    session = multiplexer.session
    port = next((i.port for i in modem.interpreters if i.channel is multiplexer.channel),
                None)
    return {"port": port, "state": session.state.value,
            "option": session.option.name.lower(), "n1": session.parameters.n1,
            "flow_stopped": session.stopped, "asleep": session.asleep,
            "dlcs": [dataclasses.asdict(dlc) for dlc in session.dlc_status()]}


def _report(report) -> dict[str, Any]:
    shown: dict[str, Any] = {"stat": int(report.stat), "state": report.stat.name.lower()}
    if report.cell is not None:
        shown["lac"] = report.cell.lac
        shown["cell_id"] = report.cell.cell_id
    return shown


def _service(modem: Modem, cls):
    try:
        return modem.service(cls)
    except LookupError:
        return None
