"""An eDsoft modem on a task.Clock with a recorded AT port, and the manual's framing.

The manual prints responses one per table line without CR/LF; ``info``, ``edsoft_error``
and ``urc`` put the framing back: information text ``CR LF line CR LF`` then ``CR LF OK CR
LF``, the application's errors ``CR LF #CME ERROR: <code> CR LF``.
"""

from __future__ import annotations

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.dialects.edsoft.service import EdsoftService
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.modem.bench import ERROR, OK, Port, info, urc

__all__ = ["ERROR", "OK", "EdsoftBench", "edsoft_error", "info", "urc"]


def edsoft_error(code: int) -> str:
    return f"\r\n#CME ERROR: {code}\r\n"


class EdsoftBench:
    """One eDsoft modem, registered, with the application started (``AT+WOPEN=1``, 002 A.1)
    unless ``started=False``."""

    def __init__(self, *, store: NVStore | None = None, started: bool = True,
                 registered: bool = True, sim: SimSpec | None = None) -> None:
        self.clock = Clock()
        self.store = store if store is not None else NVStore(None)
        self.network_spec = NetworkSpec()
        spec = ModemSpec(name="edsoft1", n=1, dialect="edsoft", sim=sim or SimSpec())
        self.modem = Modem(spec, simulator.dialects.get("edsoft"), self.network_spec,
                           self.clock, random.Random(1), self.store)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0\r")
        self.modem.power_on()
        if started:
            self.port.take()
            assert self.at("+WOPEN=1") == OK
            self.port.send(b"ATE0\r")  # the reset restored the stored profile
        if registered:
            self.clock.advance(self.network_spec.registration.delay + 2)
        self.port.take()

    @property
    def edsoft(self) -> EdsoftService:
        return self.modem.service(EdsoftService)

    def at(self, line: str) -> str:
        """``AT<line>``: everything the modem answered (zero-delay timers included)."""
        answer = self.port.at(line)
        self.clock.advance(0)
        return answer + self.port.take()

    def send(self, data: bytes) -> str:
        answer = self.port.send(data)
        self.clock.advance(0)
        return answer + self.port.take()

    def restart(self, **kw) -> EdsoftBench:
        """The same modem's flash in a new modem (atsim restarted on its state directory)."""
        return EdsoftBench(store=self.store, **kw)
