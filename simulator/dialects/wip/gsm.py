"""The GSM bearer (bid 5, 001 §4.2.7.1): PPP over a circuit-switched data call, run by
atsim's PPP (``simulator.ppp``) on the call the network connects.

Client, ``AT+WIPBR=4,5,0``: dial ``WIP_BOPT_DIAL_PHONENB``, log in with ``WIP_BOPT_LOGIN``
and ``WIP_BOPT_PASSWORD`` (PAP and CHAP as options 7 and 8 allow), and use the address IPCP
gives as the stack's bearer.  Server, ``AT+WIPBR=4,5,1,<login>,<password>[,<caller
identity>]``: take the next incoming data call (from ``<caller identity>`` only, when given),
answer it after ``WIP_BOPT_DIAL_RINGCOUNT`` rings, check the caller's PPP login against
``<login>``/``<password>``, give it the configured addresses, and report the outcome with
``+WIPBR: <bid>,<status>,<local IP @>,<remote IP @>,<DNS1 @>,<DNS2 @>`` (001 §4.2.2).

The decisions behind each mapping are in docs/dialects/wip.md (D54-D61).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet import defer
from twisted.logger import Logger

from simulator.dialects.wip import bearer_options as bo
from simulator.dialects.wip.errors import Code, WipError
from simulator.modem.calls import CREATED, RELEASED, CallService
from simulator.modem.csd import RING_INTERVAL
from simulator.network.calls import normalise_number
from simulator.network.errors import CallError, CallFailure
from simulator.ppp import AuthProtocol, PeerConfig, Termination
from simulator.ppp.dialup import DialupSession, PppError

if TYPE_CHECKING:
    from simulator.dialects.wip.bearers import WipBearer

log = Logger(namespace="atsim.wip.gsm")

#: Data call failures -> +WIPBR codes (001 §10).
CALL_CODES = {
    CallFailure.BUSY: Code.LINE_BUSY,
    CallFailure.NO_ANSWER: Code.NO_ANSWER,
    CallFailure.NO_CARRIER: Code.NO_CARRIER,
}
#: Why PPP ended -> +WIPBR codes (001 §10, the numbering of D12).
TERMINATION_CODES = {
    Termination.LCP_FAILED: Code.PPP_LCP_FAILED,
    Termination.AUTHENTICATION_FAILED: Code.PPP_AUTHENTICATION_FAILED,
    Termination.IPCP_FAILED: Code.PPP_IPCP_FAILED,
    Termination.PEER_TERMINATED: Code.PPP_PEER_TERMINATED,
    Termination.ECHO_TIMEOUT: Code.PPP_NO_ECHO_REPLY,
    Termination.LOWER_LAYER_DOWN: Code.NO_CARRIER,  # the call dropped under PPP
    Termination.LOCAL_CLOSE: Code.BAD_STACK_STATE,  # stopped by +WIPBR=5 meanwhile (D18)
}
#: A server's addresses when options 15 and 16 are left at "0.0.0.0": the manual's own
#: example of an address (001 §4.2.3, "e.g. 192.168.0.1") and the next one for the caller.
SERVER_LOCAL_ADDRESS = "192.168.0.1"
SERVER_PEER_ADDRESS = "192.168.0.2"
#: LCP keepalive of the client, so that a peer gone silent ends the bearer with 817 (pppd's
#: usual lcp-echo-interval and lcp-echo-failure of distribution peers files).
ECHO_INTERVAL = 30.0
ECHO_FAILURES = 4


def _address(options: dict[int, Any], number: int) -> str | None:
    value = str(options[number])
    return None if value == bo.NO_ADDRESS else value


def auth_protocols(options: dict[int, Any]) -> tuple[AuthProtocol, ...]:
    """Options 7 and 8, CHAP first (the secret does not cross the line).  MS-CHAP (9, 10) is
    not spoken by atsim's PPP: those options are kept and shown only."""
    protocols = []
    if options[bo.PPP_CHAP]:
        protocols.append(AuthProtocol.CHAP)
    if options[bo.PPP_PAP]:
        protocols.append(AuthProtocol.PAP)
    return tuple(protocols)


def configured_dns(options: dict[int, Any]) -> tuple[str, ...]:
    return tuple(a for a in (_address(options, bo.IP_DNS1), _address(options, bo.IP_DNS2)) if a)


def client_config(options: dict[int, Any]) -> PeerConfig:
    """Options 15 and 16 are wishes the peer may overrule (D56); option 19 asks the peer for
    name servers."""
    return PeerConfig.client(
        str(options[bo.LOGIN]), str(options[bo.PASSWORD]),
        authenticate_with=auth_protocols(options),
        local_address=_address(options, bo.IP_ADDR), accept_local=True,
        peer_address=_address(options, bo.IP_DST_ADDR), accept_remote=True,
        request_dns=bool(options[bo.IP_SETDNS]),
        echo_interval=ECHO_INTERVAL, echo_failures=ECHO_FAILURES)


def client_dns(options: dict[int, Any]) -> tuple[str, ...] | None:
    """The resolver's servers: PPP's with option 19 set (None), else options 17 and 18."""
    return None if options[bo.IP_SETDNS] else configured_dns(options)


