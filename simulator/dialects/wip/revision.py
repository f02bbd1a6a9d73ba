"""What differs between the WIP firmware revisions atsim simulates, as one record of data.

A scenario picks the revision per modem (``revision: "2.01"``); the handlers never test the
revision's name, they read its fields.  The two records are in ``revisions.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from simulator.dialects.wip.bearer_options import BearerKind, BearerOption
from simulator.dialects.wip.cfg_options import CfgOption
from simulator.dialects.wip.service_options import Entry

#: ``ErrorRule.every`` for "no single answer".
EACH_OWN = -1


@dataclasses.dataclass(frozen=True)
class ErrorRule:
    """How one command reports its failures in a revision.

    ``every``: one answer for every failure of the command (an int: that ``+CME ERROR``
    code; ``None``: plain ``ERROR``; ``EACH_OWN``: each failure keeps its code).
    ``renumber``: codes the revision numbers otherwise.
    """

    every: int | None = EACH_OWN
    renumber: Mapping[int, int] = dataclasses.field(default_factory=dict)

    def answer(self, code: int) -> int | None:
        if self.every != EACH_OWN:
            return self.every
        return self.renumber.get(code, code)


KEEP_CODES = ErrorRule()


@dataclasses.dataclass(frozen=True)
class PingFlags:
    """``<timeout_expired>`` of the +WIPPING URC for a reply and for a timeout."""

    reply: int
    timeout: int


@dataclasses.dataclass(frozen=True)
class Revision:
    #: As the scenario names it: "5.01", "2.01".
    name: str
    #: The manual it follows (citation key of docs/dialects/wip.md): "001", "000".
    manual: str
    #: ``+WIPCFG`` options, ascending by number.
    cfg_options: tuple[CfgOption, ...]
    #: ``AT+WIPCFG=3`` information text.
    version_lines: tuple[str, ...]
    #: ``+WIPBR`` bearer ids and options.
    bearer_ids: Mapping[int, BearerKind]
    bearer_options: Mapping[int, BearerOption]
    #: ``+WIPOPT`` options: protocol -> option number -> entry.
    service_options: Mapping[int, Mapping[int, Entry]]
    #: ``+WIPCREATE`` modes (= protocols) this revision has.
    protocols: tuple[int, ...]
    #: ``+WIPACCEPT`` URC (fields ``server``, ``index``).
    accept_urc: str
    #: ``AT+WIPOPT=<p>,<i>,1,<opt>`` line (fields ``protocol``, ``index``, ``option``,
    #: ``value``).
    option_line: str
    #: Protocols whose ``AT+WIPCLOSE`` is confirmed by ``+WIPPEERCLOSE``.
    close_confirmed: frozenset[int]
    #: ``AT+WIPDATA`` modes: 1 continuous, and 2 continuous transparent where it exists.
    data_modes: tuple[int, ...]
    #: Most parameters ``AT+WIPDATA`` takes (2.01 has a trailing ``<size>``, ignored).
    data_params: int
    #: What the mapped UART shows when the TCP peer shut its side down.
    peer_shutdown_mark: bytes
    #: A lone ETX from the host also ends data mode (with ``OK``).
    host_etx_ends_data_mode: bool
    #: ``+++`` in continuous mode also counts as a lone ETX.
    escape_is_etx: bool
    #: ``+WIPPING``: the URC's first field, and the ``<ttl>`` range.
    ping_flags: PingFlags
    ping_ttl_range: tuple[int, int]
    #: The URC of a bearer started as a server (fields ``bid``, ``status``, ``local``,
    #: ``remote``, ``dns1``, ``dns2``).
    server_urc: str = "+WIPBR: {bid},{status},{local},{remote},{dns1},{dns2}"
    #: The verbose texts of the WIP codes, shown under ``+CMEE=2`` (its manual's §10).
    error_texts: Mapping[int, str] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}))
    #: Per command name ("+WIPCREATE"): how failures are shown; others keep their codes.
    error_rules: Mapping[str, ErrorRule] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}))

    def cfg_option(self, number: int) -> CfgOption | None:
        for option in self.cfg_options:
            if option.number == number:
                return option
        return None

    def answer(self, command: str, code: int) -> int | None:
        """The ``+CME ERROR`` code (None: plain ``ERROR``) ``command`` shows for a failure
        the handlers call ``code``."""
        return self.error_rules.get(command, KEEP_CODES).answer(code)
