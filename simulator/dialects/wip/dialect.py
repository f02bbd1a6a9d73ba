"""The WIP dialect as data: Wavecom's V.250 traits, the identity a Wavecom Wireless CPU
reports, the generic services plus the WIP IP stack, and the firmware revisions a scenario
can choose."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from simulator.at.session import Traits
from simulator.dialects.base import TableDialect
from simulator.dialects.wip.revision import Revision
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.service import WipService
from simulator.dialects.wip.wind import WindService
from simulator.dialects.wip.wopen import OpenAtService
from simulator.modem.errors import OPERATION_NOT_ALLOWED
from simulator.modem.services import GENERIC_SERVICES
from simulator.modem.tables import GENERIC_TABLES

if TYPE_CHECKING:
    from simulator.scenario.model import ModemSpec

#: Wavecom answers a bad parameter of its 27.007 commands, and a form a command does not
#: have, with "+CME ERROR: 3" (operation not allowed): the one code outside the WIP range
#: the manuals use (001 §5.1.5, §6.2.11.2; 000 §6.1.5).  The +WIP commands report their own
#: codes (simulator.dialects.wip.errors).  See docs/dialects/wip.md for the line limit.
WAVECOM_TRAITS = Traits(bad_parameter=OPERATION_NOT_ALLOWED,
                        unsupported_form=OPERATION_NOT_ALLOWED)

#: What a Wavecom Wireless CPU answers to +CGMI / +CGMM; the manuals do not show it, the
#: scenario's identity: overrides it.
WAVECOM_TABLES = dataclasses.replace(
    GENERIC_TABLES,
    manufacturer="WAVECOM MODEM",
    model="MULTIBAND  900E  1800",
    revision="R7.2 WIPSoft",
)


@dataclasses.dataclass(frozen=True)
class WipDialect(TableDialect):
    #: The firmware revisions a scenario may choose with ``revision:``.
    revisions: Mapping[str, Revision] = dataclasses.field(default_factory=lambda: REVISIONS)
    default_revision: str = DEFAULT_REVISION

    def traits_for(self, spec: ModemSpec) -> Traits:
        """``+CMEE=2`` shows the WIP codes with the texts of the modem's revision."""
        revision = self.revisions[getattr(spec, "revision", None) or self.default_revision]
        texts = {**self.traits.cme_texts, **revision.error_texts}
        return dataclasses.replace(self.traits, cme_texts=MappingProxyType(texts))


DIALECT = WipDialect(
    name="wip",
    traits=WAVECOM_TRAITS,
    tables=WAVECOM_TABLES,
    # OpenAtService after WipService: it gates the +WIP commands (+WOPEN=0).
    services=(*GENERIC_SERVICES, WipService, WindService, OpenAtService),
)
