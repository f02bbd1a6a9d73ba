"""The ``modems:`` list: each entry is a template that ``count:`` turns into that many modems,
every string of it expanded with ``{n}`` = 1..count.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.modem.spec import IdentitySpec, ModemSpec, SimSpec
from simulator.scenario.cmux import read_cmux
from simulator.scenario.ipnetwork import MODEM_IP_KEYS, read_modem_ip
from simulator.scenario.nodes import Fields, Node
from simulator.scenario.phonebook import dialect_tables, read_phonebook
from simulator.scenario.ports import read_ports
from simulator.scenario.templates import TemplateError, compile_template
from simulator.scenario.unique import UniqueValues

MODEM_KEYS = ("name", "count", "dialect", "revision", "identity", "sim", "ports", "cmux", "sms",
              "phonebook")
#: ``sms: {storage: {ME: 50, SM: 20, SR: 10}}``: message slots per storage (27.005 <mem>).
SMS_KEYS = ("storage",)
SMS_STORAGES = ("ME", "SM", "SR")
#: The most slots a storage may have: an index is shown in every +CMTI and listing.
MAX_SMS_SLOTS = 1000
#: The modem's place in the IP world: ``msisdn``, ``link``, ``expose`` (see ipnetwork.py).
MODEM_KEYS += MODEM_IP_KEYS

#: Modems in one entry, and in the whole scenario.  The generated IMEIs carry a 7-digit
#: modem number, and a hundred thousand modems is already a load test for one reactor.
MAX_COUNT = MAX_MODEMS = 100_000

#: Modem names end up in URLs of the control API, log lines and state directory names.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

#: The dialects a scenario may name when ``simulator.dialects`` does not list its own.
FALLBACK_DIALECTS = frozenset({"generic"})


def known_dialects() -> frozenset[str]:
    """The dialect names a modem may use: ``simulator.dialects.names()`` when it exists."""
    from simulator import dialects

    names = getattr(dialects, "names", None)
    return frozenset(names()) if callable(names) else FALLBACK_DIALECTS


# -- identity and SIM values --------------------------------------------------------------------


@dataclass(frozen=True)
class _Digits:
    """A value made of digits, checked after template expansion."""

    label: str
    pattern: re.Pattern[str]
    rule: str

    def __call__(self, node: Node) -> str:
        value = node.text()
        if not self.pattern.fullmatch(value):
            node.fail(f"{self.label} must be {self.rule}, got {value!r}")
        return value.upper()  # the ICCID's filler F


IMEI = _Digits("IMEI", re.compile(r"[0-9]{15}"), "15 digits")
IMSI = _Digits("IMSI", re.compile(r"[0-9]{6,15}"), "6 to 15 digits")
ICCID = _Digits("ICCID", re.compile(r"[0-9]{18,22}[Ff]?"), "18 to 22 digits, optionally then F")
PIN = _Digits("PIN", re.compile(r"[0-9]{4,8}"), "4 to 8 digits")
PUK = _Digits("PUK", re.compile(r"[0-9]{8}"), "8 digits")


def _printable(node: Node) -> str:
    """Text a modem answers with (+CGMI, +CGMR ...): one line of printable ASCII."""
    value = node.text()
    if not value:
        node.fail("must not be empty")
    if not (value.isascii() and value.isprintable()):
        node.fail(f"must be printable ASCII on one line, got {value!r}")
    return value


IDENTITY: dict[str, Callable[[Node], str]] = {
    "manufacturer": _printable,
    "model": _printable,
    "revision": _printable,
    "imei": IMEI,
}
SIM: dict[str, Callable[[Node], str]] = {"pin": PIN, "puk": PUK, "imsi": IMSI, "iccid": ICCID}


def default_values(index: int, home: str) -> dict[str, str]:
    """What a modem's entry leaves out and no two modems may share, numbered by the modem's
    1-based ``index`` in the whole scenario.  ``home`` is the home network's MCC+MNC (the
    first operator): the IMSI starts with it, so the modem registers as "home", not roaming.
    """
    return {
        "imei": f"35209900{index:07d}",
        "imsi": f"{home}{index:0{15 - len(home)}d}",
        "iccid": f"8900101{index:013d}",
    }


#: What the modems read so far already use, across the whole scenario: "name", "port", and
#: the unique section values ("imei", "imsi", "iccid").
Taken = defaultdict[str, UniqueValues]


@dataclass(frozen=True)
class _Section:
    """A nested mapping of a modem entry that becomes one spec object."""

    key: str
    spec: Callable[..., object]
    readers: dict[str, Callable[[Node], str]]
    #: The values no two modems may share (their defaults come from ``default_values``),
    #: with how messages name them.
    unique: dict[str, str]

    def read(self, entry: Fields, owner: str, defaults: dict[str, str], taken: Taken) -> object:
        fields = entry.section(self.key, self.readers)
        values = fields.read(self.readers)
        for key, label in self.unique.items():
            if key in values:
                label = f"{label} {values[key]}"
            else:
                values[key] = defaults[key]
                label = f"the default {label} {values[key]} of {owner}"
            taken[key].claim(values[key], owner, fields.where(key), label)
        return self.spec(**values)


SECTIONS = (
    _Section("identity", IdentitySpec, IDENTITY, {"imei": "IMEI"}),
    _Section("sim", SimSpec, SIM, {"imsi": "IMSI", "iccid": "ICCID"}),
)


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every modem entry is read against."""

    directory: Path  # the scenario file's, for relative paths
    home: str  # the MCC+MNC default IMSIs start with
    dialects: frozenset[str]  # looked up once: the registry scans its package
    taken: Taken
    links: frozenset[str]  # the link names ``link:`` may use


