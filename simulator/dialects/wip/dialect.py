"""The WIP dialect as data: WIPSoft as the Open AT application of a Wavecom Wireless CPU, the
WIP IP stack beside the firmware's services, and the firmware revisions a scenario can
choose."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from simulator.dialects.wavecom import (
    WAVECOM_TABLES,
    OpenAtApplication,
    WavecomDialect,
    wavecom_services,
)
from simulator.dialects.wip import stack, wipbr
from simulator.dialects.wip.revision import Revision
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.service import WipService

if TYPE_CHECKING:
    from simulator.at.session import Traits
    from simulator.modem.spec import ModemSpec

_VERSION_LINE = re.compile(r"WIP soft v(\d)(\d\d) on Open AT OS v(\d)(\d\d)")


def library_versions(revision: Revision) -> tuple[str, str]:
    """``<IntVersion>``, ``<ExtVersion>`` of ``AT+WOPEN=2`` from the revision's
    ``AT+WIPCFG=3`` line (D53): the OS library "Open AT OS v312" is ``"AT v03.12"``; the
    application (WIP soft vABC) was built with the same main version, minor BC: v201
    ``"AT v03.01"``, v202 ``"AT v03.02"``."""
    match = _VERSION_LINE.match(revision.version_lines[0])
    if match is None:
        return "AT v03.12", "AT v03.12"
    _, wip_minor, os_major, os_minor = match.groups()
    return f"AT v{int(os_major):02d}.{os_minor}", f"AT v{int(os_major):02d}.{wip_minor}"


#: WIPSoft: runs by default (``+WOPEN: 1``); stopped, every ``+WIP`` command is unknown; its
#: flash objects are what ``AT+WIPCFG=4,1`` and ``AT+WIPBR=6`` wrote (D53).
WIP_APPLICATION = OpenAtApplication(
    name="WIPSoft",
    commands=("+WIP",),
    runs_by_default=True,
    versions=library_versions(REVISIONS[DEFAULT_REVISION]),
    revision_versions={name: library_versions(rev) for name, rev in REVISIONS.items()},
    flash_objects=(stack.FLASH_KEY, wipbr.FLASH_KEY),
)


@dataclasses.dataclass(frozen=True)
class WipDialect(WavecomDialect):
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
    tables=dataclasses.replace(WAVECOM_TABLES, revision="R7.2 WIPSoft"),
    application=WIP_APPLICATION,
    services=wavecom_services(WipService),
)
