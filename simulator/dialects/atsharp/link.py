"""The application's IP link and who is using the TCP/IP stack (002 §1.6).

Every service command — mail, FTP, TCP, UDP, ping — works "once an IP link is established"
(002 §3.2.1, §4.2.1, §5.2.1, §6.2.1, §7.2.1): a GPRS session or PPP over a GSM call, opened
by ``AT#CONNECTIONSTART`` or ``AT#ACCEPT``.  ``IpLink`` is that link as the services see it:
the bearer their sockets use, and a way to hear that it went down.

The stack runs one thing at a time: mail, FTP and TCP commands may be issued "at any time
(except when the TCP/IP stack software is already in a process using TCP resources)", UDP
and ping "if no other TCP/IP stack resource is active"; only the two TCP sockets "may be
active simultaneously" (002 §5).  ``StackResources`` hands out those claims.  The codes
for a missing link and a busy stack are decisions E31 and E32 (docs/dialects/edsoft.md).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from simulator.dialects.atsharp import codes

#: 35867 "Physical layer : Physical layer connection is currently not active" (002 §9.2),
#: what ``AT#DISPLAYIP`` answers without a link (§2.3.2) and every service command too (E31).
NO_LINK = 35867
#: 37122 "IP Connectivity library: Another internal application is already running" (E32).
STACK_BUSY = 37122


class LinkKind(enum.Enum):
    GPRS = "GPRS"
    GSM = "GSM"


class IpLink:
    def __init__(self, clock: Any = None) -> None:
        self._clock = clock
        #: When data last moved on the link (its start, or ``activity()``): PHYTIMEOUT
        #: counts from there (002 §2.1.6).
        self.last_activity = 0.0
        #: The network bearer the sockets use (``simulator.network``), None while down.
        self.bearer: Any = None
        self.kind: LinkKind | None = None
        #: What ``AT#DISPLAYIP`` shows second: the PPP peer (GSM), the gateway (GPRS).
        self.peer_address: str | None = None
        self._down_observers: list[Callable[[int | None], None]] = []

    @property
    def up(self) -> bool:
        return self.bearer is not None

    def require(self) -> Any:
        """The bearer, or the command fails: there is no IP link (E31)."""
        if self.bearer is None:
            raise codes.error(NO_LINK)
        return self.bearer

    def established(self, bearer: Any, kind: LinkKind, peer_address: str) -> None:
        self.bearer, self.kind, self.peer_address = bearer, kind, peer_address
        self.activity()

    def activity(self) -> None:
        """Data moved between the host and the Internet through a service (a socket's
        bytes, a mail, a file, a ping): the link is not idle (PHYTIMEOUT, 002 §2.1.6)."""
        if self._clock is not None:
            self.last_activity = self._clock.seconds()

    def on_down(self, observer: Callable[[int | None], None]) -> None:
        """``observer(code)`` when the link goes: ``None`` for ``AT#CONNECTIONSTOP``, else the
        code the loss shows (35841 "GPRS session lost", ...)."""
        self._down_observers.append(observer)

    def lost(self, code: int | None = None) -> None:
        """The link is gone (stopped by the host when ``code`` is None); every service on it
        ends its session."""
        if self.bearer is None:
            return
        self.bearer = self.kind = self.peer_address = None
        for observer in list(self._down_observers):
            observer(code)


class Resource(enum.Enum):
    """What can hold the stack.  Only the two TCP sockets may be held together."""

    TCP1 = "TCP socket 1"
    TCP2 = "TCP socket 2"
    UDP = "UDP session"
    FTP = "FTP transfer"
    MAIL = "mail session"
    PING = "ping"


_SHARE = {frozenset({Resource.TCP1, Resource.TCP2})}


class Claim:
    """A resource held until ``release()`` (releasing twice is harmless)."""

    def __init__(self, resources: StackResources, resource: Resource) -> None:
        self._resources = resources
        self.resource = resource

    def release(self) -> None:
        self._resources._held.discard(self.resource)


class StackResources:
    def __init__(self) -> None:
        self._held: set[Resource] = set()

    @property
    def held(self) -> frozenset[Resource]:
        return frozenset(self._held)

    def claim(self, resource: Resource) -> Claim:
        """Hold ``resource``, or fail with 37122 while something it cannot share runs
        (E32)."""
        for other in self._held:
            if frozenset({other, resource}) not in _SHARE:
                raise codes.error(STACK_BUSY)
        self._held.add(resource)
        return Claim(self, resource)

    def clear(self) -> None:
        self._held.clear()
