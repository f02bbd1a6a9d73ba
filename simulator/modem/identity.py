"""Identification (27.007 §5: +CGMI +CGMM +CGMR +CGSN +CIMI; V.250 §6.1: I +GMI +GMM +GMR
+GSN +GCAP) and the SIM serial number command of the dialect (+CCID)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.commands import AtError
from simulator.modem.forms import fixed, ok
from simulator.modem.modem import Service
from simulator.modem.sim import SimService
from simulator.modem.tables import tables_of
from simulator.modem.text import quote, span

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: +CGSN=<snt> (27.007 §5.4): 0 serial number, 1 IMEI, 2 IMEISV, 3 SVN.
SNT_RANGE = (0, 3)


class IdentityService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        defaults = modem.dialect.identity_defaults()
        ident = modem.spec.identity
        tables = tables_of(modem)
        self.tables = tables
        self.manufacturer = ident.manufacturer or defaults["manufacturer"]
        self.model = ident.model or defaults["model"]
        self.revision = ident.revision or defaults["revision"]
        self.imei = ident.imei or defaults["imei"]

    def register(self, table: CommandTable) -> None:
        for name, value in (
            ("+CGMI", lambda: self.manufacturer),
            ("+GMI", lambda: self.manufacturer),
            ("+CGMM", lambda: self.model),
            ("+GMM", lambda: self.model),
            ("+CGMR", lambda: self.tables.revision_prefix + self.revision),
            ("+GMR", lambda: self.tables.revision_prefix + self.revision),
            ("+GSN", lambda: self.imei),
        ):
            table.add(name, exec=_bare(value), test=ok)
        table.add("+CGSN", exec=_bare(lambda: self.imei), set=self.cgsn_set,
                  test=fixed(f"+CGSN: {span(*SNT_RANGE)}"))
        table.add("+CIMI", exec=self.cimi, test=ok)
        table.add("+GCAP", exec=fixed("+GCAP: " + ",".join(self.tables.capabilities)), test=ok)
        table.add("I", exec=self.ati)
        for name, line in self.tables.iccid_commands.items():
            table.add(name, exec=self._iccid_handler(line), test=ok)

    def _fields(self) -> dict[str, str]:
        return {"manufacturer": self.manufacturer, "model": self.model,
                "revision": self.revision, "imei": self.imei}

    def ati(self, call) -> None:
        value = call.command.value or 0
        lines = self.tables.ati.get(value)
        if lines is None:
            raise AtError()  # V.250 §6.1.3: an unsupported <value> is an error
        fields = self._fields()
        for line in lines:
            call.info(line.format(**fields))

    def cgsn_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        snt = p.int(0, *SNT_RANGE, default=0)
        imeisv = self.imei[:14] + self.tables.imei_svn
        if snt == 0:
            call.info(self.imei)
        else:
            value = {1: self.imei, 2: imeisv, 3: self.tables.imei_svn}[snt]
            call.info(f"+CGSN: {quote(value)}")

    def cimi(self, call) -> None:
        sim = self.modem.service(SimService)
        sim.card.require_ready()
        call.info(sim.card.spec.imsi)

    def _iccid_handler(self, line: str):
        def handler(call) -> None:
            # EF_ICCID is readable without the PIN: only an absent or dead card fails.
            sim = self.modem.service(SimService)
            sim.card.require_present()
            call.info(line.format(iccid=sim.card.spec.iccid))

        return handler


def _bare(value):
    """An exec handler answering one bare value (27.007 §5.1-5.4: no prefix)."""

    def handler(call) -> None:
        call.info(value())

    return handler
