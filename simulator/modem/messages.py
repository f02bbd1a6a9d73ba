"""Sending, storing and reading short messages (27.005 §3.4–§3.5, §4): +CMGS, +CMSS, +CMGW,
+CMGR, +CMGL, +CMGD, +CSDH, +CSMS, +CNMA, +CMMS; what the network's SMS centre delivers
goes where each channel's +CNMI says (``simulator.modem.smsnotify``).

One service for every dialect; the settings (+CMGF, +CSCA, +CSMP, +CPMS, +CNMI) and the
storages are ``SmsService``'s.  Errors are 27.005's +CMS codes (docs/sms.md lists which
situation gives which).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError, CmsError, Prompt
from simulator.at.params import Params
from simulator.logs import Logger
from simulator.modem import smstext
from simulator.modem.charset import decode
from simulator.modem.errors import CMS_FOR_SIM_CME
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.phonebook import name_of
from simulator.modem.siblings import sibling
from simulator.modem.sim import require_sim_ready
from simulator.modem.sms import SmsService
from simulator.modem.smsnotify import (
    CSDH_KEY,
    CSMS_KEY,
    Notifications,
    charset_of,
    detailed,
    encode_pdu,
    text_mode,
)
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
from simulator.sms.tpdu import Command, Deliver, Pdu, StatusReport, Submit, Tpdu
from simulator.sms.userdata import Alphabet, dcs_alphabet

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

#: The prompt of +CMGS, +CMGW and +CNMA (27.005 §3.5.1: CR, LF, ">", space).
PROMPT = b"\r\n> "
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


class MessageService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.reference = 0  # the last TP-MR given
        self.cmms = 0
        self._notifications: Notifications | None = None

    @property
    def notifications(self) -> Notifications:
        """Where delivered messages go (built on first use: SmsService comes first)."""
        if self._notifications is None:
            self._notifications = Notifications(self.modem, self.config)
        return self._notifications

    @property
    def config(self) -> SmsService:
        return self.modem.service(SmsService)

    @property
    def store(self):
        return self.config.store

    def register(self, table: CommandTable) -> None:
        table.add("+CMGS", set=self.cmgs, test=fixed())
        table.add("+CMSS", set=self.cmss, test=fixed())
        table.add("+CMGC", set=self.cmgc, test=fixed())
        table.add("+CMGW", exec=self.cmgw, set=self.cmgw, test=fixed())
        table.add("+CMGR", set=self.cmgr, test=fixed())
        table.add("+CMGL", exec=self.cmgl, set=self.cmgl, test=self.cmgl_test)
        table.add("+CMGD", set=self.cmgd, test=self.cmgd_test)
        table.add("+CSDH", set=self.csdh_set, read=self.csdh_read, test=fixed("+CSDH: (0,1)"))
        table.add("+CSMS", set=self.csms_set, read=self.csms_read, test=fixed("+CSMS: (0,1)"))
        table.add("+CNMA", exec=self.cnma, set=self.cnma, test=self.cnma_test)
        table.add("+CMMS", set=self.cmms_set, read=self.cmms_read, test=fixed("+CMMS: (0-2)"))
        table.add("+CNMI", set=self.cnmi_set)

    def watch_siblings(self) -> None:
        network = sibling(self.modem, NetworkService)
        if network is not None:
            network.on_registration_change(self.notifications.registration_changed)

    # -- the network's side --------------------------------------------------------------------

    def power_on(self) -> None:
        network = self.modem.ip_network
        if network is not None:
            network.sms.attach(self.modem.name, self.notifications.receive)

    def power_off(self) -> None:
        network = self.modem.ip_network
        if network is not None:
            network.sms.attach(self.modem.name, None)
        self.notifications.clear()

    # -- helpers -------------------------------------------------------------------------------

    def _pdu(self, tpdu: Tpdu) -> str:
        return encode_pdu(self.config, tpdu)[0]

    def _charset(self, session) -> str:
        return charset_of(self.config, session)

    def _params(self, call) -> Params:
        code = INVALID_TEXT_PARAMETER if text_mode(call.session) else INVALID_PDU_PARAMETER
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

    def _typed_text(self) -> bool:
        """Whether text mode reads typed characters (the GSM alphabet, no header): then
        every CR typed is answered with the prompt again (27.005 §3.5.1)."""
        s = self.config.settings
        try:
            return dcs_alphabet(s.dcs) is Alphabet.GSM7 and not s.fo & smstext.UDHI
        except PduError:
            return False

    def _typed_submit(self, call, destination: Address, typed: bytes) -> Submit:
        """A text-mode SUBMIT: what the host typed, with +CSMP's first octet, validity,
        PID and DCS."""
        s = self.config.settings
        try:
            user_data = smstext.user_data(typed, s.dcs, self._charset(call.session),
                                          header=bool(s.fo & smstext.UDHI))
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
        if text_mode(call.session):
            p.at_most(2)
            destination = self._address(p, call, 0)
            return Prompt(lambda typed: self._send(
                call, self._typed_submit(call, destination, typed), "+CMGS"), PROMPT,
                prompt_after_cr=self._typed_text())
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

    # -- +CMGC ---------------------------------------------------------------------------------

    def cmgc(self, call):
        """An SMS-COMMAND about a message sent before (27.005 §3.5.5): PDU mode
        ``+CMGC=<length>``; text mode ``+CMGC=<fo>,<ct>[,<pid>[,<mn>[,<da>[,<toda>]]]]`` and
        the command data typed in hexadecimal.  ``+CMGC: <mr>`` once the centre acted."""
        p = self._params(call)
        self._require_sim()
        if not text_mode(call.session):
            p.at_most(1)
            length = p.int(0, 8, MAX_TPDU)
            return Prompt(lambda typed: self._send_command(call, self._decode_command(
                typed, length)), PROMPT)
        p.at_most(6)
        fo = p.int(0, 0, 255)
        kind = p.int(1, 0, 255)
        pid = p.int(2, 0, 255, default=0)
        number = p.int(3, 0, 255, default=self.reference)
        destination = self._address(p, call, 4) if p.present(4) else Address("")

        def typed_command(typed: bytes):
            try:
                data = bytes.fromhex(typed.decode("latin-1"))
                command = Command(kind, number, destination, 0, pid, bool(fo & smstext.SRR),
                                  data)
                command.encode()
            except ValueError:
                raise CmsError(INVALID_TEXT_PARAMETER) from None
            return self._send_command(call, command)

        return Prompt(typed_command, PROMPT)

    def _decode_command(self, typed: bytes, length: int) -> Command:
        try:
            return Pdu.decode_command(typed.decode("latin-1").strip(), length)[0]
        except PduError as error:
            log.info("{modem}: SMS-COMMAND refused: {error}", modem=self.modem.name,
                     error=error)
            raise CmsError(INVALID_PDU_PARAMETER) from None

    def _send_command(self, call, command: Command):
        self._require_service()
        if self.config.settings.smsc == "":
            raise CmsError(SMSC_ADDRESS_UNKNOWN)
        self.reference = (self.reference + 1) % 256
        command = dataclasses.replace(command, reference=self.reference)
        d = self.modem.ip_network.sms.command(self.modem.name, command)

        def refused(failure):
            failure.trap(SmsError)
            raise CmsError(failure.value.cause)

        return d.addCallbacks(lambda _: call.info(f"+CMGC: {command.reference}"), refused)

    # -- +CMGW ---------------------------------------------------------------------------------

    def cmgw(self, call):
        p = self._params(call)
        self._require_sim()
        if text_mode(call.session):
            p.at_most(3)
            destination = self._address(p, call, 0) if p.present(0) else Address("")
            stat = (STAT_TEXT.index(p.str(2, choices=STAT_TEXT[:4]))
                    if p.present(2) else STO_UNSENT)
            return Prompt(lambda typed: self._write(
                call, self._typed_submit(call, destination, typed), stat), PROMPT,
                prompt_after_cr=self._typed_text())
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
        if text_mode(call.session):
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
        if text_mode(call.session):
            call.info("+CMGL: " + listing(STAT_TEXT))
        else:
            call.info("+CMGL: (0-4)")

    def _show(self, session, prefix: str, stored: Stored) -> list[str]:
        """A stored message as +CMGR (prefix "+CMGR: ") or +CMGL shows it."""
        listed = prefix.startswith("+CMGL")
        if not text_mode(session):
            length = len(stored.pdu) // 2 - int(stored.pdu[:2], 16) - 1
            return [f"{prefix}{stored.stat},,{length}", stored.pdu]
        charset = self._charset(session)
        pdu = Pdu.decode(stored.pdu)
        tpdu, stat = pdu.tpdu, f'"{STAT_TEXT[stored.stat]}"'
        if isinstance(tpdu, StatusReport):
            return [f"{prefix}{stat},{smstext.report_fields(tpdu, charset)}"]
        data, length = smstext.data(tpdu, charset)
        full = detailed(session)
        party = tpdu.originator if isinstance(tpdu, Deliver) else tpdu.destination
        name = name_of(self.modem, party.text)
        if listed:
            header = f"{smstext.address(party, charset)},{smstext.alpha(name, charset)},"
            if isinstance(tpdu, Deliver):
                header += smstext.timestamp(tpdu.timestamp)
            if full:
                header += f",{party.type_octet},{length}"
        elif isinstance(tpdu, Deliver):
            header = smstext.deliver_header(tpdu, charset, pdu.smsc, full, length, name)
        else:
            header = smstext.submit_header(tpdu, charset, pdu.smsc, full, length, name)
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

    # -- +CSDH, +CSMS, +CMMS, +CNMI, +CNMA -------------------------------------------------

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
        """+CNMI as SmsService sets it, then the TA's buffer if <mode> left 0."""
        self.config.cnmi_set(call)
        self.notifications.buffer_released(call.session, call.interpreter)

    def cnma(self, call) -> None:
        """The TE's acknowledgement of a +CMT or +CDS (+CSMS=1)."""
        p = self._params(call)
        p.at_most(0 if text_mode(call.session) else 2)
        reply = p.int(0, 0, 2, default=0)
        p.int(1, 0, 0, default=0)  # an RP-ACK/RP-ERROR PDU of our own is not supported
        self.notifications.acknowledge(call.interpreter, reply)

    def cnma_test(self, call) -> None:
        if not text_mode(call.session):
            call.info("+CNMA: (0-2)")
