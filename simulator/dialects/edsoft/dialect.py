"""The eDsoft dialect as data: a Wavecom Wireless CPU (its traits, identity tables, ``+WIND``
and ``+WOPEN``) running the eDsoft Open AT application.

Everything taken from the Wavecom platform is imported here and nowhere else in the
package.  Three Wavecom behaviours the application relies on are adapted here too:

* the Open AT application is eDsoft: it gates the ``AT#`` commands and does not run until
  ``AT+WOPEN=1`` (002 A.1, decision E1);
* the application reads every ``AT#`` command itself: one it does not know answers
  ``#CME ERROR: 34817`` (decision E3);
* ``ATQ`` is refused while it runs (002 §1.2) and ``AT+CFUN=1`` resets the module (002 §1.1,
  decision E20).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at.commands import AtError, Entry
from simulator.dialects.atsharp import codes
from simulator.dialects.edsoft.configuration import SOFTWARE
from simulator.dialects.edsoft.service import EdsoftService
from simulator.dialects.edsoft.tables import EDSOFT_TABLES
from simulator.dialects.wavecom import (
    WAVECOM_TABLES,
    OpenAtApplication,
    WavecomDialect,
    wavecom_services,
)
from simulator.dialects.wavecom.wopen import OpenAtService

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable, Handler
    from simulator.modem.modem import Modem

#: The commands the application reads itself.
PREFIX = "#"

#: eDsoft as the Wavecom firmware sees it: it gates every ``AT#`` command and is stopped
#: until ``AT+WOPEN=1`` (decision E1); ``AT+WOPEN=3`` erases its parameter flash.  The
#: manual prints no ``AT+WOPEN=2`` line: the version is the application's (decision E30).
EDSOFT_APPLICATION = OpenAtApplication(
    name="eDsoft",
    commands=(PREFIX,),
    runs_by_default=False,
    versions=("AT v03.00",),
    flash_objects=(EDSOFT_TABLES.flash_key,),
)


def _unknown_command(application: OpenAtService) -> Handler:
    def handler(call) -> None:
        if not application.running:
            raise AtError(call.command.name)  # the firmware alone does not know AT#
        raise codes.error(codes.UNKNOWN_COMMAND)

    return handler


def _quiet_refused(application: OpenAtService, quiet: Handler) -> Handler:
    def handler(call):
        if application.running:
            raise codes.QuietRefused()
        return quiet(call)

    return handler


def _cfun_resets(modem: Modem, cfun: Handler) -> Handler:
    def handler(call):
        params = call.command.params
        if len(params) == 1 and params[0] is not None and params[0].text == "1":
            modem.power_off()
            modem.power_on()
            return None
        return cfun(call)

    return handler


class EdsoftDialect(WavecomDialect):
    def install(self, modem: Modem, table: CommandTable) -> None:
        application = modem.service(OpenAtService)
        unknown = _unknown_command(application)
        table.add_fallback(PREFIX, Entry(unknown, unknown, unknown, unknown))
        quiet, cfun = table.get("Q"), table.get("+CFUN")
        assert quiet is not None and quiet.exec is not None
        table.add("Q", exec=_quiet_refused(application, quiet.exec))
        if cfun is not None and cfun.set is not None:
            table.add("+CFUN", set=_cfun_resets(modem, cfun.set))
        super().install(modem, table)


DIALECT = EdsoftDialect(
    name="edsoft",
    application=EDSOFT_APPLICATION,
    # The manual shows no +CGMR; the module names the application it runs (decision E21).
    # It starts detached: A.4 attaches with AT+CGATT=1 before any GPRS connection (E103).
    tables=dataclasses.replace(WAVECOM_TABLES, revision=SOFTWARE, auto_attach=False),
    services=wavecom_services(EdsoftService),
)
