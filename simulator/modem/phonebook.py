"""Phonebook storage selection (27.007 §8.11 +CPBS).  Reading and writing entries (+CPBR,
+CPBW) come later; the storages are empty but for "ON", which holds the SIM's MSISDN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.sim import require_sim_ready
from simulator.modem.tables import tables_of
from simulator.modem.text import listing, quote

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

CPBS_KEY = "phonebook.cpbs"
DEFAULT_STORAGE = "SM"
#: Storages kept on the SIM: selecting or reading them needs the PIN.
SIM_STORAGES = ("SM", "ON", "FD")


class PhonebookService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)

    def register(self, table: CommandTable) -> None:
        table.add("+CPBS", set=self.cpbs_set, read=self.cpbs_read,
                  test=fixed(f"+CPBS: {listing(self.tables.phonebooks)}"))

    def used(self, storage: str) -> int:
        if storage == "ON":
            return 1 if self.modem.spec.sim.msisdn else 0
        return 0

    def _require(self, storage: str) -> None:
        if storage in SIM_STORAGES:
            require_sim_ready(self.modem)

    def cpbs_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        storage = p.str(0, choices=tuple(self.tables.phonebooks), casefold=True)
        self._require(storage)
        call.session.vars[CPBS_KEY] = storage

    def cpbs_read(self, call) -> None:
        storage = call.session.vars.get(CPBS_KEY, DEFAULT_STORAGE)
        self._require(storage)
        total = self.tables.phonebooks[storage]
        call.info(f"+CPBS: {quote(storage)},{self.used(storage)},{total}")
