"""The thin Twisted glue: a ``PppPeer`` as the protocol of a transport (a call's byte pipe,
later a serial channel), with its timers on an injected clock.

    link = PppLink(PppPeer(config, rng), clock, on_event)
    call.attach(link)                 # connectionMade: lower layer up, Open
    link.send_ip(packet); link.close()

``on_event(event)`` gets every event of the peer, in order.  When the link terminates the
transport is closed (the call hung up), as pppd hangs up the modem.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet import protocol
from twisted.internet.interfaces import IReactorTime

from simulator.logs import Logger, debugging
from simulator.ppp.events import Event, LinkTerminated, Termination
from simulator.ppp.peer import PppPeer

log = Logger(namespace="atsim.ppp")


class PppLink(protocol.Protocol):
    def __init__(self, peer: PppPeer, clock: IReactorTime,
                 on_event: Callable[[Event], None] | None = None, *, name: str = "",
                 hang_up_when_terminated: bool = True) -> None:
        self.peer = peer
        self.clock = clock
        self.on_event = on_event
        self.name = name  # for logs: the modem or the ISP number
        self.hang_up_when_terminated = hang_up_when_terminated
        self.terminated: LinkTerminated | None = None
        self._timer = None
        self._pumping = False
        self._lost = False

    def __repr__(self) -> str:
        return f"<PppLink {self.name} {self.peer!r}>"

    # -- the transport's side -----------------------------------------------------------------

    def connectionMade(self) -> None:
        now = self.clock.seconds()
        self.peer.lower_up(now)
        self.peer.open(now)
        self._pump()

    def dataReceived(self, data: bytes) -> None:
        self.peer.receive_data(data, self.clock.seconds())
        self._pump()

    def connectionLost(self, reason=protocol.connectionDone) -> None:
        self._lost = True
        self.peer.lower_down(self.clock.seconds())
        self._pump()
        self._cancel_timer()

    # -- the owner's side ---------------------------------------------------------------------

    @property
    def peer_mru(self) -> int:
        return self.peer.peer_mru

    def send_ip(self, packet: bytes) -> bool:
        sent = self.peer.send_ip(packet)
        self._pump()
        return sent

    def start_network(self, local_address: str, peer_address: str,
                      dns: tuple[str, ...] = ()) -> None:
        """The addresses of a held network phase (``PeerConfig.hold_network``)."""
        if self._lost:
            return
        self.peer.start_network(self.clock.seconds(), local_address, peer_address, dns)
        self._pump()

    def lower_down(self) -> None:
        """The line is gone without a goodbye (a hang-up): no more octets either way."""
        if not self._lost:
            self.connectionLost()

    def close(self, reason: Termination = Termination.LOCAL_CLOSE, detail: str = "") -> None:
        """Terminate the link politely; the transport closes once it is terminated."""
        if self._lost:
            return
        self.peer.close(self.clock.seconds(), reason, detail)
        self._pump()

    # -- moving things along ------------------------------------------------------------------

    def _pump(self) -> None:
        if self._pumping:
            return  # an event handler called us: the loop below picks its effects up
        self._pumping = True
        try:
            while True:
                out = self.peer.data_to_send()
                if out and not self._lost and self.transport is not None:
                    self.transport.write(out)
                event = self.peer.next_event()
                if event is None and not out:
                    break
                if event is not None:
                    self._dispatch(event)
        finally:
            self._pumping = False
        self._schedule()

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, LinkTerminated):
            self.terminated = event
            log.info("{name}: PPP link terminated: {reason}{detail}", name=self.name,
                     reason=event.reason.value,
                     detail=f" ({event.detail})" if event.detail else "")
        elif debugging():  # checked first: this runs for every IP packet
            log.debug("{name}: PPP {event}", name=self.name, event=event)
        if self.on_event is not None:
            self.on_event(event)
        if (isinstance(event, LinkTerminated) and self.hang_up_when_terminated
                and not self._lost and self.transport is not None):
            self.transport.loseConnection()

    def _schedule(self) -> None:
        deadline = None if self._lost else self.peer.get_timer()
        if self._timer is not None and self._timer.active():
            if deadline is not None and self._timer.getTime() == deadline:
                return
            self._timer.cancel()
        self._timer = None
        if deadline is not None:
            delay = max(0.0, deadline - self.clock.seconds())
            self._timer = self.clock.callLater(delay, self._fire)

    def _cancel_timer(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    def _fire(self) -> None:
        self._timer = None
        self.peer.handle_timer(self.clock.seconds())
        self._pump()
