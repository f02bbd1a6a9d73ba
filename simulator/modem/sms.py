"""Message service configuration (27.005 §3): +CMGF, +CSCA, +CSMP, +CPMS, +CNMI, +CSAS/+CRES,
and the storages they choose (``simulator.modem.smsstore``).  Sending, reading and receiving
messages is ``simulator.modem.messages``.

Errors: the commands whose 27.005 syntax lists ``+CMS ERROR`` (+CPMS, +CNMI, +CSAS, +CRES)
answer a bad parameter with the dialect's +CMS code; the others with its +CME code.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError, CmsError
from simulator.at.params import Params
from simulator.modem import smstext
from simulator.modem.charset import decode, encode, session_charset
from simulator.modem.errors import CMS_FOR_SIM_CME
from simulator.modem.forms import fixed, ok
from simulator.modem.modem import Service
from simulator.modem.sim import number_type, require_sim_ready
from simulator.modem.smsstore import MessageStore
from simulator.modem.tables import tables_of
from simulator.modem.text import listing, quote

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

CMGF_KEY = "sms.cmgf"
CNMI_KEY = "sms.cnmi"
#: NVStore key of the settings +CSAS saves (profile 0, the only one).
SAVED_KEY = "sms.saved"
PROFILES = (0,)
#: An SMSC address: an optional "+" and up to 20 digits (TS 24.011 RP-address).
SMSC_ADDRESS = re.compile(r"\+?[0-9*#]{0,20}")
#: +CNMI <mode>,<mt>,<bm>,<ds>,<bfr> supported values.
CNMI_SUPPORTED = ((0, 1, 2), (0, 1, 2, 3), (0, 2), (0, 1, 2), (0, 1))
CNMI_TEST = "+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"
#: Memories on the SIM (reading them needs the PIN).
SIM_MEMORIES = ("SM", "MT")


@dataclasses.dataclass
class SmsSettings:
    """The MT-wide message service parameters (+CSAS saves these)."""

    smsc: str
    smsc_type: int
    fo: int = 17  # SMS-SUBMIT, relative validity period
    vp: int | str = 167  # 24 hours; a string in absolute and enhanced format
    pid: int = 0
    dcs: int = 0
    #: +CSCB (27.005 §3.3.4): 0 accept the listed cell broadcast types, 1 refuse them;
    #: the message identifiers and data coding schemes, as lists of numbers and ranges.
    cb_mode: int = 0
    cb_mids: str = ""
    cb_dcss: str = ""


class SmsService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)
        self.settings = self._restored()
        self.memories = ("ME", "ME", "ME")
        capacities = dict(self.tables.sms_capacity)
        capacities.update(dict(modem.spec.sms_capacity))
        #: Stored messages per memory, kept in the modem's NVStore.
        self.store = MessageStore(modem.store, capacities)

    def _fresh(self) -> SmsSettings:
        smsc = self.tables.default_smsc
        return SmsSettings(smsc, number_type(smsc))

    def _restored(self) -> SmsSettings:
        saved = self.modem.store.get(SAVED_KEY)
        settings = self._fresh()
        if isinstance(saved, dict):
            for field in dataclasses.fields(SmsSettings):
                kinds = (int, str) if field.name == "vp" else type(getattr(settings, field.name))
                if isinstance(saved.get(field.name), kinds):
                    setattr(settings, field.name, saved[field.name])
        return settings

    def power_on(self) -> None:
        # Power-up restores the saved profile (as +CRES) and the default storages.
        self.settings = self._restored()
        self.memories = ("ME", "ME", "ME")

    def register(self, table: CommandTable) -> None:
        mems = listing(self.tables.sms_memories)
        table.add("+CMGF", set=self.cmgf_set, read=self.cmgf_read, test=fixed("+CMGF: (0,1)"))
        table.add("+CSCA", set=self.csca_set, read=self.csca_read, test=ok)
        table.add("+CSMP", set=self.csmp_set, read=self.csmp_read, test=ok)
        table.add("+CPMS", set=self.cpms_set, read=self.cpms_read,
                  test=fixed(f"+CPMS: {mems},{mems},{mems}"))
        table.add("+CNMI", set=self.cnmi_set, read=self.cnmi_read, test=fixed(CNMI_TEST))
        table.add("+CSCB", exec=self.cscb_set, set=self.cscb_set, read=self.cscb_read,
                  test=fixed("+CSCB: (0,1)"))
        table.add("+CSAS", exec=self.csas, set=self.csas, test=fixed(f"+CSAS: {listing(PROFILES)}"))
        table.add("+CRES", exec=self.cres, set=self.cres, test=fixed(f"+CRES: {listing(PROFILES)}"))

    def _cms_params(self, call) -> Params:
        code = self.tables.sms_bad_parameter
        return Params(call.command.params, lambda: CmsError(code))

    # -- +CMGF --------------------------------------------------------------------------------

    def cmgf_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        call.session.vars[CMGF_KEY] = p.int(0, 0, 1, default=0)

    def cmgf_read(self, call) -> None:
        call.info(f"+CMGF: {call.session.vars.get(CMGF_KEY, 0)}")

    # -- +CSCA, +CSMP -------------------------------------------------------------------------

    def csca_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        charset = session_charset(call.session, self.tables.default_charset)
        try:
            address = decode(p.str(0), charset)
        except ValueError:
            raise p.bad() from None
        if SMSC_ADDRESS.fullmatch(address) is None:
            raise p.bad()
        # <tosca>: a type-of-address octet has its top bit set (TS 24.008 §10.5.4.7).
        smsc_type = p.int(1, 128, 255, default=number_type(address))
        require_sim_ready(self.modem)
        self.settings.smsc, self.settings.smsc_type = address, smsc_type

    def csca_read(self, call) -> None:
        require_sim_ready(self.modem)
        charset = session_charset(call.session, self.tables.default_charset)
        call.info(f"+CSCA: {quote(encode(self.settings.smsc, charset))},"
                  f"{self.settings.smsc_type}")

    def csmp_set(self, call) -> None:
        """<vp> follows the TP-VPF of <fo> (27.005 §3.3.2): an integer when relative, a
        time string when absolute, the seven octets in hexadecimal when enhanced; a <vp>
        left out keeps the current one, which must then fit the new <fo>."""
        p = call.params
        p.at_most(4)
        s = self.settings
        fo = p.int(0, 0, 255, default=s.fo)
        if smstext.vp_format(fo) in (smstext.VPF_ABSOLUTE, smstext.VPF_ENHANCED):
            vp = p.str(1, default=s.vp)
        else:
            vp = p.int(1, 0, 255, default=s.vp if isinstance(s.vp, int) else 167)
        try:
            smstext.check_vp(fo, vp)
        except ValueError:
            raise p.bad() from None
        pid, dcs = (p.int(i, 0, 255, default=current)
                    for i, current in ((2, s.pid), (3, s.dcs)))
        s.fo, s.vp, s.pid, s.dcs = fo, vp, pid, dcs

    def csmp_read(self, call) -> None:
        s = self.settings
        vp = quote(s.vp) if isinstance(s.vp, str) else s.vp
        call.info(f"+CSMP: {s.fo},{vp},{s.pid},{s.dcs}")

    # -- +CPMS --------------------------------------------------------------------------------

    def used(self, memory: str) -> int:
        return self.store.used(memory)

    def capacity(self, memory: str) -> int:
        return self.store.capacity(memory)

    def _require_memory(self, memory: str) -> None:
        if memory in SIM_MEMORIES:
            try:
                require_sim_ready(self.modem)
            except CmeError as error:
                raise CmsError(CMS_FOR_SIM_CME[error.code]) from None

    def cpms_set(self, call) -> None:
        p = self._cms_params(call)
        p.at_most(3)
        memories = tuple(
            p.str(i, choices=self.tables.sms_memories, casefold=True,
                  default=None if i == 0 else self.memories[i])
            for i in range(3)
        )
        if memories[0] is None:
            raise p.bad()
        for memory in memories:
            self._require_memory(memory)
        self.memories = memories
        call.info("+CPMS: " + ",".join(f"{self.used(m)},{self.capacity(m)}" for m in memories))

    def cpms_read(self, call) -> None:
        for memory in self.memories:
            self._require_memory(memory)
        call.info("+CPMS: " + ",".join(
            f"{quote(m)},{self.used(m)},{self.capacity(m)}" for m in self.memories))

    # -- +CNMI --------------------------------------------------------------------------------

    def cnmi_set(self, call) -> None:
        p = self._cms_params(call)
        p.at_most(5)
        current = call.session.vars.get(CNMI_KEY, (0, 0, 0, 0, 0))
        call.session.vars[CNMI_KEY] = tuple(
            p.int(i, choices=supported, default=current[i])
            for i, supported in enumerate(CNMI_SUPPORTED)
        )

    def cnmi_read(self, call) -> None:
        values = call.session.vars.get(CNMI_KEY, (0, 0, 0, 0, 0))
        call.info("+CNMI: " + ",".join(str(v) for v in values))

    # -- +CSCB ---------------------------------------------------------------------------------

    def cscb_set(self, call) -> None:
        """``+CSCB=[<mode>[,<mids>[,<dcss>]]]``; a list left out keeps the current one."""
        p = self._cms_params(call)
        p.at_most(3)
        s = self.settings
        mode = p.int(0, 0, 1, default=0)
        mids = p.str(1, default=s.cb_mids)
        dcss = p.str(2, default=s.cb_dcss)
        try:
            number_set(mids, 0xFFFF)
            number_set(dcss, 0xFF)
        except ValueError:
            raise p.bad() from None
        s.cb_mode, s.cb_mids, s.cb_dcss = mode, mids, dcss

    def cscb_read(self, call) -> None:
        s = self.settings
        call.info(f"+CSCB: {s.cb_mode},{quote(s.cb_mids)},{quote(s.cb_dcss)}")

    def accepts_broadcast(self, message_id: int, dcs: int) -> bool:
        """Whether +CSCB lets a cell broadcast of ``message_id`` and ``dcs`` through: mode 0
        takes the types listed, mode 1 all others.  An empty <dcss> names every scheme."""
        s = self.settings
        listed = message_id in number_set(s.cb_mids, 0xFFFF) and (
            not s.cb_dcss or dcs in number_set(s.cb_dcss, 0xFF))
        return listed if s.cb_mode == 0 else not listed

    # -- +CSAS, +CRES -------------------------------------------------------------------------

    def csas(self, call) -> None:
        p = self._cms_params(call)
        p.at_most(1)
        p.int(0, choices=PROFILES, default=0)
        self.modem.store.put(SAVED_KEY, dataclasses.asdict(self.settings))

    def cres(self, call) -> None:
        p = self._cms_params(call)
        p.at_most(1)
        p.int(0, choices=PROFILES, default=0)
        self.settings = self._restored()


def number_set(text: str, top: int) -> set[int]:
    """A +CSCB list, e.g. "0,1,5,320-478,922", as its numbers.  ValueError if malformed or
    beyond ``top``."""
    numbers: set[int] = set()
    for item in filter(None, (part.strip() for part in text.split(","))):
        low, _, high = item.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"{item!r} is not a number or a range")
        first, last = int(low), int(high or low)
        if not first <= last <= top:
            raise ValueError(f"{item!r} is out of range")
        numbers.update(range(first, last + 1))
    return numbers
