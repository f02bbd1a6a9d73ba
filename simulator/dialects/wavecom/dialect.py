"""The Wavecom platform as data: the V.250 traits and identity of a Wavecom Wireless CPU, its
firmware's services (``+WIND``, ``+WOPEN``), and ``WavecomDialect``, the base of every dialect
whose commands are an Open AT application on that firmware (WIP, eDsoft)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at.session import Traits
from simulator.dialects.base import TableDialect
from simulator.dialects.wavecom.application import OpenAtApplication
from simulator.dialects.wavecom.wind import WindService
from simulator.dialects.wavecom.wopen import OpenAtService
from simulator.modem.errors import OPERATION_NOT_ALLOWED
from simulator.modem.services import GENERIC_SERVICES
from simulator.modem.tables import GENERIC_TABLES, ModemTables

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem, Service

#: Wavecom answers a bad parameter of its 27.007 commands, and a form a command does not
#: have, with "+CME ERROR: 3" (operation not allowed): the one code outside the WIP range
#: the WIP manuals use (001 §5.1.5, §6.2.11.2; 000 §6.1.5), and the firmware guide's for
#: +WIND and +WOPEN.  An application's own commands report their own codes.
WAVECOM_TRAITS = Traits(bad_parameter=OPERATION_NOT_ALLOWED,
                        unsupported_form=OPERATION_NOT_ALLOWED)

#: What a Wavecom Wireless CPU answers to +CGMI / +CGMM; the manuals do not show it, the
#: scenario's identity: overrides it.  The revision (+CGMR) names the firmware with its
#: application, so each dialect sets its own.
WAVECOM_TABLES = dataclasses.replace(
    GENERIC_TABLES,
    manufacturer="WAVECOM MODEM",
    model="MULTIBAND  900E  1800",
)


def wavecom_services(*application: type[Service]) -> tuple[type[Service], ...]:
    """The services of a Wavecom dialect: the generic ones, the Open AT application's, then
    the firmware's ``+WIND`` and ``+WOPEN``."""
    return (*GENERIC_SERVICES, *application, WindService, OpenAtService)


@dataclasses.dataclass(frozen=True)
class WavecomDialect(TableDialect):
    traits: Traits = WAVECOM_TRAITS
    tables: ModemTables = WAVECOM_TABLES
    services: tuple[type[Service], ...] = wavecom_services()
    #: The Open AT application whose commands the dialect adds: ``+WOPEN`` starts, stops,
    #: erases and reports on it, and gates its commands.
    application: OpenAtApplication = dataclasses.field(kw_only=True)

    def install(self, modem: Modem, table: CommandTable) -> None:
        """The application's commands answer as unknown while it is stopped.  A dialect with
        handlers of its own registers them, then calls this."""
        modem.service(OpenAtService).gate(table)
