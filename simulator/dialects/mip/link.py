"""The wireless link of +MIPCALL (003 §1.1.1): one PDP context from ``GprsService``, its
state as ``+MIPCALL?`` reads it, and the lines that report it after ``OK``."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.dialects.mip import codes
from simulator.modem.gprs import GprsError, GprsService
from simulator.modem.sim import require_sim_ready

if TYPE_CHECKING:
    from simulator.modem.modem import Modem
    from simulator.network.apn import Bearer

#: 27.007 "no network service": +MIPCALL=1 on a modem that is not registered (M5).
NO_NETWORK_SERVICE = 30


class LinkState(enum.IntEnum):
    """``<status>`` of ``+MIPCALL?`` (§1.1.1.4)."""

    DISCONNECTED = 0
    CONNECTED = 1
    BUSY = 2


class MipLink:
    def __init__(self, modem: Modem, urc: Callable[[str], None],
                 on_down: Callable[[], None]) -> None:
        self.modem = modem
        self.urc = urc
        #: The sockets go with the link (called before ``+MIPCALL: 0`` is shown).
        self.on_down = on_down
        self.state = LinkState.DISCONNECTED
        self.bearer: Bearer | None = None
        self._pending = None

    @property
    def gprs(self) -> GprsService:
        return self.modem.service(GprsService)

    def require(self) -> Bearer:
        """The link's bearer, or "TCPIP mipcall not active" (2031)."""
        if self.state is not LinkState.CONNECTED or self.bearer is None:
            raise CmeError(codes.MIPCALL_NOT_ACTIVE)
        return self.bearer

    def open(self, apn: str, user: str | None, password: str | None) -> None:
        """Start activating; the result is the line after ``OK`` (``+MIPCALL: <ip>`` or
        ``+MIPCALL: 0``)."""
        require_sim_ready(self.modem)
        if self.state is not LinkState.DISCONNECTED:
            raise CmeError(codes.INVALID_OPERATION)
        try:
            d = self.gprs.activate(apn, user, password)
        except GprsError:
            raise CmeError(NO_NETWORK_SERVICE) from None
        self.state = LinkState.BUSY
        self._pending = d
        d.addCallbacks(self._up, self._refused)

    def _up(self, bearer: Bearer) -> None:
        self._pending = None
        self.bearer = bearer
        self.state = LinkState.CONNECTED
        self.gprs.on_lost(bearer, self._lost)
        self.urc(f"+MIPCALL: {bearer.address}")

    def _refused(self, failure) -> None:
        failure.trap(GprsError)
        self._pending = None
        self.state = LinkState.DISCONNECTED
        self.urc("+MIPCALL: 0")

    def close(self) -> None:
        """``+MIPCALL=0``: release the context; its sockets are gone (M4)."""
        require_sim_ready(self.modem)
        if self.state is not LinkState.CONNECTED or self.bearer is None:
            raise CmeError(codes.MIPCALL_NOT_ACTIVE)
        bearer, self.bearer = self.bearer, None
        self.state = LinkState.DISCONNECTED
        self.on_down()
        self.gprs.release(bearer)
        self.urc("+MIPCALL: 0")

    def _lost(self, bearer: Bearer) -> None:
        """The network dropped the context (M4)."""
        if bearer is not self.bearer:
            return
        self.bearer = None
        self.state = LinkState.DISCONNECTED
        self.on_down()
        self.urc("+MIPCALL: 0")

    def power_off(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.addErrback(lambda f: None)
            pending.cancel()
        if self.bearer is not None:
            bearer, self.bearer = self.bearer, None
            self.on_down()
            self.gprs.release(bearer)
        self.state = LinkState.DISCONNECTED

    def read_line(self) -> str:
        if self.state is LinkState.CONNECTED and self.bearer is not None:
            return f"+MIPCALL: 1,{self.bearer.address}"
        return f"+MIPCALL: {int(self.state)}"
