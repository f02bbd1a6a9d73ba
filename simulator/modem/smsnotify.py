"""Where what the network's SMS centre delivers goes (27.005 §3.4.1, §3.4.4): stored with
+CMTI, routed as +CMT, a status report as +CDS or stored with +CDSI, as each channel's
+CNMI says; +CNMA under +CSMS=1; the TA's buffer of +CNMI <mode> 0.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at import results
from simulator.at.commands import CmsError
from simulator.logs import Logger
from simulator.modem import smstext
from simulator.modem.charset import encode, session_charset
from simulator.modem.network import NetworkService
from simulator.modem.phonebook import name_of
from simulator.modem.siblings import sibling
from simulator.modem.sms import CMGF_KEY, CNMI_KEY
from simulator.modem.smsstore import REC_UNREAD, Stored
from simulator.sms import cbs
from simulator.sms.address import Address
from simulator.sms.cbs import CbPage
from simulator.sms.tpdu import Deliver, Pdu, StatusReport, Tpdu

if TYPE_CHECKING:
    from simulator.modem.modem import Modem
    from simulator.modem.sms import SmsService

log = Logger(namespace="atsim.modem.sms")

#: 27.005 §3.2.5: +CNMA with nothing to acknowledge.
NO_CNMA_EXPECTED = 340
CSDH_KEY = "sms.csdh"
CSMS_KEY = "sms.csms"
#: Unsolicited lines held while +CNMI <mode> is 0 (the TA's buffer), per channel.
BUFFER_KEY = "sms.buffer"
BUFFER_LIMIT = 32
#: How long a +CMT or +CDS waits for +CNMA under +CSMS=1 (24.011's TR2M is 12-20 s).
ACK_TIMEOUT = 15.0


def message_class(dcs: int) -> int | None:
    """The message class TP-DCS gives (23.038 §4), None if it gives none."""
    if dcs >> 6 == 0 and dcs & 0x10:
        return dcs & 0x03
    if dcs >> 4 == 0xF:
        return dcs & 0x03
    return None


@dataclasses.dataclass
class _Unacknowledged:
    """A +CMT or +CDS waiting for +CNMA, and the timer that gives up on it."""

    tpdu: Tpdu
    timer: object


def encode_pdu(config: SmsService, tpdu: Tpdu) -> tuple[str, int]:
    """27.005's PDU of ``tpdu`` with the +CSCA address, and its <length>."""
    smsc = config.settings.smsc
    return Pdu(tpdu, Address.parse(smsc) if smsc else None).encode()


def charset_of(config: SmsService, session) -> str:
    return session_charset(session, config.tables.default_charset)


def cnmi(session) -> tuple[int, int, int, int, int]:
    return session.vars.get(CNMI_KEY, (0, 0, 0, 0, 0))


def text_mode(session) -> bool:
    return session.vars.get(CMGF_KEY, 0) == 1


def detailed(session) -> bool:
    return session.vars.get(CSDH_KEY, 0) == 1


def _routes(mt: int, klass: int | None) -> bool:
    """Whether +CNMI <mt> sends a message of ``klass`` to the TE as +CMT (27.005 §3.4.1):
    2 every class but 2, 3 class 3 only."""
    return (mt == 2 and klass != 2) or (mt == 3 and klass == 3)


