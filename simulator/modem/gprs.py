"""GPRS bearers: how every dialect gets an activated PDP context from the simulated network
(``+CGACT`` and ``ATD*99#`` through ``PacketService``, WIP's ``+WIPBR`` GPRS bearer, eDsoft's
``#CONNECTIONSTART`` in GPRS mode ...).

    gprs = modem.service(GprsService)
    d = gprs.activate("internet", "user", "secret")   # GprsError(reason) now or later
    bearer = yield d                                   # simulator.network.apn.Bearer
    gprs.on_lost(bearer, callback)                     # callback(bearer): the network dropped it
    gprs.release(bearer)                               # the modem deactivates it

Whether the modem may ask (SIM, registration, attach) is checked at once and raises
``GprsError``; the network's answer takes the APN's activation delay and fails the Deferred
with a ``GprsError``.  Each dialect maps ``GprsFailure`` to its own codes with a table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet import defer

from simulator.modem.acquisition import AcquisitionError, sim_failure
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.network.dialup import DialupBearer
from simulator.network.errors import ActivationError, ActivationFailure

if TYPE_CHECKING:
    from simulator.network.apn import Bearer

class GprsFailure(enum.Enum):
    """Why a GPRS bearer could not be had."""

    NO_NETWORK = "no simulated network"  # the modem was built without one
    SIM_NOT_INSERTED = "SIM not inserted"
    SIM_NOT_READY = "SIM not ready"  # PIN or PUK pending, or the card failed
    NOT_REGISTERED = "not registered"
    NOT_ATTACHED = "not attached"  # activation without attaching first
    UNKNOWN_APN = "unknown APN"
    AUTH_FAILED = "authentication failed"
    NETWORK_FAILURE = "network failure"
    NO_ADDRESS = "no address left"
    CANCELLED = "cancelled"  # the modem gave up before the network answered


class GprsError(AcquisitionError):
    reason: GprsFailure


#: The network's refusals, as the modem names them.
ACTIVATION_FAILURES = {
    ActivationFailure.UNKNOWN_APN: GprsFailure.UNKNOWN_APN,
    ActivationFailure.AUTH_FAILED: GprsFailure.AUTH_FAILED,
    ActivationFailure.NETWORK_FAILURE: GprsFailure.NETWORK_FAILURE,
    ActivationFailure.NO_ADDRESS: GprsFailure.NO_ADDRESS,
}


class GprsService(Service):
    def __init__(self, modem) -> None:
        super().__init__(modem)
        self._releasing: set[Bearer] = set()

    def check(self, *, attach: bool = True) -> None:
        """Raise ``GprsError`` unless a bearer may be asked for now: a ready SIM, a
        simulated network, registration, and packet attach (started here when ``attach``)."""
        failure = sim_failure(self.modem, GprsFailure.SIM_NOT_INSERTED,
                              GprsFailure.SIM_NOT_READY)
        if failure is not None:
            raise GprsError(failure)
        if self.modem.ip_network is None:
            raise GprsError(GprsFailure.NO_NETWORK)
        network = self.modem.service(NetworkService)
        if network.serving is None:
            raise GprsError(GprsFailure.NOT_REGISTERED)
        if not network.ps_attached:
            if not attach or network.ps_barred:  # the network refuses to attach it
                raise GprsError(GprsFailure.NOT_ATTACHED)
            network.attach()

    def activate(self, apn: str, user: str | None = None, password: str | None = None, *,
                 attach: bool = True) -> defer.Deferred:
        """Activate a context on ``apn`` (attaching first, unless ``attach`` is False): a
        Deferred firing with the network's ``Bearer`` after the attach and the APN's delay,
        or failing with ``GprsError``.  Cancelling it fails it with ``CANCELLED``.  Raises
        ``GprsError`` at once when ``check`` does."""
        self.check(attach=attach)
        network = self.modem.service(NetworkService)
        pending: list[defer.Deferred] = []
        d = defer.Deferred(lambda _: pending[-1].cancel())

        def refused(failure) -> None:
            if failure.check(defer.CancelledError):
                d.errback(GprsError(GprsFailure.CANCELLED, apn))
                return
            failure.trap(ActivationError)
            error = failure.value
            d.errback(GprsError(ACTIVATION_FAILURES.get(error.reason,
                                                        GprsFailure.NETWORK_FAILURE),
                                error.detail))

        def ask(_=None) -> None:
            asked = self.modem.ip_network.activate(self.modem.name, apn, user or None,
                                                   password or None)
            pending.append(asked)
            asked.addCallbacks(d.callback, refused)

        def not_attached(failure) -> None:
            if failure.check(defer.CancelledError):
                d.errback(GprsError(GprsFailure.CANCELLED, apn))
                return
            d.errback(GprsError(GprsFailure.NOT_ATTACHED))

        if network.ps_attached:
            ask()
        else:
            attaching = network.attached()
            pending.append(attaching)
            attaching.addCallbacks(ask, not_attached)
        return d

    def packet_bearers(self) -> list[Bearer]:
        """The modem's active packet-domain bearers (not those of dial-up calls)."""
        if self.modem.ip_network is None:
            return []
        return [bearer for bearer in self.modem.ip_network.bearers(self.modem.name)
                if not isinstance(bearer, DialupBearer)]

    def network_release(self) -> None:
        """The network deactivates every packet-domain bearer of the modem (a network
        detach, a network-initiated deactivation): each ``on_lost`` observer is told, so
        every dialect shows its own indication of the lost bearer."""
        for bearer in self.packet_bearers():
            if bearer not in self._releasing:
                bearer.release(by_network=True)

    def release(self, bearer: Bearer) -> None:
        """Deactivate ``bearer``; its ``on_lost`` observers are not told."""
        self._releasing.add(bearer)
        try:
            bearer.release()
        finally:
            self._releasing.discard(bearer)

    def on_lost(self, bearer: Bearer, callback: Callable[[Bearer], None]) -> None:
        """``callback(bearer)`` when the bearer goes away other than by ``release``: the
        network deactivated it, or its link went down."""

        def released(gone: Bearer, by_network: bool) -> None:
            if gone not in self._releasing:
                callback(gone)

        bearer.on_release(released)
