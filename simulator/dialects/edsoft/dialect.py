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

from simulator.at.commands import AtError, Entry, WordedError
from simulator.dialects.base import TableDialect
from simulator.dialects.edsoft import codes
from simulator.dialects.edsoft.service import SOFTWARE, EdsoftService
from simulator.dialects.wip.dialect import WAVECOM_TABLES, WAVECOM_TRAITS
from simulator.dialects.wip.wind import WindService
from simulator.dialects.wip.wopen import MODE_KEY, START, STOP, TEST_LINE, OpenAtService
from simulator.modem.forms import fixed
from simulator.modem.services import GENERIC_SERVICES

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable, Handler
    from simulator.modem.modem import Modem

#: The commands the application reads itself.
PREFIX = "#"


class EdsoftApplication(OpenAtService):
    """``+WOPEN`` with eDsoft as the Open AT application."""

    @property
    def mode(self) -> int:
        return START if self.modem.store.get(MODE_KEY, STOP) == START else STOP

    def register(self, table: CommandTable) -> None:
        for name in table.names():
            if name.startswith(PREFIX):
                self._gate(table, name)
        table.add("+WOPEN", set=self.wopen_set, read=self.wopen_read, test=fixed(TEST_LINE))


def _unknown_command(application: EdsoftApplication) -> Handler:
    def handler(call) -> None:
        if not application.running:
            raise AtError(call.command.name)  # the firmware alone does not know AT#
        raise codes.error(codes.UNKNOWN_COMMAND)

    return handler


def _quiet_refused(application: EdsoftApplication, quiet: Handler) -> Handler:
    def handler(call):
        if application.running:
            raise WordedError(codes.QUIET_REFUSED)
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


class EdsoftDialect(TableDialect):
    def install(self, modem: Modem, table: CommandTable) -> None:
        application = modem.service(EdsoftApplication)
        unknown = _unknown_command(application)
        table.add_fallback(PREFIX, Entry(unknown, unknown, unknown, unknown))
        quiet, cfun = table.get("Q"), table.get("+CFUN")
        assert quiet is not None and quiet.exec is not None
        table.add("Q", exec=_quiet_refused(application, quiet.exec))
        if cfun is not None and cfun.set is not None:
            table.add("+CFUN", set=_cfun_resets(modem, cfun.set))


DIALECT = EdsoftDialect(
    name="edsoft",
    traits=WAVECOM_TRAITS,
    # The manual shows no +CGMR; the module names the application it runs (decision E21).
    tables=dataclasses.replace(WAVECOM_TABLES, revision=SOFTWARE),
    # EdsoftApplication after EdsoftService: it gates the AT# commands (+WOPEN=0).
    services=(*GENERIC_SERVICES, EdsoftService, WindService, EdsoftApplication),
)