def read_modems(node: Node, directory: Path, home: str, *,
                links: frozenset[str] | None = None) -> tuple[ModemSpec, ...]:
    """``directory`` is the scenario file's, for relative paths; ``home`` the MCC+MNC the
    default IMSIs start with; ``links`` the link names ``link:`` may use (None: the
    presets)."""
    from simulator.network.spec import PRESETS

    entries = node.sequence()
    if not entries:
        node.fail("a scenario needs at least one modem")
    context = _Context(directory, home, known_dialects(), defaultdict(UniqueValues),
                       links if links is not None else frozenset(PRESETS))
    modems: list[ModemSpec] = []
    for entry in entries:
        fields = entry.mapping(MODEM_KEYS, required=("name",))
        count = fields["count"].integer(1, MAX_COUNT) if "count" in fields else 1
        if len(modems) + count > MAX_MODEMS:
            entry.fail(f"a scenario can have at most {MAX_MODEMS} modems")
        _check_name_template(fields["name"], count)
        for n in range(1, count + 1):
            modems.append(_read_modem(entry.with_n(n), len(modems) + 1, context))
    return tuple(modems)


def _check_name_template(node: Node, count: int) -> None:
    try:
        varies = compile_template(node.string()).has_fields
    except TemplateError:
        return  # reported with the expansion, where the message names n
    if count > 1 and not varies:
        node.fail(f"with count: {count} the name needs {{n}} (like lab-{{n}}) to tell them apart")


def _read_modem(entry: Node, index: int, context: _Context) -> ModemSpec:
    """The modem numbered ``index`` in the scenario, from its entry read with its ``n``."""
    assert entry.n is not None
    taken = context.taken
    fields = entry.mapping(MODEM_KEYS)
    name = fields["name"].text()
    if not NAME.fullmatch(name):
        fields["name"].fail(
            f"{name!r} is not a usable modem name: use up to 64 letters, digits, '.', '_' "
            "and '-', starting with a letter or digit"
        )
    taken["name"].claim(name, entry.path, fields["name"], f"the name {name}")
    dialect = fields.get("dialect")
    dialect_name = _read_dialect(dialect, context.dialects) if dialect else ModemSpec.dialect
    defaults = default_values(index, context.home)
    revision = fields.get("revision")
    sections = {section.key: section.read(fields, name, defaults, taken) for section in SECTIONS}
    ports = read_ports(fields.get("ports"), name, context.directory, taken["port"])
    ip = read_modem_ip(fields, name, context.links, taken.__getitem__, context.directory)
    if ip.get("msisdn") and sections["sim"].msisdn is None:
        # One number per modem: the one others dial is the one its SIM knows (+CNUM).
        sections["sim"] = dataclasses.replace(sections["sim"], msisdn=ip["msisdn"])
    return ModemSpec(
        name=name,
        n=entry.n,
        dialect=dialect_name,
        **sections,
        ports=ports,
        source=entry.source,
        revision=_read_revision(revision, dialect_name) if revision else None,
        **ip,
        cmux=read_cmux(cmux) if (cmux := fields.get("cmux")) else None,
        sms_capacity=_read_sms(fields.section("sms", SMS_KEYS)),
        phonebook=(read_phonebook(book, dialect_tables(dialect_name))
                   if (book := fields.get("phonebook")) else ()),
    )


def _read_sms(fields: Fields) -> tuple[tuple[str, int], ...]:
    storage = fields.get("storage")
    if storage is None:
        return ()
    slots = storage.mapping(SMS_STORAGES)
    return tuple((name, slots[name].integer(0, MAX_SMS_SLOTS))
                 for name in SMS_STORAGES if name in slots)


def _read_dialect(node: Node, available: frozenset[str]) -> str:
    name = node.text()
    if name not in available:
        node.fail(f"unknown dialect {name!r}; available: {', '.join(sorted(available))}")
    return name


def _read_revision(node: Node, dialect: str) -> str:
    """One of the firmware revisions the dialect simulates (``DIALECT.revisions``)."""
    from simulator import dialects

    revisions = tuple(getattr(dialects.get(dialect), "revisions", ()))
    if not revisions:
        node.fail(f"the {dialect} dialect has only one revision; leave revision: out")
    return node.choice(revisions)
