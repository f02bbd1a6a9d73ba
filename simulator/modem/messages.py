"""Sending, storing, reading and receiving short messages (27.005 §3.4–§3.5, §4): +CMGS,
+CMSS, +CMGW, +CMGR, +CMGL, +CMGD, +CSDH, +CSMS, +CNMA, +CMMS, and the routing of what the
network's SMS centre delivers (+CMTI, +CMT, +CDS, +CDSI) as each channel's +CNMI says.

One service for every dialect; the settings (+CMGF, +CSCA, +CSMP, +CPMS, +CNMI) and the
storages are ``SmsService``'s.  Errors are 27.005's +CMS codes (docs/sms.md lists which
situation gives which).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at import results
from simulator.at.commands import CmeError, CmsError, Prompt
from simulator.at.params import Params
from simulator.logs import Logger
from simulator.modem import smstext
from simulator.modem.charset import decode, session_charset
from simulator.modem.errors import CMS_FOR_SIM_CME
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.siblings import sibling
from simulator.modem.sim import require_sim_ready
from simulator.modem.sms import CMGF_KEY, CNMI_KEY, SmsService
from simulator.modem.smsstore import (
    ALL,
    REC_READ,
    REC_UNREAD,
    STAT_TEXT,
    STO_SENT,
    STO_UNSENT,
    Stored,
)
from simulator.modem.text import listing
from simulator.network.smsc import SmsError
from simulator.sms import PduError
from simulator.sms.address import Address, Ton
from simulator.sms.tpdu import Deliver, Pdu, StatusReport, Submit, Tpdu

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

log = Logger(namespace="atsim.modem.sms")

#: 27.005 §3.2.5 <err> values.
ME_FAILURE = 300
OPERATION_NOT_ALLOWED = 302
OPERATION_NOT_SUPPORTED = 303
INVALID_PDU_PARAMETER = 304
INVALID_TEXT_PARAMETER = 305
INVALID_MEMORY_INDEX = 321
MEMORY_FULL = 322
SMSC_ADDRESS_UNKNOWN = 330
NO_NETWORK_SERVICE = 331
NO_CNMA_EXPECTED = 340

#: The prompt of +CMGS, +CMGW and +CNMA (27.005 §3.5.1: CR, LF, ">", space).
PROMPT = b"\r\n> "
CSDH_KEY = "sms.csdh"
CSMS_KEY = "sms.csms"
#: Unsolicited lines held while +CNMI <mode> is 0 (the TA's buffer), per channel.
BUFFER_KEY = "sms.buffer"
BUFFER_LIMIT = 32
#: How long a +CMT or +CDS waits for +CNMA under +CSMS=1 (24.011's TR2M is 12-20 s).
ACK_TIMEOUT = 15.0
#: The longest TPDU a PDU-mode <length> may announce (a SUBMIT with every field at its
#: largest: 7 octets of header, 12 of address, 7 of validity, 140 of user data).
MAX_TPDU = 166
#: +CMGD <delflag> 1-4: the <stat>s deleted (0 deletes the one <index>).
DELFLAGS = {
    1: (REC_READ,),
    2: (REC_READ, STO_SENT),
    3: (REC_READ, STO_SENT, STO_UNSENT),
    4: (REC_UNREAD, REC_READ, STO_SENT, STO_UNSENT),
}


def message_class(dcs: int) -> int | None:
    """The message class TP-DCS gives (23.038 §4), None if it gives none."""
    if dcs >> 6 == 0 and dcs & 0x10:
        return dcs & 0x03
    if dcs >> 4 == 0xF:
        return dcs & 0x03
    return None


@dataclasses.dataclass
class _Unacknowledged:
    tpdu: Tpdu
    timer: object


class MessageService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.reference = 0  # the last TP-MR given
        self.cmms = 0
        #: Per channel (interpreter): the +CMT/+CDS waiting for +CNMA.
        self._unacknowledged: dict[object, _Unacknowledged] = {}

    @property
    def config(self) -> SmsService:
        return self.modem.service(SmsService)

    @property
    def store(self):
        return self.config.store

    def register(self, table: CommandTable) -> None:
        table.add("+CMGS", set=self.cmgs, test=fixed())
        table.add("+CMSS", set=self.cmss, test=fixed())
        table.add("+CMGW", exec=self.cmgw, set=self.cmgw, test=fixed())
        table.add("+CMGR", set=self.cmgr, test=fixed())
        table.add("+CMGL", exec=self.cmgl, set=self.cmgl, test=self.cmgl_test)
        table.add("+CMGD", set=self.cmgd, test=self.cmgd_test)
        table.add("+CSDH", set=self.csdh_set, read=self.csdh_read, test=fixed("+CSDH: (0,1)"))
        table.add("+CSMS", set=self.csms_set, read=self.csms_read, test=fixed("+CSMS: (0,1)"))
        table.add("+CNMA", exec=self.cnma, set=self.cnma, test=self.cnma_test)
        table.add("+CMMS", set=self.cmms_set, read=self.cmms_read, test=fixed("+CMMS: (0-2)"))
        table.add("+CNMI", set=self.cnmi_set)
        network = sibling(self.modem, NetworkService)
        if network is not None:
            network.on_registration_change(self._registration_changed)

    # -- the network's side --------------------------------------------------------------------

    def power_on(self) -> None:
        network = self.modem.ip_network
        if network is not None:
            network.sms.attach(self.modem.name, self.receive)

    def power_off(self) -> None:
        network = self.modem.ip_network
        if network is not None:
            network.sms.attach(self.modem.name, None)
        for pending in self._unacknowledged.values():
            if pending.timer.active():
                pending.timer.cancel()
        self._unacknowledged.clear()

    def _in_service(self) -> bool:
        network = sibling(self.modem, NetworkService)
        return network is None or network.serving is not None

    def _registration_changed(self) -> None:
        """Back in service: what the centre held while the modem was out of reach comes."""
        if self.modem.powered and self._in_service() and self.modem.ip_network is not None:
            self.modem.ip_network.sms.memory_available(self.modem.name)

    def receive(self, tpdu: Tpdu) -> bool:
        """What the SMS centre delivers: True when taken, False when the modem is out of
        service or the storage is full (the centre keeps it until ``memory_available``)."""
        if not self._in_service():
            return False
        if isinstance(tpdu, StatusReport):
            return self._receive_report(tpdu)
        return self._receive_message(tpdu)

    def _channels(self) -> list:
        return [i for i in self.modem.interpreters if i.receives_urcs]

    def _receive_message(self, tpdu: Deliver) -> bool:
        klass = message_class(tpdu.dcs)
        routed = [i for i in self._channels()
                  if i not in self._unacknowledged and _routes(_cnmi(i.session)[1], klass)]
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
            if _cnmi(interpreter.session)[1] in (1, 2, 3):
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
            if _cnmi(interpreter.session)[3] == 2:
                self._indicate(interpreter, f'+CDSI: "SR",{index}')
        return True

    def _keep(self, tpdu: Tpdu) -> None:
        """A +CMT or +CDS the TE did not acknowledge: the network sends it again, and the
        ME stores it (it would not be routed to the TE again before an acknowledgement)."""
        if isinstance(tpdu, StatusReport):
            self._store_report(tpdu)
        else:
            self._store_message(tpdu)

    def _receive_report(self, tpdu: StatusReport) -> bool:
        channels = self._channels()
        routed = [i for i in channels
                  if i not in self._unacknowledged and _cnmi(i.session)[3] == 1]
        if routed:
            for interpreter in routed:
                self._route(interpreter, tpdu, self._cds(interpreter.session, tpdu))
            return True
        if not any(_cnmi(i.session)[3] == 2 for i in channels):
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
        cnmi = _cnmi(interpreter.session)
        interpreter.session.vars[CNMI_KEY] = (cnmi[0], 0, cnmi[2], 0, cnmi[4])
        log.info("{modem}: +CNMA not received; routing to the TE disabled",
                 modem=self.modem.name)
        self._keep(pending.tpdu)

    def _indicate(self, interpreter, lines: str | bytes) -> None:
        """An indication as the channel's +CNMI <mode> says: 0 kept in the TA's buffer,
        1 dropped while the channel is busy, 2 shown (held while busy, then shown)."""
        mode = _cnmi(interpreter.session)[0]
        if mode == 0:
            buffer = interpreter.session.vars.setdefault(BUFFER_KEY, [])
            buffer.append(lines)
            del buffer[:-BUFFER_LIMIT]
            return
        if mode == 1 and interpreter.mode.name != "COMMAND":
            return
        interpreter.urc(lines)

    def _cmt(self, session, tpdu: Deliver) -> list[str]:
        if not _text_mode(session):
            hex_pdu, length = self._encode(tpdu)
            return [f"+CMT: ,{length}", hex_pdu]
        charset = self._charset(session)
        data, length = smstext.data(tpdu, charset)
        header = smstext.deliver_header(tpdu, charset, self._smsc(), _detailed(session), length)
        return [f"+CMT: {header}", data]

    def _cds(self, session, tpdu: StatusReport) -> list[str]:
        if not _text_mode(session):
            hex_pdu, length = self._encode(tpdu)
            return [f"+CDS: {length}", hex_pdu]
        return [f"+CDS: {smstext.report_fields(tpdu, self._charset(session))}"]

    # -- helpers -------------------------------------------------------------------------------

    def _smsc(self) -> Address | None:
        smsc = self.config.settings.smsc
        return Address.parse(smsc) if smsc else None

    def _encode(self, tpdu: Tpdu) -> tuple[str, int]:
        return Pdu(tpdu, self._smsc()).encode()

    def _pdu(self, tpdu: Tpdu) -> str:
        return self._encode(tpdu)[0]

    def _charset(self, session) -> str:
        return session_charset(session, self.config.tables.default_charset)

    def _params(self, call) -> Params:
        code = INVALID_TEXT_PARAMETER if _text_mode(call.session) else INVALID_PDU_PARAMETER
        return Params(call.command.params, lambda: CmsError(code),
                      lambda given: CmsError(given or code))

    def _require_sim(self) -> None:
        try:
            require_sim_ready(self.modem)
        except CmeError as error:
            raise CmsError(CMS_FOR_SIM_CME.get(error.code, ME_FAILURE)) from None

    def _require_service(self) -> None:
        network = sibling(self.modem, NetworkService)
        if (self.modem.ip_network is None or network is None
                or network.serving is None):
            raise CmsError(NO_NETWORK_SERVICE)

    def _address(self, p: Params, call, i: int) -> Address:
        """<da>/<oa> and its optional type (<toda>/<tooa>) at ``i``, ``i + 1``."""
        try:
            text = decode(p.str(i), self._charset(call.session))
        except ValueError:
            raise p.bad() from None
        kind = p.int(i + 1, 128, 255, default=None)
        digits = text[1:] if text.startswith("+") else text
        if not digits or len(digits) > 20 or not all(c in "0123456789*#" for c in digits):
            raise p.bad()
        if kind is None:  # "+" makes it international (145), else unknown (129)
            kind = 145 if text.startswith("+") else 129
        ton = Ton.INTERNATIONAL if text.startswith("+") else (kind >> 4) & 0x07
        return Address(digits, ton, kind & 0x0F)

    def _decode_pdu(self, typed: bytes, length: int) -> Pdu:
        try:
            return Pdu.decode(typed.decode("latin-1").strip(), length)
        except PduError as error:
            log.info("{modem}: PDU refused: {error}", modem=self.modem.name, error=error)
            raise CmsError(INVALID_PDU_PARAMETER) from None

    def _typed_submit(self, call, destination: Address, typed: bytes) -> Submit:
        """A text-mode SUBMIT: what the host typed, with +CSMP's first octet, validity,
        PID and DCS."""
        s = self.config.settings
        try:
            user_data = smstext.user_data(typed, s.dcs, self._charset(call.session))
            submit = Submit(destination, user_data, 0, s.dcs, s.pid,
                            smstext.validity(s.fo, s.vp),
                            reject_duplicates=bool(s.fo & 0x04),
                            status_report_request=bool(s.fo & smstext.SRR),
                            reply_path=bool(s.fo & 0x80))
            submit.encode()  # fits one TPDU
        except ValueError:  # PduError, a character the charset lacks, bad hex
            raise CmsError(INVALID_TEXT_PARAMETER) from None
        return submit

    def _send(self, call, submit: Submit, prefix: str, sent=None):
        """Hand a SUBMIT to the network: ``<prefix>: <mr>`` then OK, or the RP cause."""
        self._require_service()
        if self.config.settings.smsc == "":
            raise CmsError(SMSC_ADDRESS_UNKNOWN)
        self.reference = (self.reference + 1) % 256
        submit = dataclasses.replace(submit, reference=self.reference)
        d = self.modem.ip_network.sms.submit(self.modem.name, submit)

        def accepted(_stamp) -> None:
            if sent is not None:
                sent()
            call.info(f"{prefix}: {submit.reference}")
            self.modem.event("sms sent", reference=submit.reference)

        def refused(failure):
            failure.trap(SmsError)
            raise CmsError(failure.value.cause)

        return d.addCallbacks(accepted, refused)

    # -- +CMGS, +CMSS --------------------------------------------------------------------------

    def cmgs(self, call):
        p = self._params(call)
        self._require_sim()
        if _text_mode(call.session):
            p.at_most(2)
            destination = self._address(p, call, 0)
            return Prompt(lambda typed: self._send(
                call, self._typed_submit(call, destination, typed), "+CMGS"), PROMPT)
        p.at_most(1)
        length = p.int(0, 1, MAX_TPDU)
        return Prompt(lambda typed: self._send_pdu(call, length, typed), PROMPT)

    def _send_pdu(self, call, length: int, typed: bytes):
        pdu = self._decode_pdu(typed, length)
        if not isinstance(pdu.tpdu, Submit):
            raise CmsError(INVALID_PDU_PARAMETER)
        return self._send(call, pdu.tpdu, "+CMGS")

    def cmss(self, call):
        p = self._params(call)
        p.at_most(3)
        self._require_sim()
        memory = self.config.memories[1]
        index = p.int(0)
        stored = self.store.get(memory, index)
        if stored is None:
            raise CmsError(INVALID_MEMORY_INDEX)
        submit = Pdu.decode(stored.pdu).tpdu
        if not isinstance(submit, Submit):
            raise CmsError(OPERATION_NOT_ALLOWED)
        if p.present(1):
            submit = dataclasses.replace(submit, destination=self._address(p, call, 1))
        return self._send(call, submit, "+CMSS",
                          sent=lambda: self.store.set_stat(memory, index, STO_SENT))

    # -- +CMGW ---------------------------------------------------------------------------------

    def cmgw(self, call):
        p = self._params(call)
        self._require_sim()
        if _text_mode(call.session):
            p.at_most(3)
            destination = self._address(p, call, 0) if p.present(0) else Address("")
            stat = (STAT_TEXT.index(p.str(2, choices=STAT_TEXT[:4]))
                    if p.present(2) else STO_UNSENT)
            return Prompt(lambda typed: self._write(
                call, self._typed_submit(call, destination, typed), stat), PROMPT)
        p.at_most(2)
        length = p.int(0, 1, MAX_TPDU)
        stat = p.int(1, 0, 3, default=STO_UNSENT)
        return Prompt(lambda typed: self._write_pdu(call, length, typed, stat), PROMPT)

    def _write_pdu(self, call, length: int, typed: bytes, stat: int) -> None:
        pdu = self._decode_pdu(typed, length)
        self._store(call, pdu.encode()[0], stat)

    def _write(self, call, tpdu: Tpdu, stat: int) -> None:
        self._store(call, self._pdu(tpdu), stat)

    def _store(self, call, hex_pdu: str, stat: int) -> None:
        """+CMGW: a PDU kept as written (a PDU-mode SMSC of length 0 stays so)."""
        memory = self.config.memories[1]
        index = self.store.put(memory, Stored(stat, hex_pdu))
        if index is None:
            raise CmsError(MEMORY_FULL)
        call.info(f"+CMGW: {index}")

    # -- +CMGR, +CMGL --------------------------------------------------------------------------

    def cmgr(self, call) -> None:
        p = self._params(call)
        p.at_most(1)
        self._require_sim()
        memory = self.config.memories[0]
        index = p.int(0)
        stored = self.store.get(memory, index)
        if stored is None:
            raise CmsError(INVALID_MEMORY_INDEX)
        for line in self._show(call.session, "+CMGR: ", stored):
            call.info(line)
        if stored.stat == REC_UNREAD:
            self.store.set_stat(memory, index, REC_READ)

    def cmgl(self, call) -> None:
        p = self._params(call)
        p.at_most(1)
        self._require_sim()
        if _text_mode(call.session):
            wanted = STAT_TEXT.index(p.str(0, choices=STAT_TEXT, default=STAT_TEXT[0]))
        else:
            wanted = p.int(0, 0, 4, default=REC_UNREAD)
        memory = self.config.memories[0]
        for index, stored in list(self.store.items(memory)):
            if wanted != ALL and stored.stat != wanted:
                continue
            for line in self._show(call.session, f"+CMGL: {index},", stored):
                call.info(line)
            if stored.stat == REC_UNREAD:
                self.store.set_stat(memory, index, REC_READ)

    def cmgl_test(self, call) -> None:
        if _text_mode(call.session):
            call.info("+CMGL: " + listing(STAT_TEXT))
        else:
            call.info("+CMGL: (0-4)")

    def _show(self, session, prefix: str, stored: Stored) -> list[str]:
        """A stored message as +CMGR (prefix "+CMGR: ") or +CMGL shows it."""
        listed = prefix.startswith("+CMGL")
        if not _text_mode(session):
            length = len(stored.pdu) // 2 - int(stored.pdu[:2], 16) - 1
            return [f"{prefix}{stored.stat},,{length}", stored.pdu]
        charset = self._charset(session)
        pdu = Pdu.decode(stored.pdu)
        tpdu, stat = pdu.tpdu, f'"{STAT_TEXT[stored.stat]}"'
        if isinstance(tpdu, StatusReport):
            return [f"{prefix}{stat},{smstext.report_fields(tpdu, charset)}"]
        data, length = smstext.data(tpdu, charset)
        detailed = _detailed(session)
        if listed:
            if isinstance(tpdu, Deliver):
                header = (f"{smstext.address(tpdu.originator, charset)},,"
                          f"{smstext.timestamp(tpdu.timestamp)}")
                kind = tpdu.originator.type_octet
            else:
                header = f"{smstext.address(tpdu.destination, charset)},,"
                kind = tpdu.destination.type_octet
            if detailed:
                header += f",{kind},{length}"
        elif isinstance(tpdu, Deliver):
            header = smstext.deliver_header(tpdu, charset, pdu.smsc, detailed, length)
        else:
            header = smstext.submit_header(tpdu, charset, pdu.smsc, detailed, length)
        return [f"{prefix}{stat},{header}", data]

    # -- +CMGD ---------------------------------------------------------------------------------

    def cmgd(self, call) -> None:
        p = self._params(call)
        p.at_most(2)
        self._require_sim()
        memory = self.config.memories[0]
        flag = p.int(1, 0, 4, default=0)
        index = p.int(0, default=None) if flag else p.int(0)
        if flag == 0:
            if not self.store.valid(memory, index):
                raise CmsError(INVALID_MEMORY_INDEX)
            self.store.delete(memory, index)
        else:
            for number, stored in list(self.store.items(memory)):
                if stored.stat in DELFLAGS[flag]:
                    self.store.delete(memory, number)
        if self.modem.ip_network is not None:
            self.modem.ip_network.sms.memory_available(self.modem.name)

    def cmgd_test(self, call) -> None:
        memory = self.config.memories[0]
        used = [index for index, _ in self.store.items(memory)]
        call.info(f"+CMGD: {listing(used)},(0-4)")

    # -- +CSDH, +CSMS, +CMMS, +CNMI ------------------------------------------------------------

    def csdh_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        call.session.vars[CSDH_KEY] = p.int(0, 0, 1, default=0)

    def csdh_read(self, call) -> None:
        call.info(f"+CSDH: {call.session.vars.get(CSDH_KEY, 0)}")

    def _cms_params(self, call) -> Params:
        code = self.config.tables.sms_bad_parameter
        return Params(call.command.params, lambda: CmsError(code))

    def csms_set(self, call) -> None:
        p = self._cms_params(call)
        p.at_most(1)
        call.session.vars[CSMS_KEY] = p.int(0, 0, 1)
        call.info("+CSMS: 1,1,1")

    def csms_read(self, call) -> None:
        call.info(f"+CSMS: {call.session.vars.get(CSMS_KEY, 0)},1,1,1")

    def cmms_set(self, call) -> None:
        p = self._cms_params(call)
        p.at_most(1)
        self.cmms = p.int(0, 0, 2, default=0)

    def cmms_read(self, call) -> None:
        call.info(f"+CMMS: {self.cmms}")

    def cnmi_set(self, call) -> None:
        """+CNMI as SmsService sets it; then, leaving <mode> 0, the TA's buffer is shown
        (<bfr> 0) or cleared (<bfr> 1)."""
        self.config.cnmi_set(call)
        mode, _, _, _, bfr = _cnmi(call.session)
        buffer = call.session.vars.get(BUFFER_KEY)
        if mode == 0 or not buffer:
            return
        call.session.vars[BUFFER_KEY] = []
        if bfr == 0:
            interpreter = call.interpreter
            for lines in buffer:
                interpreter.urc(lines)

    # -- +CNMA ---------------------------------------------------------------------------------

    def cnma(self, call) -> None:
        """The TE's acknowledgement of a +CMT or +CDS (+CSMS=1).  In PDU mode <n> 2 refuses
        the message (RP-ERROR): the network sends it again, and it is stored."""
        p = self._params(call)
        text = _text_mode(call.session)
        p.at_most(0 if text else 2)
        reply = p.int(0, 0, 2, default=0)
        p.int(1, 0, 0, default=0)  # an RP-ACK/RP-ERROR PDU of our own is not supported
        pending = self._unacknowledged.pop(call.interpreter, None)
        if pending is None:
            raise CmsError(NO_CNMA_EXPECTED)
        if pending.timer.active():
            pending.timer.cancel()
        if reply == 2:
            self._keep(pending.tpdu)

    def cnma_test(self, call) -> None:
        if not _text_mode(call.session):
            call.info("+CNMA: (0-2)")


def _cnmi(session) -> tuple[int, int, int, int, int]:
    return session.vars.get(CNMI_KEY, (0, 0, 0, 0, 0))


def _text_mode(session) -> bool:
    return session.vars.get(CMGF_KEY, 0) == 1


def _detailed(session) -> bool:
    return session.vars.get(CSDH_KEY, 0) == 1


def _routes(mt: int, klass: int | None) -> bool:
    """Whether +CNMI <mt> sends a message of ``klass`` to the TE as +CMT (27.005 §3.4.1):
    2 every class but 2, 3 class 3 only."""
    return (mt == 2 and klass != 2) or (mt == 3 and klass == 3)
