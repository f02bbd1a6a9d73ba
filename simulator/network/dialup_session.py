"""PPP over a connected CSD call, for a modem's own IP stack: the session runs a
``PppLink`` (``simulator.ppp``, a pure PPP peer) on the call's byte pipe and, once IPCP
opened, turns the agreed address into the modem's bearer (``call.open_bearer``, a
``DialupBearer`` of ``simulator.network.dialup``).

    session = DialupSession(call, PeerConfig.client(login, password), clock, rng, name="m1")
    bearer = yield session.start()         # PppError(reason) if PPP did not get that far
    session.on_end(lambda reason: ...)      # the link ended after it opened
    session.close()                         # Terminate-Request, then the call is hung up

The same session serves both ends: a client configuration dials out, a server configuration
answers (it gives the peer its address and takes its own).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime

from simulator.network.errors import ActivationError
from simulator.ppp.config import PeerConfig
from simulator.ppp.events import IpcpOpened, LinkTerminated, Termination
from simulator.ppp.link import PppLink
from simulator.ppp.peer import PppPeer


class PppError(Exception):
    """PPP ended before IPCP opened (or its result could not be used)."""

    def __init__(self, reason: Termination, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)


class DialupSession:
    def __init__(self, call: Any, config: PeerConfig, clock: IReactorTime,
                 rng: random.Random, *, name: str = "",
                 dns: tuple[str, ...] | None = None,
                 observer: Callable[[Any], None] | None = None) -> None:
        self.call = call  # simulator.network.calls.Call
        #: Told every event of the peer first (the modem's ``ppp`` phase events).
        self.observer = observer
        #: Name servers for the bearer instead of those PPP gives (None: PPP's).
        self.dns = dns
        self.link = PppLink(PppPeer(config, rng), clock, self._event, name=name)
        self.bearer = None
        self.opened: IpcpOpened | None = None
        self.ended: LinkTerminated | None = None
        self._started: defer.Deferred | None = None
        self._end_callbacks: list[Callable[[Termination], None]] = []
        self._closed_here = False

    def __repr__(self) -> str:
        return f"<DialupSession {self.link!r}>"

    @property
    def peer(self) -> PppPeer:
        return self.link.peer

    def start(self) -> defer.Deferred:
        """Run PPP on the call: fires with the bearer once IPCP opened, or fails with
        ``PppError``.  Cancelling it hangs up."""
        self._started = defer.Deferred(lambda _: self._abandon())
        self.call.attach(self.link)
        return self._started

    def on_end(self, callback: Callable[[Termination], None]) -> None:
        """``callback(reason)`` once an opened link ends (the bearer is released then)."""
        self._end_callbacks.append(callback)

    def close(self) -> None:
        """End PPP politely; the call is hung up once the peer acknowledged (or after
        Max-Terminate tries)."""
        self._closed_here = True
        if self.call.connected:
            self.link.close()

    def hangup(self) -> None:
        self._closed_here = True
        self.call.hangup()

    def _abandon(self) -> None:
        self._started = None  # the canceller's CancelledError is the answer
        self._closed_here = True
        self.call.hangup()

    def _event(self, event) -> None:
        if self.observer is not None:
            self.observer(event)
        if isinstance(event, IpcpOpened):
            self._ipcp_opened(event)
        elif isinstance(event, LinkTerminated):
            self._terminated(event)

    def _ipcp_opened(self, event: IpcpOpened) -> None:
        if self.bearer is not None:
            return  # IPCP renegotiated: the address stays the one the bearer has
        try:
            dns = event.dns if self.dns is None else self.dns
            self.bearer = self.call.open_bearer(event.local_address, dns)
        except ActivationError as e:
            self.link.close(Termination.IPCP_FAILED, e.detail)
            return
        self.opened = event
        started, self._started = self._started, None
        if started is not None:
            started.callback(self.bearer)

    def _terminated(self, event: LinkTerminated) -> None:
        self.ended = event
        bearer, self.bearer = self.bearer, None
        if bearer is not None:
            bearer.release(by_network=not self._closed_here)
        started, self._started = self._started, None
        if started is not None:
            started.errback(PppError(event.reason, event.detail))
        elif self.opened is not None:
            for callback in list(self._end_callbacks):
                callback(event.reason)
