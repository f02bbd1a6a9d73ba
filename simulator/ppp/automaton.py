"""One option negotiation automaton (RFC 1661 §4): the states and transitions of
``states.TRANSITIONS``, the restart timer and counters, and the Configure/Terminate/Code-Reject
packets.  What the options mean is the ``OptionPolicy``'s business (LCP's, IPCP's); what the
layer going up or down means is the owner's (``Layer`` callbacks).

Sans-IO: packets leave through ``send(information)``; the timer is a deadline the owner reads
(``deadline``) and honours by calling ``timeout(now)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol

from simulator.ppp.packets import Packet, decode_options, encode_options
from simulator.ppp.protocols import NEGOTIATION_CODES, Code
from simulator.ppp.states import NEGOTIATING, TIMED_STATES, TRANSITIONS, Action, Event, State

#: RFC 1661 §4.6 suggested values, used by atsim as the defaults: Configure-Requests sent
#: without an answer before giving up, Terminate-Requests sent before declaring the link
#: terminated anyway, Naks sent before rejecting what the peer insists on, and seconds between
#: retransmissions (the RFC's 3 s suits a slow link, and a 9600 bit/s call is one).
MAX_CONFIGURE = 10
MAX_TERMINATE = 2
MAX_FAILURE = 5
RESTART_INTERVAL = 3.0


@dataclasses.dataclass(frozen=True)
class Limits:
    max_configure: int = MAX_CONFIGURE
    max_terminate: int = MAX_TERMINATE
    max_failure: int = MAX_FAILURE
    restart_interval: float = RESTART_INTERVAL


#: States whose answer to a Configure-Request is an Ack, Nak or Reject (sca/scn in the table).
ANSWERING = frozenset({State.STOPPED, State.REQ_SENT, State.ACK_RCVD, State.ACK_SENT,
                       State.OPENED})


class Verdict:
    """A policy's answer to a Configure-Request."""

    ACK, NAK, REJECT = Code.CONFIGURE_ACK, Code.CONFIGURE_NAK, Code.CONFIGURE_REJECT


class OptionPolicy(Protocol):
    """What one protocol's options mean (RFC 1661 §4.4's *this layer* half)."""

    def reset(self) -> None:
        """A new negotiation starts: want what the configuration asks for again."""

    def request(self) -> list:
        """The options of our next Configure-Request."""

    def check(self, options: list, may_nak: bool) -> tuple[int, list]:
        """The peer's Configure-Request: (Verdict.ACK, options) to acknowledge them as they
        are, or NAK/REJECT with the options to send back.  ``may_nak`` is False once
        Max-Failure Naks were sent: the policy rejects instead."""

    def acked(self, options: list) -> None:
        """The peer acknowledged our request."""

    def naked(self, options: list) -> None:
        """The peer proposed other values."""

    def rejected(self, options: list) -> None:
        """The peer refused these options."""


class Layer(Protocol):
    def layer_up(self) -> None: ...
    def layer_down(self) -> None: ...
    def layer_started(self) -> None: ...
    def layer_finished(self) -> None: ...


