"""APNs, their address pools, and bearers (activated PDP contexts).

One machinery serves ``+CGACT``, ``ATD*99#`` and every dialect's bearer command
(``+WIPBR``, ``#CONNECTIONSTART``, ``+MIPCALL`` ...): ``Apns.activate`` waits the APN's
activation delay, then either fails with an ``ActivationFailure`` or gives a ``Bearer``: the
modem's address, its DNS servers, the link it runs over, and the IP path its sockets use.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime

from simulator.logs import Logger
from simulator.network.errors import ActivationError, ActivationFailure
from simulator.network.spec import ANY_APN, ApnSpec

if TYPE_CHECKING:
    from simulator.network.links import Link
    from simulator.network.router import Router
    from simulator.network.subscribers import Subscriber

log = Logger(namespace="atsim.network.apn")


class AddressPool:
    """The host addresses of an IPv4 network, handed out in turn.

    Addresses are taken from a cursor that moves on, so a released address is reused only
    after the others, as DHCP-like allocators do: a stale peer is less likely to reach the
    next modem by mistake.
    """

    def __init__(self, network: ipaddress.IPv4Network,
                 reserved: Sequence[ipaddress.IPv4Address] = ()) -> None:
        self.network = network
        if network.num_addresses <= 2:  # /31 and /32 have no network/broadcast address
            self._first = int(network.network_address)
            self._last = int(network.broadcast_address)
        else:
            self._first = int(network.network_address) + 1
            self._last = int(network.broadcast_address) - 1
        self._reserved = {int(a) for a in reserved}
        self._used: set[int] = set()
        self._cursor = self._first

    @property
    def size(self) -> int:
        inside = sum(1 for r in self._reserved if self._first <= r <= self._last)
        return self._last - self._first + 1 - inside

    @property
    def in_use(self) -> int:
        return len(self._used)

    def allocate(self) -> ipaddress.IPv4Address | None:
        span = self._last - self._first + 1
        for step in range(span):
            candidate = self._first + (self._cursor - self._first + step) % span
            if candidate not in self._used and candidate not in self._reserved:
                self._used.add(candidate)
                self._cursor = self._first + (candidate - self._first + 1) % span
                return ipaddress.IPv4Address(candidate)
        return None

    def release(self, address: ipaddress.IPv4Address) -> None:
        self._used.discard(int(address))


class Apn:
    """One ``apns:`` entry with its pool."""

    def __init__(self, spec: ApnSpec) -> None:
        self.spec = spec
        self.pool = AddressPool(spec.pool, reserved=spec.dns)

    def accepts(self, user: str | None, password: str | None) -> bool:
        """Credentials are checked only where the scenario gives them."""
        if self.spec.user is not None and (user or "") != self.spec.user:
            return False
        if self.spec.password is not None and (password or "") != self.spec.password:
            return False
        return True


class Bearer:
    """An active PDP context: the modem's address on the network and the way out for its
    sockets.  Sockets call ``connect_tcp``, ``listen_tcp``, ``open_udp`` and ``ping``;
    they are all released with the bearer."""

    def __init__(self, subscriber: Subscriber, apn_name: str, apn: Apn,
                 address: ipaddress.IPv4Address, router: Router) -> None:
        self.subscriber = subscriber
        self.apn = apn_name  # as the modem asked for it
        self._apn = apn
        self._address = address
        self.router = router
        self.active = True
        self._observers: list[Callable[[Bearer, bool], None]] = []

    def __repr__(self) -> str:
        state = "active" if self.active else "released"
        return f"<Bearer {self.modem} {self.apn!r} {self.address} {state}>"

    @property
    def address(self) -> str:
        return str(self._address)

    @property
    def dns(self) -> tuple[str, ...]:
        return tuple(str(a) for a in self._apn.spec.dns)

    @property
    def modem(self) -> str:
        return self.subscriber.name

    @property
    def link(self) -> Link:
        return self.subscriber.link

    @property
    def rng(self) -> random.Random:
        return self.subscriber.rng

    @property
    def clock(self) -> IReactorTime:
        return self.router.clock

    # -- the IP path (see simulator.network.router) -------------------------------------------

    def connect_tcp(self, host: str, port: int, protocol, *, local_port: int = 0,
                    timeout: float | None = None) -> defer.Deferred:
        """Connect ``protocol`` to ``host:port`` (an IPv4 literal: names are resolved by the
        caller).  Fires with the local port once connected; fails with ``RouteError``."""
        return self.router.connect_tcp(self, host, port, protocol, local_port=local_port,
                                       timeout=timeout)

    def listen_tcp(self, port: int, accept):
        """Listen on ``port`` (0: any free port).  ``accept((host, port))`` returns the
        protocol for an incoming connection, or None to refuse it.  Returns a ``Listening``
        (``.port``, ``.close()``); raises ``RouteError(PORT_IN_USE)``."""
        return self.router.listen_tcp(self, port, accept)

    def listen_every_port(self, accept_for, datagrams=None):
        """Every port without a listener of its own goes to ``accept_for(port)``'s accept,
        and datagrams to a port nobody bound to ``datagrams(data, origin, port)`` (a host
        on PPP behind the bearer); returns the function that stops it."""
        return self.router.listen_every_port(self, accept_for, datagrams)

    def open_udp(self, port: int, protocol, *, expose: bool = True):
        """Bind a datagram port (0: any free port) for ``protocol`` (a ``DatagramProtocol``:
        ``datagramReceived(data, (host, port))``); returns its transport.  ``expose``: a
        port bound explicitly is published on the host (``expose:``); a client's port
        (the host gateway's) need not be."""
        return self.router.open_udp(self, port, protocol, expose=expose)

    def ping(self, host: str, size: int = 64, timeout: float = 2.0) -> defer.Deferred:
        """One echo request; fires with the round-trip time in seconds, or fails with
        ``RouteError(TIMEOUT)`` when no reply came within ``timeout``."""
        return self.router.ping(self, host, size, timeout)

    # -- life ---------------------------------------------------------------------------------

    def on_release(self, observer: Callable[[Bearer, bool], None]) -> None:
        """``observer(bearer, by_network)`` once the bearer goes away."""
        self._observers.append(observer)

    def remove_release_observer(self, observer: Callable[[Bearer, bool], None]) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    def release(self, *, by_network: bool = False) -> None:
        """Deactivate: the address goes back to the pool, every socket on the bearer fails
        with ``BEARER_RELEASED``.  ``by_network`` marks a drop the modem did not ask for."""
        if not self.active:
            return
        self.active = False
        log.info("{modem}: bearer {apn!r} {address} released{how}", modem=self.modem,
                 apn=self.apn, address=self.address, how=" by the network" if by_network else "")
        for observer in list(self._observers):
            observer(self, by_network)
        self._observers.clear()
        self.router.bearer_released(self)
        self._return_address()
        self.subscriber.bearers.discard(self)

    def _return_address(self) -> None:
        self._apn.pool.release(self._address)


class Apns:
    """The ``apns:`` table and activation."""

    def __init__(self, specs: Sequence[ApnSpec], clock: IReactorTime, router: Router) -> None:
        self.clock = clock
        self.router = router
        self._by_name: dict[str, Apn] = {}
        self._wildcard: Apn | None = None
        for spec in specs:
            apn = Apn(spec)
            if spec.name == ANY_APN:
                self._wildcard = apn
            else:
                self._by_name[spec.name.lower()] = apn

    def __iter__(self):
        yield from self._by_name.values()
        if self._wildcard is not None:
            yield self._wildcard

    def lookup(self, name: str) -> Apn | None:
        return self._by_name.get(name.lower(), self._wildcard)

    def dns_servers(self) -> set[ipaddress.IPv4Address]:
        return {address for apn in self for address in apn.spec.dns}

    def activate(self, subscriber: Subscriber, apn_name: str, user: str | None = None,
                 password: str | None = None) -> defer.Deferred:
        """A Deferred firing with a ``Bearer`` after the APN's activation delay, or failing
        with ``ActivationError``.  Cancelling it abandons the activation."""
        apn = self.lookup(apn_name)
        delay = apn.spec.activation_delay if apn is not None else 0.0
        # Drawn now, whatever happens next, so that one activation always consumes one draw.
        failed = apn is not None and subscriber.rng.random() < apn.spec.failure_probability

        def settle() -> None:
            try:
                result = self._settle(subscriber, apn_name, apn, failed, user, password)
            except ActivationError as e:
                log.info("{modem}: activation of APN {apn!r} failed: {reason}",
                         modem=subscriber.name, apn=apn_name, reason=e.reason.value)
                d.errback(e)
            else:
                d.callback(result)

        call = self.clock.callLater(delay, settle)
        d = defer.Deferred(lambda _: call.cancel() if call.active() else None)
        return d

    def _settle(self, subscriber: Subscriber, apn_name: str, apn: Apn | None, failed: bool,
                user: str | None, password: str | None) -> Bearer:
        if apn is None:
            raise ActivationError(ActivationFailure.UNKNOWN_APN, apn_name)
        if not apn.accepts(user, password):
            raise ActivationError(ActivationFailure.AUTH_FAILED, f"user {user!r}")
        if failed:
            raise ActivationError(ActivationFailure.NETWORK_FAILURE,
                                  f"failure_probability {apn.spec.failure_probability}")
        if not subscriber.link.is_up:
            raise ActivationError(ActivationFailure.NETWORK_FAILURE, "link down")
        address = apn.pool.allocate()
        if address is None:
            raise ActivationError(ActivationFailure.NO_ADDRESS, str(apn.spec.pool))
        bearer = Bearer(subscriber, apn_name, apn, address, self.router)
        subscriber.bearers.add(bearer)
        self.router.bearer_activated(bearer)
        log.info("{modem}: bearer {apn!r} active, address {address}, DNS {dns}",
                 modem=subscriber.name, apn=apn_name, address=bearer.address,
                 dns=", ".join(bearer.dns) or "none")
        return bearer
