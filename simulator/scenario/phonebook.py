"""``modems[].phonebook``: the entries a modem's phone book storages hold on first start.

    phonebook:
      SM: [{number: "+33611111111", text: Alice}, {number: "0102030405", text: Bob}]
      ON: [{number: "+33699999999", text: Data}]

Entries fill indexes 1, 2, ... of their storage in order; each is checked against what
+CPBW would accept of the modem's dialect (the storage's size, <nlength>, <tlength>).
"""

from __future__ import annotations

from simulator.modem.phonebook import NUMBER
from simulator.modem.phonebookstore import Entry, number_type
from simulator.modem.tables import GENERIC_TABLES, ModemTables
from simulator.scenario.nodes import Node

ENTRY_KEYS = ("number", "text")


def dialect_tables(dialect: str) -> ModemTables:
    from simulator import dialects

    try:
        return getattr(dialects.get(dialect), "tables", GENERIC_TABLES)
    except (KeyError, LookupError):
        return GENERIC_TABLES


def read_phonebook(node: Node, tables: ModemTables) -> tuple[tuple[str, tuple[Entry, ...]], ...]:
    storages = node.mapping(tuple(tables.phonebooks))
    nlength, tlength = tables.phonebook_lengths
    result = []
    for storage in tables.phonebooks:
        if storage not in storages:
            continue
        items = storages[storage].sequence()
        size = tables.phonebooks[storage]
        if len(items) > size:
            storages[storage].fail(f"{storage} holds {size} entries, got {len(items)}")
        entries = []
        for item in items:
            fields = item.mapping(ENTRY_KEYS, required=("number",))
            number = fields["number"].text()
            if not NUMBER.fullmatch(number):
                fields["number"].fail(f"a phone number is an optional '+' then digits, * and #, "
                                      f"got {number!r}")
            if len(number.lstrip("+")) > nlength:
                fields["number"].fail(f"at most {nlength} digits, got {len(number.lstrip('+'))}")
            text = fields["text"].text() if "text" in fields else ""
            if len(text) > tlength:
                fields["text"].fail(f"at most {tlength} characters, got {len(text)}")
            entries.append(Entry(number, number_type(number), text))
        result.append((storage, tuple(entries)))
    return tuple(result)
