"""Circuit-switched data calls on the modem side: the data sink that joins an AT channel to
the network's call pipe, and the ringing of an incoming call (RING / +CRING, +CLIP, the RI
circuit, automatic answer after S0 rings).

The network (``simulator.network.calls``) routes the call; this module only turns it into
what a host sees on its port.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twisted.internet import protocol

from simulator.at.commands import DataLink, ResultCode
from simulator.modem.charset import encode, session_charset
from simulator.modem.phonebook import name_of
from simulator.modem.tables import tables_of
from simulator.modem.text import quote

if TYPE_CHECKING:
    from simulator.at.session import Session
    from simulator.modem.modem import Modem

#: CONNECT text of a CSD call: the data rate of a GSM data channel (+CBST default, 9600 bit/s).
CONNECT_TEXT = "9600"
#: Seconds between two RINGs (the network's ring cadence: a burst every 5 s).
RING_INTERVAL = 5.0
#: Seconds the RI circuit stays on for each RING.
RI_PULSE = 1.0
#: +CRING <type> of an incoming data call: asynchronous non-transparent (27.007 §6.11), the
#: +CBST default connection element.
CRING_TYPE = "REL ASYNC"


class CallSink(protocol.Protocol):
    """A connected call as a channel's data sink: host bytes go to the far end, far-end bytes
    to the host.  ``+++`` keeps the call (online command state; ``ATO`` resumes, ``ATH``
    clears); the far end hanging up ends data mode with NO CARRIER."""

    def __init__(self, call: Any) -> None:
        self.call = call  # simulator.network.calls.Call
        self.link: DataLink | None = None
        self._hung_up = False

    # -- DataSink ----------------------------------------------------------------------------

    def attach(self, link: DataLink) -> None:
        self.link = link
        self.call.attach(self)

    def data_received(self, data: bytes) -> None:
        if not self._hung_up:
            self.call.transport.write(data)

    def escaped(self) -> bool:
        return True

    def resumed(self) -> None:
        pass

    def hangup(self) -> None:
        if not self._hung_up:
            self._hung_up = True
            self.call.hangup()

    # -- the far end (a Twisted protocol on the call pipe) ------------------------------------

    def dataReceived(self, data: bytes) -> None:
        if self.link is not None:
            self.link.write(data)

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        if not self._hung_up and self.link is not None:
            self._hung_up = True
            self.link.end(ResultCode.NO_CARRIER)


def type_of_address(number: str) -> int:
    """27.007 <type>: 145 international (leading +), else 129."""
    return 145 if number.startswith("+") else 129


class Ringing:
    """An incoming call while it rings: a RING (or +CRING) every RING_INTERVAL on every
    channel, each formatted with that channel's +CRC and +CLIP, the RI circuit pulsed, S1
    counting, and automatic answer when a channel's S0 is reached (``auto_answer(interpreter)``
    says whether that channel took the call; if none did, the call rings on)."""

    def __init__(self, modem: Modem, incoming: Any, settings: dict[str, str],
                 auto_answer) -> None:
        self.modem = modem
        self.incoming = incoming  # simulator.network.calls.IncomingCall
        self._crc_key = settings["crc"]
        self._clip_key = settings["clip"]
        self._auto_answer = auto_answer
        self.rings = 0
        self._timer = None
        self._ri_timer = None

    def start(self) -> None:
        self._ring()

    def stop(self) -> None:
        for timer in (self._timer, self._ri_timer):
            if timer is not None and timer.active():
                timer.cancel()
        self._timer = self._ri_timer = None
        self._set_ri(False)
        for interpreter in self.modem.interpreters:
            interpreter.session.sregs[1] = 0

    def _ring(self) -> None:
        self.rings += 1
        for interpreter in self.modem.interpreters:
            interpreter.session.sregs[1] = self.rings
        self.modem.emit_urc(self._render)
        self._set_ri(True)
        clock = self.modem.clock
        self._ri_timer = clock.callLater(RI_PULSE, self._set_ri, False)
        self._timer = clock.callLater(RING_INTERVAL, self._ring)
        for interpreter in self.modem.interpreters:
            s0 = interpreter.session.sregs[0]
            if s0 and self.rings >= s0 and self._auto_answer(interpreter):
                return

    def _render(self, session: Session) -> list[str]:
        lines = [f"+CRING: {CRING_TYPE}" if session.vars.get(self._crc_key) else "RING"]
        caller = self.incoming.caller
        if session.vars.get(self._clip_key) and caller:
            clip = f'+CLIP: "{caller}",{type_of_address(caller)}'
            name = name_of(self.modem, caller)
            if name:  # 27.007 §7.6: <subaddr>,<satype> left empty before <alpha>
                charset = session_charset(session, tables_of(self.modem).default_charset)
                clip += f",,,{quote(encode(name, charset))}"
            lines.append(clip)
        return lines

    def _set_ri(self, on: bool) -> None:
        for interpreter in self.modem.interpreters:
            interpreter.channel.set_modem_signals(ri=on)
