"""Phone book commands (27.007 §8.11 +CPBS, §8.12 +CPBR, §8.13 +CPBF, §8.14 +CPBW, §7.1
+CNUM) over :class:`simulator.modem.phonebookstore.PhonebookStore`.

Numbers and texts cross the TE interface in the +CSCS character set, like every string
value.  "SM", "FD" and "ON" are on the SIM: they need it ready (+CME ERROR 10/11/12).  "ON"
holds the subscriber's own numbers, which +CNUM lists; with no ``phonebook: ON`` in the
scenario it starts with the SIM's MSISDN.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.modem import errors
from simulator.modem.charset import decode, encode, session_charset
from simulator.modem.forms import fixed, ok
from simulator.modem.modem import Service
from simulator.modem.phonebookstore import Entry, PhonebookStore, number_type
from simulator.modem.siblings import sibling
from simulator.modem.sim import require_sim_ready
from simulator.modem.tables import tables_of
from simulator.modem.text import listing, quote, span

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

CPBS_KEY = "phonebook.cpbs"
DEFAULT_STORAGE = "SM"
#: Storages kept on the SIM: selecting or reading them needs the PIN.
SIM_STORAGES = ("SM", "ON", "FD")
#: A dialling number a phone book entry may hold: an optional '+', then digits, '*', '#'.
NUMBER = re.compile(r"\+?[0-9*#]+")
#: <type> values 27.007 §8.14 names: 129 unknown/ISDN, 145 international, 161 national.
TYPES = (129, 145, 161)


class PhonebookService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)
        initial = dict(modem.spec.phonebook)
        msisdn = modem.spec.sim.msisdn
        if "ON" not in initial and msisdn:
            initial["ON"] = (Entry(msisdn, number_type(msisdn), ""),)
        self.store = PhonebookStore(modem.store, self.tables.phonebooks, initial)

    def register(self, table: CommandTable) -> None:
        table.add("+CPBS", set=self.cpbs_set, read=self.cpbs_read,
                  test=fixed(f"+CPBS: {listing(self.tables.phonebooks)}"))
        table.add("+CPBR", set=self.cpbr_set, test=self.cpbr_test)
        table.add("+CPBF", set=self.cpbf_set, test=self.cpbf_test)
        table.add("+CPBW", set=self.cpbw_set, test=self.cpbw_test)
        table.add("+CNUM", exec=self.cnum, test=ok)

    def name_of(self, number: str) -> str | None:
        """The phone book's text for ``number`` (the <alpha> of SMS headers and +CLIP)."""
        return self.store.name_of(number, self.tables.phonebook_lookup)

    # -- helpers ---------------------------------------------------------------------------

    def _require(self, storage: str) -> None:
        if storage in SIM_STORAGES:
            require_sim_ready(self.modem)

    def _selected(self, call) -> str:
        storage = call.session.vars.get(CPBS_KEY, DEFAULT_STORAGE)
        self._require(storage)
        return storage

    def _charset(self, call) -> str:
        return session_charset(call.session, self.tables.default_charset)

    def _line(self, call, prefix: str, index: int, entry: Entry) -> None:
        charset = self._charset(call)
        call.info(f"{prefix}: {index},{quote(encode(entry.number, charset))},{entry.type},"
                  f"{quote(encode(entry.text, charset))}")

    # -- +CPBS -----------------------------------------------------------------------------

    def cpbs_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        storage = p.str(0, choices=tuple(self.tables.phonebooks), casefold=True)
        self._require(storage)
        call.session.vars[CPBS_KEY] = storage

    def cpbs_read(self, call) -> None:
        storage = self._selected(call)
        call.info(f"+CPBS: {quote(storage)},{self.store.used(storage)},"
                  f"{self.store.capacity(storage)}")

    # -- +CPBR, +CPBF ------------------------------------------------------------------------

    def cpbr_test(self, call) -> None:
        storage = self._selected(call)
        nlength, tlength = self.tables.phonebook_lengths
        call.info(f"+CPBR: {span(1, self.store.capacity(storage))},{nlength},{tlength}")

    def cpbr_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        first = p.int(0, 0)
        last = p.int(1, 0, default=first)
        storage = self._selected(call)
        if not 1 <= first <= last <= self.store.capacity(storage):
            raise CmeError(errors.INVALID_INDEX)
        # 27.007 §8.12: empty locations in the range give no line; all empty, just OK.
        for index, entry in self.store.items(storage):
            if first <= index <= last:
                self._line(call, "+CPBR", index, entry)

    def cpbf_test(self, call) -> None:
        self._selected(call)
        nlength, tlength = self.tables.phonebook_lengths
        call.info(f"+CPBF: {nlength},{tlength}")

    def cpbf_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        wanted = self._text(call, p.str(0))
        storage = self._selected(call)
        found = list(self.store.find_text(storage, wanted))
        if not found:
            raise CmeError(errors.NOT_FOUND)
        for index, entry in found:
            self._line(call, "+CPBF", index, entry)

    # -- +CPBW -------------------------------------------------------------------------------

    def cpbw_test(self, call) -> None:
        storage = self._selected(call)
        nlength, tlength = self.tables.phonebook_lengths
        call.info(f"+CPBW: {span(1, self.store.capacity(storage))},{nlength},"
                  f"{listing(TYPES)},{tlength}")

    def cpbw_set(self, call) -> None:
        p = call.params
        p.at_most(4)
        index = p.int(0, 0, default=None)
        typed_number = p.str(1, default=None)
        type_ = p.int(2, default=None)
        typed_text = p.str(3, default=None)
        if type_ is not None and type_ not in TYPES:
            raise p.bad()
        storage = self._selected(call)
        if index is not None and not 1 <= index <= self.store.capacity(storage):
            raise CmeError(errors.INVALID_INDEX)
        if typed_number is None and typed_text is None and type_ is None:
            if index is None:
                raise p.bad()
            self.store.delete(storage, index)  # 27.007 §8.14: no number, no text: erase
            return
        if typed_number is None:
            raise p.bad()
        number = self._number(call, typed_number, type_)
        text = self._text(call, typed_text or "")
        if index is None:
            index = self.store.first_free(storage)
            if index is None:
                raise CmeError(errors.MEMORY_FULL)
        self.store.write(storage, index, Entry(number, type_ or number_type(number), text))

    def _number(self, call, typed: str, type_: int | None) -> str:
        try:
            number = decode(typed, self._charset(call))
        except ValueError:
            raise CmeError(errors.INVALID_CHARACTERS_IN_DIAL_STRING) from None
        if not NUMBER.fullmatch(number):
            raise CmeError(errors.INVALID_CHARACTERS_IN_DIAL_STRING)
        if len(number.lstrip("+")) > self.tables.phonebook_lengths[0]:
            raise CmeError(errors.DIAL_STRING_TOO_LONG)
        if type_ == 145 and not number.startswith("+"):
            number = "+" + number  # the international type shows its '+', like a dialled one
        return number

    def _text(self, call, typed: str) -> str:
        try:
            text = decode(typed, self._charset(call))
        except ValueError:
            raise CmeError(errors.INVALID_CHARACTERS_IN_TEXT_STRING) from None
        if len(text) > self.tables.phonebook_lengths[1]:
            raise CmeError(errors.TEXT_STRING_TOO_LONG)
        return text

    # -- +CNUM -------------------------------------------------------------------------------

    def cnum(self, call) -> None:
        """27.007 §7.1: ``+CNUM: [<alpha>],<number>,<type>`` for each own number ("ON")."""
        require_sim_ready(self.modem)
        charset = self._charset(call)
        for _, entry in self.store.items("ON"):
            alpha = quote(encode(entry.text, charset)) if entry.text else ""
            call.info(f"+CNUM: {alpha},{quote(encode(entry.number, charset))},{entry.type}")


def name_of(modem: Modem, number: str) -> str | None:
    """The phone book's text for ``number`` on ``modem`` (None: no entry, or no phone book
    service in its dialect): the <alpha> of SMS text-mode headers and +CLIP."""
    service = sibling(modem, PhonebookService)
    return service.name_of(number) if service is not None else None
