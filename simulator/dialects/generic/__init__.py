"""The generic dialect: a plain 3GPP TS 27.007 / 27.005 / ITU-T V.250 module with no vendor
commands.  What it answers, and every choice the standards leave open, is in
docs/dialects/generic.md."""

from __future__ import annotations

from simulator.dialects.base import TableDialect
from simulator.modem.services import GENERIC_SERVICES
from simulator.modem.simaccess import SimAccessService

# +CRSM is the generic module's own: the vendor manuals atsim follows have no such command.
DIALECT = TableDialect(name="generic", services=(*GENERIC_SERVICES, SimAccessService))
