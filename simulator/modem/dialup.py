"""Data calls carrying PPP: how every dialect gets an IP bearer over a GSM circuit-switched
data call (WIP's ``+WIPBR`` GSM bearer, eDsoft's ``#CONNECTIONSTART`` in GSM mode and
``#ACCEPT`` ...), in either PPP role on either call direction.

    dialup = modem.service(DialupService)
    # out: dial, redial on BUSY / NO ANSWER / NO CARRIER, run PPP as a client (or a server)
    session = yield dialup.dial("0800", PppClient("user", "secret"), redials=2,
                                redial_delay=5)
    # in: take the next data call (from one number only), answer after 2 rings, run PPP
    server = dialup.serve(PppServer("192.168.0.1", "192.168.0.2", logins={"u": "p"}),
                          Answering(caller="+33611111111", rings=2))
    server.cancel()                  # stop waiting (a call being answered is hung up)
    # in, answered by the host: the call ringing on the AT ports
    session = yield dialup.answer(PppClient("user", "secret"))

Each fires with the ``DialupSession`` (``simulator.network.dialup_session``) once IPCP opened:
``session.bearer`` is the network bearer the sockets use, ``session.opened`` has the local and
peer addresses, ``session.close()`` ends PPP and hangs up, ``session.on_end`` tells of an
opened link ending.  A failure is a ``DialupError`` with a ``DialupFailure`` each dialect maps
to its own codes with a table.  What forbids trying at all (SIM, network, registration, no
number, no ringing call) is raised at once.

The calls are circuit calls like ``ATD``'s: the call service's observers hear them created and
released (+WIND: 5 / 6 on WIP), and a call a server takes does not ring on the ports.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from twisted.internet import defer

from simulator.logs import Logger
from simulator.modem.acquisition import AcquisitionError, sim_failure
from simulator.modem.calls import CREATED, RELEASED, CallService
from simulator.modem.csd import RING_INTERVAL
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.pppreport import PppReporter
from simulator.modem.siblings import sibling
from simulator.network.calls import normalise_number
from simulator.network.dialup_session import DialupSession, PppError
from simulator.network.errors import CallError, CallFailure
from simulator.ppp import AuthProtocol, PeerConfig, Termination

if TYPE_CHECKING:
    from simulator.network.calls import Call, IncomingCall

log = Logger(namespace="atsim.modem.dialup")

#: A client's LCP keepalive, so that a peer gone silent ends the link (pppd's usual
#: lcp-echo-interval and lcp-echo-failure in distributions' peers files).
ECHO_INTERVAL = 30.0
ECHO_FAILURES = 4
BOTH_PROTOCOLS = (AuthProtocol.CHAP, AuthProtocol.PAP)


class DialupFailure(enum.Enum):
    """Why a data call did not give a bearer."""

    NO_NETWORK = "no simulated network"  # the modem was built without one
    SIM_NOT_INSERTED = "SIM not inserted"
    SIM_NOT_READY = "SIM not ready"
    NOT_REGISTERED = "not registered"
    NO_NUMBER = "no number to dial"
    NO_CALL = "no call to answer"
    BUSY = "busy"
    NO_ANSWER = "no answer"
    NO_CARRIER = "no carrier"  # unknown number, unreachable far end
    LCP_FAILED = "LCP negotiation failed"
    AUTH_FAILED = "PPP authentication failed"
    IPCP_FAILED = "IPCP negotiation failed"
    PEER_TERMINATED = "the PPP peer terminated the link"
    NO_ECHO_REPLY = "the PPP peer does not answer echo requests"
    CALL_DROPPED = "the call dropped during PPP negotiation"
    CALLER_REFUSED = "a caller the screening refuses"
    CANCELLED = "cancelled"


class DialupError(AcquisitionError):
    reason: DialupFailure


class DialStep(enum.Enum):
    """What a ``progress`` callback hears while a data call is set up (a dialect that
    prints each step, as eDsoft's ``DIALING`` and ``CONNECT 9600`` do)."""

    DIALLING = "dialling"  # an attempt starts; the detail is the number
    CALL_FAILED = "call failed"  # the attempt failed (BUSY ...); a redial may follow
    CONNECTED = "connected"  # the call is up (dialled or answered); PPP starts


Progress = Callable[[DialStep, DialupFailure | None], None]


CALL_FAILURES = {
    CallFailure.BUSY: DialupFailure.BUSY,
    CallFailure.NO_ANSWER: DialupFailure.NO_ANSWER,
    CallFailure.NO_CARRIER: DialupFailure.NO_CARRIER,
}
PPP_FAILURES = {
    Termination.LCP_FAILED: DialupFailure.LCP_FAILED,
    Termination.AUTHENTICATION_FAILED: DialupFailure.AUTH_FAILED,
    Termination.IPCP_FAILED: DialupFailure.IPCP_FAILED,
    Termination.PEER_TERMINATED: DialupFailure.PEER_TERMINATED,
    Termination.ECHO_TIMEOUT: DialupFailure.NO_ECHO_REPLY,
    Termination.LOWER_LAYER_DOWN: DialupFailure.CALL_DROPPED,
    Termination.LOCAL_CLOSE: DialupFailure.CANCELLED,
}


@dataclasses.dataclass(frozen=True)
class PppClient:
    """PPP's client role: log in if the server asks, take the addresses it gives."""

    login: str = ""
    password: str = ""
    #: The protocols the client agrees to authenticate with (none: it refuses to).
    auth: tuple[AuthProtocol, ...] = BOTH_PROTOCOLS
    #: Addresses asked for and expected; the server may decide otherwise (pppd's
    #: ipcp-accept-local and ipcp-accept-remote).
    local_address: str | None = None
    peer_address: str | None = None
    request_dns: bool = True
    #: The bearer's name servers instead of those PPP gives (None: PPP's).
    dns: tuple[str, ...] | None = None
    echo_interval: float = ECHO_INTERVAL
    echo_failures: int = ECHO_FAILURES

    def config(self) -> PeerConfig:
        return PeerConfig.client(
            self.login, self.password, authenticate_with=self.auth,
            local_address=self.local_address, accept_local=True,
            peer_address=self.peer_address, accept_remote=True,
            request_dns=self.request_dns,
            echo_interval=self.echo_interval, echo_failures=self.echo_failures)


@dataclasses.dataclass(frozen=True)
class PppServer:
    """PPP's server role: keep ``local_address``, give the peer ``peer_address`` (or the
    address it asks for, with ``peer_may_choose``), check its login against ``logins`` with
    ``auth`` (no check when ``logins`` is None), give it ``dns``."""

    local_address: str
    peer_address: str
    peer_may_choose: bool = False
    logins: Mapping[str, str] | None = None
    auth: tuple[AuthProtocol, ...] = BOTH_PROTOCOLS
    dns: tuple[str, ...] = ()
    name: str = "atsim"

    def config(self) -> PeerConfig:
        return PeerConfig.server(
            self.local_address, self.peer_address, accept_remote=self.peer_may_choose,
            secrets=self.logins, require_auth=self.auth, dns=self.dns, name=self.name)


@dataclasses.dataclass(frozen=True)
class Answering:
    """Which incoming data call a server takes and when it answers."""

    #: Only calls from this number (digits compared); None: any call.
    caller: str | None = None
    #: Rings of the network's cadence before answering (0: at once).
    rings: int = 0
    #: A refused caller ends the wait with ``CALLER_REFUSED``; False: it is rejected and the
    #: wait goes on.
    refusal_ends_wait: bool = True
    #: The call rings on the AT ports (RING, +CRING, +CLIP, RI) until the server answers it,
    #: as an ordinary call does, and a refused caller is left ringing there, unanswered
    #: (eDsoft's automatic answer).  False: the server takes the call silently (WIP's).
    ring_on_ports: bool = False

    def accepts(self, caller: str | None) -> bool:
        if self.caller is None:
            return True
        return caller is not None and normalise_number(caller) == normalise_number(self.caller)


PppRole = PppClient | PppServer


class DialupService(Service):
    # -- what a dialect calls -------------------------------------------------------------

    def dial(self, number: str, ppp: PppRole, *, redials: int = 0,
             redial_delay: float = 0.0, progress: Progress | None = None) -> defer.Deferred:
        """Dial ``number`` and run PPP in the ``ppp`` role on the call; a call that fails
        (BUSY, NO_ANSWER, NO_CARRIER) is dialled again up to ``redials`` times,
        ``redial_delay`` seconds later.  Fires with the ``DialupSession`` once IPCP opened;
        fails with ``DialupError``.  Cancelling it abandons the call.  ``progress(step,
        reason)`` hears each attempt, each failed call and the connection."""
        self._check(registered=True)
        if not number:
            raise DialupError(DialupFailure.NO_NUMBER)
        return _Outgoing(self, number, ppp, progress, redials, redial_delay).start()

    def serve(self, ppp: PppRole, answering: Answering = Answering(), *,
              progress: Progress | None = None) -> defer.Deferred:
        """Take the next incoming data call ``answering`` accepts, answer it and run PPP
        in the ``ppp`` role.  Fires with the ``DialupSession`` once IPCP opened; fails with
        ``DialupError``.  Cancelling it stops waiting (and hangs up a call being answered).
        ``progress`` hears ``CONNECTED`` once the call is answered."""
        self._check(registered=False)
        return _Incoming(self, ppp, progress, answering).start()

    def answer(self, ppp: PppRole, *, progress: Progress | None = None) -> defer.Deferred:
        """Answer the data call ringing on the AT ports and run PPP in the ``ppp`` role, as
        ``serve`` does; ``DialupError(NO_CALL)`` at once when none rings."""
        self._check(registered=False)
        incoming = self._calls.take_ringing() if self._calls is not None else None
        if incoming is None:
            raise DialupError(DialupFailure.NO_CALL)
        return _Incoming(self, ppp, progress, Answering()).answer_now(incoming)

    # -- shared by both directions --------------------------------------------------------

    @property
    def _calls(self) -> CallService | None:
        return sibling(self.modem, CallService)

    def _check(self, *, registered: bool) -> None:
        failure = sim_failure(self.modem, DialupFailure.SIM_NOT_INSERTED,
                              DialupFailure.SIM_NOT_READY)
        if failure is not None:
            raise DialupError(failure)
        if not registered:
            return
        if self.modem.ip_network is None:
            raise DialupError(DialupFailure.NO_NETWORK)
        network = sibling(self.modem, NetworkService)
        if network is not None and network.serving is None:
            raise DialupError(DialupFailure.NOT_REGISTERED)

    def announce(self, kind: str, *, remote: bool, caller: str | None = None) -> None:
        calls = self._calls
        if calls is not None:
            calls.announce(kind, remote=remote, caller=caller)

    def session(self, call: Call, ppp: PppRole) -> DialupSession:
        """PPP in the ``ppp`` role on a connected call, announced released when it ends."""
        dns = ppp.dns if isinstance(ppp, PppClient) else None
        report = PppReporter(self.modem, role="client" if isinstance(ppp, PppClient)
                             else "server", bearer="csd")
        session = DialupSession(call, ppp.config(), self.modem.clock, self.modem.rng,
                                name=self.modem.name, dns=dns, observer=report)
        report.started()
        session.on_end(lambda reason: self.announce(
            RELEASED, remote=reason is not Termination.LOCAL_CLOSE))
        return session


def reason_of(failure) -> DialupFailure:
    """Why a dial, an answer or PPP on the call failed (a Twisted ``Failure``)."""
    if failure.check(DialupError):
        return failure.value.reason
    if failure.check(defer.CancelledError):
        return DialupFailure.CANCELLED
    if failure.check(CallError):
        return CALL_FAILURES.get(failure.value.reason, DialupFailure.NO_CARRIER)
    if failure.check(PppError):
        return PPP_FAILURES.get(failure.value.reason, DialupFailure.LCP_FAILED)
    return DialupFailure.NO_CARRIER


class _Attempt:
    """One acquisition: its Deferred, the step it waits on (a dial, PPP), the way out."""

    def __init__(self, service: DialupService, ppp: PppRole,
                 progress: Progress | None) -> None:
        self.service = service
        self.modem = service.modem
        self.ppp = ppp
        self._progress = progress
        self.d = defer.Deferred(self._cancel)
        self.step: defer.Deferred | None = None
        self.session: DialupSession | None = None

    def _cancel(self, _) -> None:
        self._stop()
        step, self.step = self.step, None
        if step is not None:
            step.cancel()
        self._fail(DialupFailure.CANCELLED)

    def _stop(self) -> None:
        """What a cancel also ends besides the step (timers, claims)."""

    def _tell(self, step: DialStep, reason: DialupFailure | None = None) -> None:
        if self._progress is not None:
            self._progress(step, reason)

    def _run_ppp(self, call: Call) -> None:
        self._tell(DialStep.CONNECTED)
        self.session = self.service.session(call, self.ppp)
        self.step = self.session.start()
        self.step.addCallbacks(self._opened, self._ppp_failed)

    def _opened(self, _bearer) -> None:
        self.step = None
        if not self.d.called:
            self.d.callback(self.session)

    def _ppp_failed(self, failure) -> None:
        self.step = None
        reason = reason_of(failure)
        self.service.announce(RELEASED, remote=reason is not DialupFailure.CANCELLED)
        self._fail(reason, str(failure.value))

    def _fail(self, reason: DialupFailure, detail: str = "") -> None:
        if not self.d.called:
            log.info("{modem}: data call failed: {reason}", modem=self.modem.name,
                     reason=reason.value)
            self.d.errback(DialupError(reason, detail))


class _Outgoing(_Attempt):
    def __init__(self, service: DialupService, number: str, ppp: PppRole,
                 progress: Progress | None, redials: int, redial_delay: float) -> None:
        super().__init__(service, ppp, progress)
        self.number = number
        self.redials = redials
        self.redial_delay = redial_delay
        self._timer = None

    def start(self) -> defer.Deferred:
        self._dial()
        return self.d

    def _stop(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()

    def _dial(self) -> None:
        self._timer = None
        self._tell(DialStep.DIALLING)
        self.service.announce(CREATED, remote=False)
        self.step = self.modem.ip_network.dial(self.modem.name, self.number)
        self.step.addCallbacks(self._run_ppp, self._call_failed)

    def _call_failed(self, failure) -> None:
        self.step = None
        reason = reason_of(failure)
        self.service.announce(RELEASED, remote=reason is not DialupFailure.CANCELLED)
        if reason is not DialupFailure.CANCELLED:
            self._tell(DialStep.CALL_FAILED, reason)
        if reason in CALL_FAILURES.values() and self.redials > 0 and not self.d.called:
            self.redials -= 1
            self._timer = self.modem.clock.callLater(self.redial_delay, self._dial)
            return
        self._fail(reason, str(failure.value))


class _Incoming(_Attempt):
    def __init__(self, service: DialupService, ppp: PppRole, progress: Progress | None,
                 answering: Answering) -> None:
        super().__init__(service, ppp, progress)
        self.answering = answering
        self.incoming: IncomingCall | None = None
        self._timer = None

    def start(self) -> defer.Deferred:
        calls = self.service._calls
        if calls is not None:
            calls.add_call_claimer(self._claim)
        return self.d

    def answer_now(self, incoming: IncomingCall) -> defer.Deferred:
        self._run_ppp(incoming.answer())
        return self.d

    def _cancel(self, _) -> None:
        """A call being answered is rejected (one ringing on the ports is left to ring);
        PPP under way is ended politely (its failure arrives later, and the Deferred has
        failed with CANCELLED by then)."""
        self._release_claim()
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        incoming, self.incoming = self.incoming, None
        if (incoming is not None and incoming.state == "ringing"
                and not self.answering.ring_on_ports):
            incoming.reject()
        if self.session is not None and self.step is not None:
            self.session.close()
        self._fail(DialupFailure.CANCELLED)

    def _release_claim(self) -> None:
        calls = self.service._calls
        if calls is not None:
            calls.remove_call_claimer(self._claim)

    def _claim(self, incoming: IncomingCall) -> bool:
        """Whether this server takes the call from the AT ports (see ``Answering``)."""
        if self.d.called or self.incoming is not None or self.session is not None:
            return False  # busy with a call already: the network's BUSY comes from elsewhere
        on_ports = self.answering.ring_on_ports
        if not self.answering.accepts(incoming.caller):
            log.info("{modem}: data call from {caller} refused", modem=self.modem.name,
                     caller=incoming.caller or "unknown")
            if on_ports:
                return False  # it rings on the ports, unanswered by the server
            self.service.announce(CREATED, remote=True, caller=incoming.caller)
            incoming.reject()
            self.service.announce(RELEASED, remote=False)
            if self.answering.refusal_ends_wait:
                self._release_claim()
                self._fail(DialupFailure.CALLER_REFUSED, incoming.caller or "unknown")
            return True
        if not on_ports:
            self.service.announce(CREATED, remote=True, caller=incoming.caller)
        self.incoming = incoming
        incoming.on_end(self._caller_gave_up)
        self._timer = self.modem.clock.callLater(self.answering.rings * RING_INTERVAL,
                                                 self._answer)
        return not on_ports

    def _caller_gave_up(self, why) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        if self.incoming is not None and not self.answering.ring_on_ports:
            self.service.announce(RELEASED, remote=True)
        self.incoming = None  # wait for the next call

    def _answer(self) -> None:
        incoming, self.incoming = self.incoming, None
        if incoming is None or incoming.state != "ringing" or self.d.called:
            return
        if self.answering.ring_on_ports:
            calls = self.service._calls
            ringing = calls.ringing if calls is not None else None
            if ringing is None or ringing.incoming is not incoming:
                return  # answered or refused at the ports meanwhile: wait for the next one
            calls.take_ringing()
        self._release_claim()
        self._run_ppp(incoming.answer())