def server_config(options: dict[int, Any], login: str, password: str) -> PeerConfig:
    """The caller gets option 16 (or takes its own address when 16 is unset), the server
    keeps option 15, and options 17/18 are the name servers given (D57)."""
    peer = _address(options, bo.IP_DST_ADDR)
    protocols = auth_protocols(options)
    return PeerConfig.server(
        _address(options, bo.IP_ADDR) or SERVER_LOCAL_ADDRESS,
        peer or SERVER_PEER_ADDRESS, accept_remote=peer is None,
        secrets={login: password} if protocols else None, require_auth=protocols,
        dns=configured_dns(options), name="wip")


def failure_code(failure) -> WipError:
    """The manuals' code for a failed GSM connection."""
    if failure.check(WipError):
        return failure.value
    if failure.check(defer.CancelledError):
        return WipError(Code.BAD_STACK_STATE)
    if failure.check(CallError):
        return WipError(CALL_CODES.get(failure.value.reason, Code.NO_CARRIER))
    if failure.check(PppError):
        return WipError(TERMINATION_CODES.get(failure.value.reason, Code.PPP_LCP_FAILED))
    return WipError(Code.NO_CARRIER)


def _announce(modem, kind: str, *, remote: bool) -> None:
    """The bearer's calls are circuit calls like ATD's: the call service's observers
    (+WIND: 5 / 6) hear of them too."""
    try:
        calls = modem.service(CallService)
    except LookupError:
        return
    calls.announce(kind, remote=remote)


def _ended_remotely(reason: Termination) -> bool:
    return reason is not Termination.LOCAL_CLOSE


def connect_client(bearer: WipBearer, network, number: str) -> defer.Deferred:
    """Dial and run PPP: fires with the network bearer, fails with ``WipError``."""
    modem = bearer.wip.modem

    def connected(call):
        session = DialupSession(call, client_config(bearer.options), modem.clock, modem.rng,
                                name=modem.name, dns=client_dns(bearer.options))
        bearer.session = session
        session.on_end(lambda reason: _announce(modem, RELEASED,
                                                remote=_ended_remotely(reason)))
        return session.start()

    def failed(failure):
        _announce(modem, RELEASED, remote=not failure.check(defer.CancelledError))
        return defer.fail(failure_code(failure))

    _announce(modem, CREATED, remote=False)
    d = network.dial(modem.name, number)
    d.addCallback(connected)
    return d.addErrback(failed)


class GsmServer:
    """A GSM bearer started as a server: waits for one call, runs PPP on it, reports.

    ``on_result(status, session)`` is called once: status 0 with the session whose IPCP
    opened, or the error code.
    """

    def __init__(self, bearer: WipBearer, login: str, password: str, caller: str | None,
                 on_result: Callable[[int, DialupSession | None], None]) -> None:
        self.bearer = bearer
        self.login = login
        self.password = password
        self.caller = caller
        self.on_result = on_result
        self.session: DialupSession | None = None
        self._incoming = None
        self._timer = None
        self._done = False

    @property
    def _calls(self) -> CallService | None:
        try:
            return self.bearer.wip.modem.service(CallService)
        except LookupError:
            return None

    def start(self) -> None:
        calls = self._calls
        if calls is not None:
            calls.add_call_claimer(self._claim)

    def stop(self) -> None:
        """The host stopped the bearer: no more waiting, and a call being answered or
        negotiating is hung up."""
        self._done = True
        self._release_claim()
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        incoming, self._incoming = self._incoming, None
        if incoming is not None and incoming.state == "ringing":
            incoming.reject()
        if self.session is not None:
            self.session.close()

    def _release_claim(self) -> None:
        calls = self._calls
        if calls is not None:
            calls.remove_call_claimer(self._claim)

    def _claim(self, incoming) -> bool:
        if self._done or self._incoming is not None:
            return False  # busy with a call already: the network's BUSY comes from elsewhere
        modem = self.bearer.wip.modem
        _announce(modem, CREATED, remote=True)
        if self.caller is not None and (
                incoming.caller is None
                or normalise_number(incoming.caller) != normalise_number(self.caller)):
            log.info("{modem}: WIP GSM server refuses a call from {caller}",
                     modem=modem.name, caller=incoming.caller or "unknown")
            incoming.reject()
            _announce(modem, RELEASED, remote=False)
            self._finish(Code.INCOMING_CALL_REFUSED)
            return True
        self._incoming = incoming
        incoming.on_end(self._caller_gave_up)
        rings = int(self.bearer.options[bo.RINGCOUNT])
        clock = self.bearer.wip.modem.clock
        self._timer = clock.callLater(rings * RING_INTERVAL, self._answer)
        return True

    def _caller_gave_up(self, why) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        if self._incoming is not None:
            _announce(self.bearer.wip.modem, RELEASED, remote=True)
        self._incoming = None  # wait for the next call

    def _answer(self) -> None:
        incoming, self._incoming = self._incoming, None
        if incoming is None or incoming.state != "ringing" or self._done:
            return
        self._release_claim()
        modem = self.bearer.wip.modem
        call = incoming.answer()
        self.session = DialupSession(
            call, server_config(self.bearer.options, self.login, self.password),
            modem.clock, modem.rng, name=modem.name)
        self.session.on_end(lambda reason: _announce(modem, RELEASED,
                                                     remote=_ended_remotely(reason)))
        self.session.start().addCallbacks(self._opened, self._failed)

    def _opened(self, connection) -> None:
        self._finish(0)

    def _failed(self, failure) -> None:
        _announce(self.bearer.wip.modem, RELEASED, remote=True)
        self._finish(int(failure_code(failure).code))

    def _finish(self, status: int) -> None:
        if self._done:
            return
        self._done = True
        self._release_claim()
        self.on_result(status, self.session if status == 0 else None)
