"""A dialect made of tables: V.250 traits, the modem services' tables, the service list.
A vendor dialect is usually one of these with a few fields replaced, plus ``install`` for
the handlers that really differ."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from simulator.at.session import Traits
from simulator.modem.services import GENERIC_SERVICES
from simulator.modem.tables import GENERIC_TABLES, ModemTables

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem, Service
    from simulator.modem.spec import ModemSpec


@dataclasses.dataclass(frozen=True)
class TableDialect:
    name: str
    traits: Traits = dataclasses.field(default_factory=Traits)
    tables: ModemTables = GENERIC_TABLES
    services: tuple[type[Service], ...] = GENERIC_SERVICES

    def identity_defaults(self) -> dict[str, str]:
        t = self.tables
        return {"manufacturer": t.manufacturer, "model": t.model, "revision": t.revision,
                "imei": t.imei}

    def traits_for(self, spec: ModemSpec) -> Traits:
        """The traits of one modem of this dialect (a dialect whose modems differ, e.g. by
        firmware revision, chooses here)."""
        return self.traits

    def service_classes(self) -> list[type[Service]]:
        return list(self.services)

    def install(self, modem: Modem, table: CommandTable) -> None:
        """Vendor handlers registered over the services' (none for a table-only dialect)."""
