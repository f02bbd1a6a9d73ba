"""Misbehaviour injected into a running multiplexer: frames sent with a wrong FCS, SABM and
DISC left unanswered, flow control asserted by the modem.  ``MuxFaults`` belongs to the
modem (not to one session), so what it holds also acts on a multiplexer started later; the
session consults it frame by frame.  Who fills it (a timeline, a test) is not its business.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

#: What a ``Spoiler`` can spoil: frames sent with a wrong FCS, UA answers, DM answers.
SPOILS = ("bad_fcs", "lose_ua", "lose_dm")


@dataclasses.dataclass(eq=False)
class Spoiler:
    """One fault's hold on a kind of frame: every frame while it is held, or the next
    ``count`` (then ``finished`` is called once).  ``dlci`` narrows it to one DLC."""

    spoils: str
    count: int | None = None
    dlci: int | None = None
    finished: Callable[[], None] = lambda: None

    def takes(self, dlci: int) -> bool:
        if self.dlci is not None and dlci != self.dlci:
            return False
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
            if self.count == 0:
                self.finished()
        return True


class MuxFaults:
    def __init__(self) -> None:
        self.spoilers: list[Spoiler] = []
        #: DLCs on which the modem asks the host to stop (MSC with FC); None in the list:
        #: every DLC.  One entry per fault holding it.
        self.flow_off: list[int | None] = []

    def hit(self, spoils: str, dlci: int) -> bool:
        """Whether this frame is spoiled; a counted spoiler uses up one frame."""
        assert spoils in SPOILS, spoils
        if not self.spoilers:
            return False  # every frame asks: the usual answer without a loop
        for spoiler in list(self.spoilers):
            if spoiler.spoils == spoils and spoiler.takes(dlci):
                return True
        return False

    def flow_stopped(self, dlci: int) -> bool:
        return None in self.flow_off or dlci in self.flow_off
