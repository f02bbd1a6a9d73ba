"""Dialling, answering and hanging up (V.250 §6.3.1 D, §6.3.5 A, §6.3.6 H) for packet-domain
dials and circuit-switched data (CSD) calls.

A CSD call goes through the simulated network (``modem.ip_network``): the number is one of
the scenario's ``numbers:`` or another modem's MSISDN.  Connected, the dialling channel shows
``CONNECT 9600`` and carries the call's bytes; the called modem rings (RING or +CRING, +CLIP,
RI) until ``ATA``, automatic answer after S0 rings, ``ATH`` (the caller then sees BUSY) or the
caller giving up.  Voice calls are not simulated: ``ATD<number>;`` answers NO CARRIER.

Observers (``on_call_event``) hear when a circuit call is created (dialled, or ringing in) and
released, and whether the far end or the network released it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet import defer, protocol

from simulator.at.commands import CmeError, Connect, ResultCode
from simulator.at.engine_commands import hang_up
from simulator.modem import errors
from simulator.modem.csd import CONNECT_TEXT, CallSink, Ringing
from simulator.modem.dialstring import BadPacketDial, circuit_dial, packet_dial
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.packet import PacketService
from simulator.modem.pppreport import PppReporter
from simulator.modem.siblings import sibling

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable


#: The identifier +CLCC gives a circuit call: atsim holds one at a time, so always 1.
CALL_ID = 1
#: CallEvent kinds.
CREATED, RELEASED = "created", "released"


@dataclasses.dataclass(frozen=True)
class CallEvent:
    """What ``CallService.on_call_event`` observers hear."""

    kind: str  # CREATED or RELEASED
    call_id: int
    #: CREATED: an incoming call.  RELEASED: the far end or the network ended the call.
    remote: bool
    #: The ATD command (its handler's call) that created the call, else None.
    command: Any = None
    #: CREATED, incoming: the caller's number when the network gives it (a dialect calling
    #: back, as eDsoft's dynamic callback does, needs it).
    caller: str | None = None


class CallService(Service):
    def __init__(self, modem) -> None:
        super().__init__(modem)
        self.ringing: Ringing | None = None
        self.dialling: defer.Deferred | None = None
        self._observers: list[Callable[[CallEvent], None]] = []
        self._claimers: list[Callable[[Any], bool]] = []

    def add_call_claimer(self, claimer: Callable[[Any], bool]) -> None:
        """``claimer(incoming)`` sees every incoming call first, newest claimer first; True
        means it took the call (it answers or rejects it), which then does not ring on the
        AT ports.  ``DialupService`` claims them while a server waits for one."""
        self._claimers.insert(0, claimer)

    def remove_call_claimer(self, claimer: Callable[[Any], bool]) -> None:
        if claimer in self._claimers:
            self._claimers.remove(claimer)

    def take_ringing(self):
        """Stop the ringing and hand over the incoming call (``IncomingCall``) for the
        caller to answer, or None when no call rings.  A dialect's stack that answers a call
        the host accepted (eDsoft's ``#ACCEPT``) runs its own protocol on it."""
        ringing = self.ringing
        if ringing is None:
            return None
        self._stop_ringing()
        return ringing.incoming

    def on_call_event(self, callback: Callable[[CallEvent], None]) -> None:
        """Call ``callback(event)`` when a circuit call is created or released."""
        self._observers.append(callback)

    def announce(self, kind: str, *, remote: bool, command: Any = None,
                 caller: str | None = None) -> None:
        """Tell the observers a circuit call was created or released.  The call service
        announces its own (ATD, RING/ATA); a dialect's stack that dials or answers calls
        itself (``DialupService``) announces those."""
        event = CallEvent(kind, CALL_ID, remote, command, caller)
        for callback in list(self._observers):
            callback(event)

    def register(self, table: CommandTable) -> None:
        table.add("D", exec=self.dial)
        table.add("A", exec=self.answer)
        table.add("H", exec=self.hang_up)
        table.add("+CLIP", set=_setting(CLIP_KEY, 1), read=self.clip_read,
                  test=fixed("+CLIP: (0,1)"))
        table.add("+CRC", set=_setting(CRC_KEY, 1), read=_reader("+CRC", CRC_KEY),
                  test=fixed("+CRC: (0,1)"))
        # +CVHU: 0 DTR drop ignored, ATH hangs up; 1 both ignored; 2 DTR per &D (27.007 §6.20).
        table.add("+CVHU", set=_setting(CVHU_KEY, 2), read=_reader("+CVHU", CVHU_KEY),
                  test=fixed("+CVHU: (0-2)"))

    # -- the network's side ------------------------------------------------------------------

    def power_on(self) -> None:
        network = self.modem.ip_network
        if network is not None:
            network.on_incoming_call(self.modem.name, self._incoming)

    def power_off(self) -> None:
        network = self.modem.ip_network
        if network is not None:
            network.on_incoming_call(self.modem.name, None)
        if self.ringing is not None:
            self.ringing.incoming.reject()
            self._stop_ringing()
        if self.dialling is not None:
            self.dialling.cancel()

    def _incoming(self, incoming) -> None:
        if self.ringing is not None or not self._in_service():
            incoming.reject()
            return
        for claimer in list(self._claimers):
            if claimer(incoming):
                return
        self.modem.event("incoming call", caller=incoming.caller or incoming.caller_modem)
        self.ringing = Ringing(self.modem, incoming, {"crc": CRC_KEY, "clip": CLIP_KEY},
                               self._auto_answer)
        incoming.on_end(lambda why: self._stop_ringing())
        # Ended while ringing: by the caller or the network, unless this side rejected it.
        incoming.on_end(lambda why: self.announce(RELEASED, remote=incoming.state == "ended"))
        self.announce(CREATED, remote=True, caller=incoming.caller)
        self.ringing.start()

    def _stop_ringing(self) -> None:
        if self.ringing is not None:
            self.ringing.stop()
            self.ringing = None

    def _in_service(self) -> bool:
        network = sibling(self.modem, NetworkService)
        return network is None or network.serving is not None

    # -- D, A, H ------------------------------------------------------------------------------

    def dial(self, call):
        try:
            request = packet_dial(call.command.dial)
        except BadPacketDial:
            raise CmeError(errors.OPERATION_NOT_SUPPORTED) from None
        packet = sibling(self.modem, PacketService)
        if request is not None and packet is not None:
            return packet.dial(request.cid)
        target = circuit_dial(call.command.dial)
        if target is None:
            raise CmeError(errors.INVALID_CHARACTERS_IN_DIAL_STRING)
        network = self.modem.ip_network
        if target.voice or network is None or not self._in_service() or self.busy:
            return ResultCode.NO_CARRIER
        self.modem.event("dial", number=target.number)
        self.dialling = network.dial(self.modem.name, target.number)
        self.dialling.addBoth(self._dial_done)
        self.announce(CREATED, remote=False, command=call)
        return self.dialling.addCallbacks(self._connected, self._call_failed)

    @property
    def busy(self) -> bool:
        """In a call, ringing, or dialling: one circuit call at a time."""
        network = self.modem.ip_network
        in_call = network is not None and network.calls.in_call(self.modem.name)
        return self.dialling is not None or self.ringing is not None or in_call

    def _dial_done(self, result):
        self.dialling = None
        return result

    def _connected(self, peer):
        if not hasattr(peer, "attach"):  # an ISP: PPP over a CSD call is not there yet
            peer.hangup()
            self.announce(RELEASED, remote=False)
            return ResultCode.NO_CARRIER
        if getattr(peer, "kind", None) == "isp":
            self._report_isp_ppp(peer)
        return Connect(self._sink(peer), CONNECT_TEXT)

    def _report_isp_ppp(self, call) -> None:
        """The host's PPP reaches the ISP's access server: its phases are this modem's
        ``ppp`` events, as those of the modem's own server after ``ATD*99#``."""
        report = PppReporter(self.modem, role="server", bearer="csd", number=call.number)
        report.started()
        call.ppp_observers.append(report)

    def _sink(self, peer) -> CallSink:
        return _ObservedSink(peer, lambda remote: self.announce(RELEASED, remote=remote))

    def _call_failed(self, failure):
        from simulator.network.errors import CallError, CallFailure

        if failure.check(defer.CancelledError):
            self.announce(RELEASED, remote=False)
            return ResultCode.NO_CARRIER
        failure.trap(CallError)
        self.announce(RELEASED, remote=True)
        return {
            CallFailure.BUSY: ResultCode.BUSY,
            CallFailure.NO_ANSWER: ResultCode.NO_ANSWER,
        }.get(failure.value.reason, ResultCode.NO_CARRIER)

    def answer(self, call):
        incoming = self.take_ringing()
        if incoming is None:
            return ResultCode.NO_CARRIER  # no incoming call to answer
        return Connect(self._sink(incoming.answer()), CONNECT_TEXT)

    def _auto_answer(self, interpreter) -> bool:
        """S0 rings reached on ``interpreter``'s channel: answer there if it can take the
        call now.  Not while no host has the port open (the next host would find itself in
        data mode), nor while a command runs, a prompt is open, a line is half typed or the
        channel is online: the call then rings on, answerable with ATA."""
        ringing = self.ringing
        if (ringing is None or not interpreter.channel.host_attached
                or not interpreter.free_for_connect):
            return False
        self._stop_ringing()
        connected = interpreter.connect_unsolicited(self._sink(ringing.incoming.answer()),
                                                    CONNECT_TEXT)
        assert connected, "the channel was checked free"
        return True

    def hang_up(self, call):
        """ATH: refuse a ringing call (the caller sees BUSY), else the engine's hang-up of
        the call held in online command state."""
        if self.ringing is not None and not call.interpreter.online:
            incoming = self.ringing.incoming
            self._stop_ringing()
            incoming.reject()
            return None
        return hang_up(call)

    def clip_read(self, call) -> None:
        network = sibling(self.modem, NetworkService)
        provisioned = network is not None and network.serving is not None
        m = CLIP_PROVISIONED if provisioned else CLIP_UNKNOWN
        call.info(f"+CLIP: {call.session.vars.get(CLIP_KEY, 0)},{m}")


class _ObservedSink(CallSink):
    """A connected call's sink that says once, when the call is over, whether the far end
    (or the network) ended it (``released(True)``) or this side did (``released(False)``)."""

    def __init__(self, call: Any, released: Callable[[bool], None]) -> None:
        super().__init__(call)
        self._released = released
        self._reported = False

    def hangup(self) -> None:
        self._report(remote=False)
        super().hangup()

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        super().connectionLost(reason)
        self._report(remote=True)

    def _report(self, *, remote: bool) -> None:
        if not self._reported:
            self._reported = True
            self._released(remote)


# -- call-related reporting settings (per channel) -----------------------------------------------

#: +CLIP <n>, +CRC <mode>, +CVHU <mode>: the session variable, the range and the read prefix.
CLIP_KEY, CRC_KEY, CVHU_KEY = "calls.clip", "calls.crc", "calls.cvhu"
#: +CLIP <m>: CLIP provisioned at the network; unknown while no network answers.
CLIP_PROVISIONED, CLIP_UNKNOWN = 1, 2


def _setting(key: str, hi: int):
    """A set handler storing one optional 0..hi value per channel (omitted: 0)."""

    def handler(call) -> None:
        p = call.params
        p.at_most(1)
        call.session.vars[key] = p.int(0, 0, hi, default=0)

    return handler


def _reader(name: str, key: str):
    def handler(call) -> None:
        call.info(f"{name}: {call.session.vars.get(key, 0)}")

    return handler
