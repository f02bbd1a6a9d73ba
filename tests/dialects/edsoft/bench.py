"""An eDsoft modem on a task.Clock with a recorded AT port, and the manual's framing.

The manual prints responses one per table line without CR/LF; ``info``, ``edsoft_error``
and ``urc`` put the framing back: information text ``CR LF line CR LF`` then ``CR LF OK CR
LF``, the application's errors ``CR LF #CME ERROR: <code> CR LF``.
"""

from __future__ import annotations

from simulator.dialects.atsharp.connection import gateway_of
from simulator.dialects.atsharp.link import LinkKind
from simulator.dialects.edsoft.service import EdsoftService
from simulator.modem.gprs import GprsService
from tests.dialects.atsharp_support import AtSharpBench, cme_error
from tests.modem.bench import ERROR, OK, info, urc

__all__ = ["ERROR", "OK", "EdsoftBench", "edsoft_error", "info", "urc"]

edsoft_error = cme_error


class EdsoftBench(AtSharpBench):
    """One eDsoft modem, registered, with the application started (``AT+WOPEN=1``, 002 A.1)
    unless ``started=False``, and GPRS-attached with ``AT+CGATT=1`` as 002 A.4 does (the module
    starts detached, decision E103) unless ``attached=False``; the rest as ``AtSharpBench``."""

    dialect = "edsoft"
    default_name = "edsoft1"

    def __init__(self, *, started: bool = True, attached: bool = True, **kw) -> None:
        self.started = started
        self.attached = attached
        super().__init__(**kw)

    def powered_on(self) -> None:
        if self.started:
            self.port.take()
            assert self.at("+WOPEN=1") == OK
            self.port.send(b"ATE0\r")  # the reset restored the stored profile

    def registered(self) -> None:
        if self.attached:
            self.port.take()
            assert self.at("+CGATT=1") == OK
            self.clock.advance(self.network_spec.registration.attach_time)

    def link_up(self, apn: str = "internet"):
        """Open a GPRS link for the service commands the way ``AT#CONNECTIONSTART`` does,
        without going through it (tests of mail, FTP, TCP, UDP and ping).  Returns the
        Deferred of the activation; on a task.Clock it has fired when this returns."""
        gprs = self.modem.service(GprsService)
        d = gprs.activate(apn)

        def established(bearer):
            self.edsoft.link.established(bearer, LinkKind.GPRS, gateway_of(bearer.address))
            return bearer

        d.addCallback(established)
        if not self.real:
            self.clock.advance(0)
        return d

    @property
    def edsoft(self) -> EdsoftService:
        return self.modem.service(EdsoftService)
