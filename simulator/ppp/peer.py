"""A PPP peer, sans-IO: line octets in (``receive_data``), line octets out
(``data_to_send``), events out (``next_event``), IPv4 packets in and out once IPCP opened
(``IpPacketReceived``, ``send_ip``).  Time enters only as ``now`` arguments; the owner calls
``handle_timer(now)`` when ``get_timer()`` says.

    peer = PppPeer(PeerConfig.client("user", "secret"), rng)
    peer.lower_up(now); peer.open(now)          # the line is there; start
    line.write(peer.data_to_send())
    peer.receive_data(octets, now)
    while (event := peer.next_event()) is not None: ...

Phases follow RFC 1661 §3: Dead, Establish (LCP), Authenticate (PAP/CHAP, each direction
the other side asked for), Network (IPCP), Terminate.  A client and a server differ only in
their ``PeerConfig``.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import random
from collections.abc import Callable

from simulator.ppp.auth import AuthRole
from simulator.ppp.automaton import Automaton
from simulator.ppp.chap import ChapAuthenticatee, ChapAuthenticator
from simulator.ppp.config import AuthProtocol, PeerConfig
from simulator.ppp.events import (
    Authenticated,
    Event,
    IpcpOpened,
    IpPacketReceived,
    LinkEstablished,
    LinkTerminated,
    Termination,
)
from simulator.ppp.framing import DEFAULT_ACCM, Frame, FrameDecoder, encode_frame
from simulator.ppp.ipcp import UNSPECIFIED, IpcpPolicy
from simulator.ppp.lcp import LcpPolicy, LinkParameters
from simulator.ppp.packets import Packet, decode_packet
from simulator.ppp.pap import PapAuthenticatee, PapAuthenticator
from simulator.ppp.protocols import Code, Protocol
from simulator.ppp.states import NEGOTIATING, State

#: IPCP packets kept while the network phase is held (``PeerConfig.hold_network``); a peer
#: resends its Configure-Request anyway, so older ones add nothing.
HELD_IPCP_PACKETS = 4
#: Octets of a rejected packet a Protocol-Reject carries back: enough to identify it, and
#: within any MRU atsim accepts (RFC 1661 §5.7 asks for truncation to the peer's MRU).
PROTOCOL_REJECT_EXCERPT = 64


class Phase(enum.Enum):
    DEAD = "dead"
    ESTABLISH = "establish"
    AUTHENTICATE = "authenticate"
    NETWORK = "network"
    TERMINATE = "terminate"


@dataclasses.dataclass
class PeerStats:
    ip_sent: int = 0
    ip_received: int = 0
    #: IP packets given to ``send_ip`` before IPCP opened, or after it closed.
    ip_not_sent: int = 0
    #: IP packets longer than the MRU the peer asked for, not sent (RFC 1661 §6.1): the IP
    #: layer above fragments to ``peer_mru``.
    ip_too_big: int = 0
    #: Frames silently discarded: wrong phase, malformed packet, unexpected protocol.
    discarded: int = 0
    protocol_rejects_sent: int = 0
    #: Echo-Requests left unanswered by an injected fault.
    echo_requests_ignored: int = 0


class PppPeer:
    def __init__(self, config: PeerConfig, rng: random.Random | None = None) -> None:
        self.config = config
        self.rng = rng if rng is not None else random.Random(0)
        self.phase = Phase.DEAD
        self.stats = PeerStats()
        self.link = LinkParameters()
        self._decoder = FrameDecoder()
        self._out = bytearray()
        self._events: collections.deque[Event] = collections.deque()
        self.lcp_policy = LcpPolicy(config, self.rng)
        self.lcp = Automaton("LCP", self.lcp_policy, _LcpLayer(self), self._send_lcp,
                             config.limits)
        self.ipcp_policy = IpcpPolicy(config)
        self.ipcp = Automaton("IPCP", self.ipcp_policy, _IpcpLayer(self),
                              lambda info: self._send_frame(Protocol.IPCP, info), config.limits)
        self._auth: list[AuthRole] = []
        self._reason: Termination | None = None
        self._detail = ""
        self._running = False  # a LinkTerminated is owed when the link stops
        self._ipcp_was_open = False
        self._echo_deadline: float | None = None
        self._echo_unanswered = 0
        self._lcp_identifier = 0
        self._now = 0.0
        self._network_held = False
        self._held_ipcp: collections.deque[bytes] = collections.deque(maxlen=HELD_IPCP_PACKETS)
        #: Hooks of injected faults (a peer that stops answering keepalives): each says
        #: whether this Echo-Request goes unanswered.
        self.ignore_echo_request: list[Callable[[], bool]] = []

    def __repr__(self) -> str:
        return f"<PppPeer {self.phase.value} LCP {self.lcp.state.name} IPCP {self.ipcp.state.name}>"

    # -- the owner's side ---------------------------------------------------------------------

    @property
    def framing_stats(self):
        return self._decoder.stats

    @property
    def network_open(self) -> bool:
        return self.ipcp.opened

    def lower_up(self, now: float) -> None:
        """The line is there (a call connected, a serial port opened)."""
        self._now = now
        self._start_running()
        self.lcp.up(now)

    def lower_down(self, now: float) -> None:
        """The line is gone: no more octets either way."""
        self._now = now
        self._set_reason(Termination.LOWER_LAYER_DOWN)
        self.lcp.down(now)
        self._finish()

    def open(self, now: float) -> None:
        """Administrative Open: negotiate as soon as the line is up."""
        self._now = now
        self._start_running()
        self.ipcp.open(now)
        self.lcp.open(now)

    def _start_running(self) -> None:
        if not self._running:
            self._running = True
            self._reason, self._detail = None, ""
            self._ipcp_was_open = False
            if self.phase is Phase.DEAD:
                self.phase = Phase.ESTABLISH

    def close(self, now: float, reason: Termination = Termination.LOCAL_CLOSE,
              detail: str = "") -> None:
        """Terminate the link (Terminate-Request, then ``LinkTerminated`` once acknowledged
        or after Max-Terminate tries)."""
        self._now = now
        self._set_reason(reason, detail)
        self.phase = Phase.TERMINATE if self.phase is not Phase.DEAD else Phase.DEAD
        self.lcp.close(now, (detail or reason.value).encode("utf-8"))

    @property
    def network_held(self) -> bool:
        """Authentication is over and the network phase waits for ``start_network``."""
        return self._network_held

    def start_network(self, now: float, local_address: str, peer_address: str,
                      dns: tuple[str, ...] = ()) -> None:
        """The addresses of a held network phase (``PeerConfig.hold_network``): IPCP starts
        with them, and the IPCP packets that waited are answered."""
        self._now = now
        self.config = dataclasses.replace(self.config, local_address=local_address,
                                          peer_address=peer_address, dns=tuple(dns)[:2],
                                          hold_network=False)
        self.ipcp_policy.config = self.config
        self.ipcp_policy.reset()
        if not self._network_held:
            return
        self._network_held = False
        self.ipcp.up(now)
        held, self._held_ipcp = list(self._held_ipcp), collections.deque(
            maxlen=HELD_IPCP_PACKETS)
        for information in held:
            self._ipcp_packet(information, now)

    def receive_data(self, data: bytes, now: float) -> None:
        self._now = now
        for frame in self._decoder.frames(data):
            self._frame(frame, now)
            # The map we asked for applies from the first frame after LCP opened.
            self._decoder.accm = self.link.receive_accm

    @property
    def peer_mru(self) -> int:
        """The longest packet the peer takes (its MRU option; 1500 until LCP opened)."""
        return self.link.peer_mru

    def send_ip(self, packet: bytes) -> bool:
        """Queue one IPv4 packet; False (and counted) when IPCP is not open, or when the
        packet is longer than the peer's MRU."""
        if not self.ipcp.opened:
            self.stats.ip_not_sent += 1
            return False
        if len(packet) > self.link.peer_mru:
            self.stats.ip_too_big += 1
            return False
        self._send_frame(Protocol.IPV4, bytes(packet))
        self.stats.ip_sent += 1
        return True

    def data_to_send(self) -> bytes:
        out, self._out = bytes(self._out), bytearray()
        return out

    def next_event(self) -> Event | None:
        return self._events.popleft() if self._events else None

    def get_timer(self) -> float | None:
        """The earliest time ``handle_timer`` must be called at, or None."""
        deadlines = [self.lcp.deadline, self.ipcp.deadline, self._echo_deadline,
                     *(role.deadline for role in self._auth)]
        return min((d for d in deadlines if d is not None), default=None)

    def handle_timer(self, now: float) -> None:
        self._now = now
        if self.lcp.deadline is not None and now >= self.lcp.deadline:
            if self.lcp.state in NEGOTIATING and self.lcp.exhausted:
                self._set_reason(Termination.LCP_FAILED,
                                 f"no answer after {self.config.limits.max_configure} "
                                 "Configure-Requests")
            self.lcp.timeout(now)
        if self.ipcp.deadline is not None and now >= self.ipcp.deadline:
            self.ipcp.timeout(now)
        for role in list(self._auth):
            role.timeout(now)
        self._check_auth(now)
        if self._echo_deadline is not None and now >= self._echo_deadline:
            self._echo(now)

    # -- frames in ----------------------------------------------------------------------------

    def _frame(self, frame: Frame, now: float) -> None:
        protocol = frame.protocol
        if protocol == Protocol.LCP:
            self._lcp_packet(frame.information, now)
        elif not self.lcp.opened:
            # RFC 1661 §3.2: only LCP until the link is established.
            self.stats.discarded += 1
        elif protocol in (Protocol.PAP, Protocol.CHAP):
            self._auth_packet(protocol, frame.information, now)
        elif protocol == Protocol.IPCP:
            if self._network_held:
                self._held_ipcp.append(frame.information)
            else:
                self._ipcp_packet(frame.information, now)
        elif protocol == Protocol.IPV4:
            if self.ipcp.opened:
                self.stats.ip_received += 1
                self._events.append(IpPacketReceived(frame.information))
            else:
                self.stats.discarded += 1
        else:
            self._protocol_reject(frame)

    def _ipcp_packet(self, information: bytes, now: float) -> None:
        packet = decode_packet(information)
        if self.phase is not Phase.NETWORK or packet is None:
            self.stats.discarded += 1
        elif not self.ipcp.receive(packet, now):
            self.ipcp.reject_code(packet, now)
        self._check_ipcp(now)

    def _lcp_packet(self, information: bytes, now: float) -> None:
        packet = decode_packet(information)
        if packet is None:
            self.stats.discarded += 1
            return
        if packet.code == Code.TERMINATE_REQUEST and self.lcp.state not in (
                State.CLOSING, State.STOPPING):
            self._set_reason(Termination.PEER_TERMINATED,
                             packet.data.decode("utf-8", "replace"))
        if self.lcp.receive(packet, now):
            if self.lcp_policy.failure is not None and self.lcp.state in NEGOTIATING:
                self.close(now, Termination.AUTHENTICATION_FAILED, self.lcp_policy.failure)
            return
        code = packet.code
        if code == Code.PROTOCOL_REJECT:
            if self.lcp.opened:
                self._protocol_rejected(packet, now)
        elif code in (Code.ECHO_REQUEST, Code.ECHO_REPLY, Code.DISCARD_REQUEST):
            if code == Code.ECHO_REQUEST and any(hook() for hook in
                                                 list(self.ignore_echo_request)):
                self.stats.echo_requests_ignored += 1
                return
            if code == Code.ECHO_REPLY and self.lcp.opened:
                self._echo_unanswered = 0
            self.lcp.echo(packet, now, lambda: self._echo_reply(packet))
        else:
            self.lcp.reject_code(packet, now)

    def _echo_reply(self, request: Packet) -> None:
        if request.code != Code.ECHO_REQUEST:
            return
        magic = self.link.magic_number.to_bytes(4, "big")
        self._send_lcp(Packet(Code.ECHO_REPLY, request.identifier,
                              magic + request.data[4:]).encode())

    def _protocol_reject(self, frame: Frame) -> None:
        """RFC 1661 §5.7: a protocol we do not speak, on an opened link."""
        self.stats.protocol_rejects_sent += 1
        self._lcp_identifier = (self._lcp_identifier + 1) & 0xFF
        rejected = frame.protocol.to_bytes(2, "big") + frame.information[:PROTOCOL_REJECT_EXCERPT]
        self._send_lcp(Packet(Code.PROTOCOL_REJECT, self._lcp_identifier, rejected).encode())

    def _protocol_rejected(self, packet: Packet, now: float) -> None:
        if len(packet.data) < 2:
            return
        protocol = int.from_bytes(packet.data[:2], "big")
        if protocol == Protocol.IPCP:
            self.ipcp.code_rejected(now, catastrophic=True)
            self._check_ipcp(now)
        elif protocol == Protocol.LCP:
            self.lcp.code_rejected(now, catastrophic=True)
        elif protocol in (Protocol.PAP, Protocol.CHAP):
            for role in self._auth:
                if role.protocol == protocol:
                    role._fail("the peer rejected the authentication protocol")
            self._check_auth(now)

    def _auth_packet(self, protocol: int, information: bytes, now: float) -> None:
        packet = decode_packet(information)
        roles = [role for role in self._auth if role.protocol == protocol]
        if packet is None or not roles:
            self.stats.discarded += 1
            return
        for role in roles:
            role.receive(packet, now)
        self._check_auth(now)

    # -- phases -------------------------------------------------------------------------------

    def _link_established(self) -> None:
        self.link = self.lcp_policy.parameters()
        self._start_running()
        self.phase = Phase.AUTHENTICATE
        self._events.append(LinkEstablished(self.link.peer_mru))
        self._auth = self._auth_roles()
        for role in self._auth:
            role.start(self._now)
        if self.config.echo_interval is not None:
            self._echo_unanswered = 0
            self._echo_deadline = self._now + self.config.echo_interval
        self._check_auth(self._now)

    def _auth_roles(self) -> list[AuthRole]:
        config, link = self.config, self.link
        roles: list[AuthRole] = []

        def send_pap(info: bytes) -> None:
            self._send_frame(Protocol.PAP, info)

        def send_chap(info: bytes) -> None:
            self._send_frame(Protocol.CHAP, info)

        if link.peer_authenticates_with is AuthProtocol.PAP:
            roles.append(PapAuthenticator(config.secrets, config.auth_timeout, send_pap))
        elif link.peer_authenticates_with is AuthProtocol.CHAP:
            roles.append(ChapAuthenticator(config.secrets, config.name, config.limits,
                                           self.rng, send_chap))
        if link.we_authenticate_with is AuthProtocol.PAP:
            roles.append(PapAuthenticatee(config.credentials, config.limits, send_pap))
        elif link.we_authenticate_with is AuthProtocol.CHAP:
            roles.append(ChapAuthenticatee(config.credentials, config.auth_timeout,
                                           config.limits, send_chap))
        return roles

    def _check_auth(self, now: float) -> None:
        if self.phase is not Phase.AUTHENTICATE:
            return
        failed = [role for role in self._auth if role.succeeded is False]
        if failed:
            self.close(now, Termination.AUTHENTICATION_FAILED, failed[0].detail)
        elif all(role.done for role in self._auth):
            names = [role.peer_name for role in self._auth if role.authenticator]
            self._events.append(Authenticated(names[0] if names else None))
            self.phase = Phase.NETWORK
            if self.config.hold_network:
                self._network_held = True
            else:
                self.ipcp.up(now)

    def _link_down(self) -> None:
        self.link = LinkParameters()
        self._auth = []
        self._echo_deadline = None
        self._network_held = False
        self._held_ipcp.clear()
        if self.phase is not Phase.DEAD:
            self.phase = Phase.TERMINATE
        self.ipcp.down(self._now)

    def _link_finished(self) -> None:
        self.phase = Phase.DEAD
        self._set_reason(Termination.LCP_FAILED)
        self._finish()

    def _finish(self) -> None:
        if self._running:
            self._running = False
            self._events.append(LinkTerminated(self._reason or Termination.LCP_FAILED,
                                               self._detail))

    def _network_up(self) -> None:
        params = self.ipcp_policy.parameters()
        if params.local_address == UNSPECIFIED:
            self.close(self._now, Termination.IPCP_FAILED, "no address agreed")
            return
        self._ipcp_was_open = True
        self._events.append(IpcpOpened(params.local_address, params.peer_address, params.dns))

    def _check_ipcp(self, now: float) -> None:
        failure = self.ipcp_policy.failure
        if failure is not None and self.ipcp.state in NEGOTIATING:
            self.close(now, Termination.IPCP_FAILED, failure)

    def _network_finished(self) -> None:
        """IPCP gave up or was terminated: without a network protocol the link has no use
        (pppd closes it too)."""
        if self.lcp.opened:
            reason = (Termination.PEER_TERMINATED if self._ipcp_was_open
                      else Termination.IPCP_FAILED)
            self.close(self._now, reason)

    def _set_reason(self, reason: Termination, detail: str = "") -> None:
        if self._reason is None:
            self._reason, self._detail = reason, detail

    # -- echo keepalive -----------------------------------------------------------------------

    def _echo(self, now: float) -> None:
        if self._echo_unanswered >= self.config.echo_failures:
            self._echo_deadline = None
            self.close(now, Termination.ECHO_TIMEOUT,
                       f"{self._echo_unanswered} Echo-Requests unanswered")
            return
        self._echo_unanswered += 1
        self._lcp_identifier = (self._lcp_identifier + 1) & 0xFF
        self._send_lcp(Packet(Code.ECHO_REQUEST, self._lcp_identifier,
                              self.link.magic_number.to_bytes(4, "big")).encode())
        self._echo_deadline = now + self.config.echo_interval

    # -- frames out ---------------------------------------------------------------------------

    def _send_lcp(self, information: bytes) -> None:
        # RFC 1662 §7.1 / RFC 1661 §6.5-6.6: LCP always goes out with every control character
        # escaped, the address and control fields, and a two-octet protocol field.
        self._out += encode_frame(Protocol.LCP, information, accm=DEFAULT_ACCM)

    def _send_frame(self, protocol: int, information: bytes) -> None:
        link = self.link
        self._out += encode_frame(protocol, information, accm=link.transmit_accm,
                                  acfc=link.transmit_acfc, pfc=link.transmit_pfc)


class _LcpLayer:
    def __init__(self, peer: PppPeer) -> None:
        self.peer = peer

    def layer_up(self) -> None:
        self.peer._link_established()

    def layer_down(self) -> None:
        self.peer._link_down()

    def layer_started(self) -> None:
        self.peer.phase = Phase.ESTABLISH if self.peer.phase is Phase.DEAD else self.peer.phase

    def layer_finished(self) -> None:
        self.peer._link_finished()


class _IpcpLayer:
    def __init__(self, peer: PppPeer) -> None:
        self.peer = peer

    def layer_up(self) -> None:
        self.peer._network_up()

    def layer_down(self) -> None:
        pass

    def layer_started(self) -> None:
        pass

    def layer_finished(self) -> None:
        self.peer._network_finished()
