"""Dial-up Internet service providers (``numbers: {"...": {isp: ...}}``): a PPP access
server at the far end of every call to the number.

The server is atsim's own PPP (``simulator.ppp``) in its server role on the call's byte
pipe: it asks the caller to authenticate (CHAP-MD5, or PAP if the caller prefers), checks the
scenario's login and password, gives an address from the ISP's pool and its name servers,
and hangs up when the link terminates.  A modem's own PPP client turns the address into a
bearer of its own (``simulator.network.dialup``).  A host's PPP client (``ATD<number>`` on a
modem port, the modem in data mode) sends IP packets instead: the first one opens a bearer
at the caller's address and a ``HostGateway`` (``simulator.network.hostip``) carries them into
the network, the same gateway a packet-domain dial uses.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.logs import Logger
from simulator.network.apn import AddressPool
from simulator.network.errors import ActivationError
from simulator.network.hostip import HostGateway
from simulator.network.links import PRESETS, Link
from simulator.network.spec import IspSpec
from simulator.ppp import (
    Authenticated,
    IpcpOpened,
    IpPacketReceived,
    LinkTerminated,
    PeerConfig,
    PppPeer,
)
from simulator.ppp.events import Event
from simulator.ppp.link import PppLink

if TYPE_CHECKING:
    from twisted.internet.interfaces import IReactorTime

    from simulator.network.dialup import CallPath
    from simulator.network.pipe import PipeEnd
    from simulator.network.subscribers import Subscriber

log = Logger(namespace="atsim.network.isp")

#: The access server's name in its CHAP challenges.
SERVER_NAME = "atsim-isp"


def gateway_of(pool: ipaddress.IPv4Network) -> ipaddress.IPv4Address:
    """The ISP's own address: the first host address of its pool."""
    return next(pool.hosts())


class Isp:
    """One ``isp:`` number.  ISPs with the same pool share it (``pools``)."""

    def __init__(self, number: str, spec: IspSpec, pool: AddressPool) -> None:
        self.number = number
        self.spec = spec
        self.pool = pool
        self.gateway = str(gateway_of(spec.pool))
        self.dns = tuple(str(a) for a in spec.dns) or (self.gateway,)
        self.sessions: list[IspSession] = []

    def __repr__(self) -> str:
        return f"<Isp {self.number} {self.spec.pool}>"

    def answer(self, caller: Subscriber, end: PipeEnd, clock: IReactorTime,
               path: CallPath | None = None) -> IspSession:
        session = IspSession(self, caller, clock, path)
        self.sessions.append(session)
        end.attach(session.link)
        return session


class IspSession:
    """One call to the ISP: its PPP server and the address it holds for the caller."""

    def __init__(self, isp: Isp, caller: Subscriber, clock: IReactorTime,
                 path: CallPath | None = None) -> None:
        self.isp = isp
        self.caller = caller.name
        self._subscriber = caller
        self._clock = clock
        self._path = path
        self.gateway: HostGateway | None = None
        self._bearer = None
        self._peer_address: str | None = None
        allocated = isp.pool.allocate()
        # None: the pool is exhausted; the server then has no address to give and IPCP fails
        # for a caller that asks for one, as with a real access server.
        self.address = str(allocated) if allocated is not None else None
        config = PeerConfig.server(isp.gateway, self.address,
                                   secrets={isp.spec.login: isp.spec.password},
                                   dns=isp.dns[:2], name=SERVER_NAME)
        # A generator of the ISP's own, seeded from the caller's: challenges and magic
        # numbers repeat with the run's seed.
        rng = random.Random(caller.rng.getrandbits(64))
        self._rng = rng
        self.link = PppLink(PppPeer(config, rng), clock, self._event,
                            name=f"{caller.name} -> ISP {isp.number}")
        self.ip_packets_dropped = 0
        self.ended = False
        self._links = caller.ppp_links
        self._links.add(self.link)
        #: Told every event of the access server's PPP, first: the caller's side hands its
        #: observer in through the call (``Call.ppp_observers``), so a modem whose host
        #: dialled reports the server's phases as for a packet-domain dial, while the
        #: network knows nothing of modems' events.
        self.observers: list[Callable[[Event], None]] = []

    def _event(self, event) -> None:
        for observer in list(self.observers):
            observer(event)
        if isinstance(event, Authenticated):
            log.info("ISP {number}: {modem} logged in as {name!r}", number=self.isp.number,
                     modem=self.caller, name=event.peer_name)
        elif isinstance(event, IpcpOpened):
            log.info("ISP {number}: {modem} has {address}", number=self.isp.number,
                     modem=self.caller, address=event.peer_address)
            self._peer_address = event.peer_address
        elif isinstance(event, IpPacketReceived):
            gateway = self._gateway()
            if gateway is None:
                self.ip_packets_dropped += 1
            else:
                gateway.packet_from_host(event.packet)
        elif isinstance(event, LinkTerminated):
            self._end()

    def _gateway(self) -> HostGateway | None:
        """The gateway for a host's IP, made with its bearer on the first packet."""
        if self.gateway is not None or self.ended:
            return self.gateway
        if self._path is None or self._peer_address is None:
            return None
        # The PPP frames cross the call's channel already; the bearer's own link adds
        # nothing, or every byte would pay the 9600 bit/s twice.
        path = dataclasses.replace(self._path, link=Link("ppp", PRESETS["ideal"], self._rng,
                                                         owner=self.caller))
        try:
            self._bearer = path.open_bearer(self.isp.number, self._peer_address, self.isp.dns)
        except ActivationError as e:
            log.warn("ISP {number}: no route for {modem}'s {address}: {why}",
                     number=self.isp.number, modem=self.caller, address=self._peer_address,
                     why=e.detail)
            self._path = None
            return None
        self.gateway = HostGateway(self._bearer, self._clock, self._rng, self.link.send_ip,
                                   gateway=self.isp.gateway)
        return self.gateway

    def _end(self) -> None:
        if self.ended:
            return
        self.ended = True
        self._links.remove(self.link)
        if self.gateway is not None:
            self.gateway.close()
        if self._bearer is not None:
            self._bearer.release(by_network=True)
        if self.address is not None:
            self.isp.pool.release(ipaddress.IPv4Address(self.address))
        if self in self.isp.sessions:
            self.isp.sessions.remove(self)
