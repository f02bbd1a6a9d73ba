"""The bearers of one modem's WIP stack (001 §4.2.7.1): a bearer is *opened* (the stack is
associated with it and its options can be set), then *started* (connected: a PDP context for
GPRS, a data call for GSM) — "Several bearer can be opened at the same time but only one
bearer can be started at a time".

Connecting is the modem's bearer services' job: GPRS activates a PDP context through
``GprsService`` (APN, login and password from the bearer options); GSM dials
``WIP_BOPT_DIAL_PHONENB`` through ``DialupService`` and runs PPP over the call, or, started
as a server, has it answer a call and run PPP's server side (the options' mapping is in
``simulator.dialects.wip.gsm``).  A UART or CMUX-DLC bearer runs the same PPP on the
modem's own port (``simulator.modem.portppp``), as client or server with the same options'
mapping, and its sockets talk IP to the host at the other end (D64).  Failures come back
as the services' enums and leave as the manuals' codes through tables.

A bearer works with what ``BearerContext`` gives it (the revision, the URC emitter, the
modem's bearer services); what else goes when it stops is its observers' business.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet import defer
from twisted.logger import Logger

from simulator.dialects.wip import bearer_options as bo
from simulator.dialects.wip import gsm
from simulator.dialects.wip.bearer_options import BearerKind
from simulator.dialects.wip.errors import Code, WipError
from simulator.modem.dialup import DialupError, DialupFailure, DialupService
from simulator.modem.gprs import GprsError, GprsFailure, GprsService

if TYPE_CHECKING:
    from simulator.at.commands import DataSink
    from simulator.at.interpreter import Interpreter
    from simulator.dialects.wip.revision import Revision
    from simulator.modem.portppp import PortLine
    from simulator.network.apn import Bearer
    from simulator.network.dialup_session import DialupSession

log = Logger(namespace="atsim.wip.bearer")


class State(enum.Enum):
    STOPPED = 0  # open, not started: the read command shows "<bid>,0"
    STARTING = 2  # shown as 0 too: not started yet
    STARTED = 1


#: Why a GPRS bearer could not be had -> +WIPBR codes (001 §10).
GPRS_CODES = {
    GprsFailure.NO_NETWORK: Code.GPRS_NETWORK_FAILURE,
    GprsFailure.SIM_NOT_INSERTED: Code.NO_SIM,
    GprsFailure.SIM_NOT_READY: Code.SIM_NOT_READY,
    GprsFailure.NOT_REGISTERED: Code.GPRS_NETWORK_FAILURE,
    GprsFailure.NOT_ATTACHED: Code.GPRS_NETWORK_FAILURE,
    GprsFailure.UNKNOWN_APN: Code.GPRS_NETWORK_FAILURE,
    GprsFailure.AUTH_FAILED: Code.PPP_AUTHENTICATION_FAILED,
    GprsFailure.NETWORK_FAILURE: Code.GPRS_NETWORK_FAILURE,
    GprsFailure.NO_ADDRESS: Code.GPRS_NETWORK_FAILURE,
    GprsFailure.CANCELLED: Code.BAD_STACK_STATE,  # stopped by +WIPBR=5 meanwhile (D18)
}


def _wip_error(failure):
    """A bearer service's failure as the manuals' code."""
    if failure.check(GprsError):
        raise WipError(GPRS_CODES[failure.value.reason])
    failure.trap(DialupError)
    raise WipError(gsm.FAILURE_CODES[failure.value.reason])


def _ppp_error(failure):
    """PPP on a port ended before IPCP opened: the manuals' code, as for a data call's PPP."""
    from simulator.modem.dialup import PPP_FAILURES
    from simulator.network.dialup_session import PppError

    if failure.check(defer.CancelledError):
        raise WipError(Code.BAD_STACK_STATE)
    failure.trap(PppError)
    raise WipError(gsm.FAILURE_CODES[PPP_FAILURES.get(failure.value.reason,
                                                      DialupFailure.CALL_DROPPED)])


@dataclasses.dataclass(frozen=True)
class BearerContext:
    """What the bearers of one stack work with."""

    revision: Revision
    #: Emit an unsolicited result code on every port (a GSM server's +WIPBR).
    urc: Callable[[str], None]
    #: The modem's bearer services, asked when needed.
    gprs: Callable[[], GprsService]
    dialup: Callable[[], DialupService]
    #: The modem's name, for the log.
    modem: str
    #: A ``PortLine`` on (UART number, DLCI or None), or None when there is no such port.
    port_line: Callable[[int, int | None], PortLine | None] = lambda uart, dlci: None
    #: ``ppp_report(**where)``: a reporter of a port bearer's PPP phases as the modem's
    #: ``ppp`` events (``simulator.modem.pppreport``); None reports nothing.
    ppp_report: Callable[..., Any] | None = None


class WipBearer:
    def __init__(self, context: BearerContext, bid: int, kind: BearerKind,
                 options: dict[int, int | str]) -> None:
        self.context = context
        self.bid = bid
        self.kind = kind
        self.options = options
        self.state = State.STOPPED
        self.connection: Bearer | None = None  # the network's bearer once started
        self.session: DialupSession | None = None  # GSM: PPP over the call
        self.server: defer.Deferred | None = None  # GSM started as a server, waiting
        self._pending: defer.Deferred | None = None
        #: Set by a start on the bearer's own port: the sink the command hands the port to.
        self.here: DataSink | None = None
        self._observers: list[Callable[[WipBearer], None]] = []

    def __repr__(self) -> str:
        return f"<WipBearer {self.bid} {self.kind.value} {self.state.name}>"

    @property
    def _gprs(self) -> GprsService:
        return self.context.gprs()

    @property
    def started(self) -> bool:
        return self.state is State.STARTED

    def on_stop(self, observer: Callable[[WipBearer], None]) -> None:
        """``observer(bearer)`` when the started bearer goes down (stop, close, network)."""
        self._observers.append(observer)

    # -- options --------------------------------------------------------------------------

    def shown(self, number: int) -> str:
        option = self.context.revision.bearer_options[number]
        value = self.options[number]
        if number in bo.CONNECTION_ADDRESSES:
            value = self._address(number)
        if option.kind is bo.Kind.NUMBER:
            return str(value)
        return f'"{value}"'

    def _address(self, number: int) -> str:
        """Addresses are known once the connection is up (001 §4.2.3 Caution)."""
        connection = self.connection
        if not self.started or connection is None:
            return bo.NO_ADDRESS
        if number == bo.IP_ADDR:
            return connection.address
        if number in (bo.IP_DNS1, bo.IP_DNS2):
            dns = connection.dns
            index = 0 if number == bo.IP_DNS1 else 1
            return dns[index] if index < len(dns) else bo.NO_ADDRESS
        session = self.session
        if session is not None and session.opened is not None:
            return session.opened.peer_address  # the PPP peer
        return bo.NO_ADDRESS  # a PDP context has no PPP peer address

    # -- starting and stopping ------------------------------------------------------------

    def start(self, issuing: Interpreter | None = None) -> defer.Deferred:
        """Connect; fires once started, or fails with the manuals' code.  ``issuing``: the
        port the command came on (a port bearer on it takes that port, see ``here``)."""
        self.state = State.STARTING
        if self.kind is BearerKind.GPRS:
            d = self._connect_gprs()
        elif self.kind is BearerKind.PPP:
            role = gsm.client_role(self.options)
            try:
                d = self._connect_port(self._port_line(issuing), role.config(), role.dns,
                                       "client")
            except WipError as e:
                d = defer.fail(e)
        else:
            d = self._connect_gsm()
        self._pending = d
        d.addCallbacks(self._connected, self._failed)
        return d

    def _connect_gprs(self) -> defer.Deferred:
        login = str(self.options[bo.LOGIN]) or None
        password = str(self.options[bo.PASSWORD]) or None
        try:
            d = self._gprs.activate(str(self.options[bo.GPRS_APN]), login, password)
        except GprsError as e:
            return defer.fail(WipError(GPRS_CODES[e.reason]))
        return d.addErrback(_wip_error)

    def _connect_gsm(self) -> defer.Deferred:
        dialup = self.context.dialup()
        try:
            d = dialup.dial(str(self.options[bo.DIAL_PHONENB]), gsm.client_role(self.options))
        except DialupError as e:
            return defer.fail(WipError(gsm.FAILURE_CODES[e.reason]))
        return d.addCallback(self._session_up).addErrback(_wip_error)

    def _port_line(self, issuing: Interpreter | None = None) -> PortLine:
        """The bearer's own port (001 §4.2.7.1): it must exist and be idle in AT command
        mode, or be the port running the start command, else 805 (D64).  On that port PPP
        starts once the command answered ``OK`` (``here``)."""
        line = self.context.port_line(*bo.PORT_OF[self.bid])
        if line is not None and issuing is not None and line.interpreter is issuing:
            if issuing.online:  # a call held in online command state has the port
                raise WipError(Code.INTERFACE_NOT_AVAILABLE)
            self.here = line.take_here()
            return line
        if line is None or not line.free:
            raise WipError(Code.INTERFACE_NOT_AVAILABLE)
        return line

    def _connect_port(self, line: PortLine, config, dns, role: str) -> defer.Deferred:
        from simulator.network.dialup_session import DialupSession

        observer = line.observe
        report = None
        if self.context.ppp_report is not None:
            report = self.context.ppp_report(role=role, bearer="serial", bid=self.bid,
                                             port=line.interpreter.port)

            def observer(event, report=report) -> None:
                line.observe(event)
                report(event)

        session = DialupSession(line, config, line.clock, line.rng,
                                name=f"{self.context.modem} bearer {self.bid}", dns=dns,
                                observer=observer)
        self.session = session
        if report is not None:
            report.started()
        d = session.start()
        return d.addErrback(_ppp_error)

    def _session_up(self, session: DialupSession) -> Bearer:
        self.session = session
        return session.bearer

    def start_server(self, login: str, password: str, caller: str | None,
                     issuing: Interpreter | None = None) -> None:
        """Wait for a data call (001 §4.2.7.1); the outcome comes as the +WIPBR URC."""
        if self.kind is BearerKind.PPP:
            self._serve_port(login, password, issuing)
            return
        dialup = self.context.dialup()
        try:
            self.server = dialup.serve(gsm.server_role(self.options, login, password),
                                       gsm.answering(self.options, caller))
        except DialupError as e:
            raise WipError(gsm.FAILURE_CODES[e.reason]) from None
        self.state = State.STARTED
        self.server.addCallbacks(self._served, self._serving_failed)
        log.info("{modem}: WIP bearer {bid} waits for a data call", modem=self.context.modem,
                 bid=self.bid)

    def _serve_port(self, login: str, password: str, issuing: Interpreter | None) -> None:
        """PPP's server side on the port: the host logs in with <login>/<password>."""
        role = gsm.server_role(self.options, login, password)
        d = self._connect_port(self._port_line(issuing), role.config(), None, "server")
        self.state = State.STARTED
        self.server = d
        d.addCallback(lambda _: self.session)
        d.addCallbacks(self._served, self._port_serving_failed)
        log.info("{modem}: WIP bearer {bid} waits for the host's PPP", modem=self.context.modem,
                 bid=self.bid)

    def _port_serving_failed(self, failure) -> None:
        self.server = None
        self.session = None
        failure.trap(WipError)
        if failure.value.code == Code.BAD_STACK_STATE:
            return  # stopped by the host: no URC
        self._report(int(failure.value.code))
        if self.state is State.STARTED:
            self.state = State.STOPPED
            self._stopped()

    def _served(self, session: DialupSession) -> None:
        self.server = None
        self.session = session
        self._connected(session.bearer)
        opened = session.opened
        self._report(0, opened.local_address, opened.peer_address, session.bearer.dns)

    def _serving_failed(self, failure) -> None:
        self.server = None
        failure.trap(DialupError)
        if failure.value.reason is DialupFailure.CANCELLED:
            return  # stopped by the host: no URC
        self._report(int(gsm.FAILURE_CODES[failure.value.reason]))
        if self.state is State.STARTED:
            # One start, one connection process (D58): a failed one leaves the bearer stopped.
            self.state = State.STOPPED
            self._stopped()

    def _report(self, status: int, local: str = bo.NO_ADDRESS, remote: str = bo.NO_ADDRESS,
                dns: tuple[str, ...] = ()) -> None:
        dns = (*dns, bo.NO_ADDRESS, bo.NO_ADDRESS)
        self.context.urc(self.context.revision.server_urc.format(
            bid=self.bid, status=status, local=local, remote=remote, dns1=dns[0], dns2=dns[1]))

    def _connected(self, connection: Bearer) -> None:
        self._pending = None
        self.connection = connection
        self.state = State.STARTED
        if self.kind is BearerKind.GPRS:
            self._gprs.on_lost(connection, self._released)
        else:
            connection.on_release(self._released)  # PPP's link ended, or the call dropped
        log.info("{modem}: WIP bearer {bid} started, {address}", modem=self.context.modem,
                 bid=self.bid, address=connection.address)

    def _failed(self, failure):
        self._pending = None
        self.session = None
        if self.state is State.STARTING:
            self.state = State.STOPPED
        return failure

    def stop(self) -> None:
        """Release the connection (a start in progress is abandoned)."""
        server, self.server = self.server, None
        if server is not None:
            server.cancel()
        session, self.session = self.session, None
        if session is not None:
            session.close()  # PPP says goodbye, then the call is hung up
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.state = State.STOPPED
            pending.cancel()
            return
        connection, self.connection = self.connection, None
        if self.state is State.STARTED:
            self.state = State.STOPPED
            if connection is not None:
                self._release(connection)
            self._stopped()

    def _release(self, connection: Bearer) -> None:
        """Let go of the connection without hearing of it as a loss."""
        if self.kind is BearerKind.GPRS:
            self._gprs.release(connection)
        else:
            connection.remove_release_observer(self._released)
            connection.release()  # the PPP session ends with its call

    def _released(self, connection: Bearer, by_network: bool = True) -> None:
        if connection is self.connection:
            log.info("{modem}: WIP bearer {bid} lost its connection", modem=self.context.modem,
                     bid=self.bid)
            self.connection = None
            self.session = None
            self.state = State.STOPPED
            self._stopped()

    def _stopped(self) -> None:
        for observer in list(self._observers):
            observer(self)