class Automaton:
    def __init__(self, name: str, policy: OptionPolicy, layer: Layer,
                 send: Callable[[bytes], None], limits: Limits = Limits()) -> None:
        self.name = name
        self.policy = policy
        self.layer = layer
        self._send = send
        self.limits = limits
        self.state = State.INITIAL
        self.deadline: float | None = None
        self._restart_count = 0
        self._naks_sent = 0
        self._identifier = 0
        self._request: Packet | None = None  # our outstanding Configure-Request
        self._reply: Packet | None = None  # the Ack/Nak/Reject prepared for the peer's
        self._received: Packet | None = None  # the packet being handled
        self._now = 0.0
        self._echo_reply: Callable[[], None] = lambda: None
        #: Terminate-Request data: a reason a person reading a trace can understand.
        self.terminate_reason = b""

    def __repr__(self) -> str:
        return f"<Automaton {self.name} {self.state.name}>"

    @property
    def opened(self) -> bool:
        return self.state is State.OPENED

    @property
    def exhausted(self) -> bool:
        """The restart counter ran out: the next timeout is TO-, giving up."""
        return self._restart_count <= 0

    # -- administrative and lower-layer events -----------------------------------------------

    def up(self, now: float) -> None:
        self._event(Event.UP, now)

    def down(self, now: float) -> None:
        self._event(Event.DOWN, now)

    def open(self, now: float) -> None:
        self._event(Event.OPEN, now)

    def close(self, now: float, reason: bytes = b"") -> None:
        if reason:
            self.terminate_reason = reason
        self._event(Event.CLOSE, now)

    def timeout(self, now: float) -> None:
        if self.deadline is None or now < self.deadline:
            return
        self.deadline = None
        self._event(Event.TO_PLUS if self._restart_count > 0 else Event.TO_MINUS, now)

    def code_rejected(self, now: float, catastrophic: bool) -> None:
        """A Protocol-Reject of this whole protocol (LCP tells the NCP), or a Code-Reject."""
        self._event(Event.RXJ_MINUS if catastrophic else Event.RXJ_PLUS, now)

    # -- packets ------------------------------------------------------------------------------

    def receive(self, packet: Packet, now: float) -> bool:
        """Handle a packet of the negotiation codes (1-7); False for another code, which the
        owner handles (LCP's Echo and friends) or rejects with ``reject_code``."""
        if packet.code not in NEGOTIATION_CODES:
            return False
        self._received = packet
        code = packet.code
        if code == Code.CONFIGURE_REQUEST:
            self._configure_request(packet, now)
        elif code == Code.CONFIGURE_ACK:
            if self._answers_request(packet) and packet.data == self._request.data:
                self.policy.acked(decode_options(packet.data) or [])
                self._event(Event.RCA, now)
        elif code in (Code.CONFIGURE_NAK, Code.CONFIGURE_REJECT):
            options = decode_options(packet.data)
            if self._answers_request(packet) and options is not None:
                if code == Code.CONFIGURE_NAK:
                    self.policy.naked(options)
                else:
                    self.policy.rejected(options)
                self._event(Event.RCN, now)
        elif code == Code.TERMINATE_REQUEST:
            self._event(Event.RTR, now)
        elif code == Code.TERMINATE_ACK:
            self._event(Event.RTA, now)
        elif code == Code.CODE_REJECT:
            rejected = packet.data[:1]
            # Rejecting a code the automaton needs is fatal; the others are optional.
            fatal = bool(rejected) and rejected[0] in NEGOTIATION_CODES
            self._event(Event.RXJ_MINUS if fatal else Event.RXJ_PLUS, now)
        self._received = None
        return True

    def reject_code(self, packet: Packet, now: float) -> None:
        """A code this protocol does not know (RUC)."""
        self._received = packet
        self._event(Event.RUC, now)
        self._received = None

    def echo(self, packet: Packet, now: float, reply: Callable[[], None]) -> None:
        """Echo-Request, Echo-Reply, Discard-Request (RXR); ``reply`` sends the Echo-Reply the
        table calls for in Opened."""
        self._echo_reply = reply
        self._event(Event.RXR, now)

    def _answers_request(self, packet: Packet) -> bool:
        return self._request is not None and packet.identifier == self._request.identifier

    def _configure_request(self, packet: Packet, now: float) -> None:
        options = decode_options(packet.data)
        if options is None:
            return  # RFC 1661 §5: invalid packets are silently discarded
        if self.state in ANSWERING:
            verdict, reply = self.policy.check(options, self._naks_sent < self.limits.max_failure)
        else:
            verdict, reply = Verdict.ACK, options  # only answered with a Terminate-Ack, if at all
        self._reply = Packet(verdict, packet.identifier, encode_options(reply))
        self._event(Event.RCR_PLUS if verdict == Verdict.ACK else Event.RCR_MINUS, now)

    # -- the machine --------------------------------------------------------------------------

    def _event(self, event: Event, now: float) -> None:
        self._now = now
        transition = TRANSITIONS.get((self.state, event))
        if transition is None:
            return  # the table's "-": cannot happen, nothing to do
        actions, next_state = transition
        before = self.state
        # The new state first: a callback (this-layer-up ...) that makes the owner act on
        # this automaton again then starts from where the table says we are.
        self.state = next_state
        for action in actions:
            self._run(action, actions, before)
        if self.state not in TIMED_STATES:
            self.deadline = None

    def _run(self, action: Action, actions: tuple[Action, ...], before: State) -> None:
        if action is Action.TLU:
            self.layer.layer_up()
        elif action is Action.TLD:
            self.layer.layer_down()
        elif action is Action.TLS:
            self.layer.layer_started()
        elif action is Action.TLF:
            self.layer.layer_finished()
        elif action is Action.IRC:
            terminating = Action.STR in actions
            self._restart_count = (self.limits.max_terminate if terminating
                                   else self.limits.max_configure)
        elif action is Action.ZRC:
            self._restart_count = 0
            self._arm()
        elif action is Action.SCR:
            if before not in NEGOTIATING:
                self.policy.reset()
                self._naks_sent = 0
            self._identifier = (self._identifier + 1) & 0xFF
            self._request = Packet(Code.CONFIGURE_REQUEST, self._identifier,
                                   encode_options(self.policy.request()))
            self._send(self._request.encode())
            self._restart_count -= 1
            self._arm()
        elif action is Action.SCA:
            self._naks_sent = 0
            self._send(self._reply.encode())
        elif action is Action.SCN:
            if self._reply.code == Code.CONFIGURE_NAK:
                self._naks_sent += 1
            self._send(self._reply.encode())
        elif action is Action.STR:
            self._identifier = (self._identifier + 1) & 0xFF
            self._send(Packet(Code.TERMINATE_REQUEST, self._identifier,
                              self.terminate_reason).encode())
            self._restart_count -= 1
            self._arm()
        elif action is Action.STA:
            identifier = self._received.identifier if self._received is not None else 0
            self._send(Packet(Code.TERMINATE_ACK, identifier).encode())
        elif action is Action.SCJ:
            self._identifier = (self._identifier + 1) & 0xFF
            self._send(Packet(Code.CODE_REJECT, self._identifier,
                              self._received.encode()).encode())
        elif action is Action.SER:
            self._echo_reply()

    def _arm(self) -> None:
        self.deadline = self._now + self.limits.restart_interval
