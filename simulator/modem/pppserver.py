"""The modem's PPP server on a port in data mode: what ``ATD*99#`` and ``AT+CGDATA="PPP"``
start (27.007 §10.2.1, §10.1.12).

``CONNECT`` comes at once; then the host's PPP negotiates LCP, authenticates if the APN
wants credentials (PAP or CHAP: the login the network checks; credentials given with
``+CGAUTH`` make that unnecessary), and only then is the PDP context activated through the
APN, with those credentials: that is when a module knows them.  IPCP gives the host the
context's address and the APN's name servers; the server's own address is the gateway's
(``simulator.network.hostip.GATEWAY_ADDRESS``).  From then on the host's IP packets go to a
``HostGateway`` on the context's bearer, into the simulated network.

The call ends with ``NO CARRIER`` when the host terminates LCP, when the network (or
``+CGACT=0`` on another channel) deactivates the context (the server terminates LCP first),
and at once on ``ATH`` or a DTR drop under ``&D2``.  The context is deactivated when the
link ends, with the ``+CGEV`` report the packet service gives.  ``+++`` leaves the link
up in online command state (frames from the network wait), ``ATO`` resumes it.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError, DataLink, ResultCode
from simulator.logs import Logger
from simulator.modem.pppreport import PppReporter
from simulator.network.hostip import GATEWAY_ADDRESS, HostGateway
from simulator.ppp import (
    Authenticated,
    IpcpOpened,
    IpPacketReceived,
    LinkTerminated,
    PeerConfig,
    PppPeer,
    Termination,
)
from simulator.ppp.link import PppLink

if TYPE_CHECKING:
    from simulator.modem.packet import PacketService
    from simulator.modem.pdp import PdpContext

log = Logger(namespace="atsim.modem.ppp")

#: The name the server gives in its CHAP challenges.
SERVER_NAME = "atsim"


class _PortTransport:
    """What ``PppLink`` writes to: the port in data mode."""

    def __init__(self, sink: PppServerSink) -> None:
        self.sink = sink

    def write(self, data: bytes) -> None:
        if self.sink.link is not None and not self.sink.finished:
            self.sink.link.write(data)

    def loseConnection(self) -> None:
        pass  # the sink ends the call on LinkTerminated


class PppServerSink:
    """The ``DataSink`` of a packet-domain dial: a PPP server for one PDP context."""

    def __init__(self, packet: PacketService, context: PdpContext, *,
                 secrets: dict[str, str] | None,
                 credentials: tuple[str | None, str | None]) -> None:
        self.packet = packet
        self.modem = packet.modem
        self.context = context
        self._secrets = secrets
        self._credentials = credentials
        self.link: DataLink | None = None
        self.gateway: HostGateway | None = None
        self.finished = False
        self._links = None  # the network's registry of the modem's PPP links, once attached
        self._bearer = None
        self._waiting = None
        rng = random.Random(self.modem.rng.getrandbits(64))
        self._rng = rng
        config = PeerConfig.server(GATEWAY_ADDRESS, None, secrets=secrets, name=SERVER_NAME,
                                   hold_network=True)
        self.ppp = PppLink(PppPeer(config, rng), self.modem.clock, self._event,
                           name=f"{self.modem.name} cid {context.cid}",
                           hang_up_when_terminated=False)
        self.ip_packets_dropped = 0
        #: The link's phases as ``ppp`` events of the modem (docs/observability.md).
        self.report = PppReporter(self.modem, role="server", bearer="pdp",
                                  cid=context.cid)

    def __repr__(self) -> str:
        return f"<PppServerSink {self.modem.name} cid {self.context.cid}>"

    # -- DataSink -----------------------------------------------------------------------------

    def attach(self, link: DataLink) -> None:
        self.link = link
        self.report.started()
        # Where the PPP faults (``simulator.faults.ppp``) find the modem's running links.
        if self.modem.ip_network is not None:
            self._links = self.modem.ip_network.subscriber(self.modem.name).ppp_links
            self._links.add(self.ppp)
        self.ppp.makeConnection(_PortTransport(self))

    def data_received(self, data: bytes) -> None:
        if self.finished:
            return
        if self.gateway is None:
            self.ppp.dataReceived(data)
            return
        with self.gateway.batch():  # the packets of one read are answered together
            self.ppp.dataReceived(data)

    def escaped(self) -> bool:
        return True

    def resumed(self) -> None:
        pass

    def hangup(self) -> None:
        if not self.finished:
            self._finish(reason="hung up", show=False, cause="hung_up")
            self.ppp.lower_down()

    def lower_layer_gone(self, why: str) -> None:
        """The modem lost its power: the link ends without LCP, data mode with it."""
        if not self.finished:
            self._finish(reason=why, show=True, cause="lower_layer_down")
            self.ppp.lower_down()

    # -- PPP ----------------------------------------------------------------------------------

    def _event(self, event) -> None:
        self.report(event)
        if isinstance(event, Authenticated):
            self._activate(event.peer_name)
        elif isinstance(event, IpcpOpened):
            self._network_open(event)
        elif isinstance(event, IpPacketReceived):
            if self.gateway is not None:
                self.gateway.packet_from_host(event.packet)
            else:
                self.ip_packets_dropped += 1
        elif isinstance(event, LinkTerminated):
            detail = f" ({event.detail})" if event.detail else ""
            self._finish(reason=event.reason.value + detail, show=True)

    def _activate(self, peer_name: str | None) -> None:
        user, password = self._credentials
        if self._secrets and peer_name is not None:
            user, password = peer_name, self._secrets.get(peer_name)
        try:
            waiting = self.packet.activate(self.context, user, password)
        except CmeError as error:
            self._refused(f"+CME ERROR: {error.code}")
            return
        if waiting is None:
            self._activated()
            return
        self._waiting = waiting
        waiting.addCallbacks(lambda _: self._activated(), self._activation_failed)

    def _activation_failed(self, failure) -> None:
        self._waiting = None
        failure.trap(CmeError)
        self._refused(f"+CME ERROR: {failure.value.code}")

    def _refused(self, why: str) -> None:
        if self.finished:
            return
        log.info("{modem}: PDP context {cid} not activated for PPP: {why}",
                 modem=self.modem.name, cid=self.context.cid, why=why)
        self.ppp.close(Termination.IPCP_FAILED, "PDP context activation failed")

    def _activated(self) -> None:
        self._waiting = None
        context = self.context
        if self.finished:
            self.packet.deactivate(context)  # the host went while the network answered
            return
        if not context.active or not context.addresses:
            self._refused("context not active")
            return
        bearer = context.bearer
        dns = bearer.dns if bearer is not None else ()
        if bearer is not None:
            self._bearer = bearer
            bearer.on_release(self._bearer_released)
        self.ppp.start_network(GATEWAY_ADDRESS, str(context.addresses[0]), dns)

    def _network_open(self, event: IpcpOpened) -> None:
        bearer = self._bearer
        if bearer is not None and bearer.active and self.gateway is None:
            self.gateway = HostGateway(bearer, self.modem.clock, self._rng, self.ppp.send_ip,
                                       mtu=self.ppp.peer_mru)

    def _bearer_released(self, bearer, by_network: bool) -> None:
        self._bearer = None
        if self.gateway is not None:
            self.gateway.close()
        if not self.finished:
            self.ppp.close(Termination.LOCAL_CLOSE, "PDP context deactivated")

    # -- the end ------------------------------------------------------------------------------

    def _finish(self, *, reason: str, show: bool, cause: str = "") -> None:
        if self.finished:
            return
        self.finished = True
        if self._links is not None:
            self._links.remove(self.ppp)
            self._links = None
        log.info("{modem}: PPP on cid {cid} ended: {reason}", modem=self.modem.name,
                 cid=self.context.cid, reason=reason)
        self.report.terminated(reason, cause)
        if self.gateway is not None:
            self.gateway.close()
        if self._bearer is not None:
            self._bearer.remove_release_observer(self._bearer_released)
            self._bearer = None
        self.packet.ppp_ended(self)
        if self._waiting is None:
            self.packet.deactivate(self.context)
        if show and self.link is not None:
            self.link.end(ResultCode.NO_CARRIER)
