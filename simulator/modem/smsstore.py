"""The modem's message storages (27.005 §3.2.2 <mem1>..<mem3>): ``SM`` (the SIM), ``ME``
(the module's own memory) and ``SR`` (status reports), each with a number of slots, and
``MT``, which is ``ME`` and ``SM`` together.

A message is kept as 27.005's PDU (the service centre's address, then the TPDU) with its
``<stat>``; every change is written to the modem's NVStore, so storage survives a restart of
atsim.  In ``MT``, indexes 1..capacity(ME) are ``ME``'s slots and the next ones ``SM``'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.modem.storage import NVStore

#: 27.005 <stat> in PDU mode, and its text-mode name at the same position.
REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT, ALL = range(5)
STAT_TEXT = ("REC UNREAD", "REC READ", "STO UNSENT", "STO SENT", "ALL")
#: NVStore key of every stored message.
STORE_KEY = "sms.messages"
COMBINED = {"MT": ("ME", "SM")}


@dataclasses.dataclass
class Stored:
    stat: int
    pdu: str  # 27.005 PDU in hex: SMSC address, then the TPDU


class MessageStore:
    def __init__(self, nvstore: NVStore, capacities: Mapping[str, int]) -> None:
        self.nvstore = nvstore
        self.capacities = dict(capacities)
        self._slots: dict[str, dict[int, Stored]] = {m: {} for m in self.capacities}
        saved = nvstore.get(STORE_KEY)
        if isinstance(saved, dict):
            for memory, slots in saved.items():
                if memory not in self._slots or not isinstance(slots, dict):
                    continue
                for index, record in slots.items():
                    try:
                        stored = Stored(int(record["stat"]), str(record["pdu"]))
                        number = int(index)
                    except (KeyError, TypeError, ValueError):
                        continue
                    if 1 <= number <= self.capacities[memory] and 0 <= stored.stat <= 3:
                        self._slots[memory][number] = stored

    def _save(self) -> None:
        self.nvstore.put(STORE_KEY, {
            memory: {str(i): dataclasses.asdict(s) for i, s in sorted(slots.items())}
            for memory, slots in self._slots.items() if slots
        })

    def _parts(self, memory: str) -> tuple[tuple[str, int], ...]:
        """The real memories behind ``memory`` and the index offset of each."""
        offset, parts = 0, []
        for real in COMBINED.get(memory, (memory,)):
            if real in self.capacities:
                parts.append((real, offset))
                offset += self.capacities[real]
        return tuple(parts)

    def capacity(self, memory: str) -> int:
        return sum(self.capacities[real] for real, _ in self._parts(memory))

    def used(self, memory: str) -> int:
        return sum(len(self._slots[real]) for real, _ in self._parts(memory))

    def valid(self, memory: str, index: int) -> bool:
        return 1 <= index <= self.capacity(memory)

    def _locate(self, memory: str, index: int) -> tuple[str, int] | None:
        for real, offset in self._parts(memory):
            if offset < index <= offset + self.capacities[real]:
                return real, index - offset
        return None

    def get(self, memory: str, index: int) -> Stored | None:
        where = self._locate(memory, index)
        return self._slots[where[0]].get(where[1]) if where else None

    def items(self, memory: str) -> Iterator[tuple[int, Stored]]:
        for real, offset in self._parts(memory):
            for index, stored in sorted(self._slots[real].items()):
                yield offset + index, stored

    def put(self, memory: str, stored: Stored) -> int | None:
        """Store in the first free slot: its index, or None when the memory is full."""
        for real, offset in self._parts(memory):
            slots = self._slots[real]
            for index in range(1, self.capacities[real] + 1):
                if index not in slots:
                    slots[index] = stored
                    self._save()
                    return offset + index
        return None

    def set_stat(self, memory: str, index: int, stat: int) -> None:
        stored = self.get(memory, index)
        if stored is not None and stored.stat != stat:
            stored.stat = stat
            self._save()

    def delete(self, memory: str, index: int) -> bool:
        where = self._locate(memory, index)
        if where is None or self._slots[where[0]].pop(where[1], None) is None:
            return False
        self._save()
        return True
