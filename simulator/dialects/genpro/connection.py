"""GenPro's connection: the engine's (``simulator.dialects.atsharp.connection``) with the
restriction of GenPro §8: ``AT#CONNECTIONSTART`` less than 500 ms after the ``OK`` of
``AT+CGATT=1`` answers ``#CME ERROR: 35866`` (decision G8).  The dialect tells
``attached()`` when ``AT+CGATT=1`` answered ``OK``.
"""

from __future__ import annotations

from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.connection import INVALID_EVENT, Connections, Output

#: "allow a delay of at least 500ms after the "OK" message" (§8), seconds.
SETTLING = 0.5


class GenproConnections(Connections):
    def __init__(self, context, modem) -> None:
        super().__init__(context, modem)
        self._attached_at: float | None = None

    def attached(self) -> None:
        """``AT+CGATT=1`` answered ``OK`` now."""
        self._attached_at = self.modem.clock.seconds()

    def start_gprs(self, out: Output):
        attached_at = self._attached_at
        if attached_at is not None and self.modem.clock.seconds() - attached_at < SETTLING:
            raise codes.error(INVALID_EVENT)
        return super().start_gprs(out)