class Notifications:
    def __init__(self, modem: Modem, config: SmsService) -> None:
        self.modem = modem
        self.config = config
        #: Per channel (interpreter): the +CMT/+CDS waiting for +CNMA.
        self._unacknowledged: dict[object, _Unacknowledged] = {}

    @property
    def store(self):
        return self.config.store

    def _smsc(self) -> Address | None:
        smsc = self.config.settings.smsc
        return Address.parse(smsc) if smsc else None

    def _encode(self, tpdu: Tpdu) -> tuple[str, int]:
        return encode_pdu(self.config, tpdu)

    def _pdu(self, tpdu: Tpdu) -> str:
        return self._encode(tpdu)[0]

    def _charset(self, session) -> str:
        return charset_of(self.config, session)

    def _in_service(self) -> bool:
        network = sibling(self.modem, NetworkService)
        return network is None or network.serving is not None

    def registration_changed(self) -> None:
        """Back in service: what the centre held while the modem was out of reach comes."""
        if self.modem.powered and self._in_service() and self.modem.ip_network is not None:
            self.modem.ip_network.sms.memory_available(self.modem.name)

    def receive(self, tpdu: Tpdu) -> bool:
        """What the SMS centre delivers: True when taken, False when the modem is out of
        service or the storage is full (the centre keeps it until ``memory_available``)."""
        if not self._in_service():
            return False
        if isinstance(tpdu, CbPage):
            self._receive_broadcast(tpdu)
            return True
        if isinstance(tpdu, StatusReport):
            return self._receive_report(tpdu)
        return self._receive_message(tpdu)

    def _receive_broadcast(self, page: CbPage) -> None:
        """A cell broadcast page +CSCB accepts goes as +CBM to channels whose +CNMI <bm> is
        2 (27.005 §3.4.1); atsim has no "BM" storage, so <bm> 1 and 3 are not offered."""
        if not self.config.accepts_broadcast(page.message_id, page.dcs):
            return
        for interpreter in self._channels():
            if cnmi(interpreter.session)[2] == 2:
                shown = results.information(self._cbm(interpreter.session, page),
                                            interpreter.profile)
                self._indicate(interpreter, shown)

    def _cbm(self, session, page: CbPage) -> list[str]:
        if not text_mode(session):
            octets = page.encode()
            return [f"+CBM: {len(octets)}", octets.hex().upper()]
        if page.dcs == cbs.DCS_UCS2:
            data = page.text.encode("utf-16-be").hex().upper()
        else:
            data = encode(page.text, self._charset(session))
        return [f"+CBM: {page.serial},{page.message_id},{page.dcs},{page.page},{page.pages}",
                data]

    def _channels(self) -> list:
        return [i for i in self.modem.interpreters if i.receives_urcs]

    def _receive_message(self, tpdu: Deliver) -> bool:
        klass = message_class(tpdu.dcs)
        routed = [i for i in self._channels()
                  if i not in self._unacknowledged and _routes(cnmi(i.session)[1], klass)]
        if routed:
            for interpreter in routed:
                self._route(interpreter, tpdu, self._cmt(interpreter.session, tpdu))
            return True
        return self._store_message(tpdu)

    def _store_message(self, tpdu: Deliver) -> bool:
        """Keep a message in <mem3> and say where with +CMTI; False if it is full."""
        memory = self.config.memories[2]
        index = self.store.put(memory, Stored(REC_UNREAD, self._pdu(tpdu)))
        if index is None:
            log.info("{modem}: message storage {memory} full", modem=self.modem.name,
                     memory=memory)
            return False
        self.modem.event("sms received", memory=memory, index=index)
        for interpreter in self._channels():
            if cnmi(interpreter.session)[1] in (1, 2, 3):
                self._indicate(interpreter, f'+CMTI: "{memory}",{index}')
        return True

    def _store_report(self, tpdu: StatusReport) -> bool:
        """Keep a status report in SR and say where with +CDSI; False if it is full."""
        if "SR" not in self.store.capacities:
            return True
        index = self.store.put("SR", Stored(REC_UNREAD, self._pdu(tpdu)))
        if index is None:
            return False
        for interpreter in self._channels():
            if cnmi(interpreter.session)[3] == 2:
                self._indicate(interpreter, f'+CDSI: "SR",{index}')
        return True

    def _keep(self, tpdu: Tpdu) -> None:
        """A +CMT or +CDS the TE did not acknowledge: the network sends it again, and the
        ME stores it (it would not be routed to the TE again before an acknowledgement).
        When the storage is full the centre keeps it, as it keeps what it could not deliver."""
        if isinstance(tpdu, StatusReport):
            kept = self._store_report(tpdu)
        else:
            kept = self._store_message(tpdu)
        if not kept and self.modem.ip_network is not None:
            self.modem.ip_network.sms.hold(self.modem.name, tpdu)

    def _receive_report(self, tpdu: StatusReport) -> bool:
        channels = self._channels()
        routed = [i for i in channels
                  if i not in self._unacknowledged and cnmi(i.session)[3] == 1]
        if routed:
            for interpreter in routed:
                self._route(interpreter, tpdu, self._cds(interpreter.session, tpdu))
            return True
        if not any(cnmi(i.session)[3] == 2 for i in channels):
            return True  # <ds> 0 everywhere: no status report reaches the TE
        return self._store_report(tpdu)

    def _route(self, interpreter, tpdu: Tpdu, lines: list[str]) -> None:
        """Show a +CMT or +CDS; under +CSMS=1 it waits for +CNMA."""
        shown = results.information(lines, interpreter.profile)
        self._indicate(interpreter, shown)
        if interpreter.session.vars.get(CSMS_KEY, 0) == 1:
            timer = self.modem.clock.callLater(ACK_TIMEOUT, self._not_acknowledged, interpreter)
            self._unacknowledged[interpreter] = _Unacknowledged(tpdu, timer)

    def _not_acknowledged(self, interpreter) -> None:
        """27.005 §3.4.4: without +CNMA in time, routing to the TE stops (<mt> and <ds> to 0);
        the network sends the message again, and it is stored."""
        pending = self._unacknowledged.pop(interpreter, None)
        if pending is None:
            return
        mode, _, bm, _, bfr = cnmi(interpreter.session)
        interpreter.session.vars[CNMI_KEY] = (mode, 0, bm, 0, bfr)
        log.info("{modem}: +CNMA not received; routing to the TE disabled",
                 modem=self.modem.name)
        self._keep(pending.tpdu)

    def _indicate(self, interpreter, lines: str | bytes) -> None:
        """An indication as the channel's +CNMI <mode> says: 0 kept in the TA's buffer,
        1 dropped while the channel is busy, 2 shown (held while busy, then shown)."""
        mode = cnmi(interpreter.session)[0]
        if mode == 0:
            buffer = interpreter.session.vars.setdefault(BUFFER_KEY, [])
            buffer.append(lines)
            del buffer[:-BUFFER_LIMIT]
            return
        if mode == 1 and interpreter.mode.name != "COMMAND":
            return
        interpreter.urc(lines)

    def _cmt(self, session, tpdu: Deliver) -> list[str]:
        if not text_mode(session):
            hex_pdu, length = self._encode(tpdu)
            return [f"+CMT: ,{length}", hex_pdu]
        charset = self._charset(session)
        data, length = smstext.data(tpdu, charset)
        header = smstext.deliver_header(tpdu, charset, self._smsc(), detailed(session), length,
                                        name_of(self.modem, tpdu.originator.text))
        return [f"+CMT: {header}", data]

    def _cds(self, session, tpdu: StatusReport) -> list[str]:
        if not text_mode(session):
            hex_pdu, length = self._encode(tpdu)
            return [f"+CDS: {length}", hex_pdu]
        return [f"+CDS: {smstext.report_fields(tpdu, self._charset(session))}"]

    def acknowledge(self, interpreter, reply: int) -> None:
        """+CNMA on ``interpreter``'s channel: <n> 2 refuses the message (RP-ERROR): the
        network sends it again, and it is stored."""
        pending = self._unacknowledged.pop(interpreter, None)
        if pending is None:
            raise CmsError(NO_CNMA_EXPECTED)
        if pending.timer.active():
            pending.timer.cancel()
        if reply == 2:
            self._keep(pending.tpdu)

    def buffer_released(self, session, interpreter) -> None:
        """+CNMI left <mode> 0: the TA's buffer is shown (<bfr> 0) or cleared (<bfr> 1)."""
        mode, _, _, _, bfr = cnmi(session)
        buffer = session.vars.get(BUFFER_KEY)
        if mode == 0 or not buffer:
            return
        session.vars[BUFFER_KEY] = []
        if bfr == 0:
            for lines in buffer:
                interpreter.urc(lines)

    def clear(self) -> None:
        """Power off: no acknowledgement is awaited any more."""
        for pending in self._unacknowledged.values():
            if pending.timer.active():
                pending.timer.cancel()
        self._unacknowledged.clear()
