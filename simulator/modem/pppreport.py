"""The phases of a modem's PPP links as modem events (kind ``ppp``), for the event log and
the metrics: ``lcp up``, ``authenticated``, ``auth failed``, ``ipcp up`` (with both
addresses and the name servers) and ``terminated`` (with its cause).  One reporter per link,
fed every event its ``PppPeer`` gives; ``where`` says which link (``cid``, ``role``)."""

from __future__ import annotations

from typing import Any

from simulator.ppp import (
    Authenticated,
    IpcpOpened,
    LinkEstablished,
    LinkTerminated,
    Termination,
)


class PppReporter:
    def __init__(self, modem, **where: Any) -> None:
        self.modem = modem
        self.where = where
        #: IPCP is up (a terminated event then says ``network_was_up``: the sessions gauge).
        self.network_up = False
        self.ended = False

    def started(self) -> None:
        self._report("started")

    def __call__(self, event) -> None:
        if self.ended:
            return
        if isinstance(event, LinkEstablished):
            self._report("lcp up", mru=event.peer_mru)
        elif isinstance(event, Authenticated):
            fields = {} if event.peer_name is None else {"peer_name": event.peer_name}
            self._report("authenticated", **fields)
        elif isinstance(event, IpcpOpened):
            if not self.network_up:
                self.network_up = True
                self._report("ipcp up", local=event.local_address, peer=event.peer_address,
                             dns=list(event.dns))
        elif isinstance(event, LinkTerminated):
            self.terminated(event.reason.value, event.reason.name.lower(), event.detail,
                            auth_failed=event.reason is Termination.AUTHENTICATION_FAILED)

    def terminated(self, reason: str, cause: str, detail: str = "", *,
                   auth_failed: bool = False) -> None:
        """The link ended (also for ends the peer does not see: a hang-up, lost power)."""
        if self.ended:
            return
        self.ended = True
        if auth_failed:
            self._report("auth failed", detail=detail)
        self._report("terminated", reason=reason, cause=cause, detail=detail,
                     network_was_up=self.network_up)
        self.network_up = False

    def _report(self, phase: str, **fields: Any) -> None:
        self.modem.event("ppp", phase=phase, **self.where, **fields)
