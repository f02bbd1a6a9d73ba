"""What the stack does with a call ringing on the ports (002 §2.1.1-§2.1.3, §2.1.7): ANSWERMODE
0 leaves it to the host (``RING``, ``AT#ACCEPT``); 1 answers it after RINGCOUNT rings; 2 and
3 let RINGCOUNT rings pass, hang up and, CALLBACKTIMER seconds after the ringing ended, call
back DIALN1/DIALN2 (2) or the caller (3).  CALLSCREENNUM picks the callers modes 1-3 act on:
``0`` nobody, ``*`` everybody, else that number only.  Decisions E51-E55.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.atsharp.codes import AtSharpError
from simulator.dialects.atsharp.connection import UnsolicitedOutput
from simulator.dialects.edsoft.dialup import EdsoftConnections
from simulator.modem.calls import CREATED, RELEASED, CallEvent, CallService
from simulator.modem.csd import RI_PULSE, RING_INTERVAL
from simulator.modem.dialup import DialupError
from simulator.modem.siblings import sibling
from simulator.network.calls import normalise_number

if TYPE_CHECKING:
    from simulator.dialects.edsoft.service import EdsoftService

#: 35870 "Physical layer : Incoming call CLI not provided" (decision E53).
NO_CLI = 35870
NOBODY, EVERYBODY = "0", "*"
AUTOMATIC_ANSWER, STATIC_CALLBACK, DYNAMIC_CALLBACK = 1, 2, 3


class IncomingCalls:
    def __init__(self, service: EdsoftService, connections: EdsoftConnections) -> None:
        self.service = service
        self.modem = service.modem
        self.connections = connections
        self._observing = False
        self._act_timer = None  # the automatic operation, after RINGCOUNT rings
        self._callback_timer = None

    def power_on(self) -> None:
        if not self._observing:
            calls = sibling(self.modem, CallService)
            if calls is not None:
                calls.on_call_event(self._event)
                self._observing = True

    def power_off(self) -> None:
        for timer in (self._act_timer, self._callback_timer):
            if timer is not None and timer.active():
                timer.cancel()
        self._act_timer = self._callback_timer = None

    def _get(self, name: str):
        return self.service.flash.get(name)

    def _event(self, event: CallEvent) -> None:
        if event.kind == CREATED and event.remote:
            self._ringing(event.caller)
        elif event.kind == RELEASED and self._act_timer is not None:
            # The caller gave up before RINGCOUNT rings: nothing happens (E52).
            if self._act_timer.active():
                self._act_timer.cancel()
            self._act_timer = None

    def _ringing(self, caller: str | None) -> None:
        if not self.service.running():
            return  # the firmware alone: the call just rings
        mode, rings = self._get("ANSWERMODE"), self._get("RINGCOUNT")
        if mode == 0 or rings == 0 or self._act_timer is not None:
            return  # the host's call (E52)
        screen = self._get("CALLSCREENNUM")
        if screen == NOBODY:
            return
        if caller is None and (screen != EVERYBODY or mode == DYNAMIC_CALLBACK):
            UnsolicitedOutput(self.modem.emit_urc).error(NO_CLI)
            return
        if screen != EVERYBODY and normalise_number(caller) != normalise_number(screen):
            return  # "the TCP/IP stack will ignore it" (002 §2.1.3)
        # Acting between two rings: after the RI pulse of the RINGCOUNT-th (E52).
        delay = (rings - 1) * RING_INTERVAL + RI_PULSE
        self._act_timer = self.modem.clock.callLater(delay, self._act, mode, caller)

    def _act(self, mode: int, caller: str) -> None:
        self._act_timer = None
        if self.connections.busy:
            return
        out = UnsolicitedOutput(self.modem.emit_urc)
        if mode == AUTOMATIC_ANSWER:
            try:
                self.connections.answer(out)
            except AtSharpError as e:
                out.error(e.code)
            except DialupError:
                pass  # stopped ringing meanwhile
            return
        calls = sibling(self.modem, CallService)
        incoming = calls.take_ringing() if calls is not None else None
        if incoming is None:
            return
        incoming.reject()
        number = caller if mode == DYNAMIC_CALLBACK else self.connections.isp_number()
        self._callback_timer = self.modem.clock.callLater(
            self._get("CALLBACKTIMER"), self._call_back, number)

    def _call_back(self, number: str) -> None:
        """As ``AT#CONNECTIONSTART`` in GSM mode, unsolicited (E54)."""
        self._callback_timer = None
        out = UnsolicitedOutput(self.modem.emit_urc)
        if self.connections.busy:
            return
        try:
            d = self.connections.dial(number, out)
        except AtSharpError as e:
            out.error(e.code)
            return

        def failed(failure) -> None:
            failure.trap(AtSharpError)
            out.error(failure.value.code)

        d.addCallbacks(out.result, failed)
