"""The modem's phone book storages (27.007 §8.11 <storage>): numbered slots holding a number,
its type of address and a text, sans IO.

Entries live in the modem's NVStore, so a written entry survives a restart of atsim; the
scenario's ``phonebook:`` entries fill the storages until a host first changes them
(afterwards the stored ones win, like a SIM that keeps its contents).  Nothing is written at
start-up, so a thousand modems starting cost no file writes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.modem.storage import NVStore

#: NVStore key of every phone book entry.
STORE_KEY = "phonebook.entries"


@dataclasses.dataclass(frozen=True)
class Entry:
    number: str
    type: int  # type of address octet (27.007 <type>): 145 international, 129 otherwise
    text: str


def number_type(number: str) -> int:
    """The <type> of a number: 145 when it starts with '+', 129 otherwise."""
    return 145 if number.startswith("+") else 129


def same_number(a: str, b: str) -> bool:
    """Whether two numbers name the same subscriber: equal once a leading '+' is dropped."""
    return a.lstrip("+") == b.lstrip("+") and a.lstrip("+") != ""


class PhonebookStore:
    def __init__(self, nvstore: NVStore, capacities: Mapping[str, int],
                 initial: Mapping[str, tuple[Entry, ...]]) -> None:
        self.nvstore = nvstore
        self.capacities = dict(capacities)
        self._slots: dict[str, dict[int, Entry]] = {s: {} for s in self.capacities}
        saved = nvstore.get(STORE_KEY)
        if isinstance(saved, dict):
            self._load(saved)
        else:
            for storage, entries in initial.items():
                if storage in self._slots:
                    for index, entry in enumerate(entries[: self.capacities[storage]], 1):
                        self._slots[storage][index] = entry

    def _load(self, saved: dict) -> None:
        for storage, slots in saved.items():
            if storage not in self._slots or not isinstance(slots, dict):
                continue
            for index, record in slots.items():
                try:
                    entry = Entry(str(record["number"]), int(record["type"]), str(record["text"]))
                    number = int(index)
                except (KeyError, TypeError, ValueError):
                    continue
                if 1 <= number <= self.capacities[storage]:
                    self._slots[storage][number] = entry

    def _save(self) -> None:
        self.nvstore.put(STORE_KEY, {
            storage: {str(i): dataclasses.asdict(e) for i, e in sorted(slots.items())}
            for storage, slots in self._slots.items()
        })

    def capacity(self, storage: str) -> int:
        return self.capacities[storage]

    def used(self, storage: str) -> int:
        return len(self._slots[storage])

    def get(self, storage: str, index: int) -> Entry | None:
        return self._slots[storage].get(index)

    def items(self, storage: str) -> Iterator[tuple[int, Entry]]:
        yield from sorted(self._slots[storage].items())

    def first_free(self, storage: str) -> int | None:
        slots = self._slots[storage]
        return next((i for i in range(1, self.capacities[storage] + 1) if i not in slots), None)

    def write(self, storage: str, index: int, entry: Entry) -> None:
        self._slots[storage][index] = entry
        self._save()

    def delete(self, storage: str, index: int) -> None:
        if self._slots[storage].pop(index, None) is not None:
            self._save()

    def find_text(self, storage: str, prefix: str) -> Iterator[tuple[int, Entry]]:
        """Entries whose text starts with ``prefix``, case ignored (27.007 §8.13)."""
        wanted = prefix.casefold()
        return ((i, e) for i, e in self.items(storage) if e.text.casefold().startswith(wanted))

    def name_of(self, number: str, storages: tuple[str, ...]) -> str | None:
        """The text of the first entry holding ``number``, searching ``storages`` in order:
        the <alpha> a +CMT, +CMGR or +CLIP shows for that number."""
        for storage in storages:
            for _, entry in self.items(storage) if storage in self._slots else ():
                if same_number(entry.number, number):
                    return entry.text
        return None
