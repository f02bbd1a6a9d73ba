"""What the three registration reports (+CREG, +CGREG, +CEREG: 27.007 §7.2, §10.1.20,
§10.1.22) say, and how each is written: pure functions of a snapshot, no state machine."""

from __future__ import annotations

import dataclasses
import enum

from simulator.modem.text import hex_width, quote
from simulator.network.spec import OperatorSpec


class Stat(enum.IntEnum):
    """<stat> of the registration reports."""

    NOT_SEARCHING = 0
    HOME = 1
    SEARCHING = 2
    DENIED = 3
    UNKNOWN = 4
    ROAMING = 5


REGISTERED = (Stat.HOME, Stat.ROAMING)


class Domain(enum.Enum):
    """A registration report and its command name."""

    CS = "+CREG"
    PS = "+CGREG"
    EPS = "+CEREG"

    @property
    def session_key(self) -> str:
        """The session variable holding this channel's <n> for the report."""
        return "network." + self.value[1:].lower()


#: <n> values: 0 no URC, 1 URC with <stat>, 2 URC with location information.
N_RANGE = (0, 2)

#: Technologies whose cell identity is 28 bits (UTRAN, E-UTRAN): shown with 7 hex digits.
LONG_CELL_ID_TECHS = ("umts", "lte")


@dataclasses.dataclass(frozen=True)
class Report:
    """One domain's registration as the host sees it."""

    stat: Stat
    cell: OperatorSpec | None = None  # the serving cell, when registered
    act: int | None = None

    @property
    def registered(self) -> bool:
        return self.stat in REGISTERED

    def location(self) -> str:
        """``"<lac>","<ci>",<AcT>`` (<tac> for +CEREG): LAC/TAC 4 hex digits, a GERAN cell
        identity 4 and a UTRAN/E-UTRAN one 7 (wider scenario values are shown in full)."""
        cell = self.cell
        assert cell is not None
        ci_width = 7 if cell.tech in LONG_CELL_ID_TECHS or cell.cell_id > 0xFFFF else 4
        return (f"{quote(hex_width(cell.lac, 4))},{quote(hex_width(cell.cell_id, ci_width))},"
                f"{self.act}")

    def fields(self, n: int) -> str:
        """``<stat>[,<location>]``: the location only with n=2 while registered."""
        if n == 2 and self.registered and self.cell is not None:
            return f"{int(self.stat)},{self.location()}"
        return str(int(self.stat))


def read_line(domain: Domain, n: int, report: Report) -> str:
    """The read-command answer ``+CREG: <n>,<stat>[,...]``."""
    return f"{domain.value}: {n},{report.fields(n)}"


def urc_line(domain: Domain, n: int, old: Report, new: Report) -> str | None:
    """The URC a channel with ``n`` shows when the report changes from ``old`` to ``new``:
    n=1 only on a new <stat>, n=2 also when the serving cell changes."""
    if n == 1 and old.stat != new.stat:
        return f"{domain.value}: {int(new.stat)}"
    if n == 2 and (old.stat != new.stat or old.fields(2) != new.fields(2)):
        return f"{domain.value}: {new.fields(2)}"
    return None
