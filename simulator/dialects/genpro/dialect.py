"""The GenPro dialect as data: a Wavecom Wireless CPU (its traits, identity tables, ``+WIND``
and ``+WOPEN``) running the GenPro Open AT application on the AT# engine.

What the firmware does differently with GenPro running (GenPro §8), adapted here:

* the application runs from the start (the manual never starts it) and its ``AT#`` and
  ``AT+EGNT`` commands are its own; an ``AT#`` command it does not have answers ``ERROR``
  (decision G3);
* ``ATQ1`` and ``ATV0`` (and ``ATV``, which is ``ATV0``) are "not allowed": ``ERROR``, the
  setting unchanged (G4);
* ``AT+CGATT=1`` answered ``OK`` starts the 500 ms in which ``AT#CONNECTIONSTART`` fails
  (G8);
* a command printed in two spellings answers to both (G1).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at.commands import AtError, Entry
from simulator.dialects.genpro.service import GenproService
from simulator.dialects.genpro.tables import GENPRO_TABLES
from simulator.dialects.wavecom import (
    WAVECOM_TABLES,
    OpenAtApplication,
    WavecomDialect,
    wavecom_services,
)

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable, Handler
    from simulator.modem.modem import Modem

PREFIXES = ("#", "+EGNT")
SOFTWARE = "GenPro V1.03"

GENPRO_APPLICATION = OpenAtApplication(
    name="GenPro",
    commands=PREFIXES,
    runs_by_default=True,
    versions=("API:LLC T V1.03",),
    flash_objects=(GENPRO_TABLES.flash_key, "genpro.sntp"),
)

#: Commands printed under a second name (GenPro §4.3 heading and syntax ``AT#LTCPPORT``).
COMMAND_ALIASES = {"#LTCPPORT": "#LTCPSTOP"}


def _unknown(call) -> None:
    raise AtError(call.command.name)


def _refused(value_refused, setting: Handler) -> Handler:
    def handler(call):
        if value_refused(call.command.value):
            raise AtError(call.command.name)  # "This command is not allowed." (§8)
        return setting(call)

    return handler


def _attach_noted(service: GenproService, cgatt: Handler) -> Handler:
    def handler(call):
        outcome = cgatt(call)
        params = call.command.params
        if outcome is None and len(params) == 1 and params[0] is not None \
                and params[0].text == "1":
            service.connections.attached()
        return outcome

    return handler


class GenproDialect(WavecomDialect):
    def install(self, modem: Modem, table: CommandTable) -> None:
        table.add_fallback("#", Entry(_unknown, _unknown, _unknown, _unknown))
        quiet, verbose = table.get("Q"), table.get("V")
        assert quiet is not None and quiet.exec is not None
        assert verbose is not None and verbose.exec is not None
        table.add("Q", exec=_refused(lambda v: v == 1, quiet.exec))
        table.add("V", exec=_refused(lambda v: v in (None, 0), verbose.exec))
        cgatt = table.get("+CGATT")
        if cgatt is not None and cgatt.set is not None:
            table.add("+CGATT", set=_attach_noted(modem.service(GenproService), cgatt.set))
        for alias, name in COMMAND_ALIASES.items():
            entry = table.get(name)
            assert entry is not None
            table.add(alias, exec=entry.exec, set=entry.set, read=entry.read, test=entry.test)
        super().install(modem, table)


DIALECT = GenproDialect(
    name="genpro",
    application=GENPRO_APPLICATION,
    # Chapter 7 attaches with AT+CGATT=1 after start-up (decision G23): no auto-attach.
    tables=dataclasses.replace(WAVECOM_TABLES, revision=SOFTWARE, auto_attach=False),
    services=wavecom_services(GenproService),
)
