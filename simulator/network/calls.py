"""Circuit-switched data calls between modems, to real TCP endpoints, and to ISPs.

``Calls.dial`` looks the number up in ``numbers:`` (then among the modems' own MSISDNs):

* another modem: its ``incoming_call`` handler gets an ``IncomingCall`` (the modem layer
  turns it into RING / ``+CRING`` and ``ATA`` into ``answer()``); answered, both sides hold a
  ``Call``, a byte pipe shaped like a 9600 bit/s GSM data channel;
* ``forward: host:port``: a real TCP connection, the far end of the byte pipe;
* ``isp:``: the ISP's PPP access server (``simulator.network.isp``) answers at the far end.

A side that ran PPP over its ``Call`` to IPCP Opened gets a bearer with
``call.open_bearer(address, dns)`` (see ``simulator.network.dialup``).

Outcomes that are not a connection fail the Deferred with a ``CallError`` and a
``CallFailure`` (BUSY, NO_ANSWER, NO_CARRIER) the modem layer maps to its result codes.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from twisted.internet import defer, protocol

from simulator.logs import Logger
from simulator.network.apn import AddressPool
from simulator.network.dialup import CallPath, DialupBearer
from simulator.network.errors import ActivationError, ActivationFailure, CallError, CallFailure
from simulator.network.hosts import Hosts
from simulator.network.isp import Isp, gateway_of
from simulator.network.links import PRESETS, Link
from simulator.network.pipe import Pipe, PipeEnd
from simulator.network.router import Router
from simulator.network.spec import NumberSpec
from simulator.network.splice import Splice
from simulator.network.subscribers import Subscriber

if TYPE_CHECKING:
    from simulator.network.network import Network

log = Logger(namespace="atsim.network.calls")

#: From dialling to the called side ringing (or to the network's answer), seconds.
SETUP_DELAY = 2.0
#: How long the called side rings before the network gives up with NO_ANSWER, seconds.
NO_ANSWER_TIMEOUT = 60.0
#: The data channel of a call: GSM CSD at 9600 bit/s.
CALL_CHANNEL = PRESETS["gsm"]
#: The called modem's side of a point-to-point bearer: the call's channel already shapes
#: every packet once on the caller's side, so the callee's adds nothing.
CALLEE_LINK = PRESETS["ideal"]


def normalise_number(number: str) -> str:
    """Digits (and a leading +) only: ``+33 6 00-00-00-01`` is ``+33600000001``."""
    digits = "".join(c for c in number if c.isdigit() or c in "*#")
    return ("+" + digits) if number.strip().startswith("+") else digits


class Call:
    """One side of a connected call.  ``attach(protocol)`` starts the bytes flowing (what the
    other side sent meanwhile is kept); ``hangup()`` ends the call for both sides: the other
    side's protocol sees ``connectionLost``.  ``open_bearer`` gives the side that ran PPP to
    IPCP Opened its IP path."""

    def __init__(self, number: str, kind: str, end: PipeEnd, link: Link,
                 path: CallPath | None = None, ppp_observers: list | None = None) -> None:
        self.number = number
        self.kind = kind  # "modem" | "forward" | "isp"
        self.end = end
        self.link = link  # the call's channel: faults act on it
        self.path = path
        #: Functions told every PPP event of the far end's own PPP (an ISP's access
        #: server), in order; the caller's side adds them (a modem reporting its host's
        #: link).  Empty where the far end runs no PPP of the network's.
        self.ppp_observers: list = ppp_observers if ppp_observers is not None else []

    def __repr__(self) -> str:
        return f"<Call {self.kind} {self.number}>"

    @property
    def transport(self) -> PipeEnd:
        return self.end

    @property
    def connected(self) -> bool:
        return not self.end.disconnected

    def attach(self, proto) -> None:
        self.end.attach(proto)

    def hangup(self) -> None:
        self.end.loseConnection()

    def open_bearer(self, address: str, dns: tuple[str, ...] = ()) -> DialupBearer:
        """A bearer at ``address`` (what IPCP agreed on) for this side; it is released when
        the call ends.  ``ActivationError`` when the call is over or the address is taken."""
        if self.path is None or not self.connected:
            raise ActivationError(ActivationFailure.NETWORK_FAILURE, "the call is over")
        bearer = self.path.open_bearer(self.number, address, dns)

        def call_ended(end: PipeEnd) -> None:
            if end is self.end:
                bearer.release(by_network=True)

        self.end.pipe.end_lost_callbacks.append(call_ended)
        return bearer


class IncomingCall:
    """A call ringing at a modem.  ``answer()`` connects it and returns the callee's
    ``Call``; ``reject()`` makes the caller see BUSY.  ``on_end(callback)`` tells the modem
    layer when the call stops ringing without being answered (caller gave up, no answer)."""

    def __init__(self, calls: Calls, caller: Subscriber, callee: Subscriber, number: str,
                 deferred: defer.Deferred) -> None:
        self._calls = calls
        self.caller = caller.msisdn  # what the callee's CLIP shows; None if unknown
        self.caller_modem = caller.name
        self.callee = callee.name
        self.number = number
        self._caller = caller
        self._callee = callee
        self._deferred = deferred
        self._end_callbacks: list[Callable[[CallFailure], None]] = []
        self.state = "ringing"  # -> "answered" | "rejected" | "ended"

    def __repr__(self) -> str:
        return f"<IncomingCall {self.caller_modem} -> {self.callee} {self.state}>"

    def on_end(self, callback: Callable[[CallFailure], None]) -> None:
        self._end_callbacks.append(callback)

    def answer(self) -> Call:
        if self.state != "ringing":
            raise CallError(CallFailure.NO_CARRIER, f"call is {self.state}")
        self.state = "answered"
        caller_call, callee_call = self._calls._connect_modems(self._caller, self._callee,
                                                               self.number)
        self._deferred.callback(caller_call)
        return callee_call

    def reject(self) -> None:
        if self.state == "ringing":
            self._finish("rejected", CallFailure.BUSY)
            self._deferred.errback(CallError(CallFailure.BUSY, self.number))

    def _finish(self, state: str, why: CallFailure) -> None:
        self.state = state
        self._calls._busy.discard(self._callee.name)
        self._calls._busy.discard(self._caller.name)
        for callback in self._end_callbacks:
            callback(why)


class Calls:
    def __init__(self, network: Network, numbers: Sequence[NumberSpec]) -> None:
        self.network = network
        self.clock = network.clock
        self.numbers = {normalise_number(n.number): n for n in numbers}
        self.isps = _isps(numbers)
        self._handlers: dict[str, Callable[[IncomingCall], None]] = {}
        self._busy: set[str] = set()  # modems ringing or in a call
        #: Modems the network answers BUSY for, whatever they are doing (a fault).
        self.refusing: set[str] = set()
        #: The byte pipes of each modem's connected calls, for the network to end them.
        self._pipes: dict[str, set[Pipe]] = {}
        self.setup_delay = SETUP_DELAY
        self.no_answer_timeout = NO_ANSWER_TIMEOUT

    def dns_servers(self) -> set[ipaddress.IPv4Address]:
        """The ISPs' name servers, where the lab's DNS answers."""
        return {ipaddress.IPv4Address(a) for isp in self.isps.values() for a in isp.dns}

    def set_handler(self, subscriber: Subscriber,
                    handler: Callable[[IncomingCall], None] | None) -> None:
        if handler is None:
            self._handlers.pop(subscriber.name, None)
        else:
            self._handlers[subscriber.name] = handler

    def lookup(self, number: str) -> NumberSpec | None:
        key = normalise_number(number)
        spec = self.numbers.get(key)
        if spec is not None:
            return spec
        for subscriber in self.network.subscribers.values():
            if subscriber.msisdn and normalise_number(subscriber.msisdn) == key:
                return NumberSpec(number, modem=subscriber.name)
        return None

    def in_call(self, modem: str) -> bool:
        return modem in self._busy

    def dial(self, caller: Subscriber, number: str, *,
             timeout: float | None = None) -> defer.Deferred:
        timers: list = []
        state: dict[str, object] = {}

        def cancel(_) -> None:
            for timer in timers:
                if timer.active():
                    timer.cancel()
            incoming = state.get("incoming")
            if isinstance(incoming, IncomingCall) and incoming.state == "ringing":
                incoming._finish("ended", CallFailure.NO_CARRIER)
            connector = state.get("connector")
            if connector is not None:
                connector.disconnect()
            self._busy.discard(caller.name)

        d = defer.Deferred(cancel)
        spec = self.lookup(number)
        log.info("{modem}: dials {number} ({target})", modem=caller.name, number=number,
                 target=_describe(spec))

        def setup() -> None:
            try:
                self._setup(caller, number, spec, d, timers, state, timeout)
            except CallError as e:
                d.errback(e)

        timers.append(self.clock.callLater(self.setup_delay, setup))
        return d

    def _setup(self, caller: Subscriber, number: str, spec: NumberSpec | None,
               d: defer.Deferred, timers: list, state: dict, timeout: float | None) -> None:
        if spec is None:
            raise CallError(CallFailure.NO_CARRIER, f"{number}: no such number")
        if spec.sms is not None:
            raise CallError(CallFailure.NO_CARRIER, f"{number}: takes messages, not calls")
        if spec.isp is not None:
            self._connect_isp(caller, number, self.isps[normalise_number(spec.number)], d)
        elif spec.forward is not None:
            self._dial_forward(caller, number, spec.forward, d, state)
        else:
            self._ring(caller, number, spec.modem, d, timers, state, timeout)

    def _ring(self, caller: Subscriber, number: str, modem: str | None, d: defer.Deferred,
              timers: list, state: dict, timeout: float | None) -> None:
        callee = self.network.subscribers.get(modem or "")
        if callee is None:
            raise CallError(CallFailure.NO_CARRIER, f"{number}: modem {modem!r} is not there")
        if callee.name in self._busy or callee.name in self.refusing or callee is caller:
            raise CallError(CallFailure.BUSY, number)
        incoming = IncomingCall(self, caller, callee, number, d)
        state["incoming"] = incoming
        self._busy.update((callee.name, caller.name))

        def no_answer() -> None:
            if incoming.state == "ringing":
                incoming._finish("ended", CallFailure.NO_ANSWER)
                d.errback(CallError(CallFailure.NO_ANSWER, number))

        limit = self.no_answer_timeout if timeout is None else timeout
        timers.append(self.clock.callLater(limit, no_answer))
        handler = self._handlers.get(callee.name)
        log.info("{callee}: incoming call from {caller}", callee=callee.name,
                 caller=incoming.caller or caller.name)
        if handler is not None:
            handler(incoming)

    def _connect_modems(self, caller: Subscriber, callee: Subscriber,
                        number: str) -> tuple[Call, Call]:
        channel, pipe = self._channel(caller)
        self._end_when_closed(pipe, caller.name, callee.name)
        log.info("{caller} -> {callee}: call connected", caller=caller.name, callee=callee.name)
        # A point-to-point link is a network of two: its own router, only the call's ends.
        router = Router(self.clock, Hosts())
        callee_link = Link("csd", CALLEE_LINK, callee.rng, owner=callee.name)
        return (Call(number, "modem", pipe.a, channel, CallPath(caller, router, channel)),
                Call(callee.msisdn or caller.name, "modem", pipe.b, channel,
                     CallPath(callee, router, callee_link)))

    def _channel(self, caller: Subscriber) -> tuple[Link, Pipe]:
        """The data channel of a call from ``caller`` and the byte pipe across it."""
        channel = Link("csd", CALL_CHANNEL, caller.rng, owner=caller.name)
        pipe = Pipe(self.clock, ("csd", 0), ("csd", 1), (channel.uplink,), (channel.downlink,),
                    a_link=channel)
        return channel, pipe

    def _connect_isp(self, caller: Subscriber, number: str, isp: Isp,
                     d: defer.Deferred) -> None:
        channel, pipe = self._channel(caller)
        self._busy.add(caller.name)
        self._end_when_closed(pipe, caller.name)
        path = CallPath(caller, self.network.router, channel)
        session = isp.answer(caller, pipe.b, self.clock, path)
        log.info("{caller} -> ISP {number}: call connected", caller=caller.name, number=number)
        d.callback(Call(number, "isp", pipe.a, channel, path, ppp_observers=session.observers))

    def _dial_forward(self, caller: Subscriber, number: str, target: tuple[str, int],
                      d: defer.Deferred, state: dict) -> None:
        reactor = self.network.reactor
        if reactor is None:
            raise CallError(CallFailure.NO_CARRIER, f"{number}: no real network in this run")
        splice = Splice()
        self._busy.add(caller.name)

        def connected(transport) -> None:
            if d.called:
                transport.abortConnection()
                return
            channel = Link("csd", CALL_CHANNEL, caller.rng, owner=caller.name)
            pipe = Pipe(self.clock, ("csd", 0), target, (channel.uplink,), (channel.downlink,),
                        a_link=channel)
            self._end_when_closed(pipe, caller.name)
            splice.join(transport, pipe.b)
            pipe.b.attach(splice.inner)
            # IP over a real endpoint's PPP cannot reach anything inside atsim: a router
            # with nobody else on it.
            d.callback(Call(number, "forward", pipe.a, channel,
                            CallPath(caller, Router(self.clock, Hosts()), channel)))

        def failed(reason) -> None:
            self._busy.discard(caller.name)
            if not d.called:
                d.errback(CallError(CallFailure.NO_CARRIER, f"{number}: {reason.value}"))

        splice.on_real_connected = connected
        state["connector"] = reactor.connectTCP(target[0], target[1],
                                                _CallFactory(splice, failed), timeout=30)

    def _end_when_closed(self, pipe: Pipe, *modems: str) -> None:
        def end_lost(end: PipeEnd) -> None:
            # One side hung up: the call is over for both (the other sees connectionLost).
            if not end.peer.disconnected:
                end.peer.loseConnection()

        def closed() -> None:
            self._busy.difference_update(modems)
            for modem in modems:
                self._pipes.get(modem, set()).discard(pipe)

        for modem in modems:
            self._pipes.setdefault(modem, set()).add(pipe)
        pipe.end_lost_callbacks.append(end_lost)
        pipe.closed_callbacks.append(closed)

    def drop(self, modem: str) -> int:
        """The network ends every connected call of ``modem`` (both sides see the line
        go); how many there were."""
        pipes = list(self._pipes.get(modem, ()))
        for pipe in pipes:
            for end in (pipe.a, pipe.b):
                if not end.disconnected:
                    end.loseConnection()
        return len(pipes)

    def call_from(self, number: str | None, modem: str) -> IncomingCall:
        """A call to ``modem`` from outside the simulated network (``number`` is what its
        caller line identification shows; None: withheld).  It rings like a call from a
        modem; answered, it is connected to a far end that sends nothing.
        ``CallError(BUSY)`` when the modem cannot take it."""
        name = f"caller {number or 'unknown'}"
        rng = random.Random(name)
        caller = Subscriber(name, Link("csd", CALL_CHANNEL, rng, owner=name), rng,
                            msisdn=number)
        d: defer.Deferred = defer.Deferred()
        d.addErrback(lambda failure: failure.trap(CallError))  # nobody waits on this side
        callee = self.network.subscribers.get(modem)
        state: dict[str, object] = {}
        self._ring(caller, number or "", modem, d, [], state, None)
        incoming = state["incoming"]
        assert isinstance(incoming, IncomingCall) and callee is not None
        return incoming

    def end_call_from(self, incoming: IncomingCall) -> None:
        """The outside caller gives up or hangs up."""
        if incoming.state == "ringing":
            incoming._finish("ended", CallFailure.NO_CARRIER)
            incoming._deferred.errback(CallError(CallFailure.NO_CARRIER, incoming.number))
        elif incoming.state == "answered":
            self.drop(incoming.caller_modem)


class _CallFactory(protocol.ClientFactory):
    def __init__(self, splice: Splice, failed) -> None:
        self.splice = splice
        self.failed = failed

    def buildProtocol(self, addr):
        return self.splice.real

    def clientConnectionFailed(self, connector, reason) -> None:
        self.failed(reason)


def _isps(numbers: Sequence[NumberSpec]) -> dict[str, Isp]:
    """An ``Isp`` per ``isp:`` number; those with the same pool share its addresses."""
    pools: dict[ipaddress.IPv4Network, AddressPool] = {}
    reserved: dict[ipaddress.IPv4Network, set[ipaddress.IPv4Address]] = {}
    specs = [spec for spec in numbers if spec.isp is not None]
    for spec in specs:
        reserved.setdefault(spec.isp.pool, {gateway_of(spec.isp.pool)}).update(spec.isp.dns)
    for network, addresses in reserved.items():
        pools[network] = AddressPool(network, reserved=sorted(addresses))
    return {normalise_number(spec.number): Isp(spec.number, spec.isp, pools[spec.isp.pool])
            for spec in specs}


def _describe(spec: NumberSpec | None) -> str:
    if spec is None:
        return "unknown number"
    if spec.modem is not None:
        return f"modem {spec.modem}"
    if spec.forward is not None:
        return f"forward to {spec.forward[0]}:{spec.forward[1]}"
    if spec.sms is not None:
        return "SMS folder"
    return "ISP"

