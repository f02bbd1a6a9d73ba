"""The application's connection (002 §2.2, §2.3; GenPro §2.2, §2.3): ``AT#CONNECTIONSTART``
in GPRS mode, ``AT#CONNECTIONSTOP``, ``AT#DISPLAYIP``, the inactivity timer (the dialect's
``idle_parameter``) and the link lost by the network.

``Connections`` holds the one connection the stack has: the GPRS activation under way
(through ``GprsService``), then the link it gave, published on ``AtSharpContext.link`` for
the services and moving the connection state (002 §8.2).  What each step prints goes to an
``Output``: the lines of the running command (``AT#CONNECTIONSTART``) or unsolicited lines
(a loss).  A dialect with GSM data calls (eDsoft: ``edsoft.dialup``) extends it through
``start_gsm``, ``_release_calls`` and ``holds_call``.  Decisions E40-E59 in
docs/dialects/edsoft.md.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any, Protocol

from twisted.internet import defer

from simulator.at import results
from simulator.at.commands import ResultLine
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.command import AtSharpCommand, AtSharpContext, CommandGroup
from simulator.dialects.atsharp.link import LinkKind
from simulator.dialects.atsharp.state import ConnectionState
from simulator.modem.gprs import GprsError, GprsFailure, GprsService

if TYPE_CHECKING:
    from collections.abc import Mapping

#: 002 §9.2 codes of the connection.
ALREADY_RUNNING = 35840
SESSION_LOST = 35841
NO_ACTIVITY = 35862
NOT_ACTIVE = 35867
INVALID_EVENT = 35866

OK_INFO_GPRS = ResultLine("Ok_Info_GprsActivation", 3086)
TIMEOUT = "TIMEOUT"

#: Why a GPRS session could not be had (decision E41).
GPRS_CODES: Mapping[GprsFailure, int] = {
    GprsFailure.NO_NETWORK: 35865,
    GprsFailure.SIM_NOT_INSERTED: 35871,
    GprsFailure.SIM_NOT_READY: 35865,
    GprsFailure.NOT_REGISTERED: 35865,
    GprsFailure.NOT_ATTACHED: 35865,
    GprsFailure.UNKNOWN_APN: 35868,
    GprsFailure.AUTH_FAILED: 35868,
    GprsFailure.CANCELLED: 35868,
    GprsFailure.NETWORK_FAILURE: 35866,
    GprsFailure.NO_ADDRESS: 35866,
}


def gateway_of(address: str) -> str:
    """The gateway ``AT#DISPLAYIP`` shows for a GPRS address: the first host of its /24, the
    last when that is the address itself (decision E42)."""
    network = ipaddress.IPv4Interface(f"{address}/24").network
    first = network.network_address + 1
    return str(first if str(first) != address else network.broadcast_address - 1)


class Output(Protocol):
    """Where a connection's progress is shown."""

    def line(self, text: str) -> None:
        """An information line (``DIALING``, the number, the address)."""

    def result(self, line: ResultLine) -> None:
        """A result code (``CONNECT 9600``, ``BUSY``) with its ATV0 number."""

    def error(self, code: int) -> None:
        """``#CME ERROR: <code>``."""


class CommandOutput:
    """The running command's lines, written as each step happens."""

    def __init__(self, call) -> None:
        self.call = call

    def line(self, text: str) -> None:
        self.call.raw(results.information([text], self.call.session.profile))

    def result(self, line: ResultLine) -> None:
        self.call.raw(results.result_line(line, self.call.session.profile))

    def error(self, code: int) -> None:
        self.call.raw(results.error_result(codes.error(code), self.call.session))


class UnsolicitedOutput:
    """Lines on every AT channel, each in its own ``ATV`` form (decision E40)."""

    def __init__(self, urc) -> None:
        #: ``Modem.emit_urc`` (``AtSharpContext.urc``).
        self.urc = urc

    def line(self, text: str) -> None:
        self.urc(lambda session: [text])

    def result(self, line: ResultLine) -> None:
        self.urc(
            lambda session: [line.verbose if session.profile.verbose else str(line.number)])

    def error(self, code: int) -> None:
        error = codes.error(code)
        self.urc(lambda session: [results.error_text(error, session)])


class Connections(CommandGroup):
    def __init__(self, context: AtSharpContext, modem) -> None:
        super().__init__(context)
        self.modem = modem
        self._attempt: defer.Deferred | None = None
        self._bearer: Any = None  # a GPRS bearer
        self._idle_timer = None

    # -- wiring ------------------------------------------------------------------------------

    def commands(self):
        return (command(self.context, self)
                for command in (ConnectionStart, ConnectionStop, DisplayIp))

    def power_off(self) -> None:
        """Everything goes with the module, silently."""
        attempt, self._attempt = self._attempt, None
        if attempt is not None:
            attempt.cancel()
        self._stop_idle_timer()
        self._release_calls(hangup=True)
        bearer, self._bearer = self._bearer, None
        if bearer is not None:
            self.modem.service(GprsService).release(bearer)

    @property
    def holds_call(self) -> bool:
        """A data call of this connection is up (a dialect with GSM mode says)."""
        return False

    def _release_calls(self, *, hangup: bool) -> None:
        """Hang up (or forget) the data call of this connection (GSM mode)."""

    @property
    def busy(self) -> bool:
        """An acquisition under way or a link up (or going down): 35840 for another."""
        return self._attempt is not None or self._bearer is not None or self.holds_call

    @property
    def holds_link(self) -> bool:
        """A GPRS session or a PPP session of this connection is up."""
        return self._bearer is not None or self.holds_call

    def _get(self, name: str) -> Any:
        return self.context.flash.get(name)

    def _state(self, state: ConnectionState) -> None:
        self.context.set_state(state)

    def start_gsm(self, out: Output) -> Any:
        """GPRSMODE 0: a dialect without GSM mode refuses (GenPro §2.1.5 "Only GPRS mode is
        currently managed"): 35866, what "all connection attempts" answer when no GPRS
        session can be had (GenPro §2.2.2.2)."""
        raise codes.error(INVALID_EVENT)

    # -- GPRS ------------------------------------------------------------------------------------

    def start_gprs(self, out: Output) -> defer.Deferred:
        apn = self._get("APNSERV")
        if not apn:
            raise codes.error(GPRS_CODES[GprsFailure.UNKNOWN_APN])
        gprs = self.modem.service(GprsService)
        self._state(ConnectionState.CHECKING)
        try:
            d = gprs.activate(apn, self._get("APNUN"), self._get("APNPW"), attach=False)
        except GprsError as e:
            self._state(ConnectionState.IDLE)
            raise codes.error(GPRS_CODES.get(e.reason, 35866)) from None
        self._attempt = d

        def activated(bearer) -> ResultLine:
            self._attempt = None
            self._bearer = bearer
            gprs.on_lost(bearer, self._gprs_lost)
            self._established(bearer, LinkKind.GPRS, gateway_of(bearer.address))
            out.line(bearer.address)
            return OK_INFO_GPRS

        def refused(failure):
            self._attempt = None
            self._state(ConnectionState.IDLE)
            failure.trap(GprsError, defer.CancelledError)
            reason = failure.value.reason if failure.check(GprsError) else None
            raise codes.error(GPRS_CODES.get(reason, 35868))

        d.addCallbacks(activated, refused)
        return d

    def _gprs_lost(self, bearer) -> None:
        """The network ended the session: unsolicited 35841 (E44)."""
        if bearer is not self._bearer:
            return
        self._bearer = None
        self._link_down(SESSION_LOST)
        UnsolicitedOutput(self.context.urc).error(SESSION_LOST)

    # -- the link ------------------------------------------------------------------------------

    def refuse_if_busy(self) -> None:
        if self.busy:
            raise codes.error(ALREADY_RUNNING)

    def _established(self, bearer, kind: LinkKind, peer: str) -> None:
        self.context.link.established(bearer, kind, peer)
        self._state(ConnectionState.CONNECTED)
        self._arm_idle_timer()

    def _link_down(self, code: int | None) -> None:
        self._stop_idle_timer()
        self._state(ConnectionState.IDLE)
        self.context.link.lost(code)

    def stop(self) -> None:
        """End what there is: an acquisition is abandoned, a GPRS session released, PPP
        ended and the call hung up (``DISCONNECTING`` until the peer acknowledged)."""
        attempt, self._attempt = self._attempt, None
        if attempt is not None:
            attempt.cancel()
        if self._bearer is not None:
            bearer, self._bearer = self._bearer, None
            self.modem.service(GprsService).release(bearer)
            self._link_down(None)
        self._release_calls(hangup=False)

    # -- PHYTIMEOUT --------------------------------------------------------------------------

    def _arm_idle_timer(self) -> None:
        self._stop_idle_timer()
        idle = self.context.tables.idle_parameter
        if idle is None:
            return
        timeout = self._get(idle) * 60.0
        self._idle_timer = self.modem.clock.callLater(timeout, self._idle_check, timeout)

    def _stop_idle_timer(self) -> None:
        if self._idle_timer is not None and self._idle_timer.active():
            self._idle_timer.cancel()
        self._idle_timer = None

    def _idle_check(self, timeout: float) -> None:
        """PHYTIMEOUT minutes without data either way end the link with ``TIMEOUT`` (002
        §2.1.6; decision E50); the services hear 35862."""
        self._idle_timer = None
        quiet_for = self.modem.clock.seconds() - self.context.link.last_activity
        if quiet_for < timeout:
            self._idle_timer = self.modem.clock.callLater(timeout - quiet_for,
                                                          self._idle_check, timeout)
            return
        bearer, self._bearer = self._bearer, None
        if bearer is not None:
            self.modem.service(GprsService).release(bearer)
        self._release_calls(hangup=True)
        self._link_down(NO_ACTIVITY)
        UnsolicitedOutput(self.context.urc).line(TIMEOUT)


# -- the commands ----------------------------------------------------------------------------

class ConnectionCommand(AtSharpCommand):
    """A command of the connection: ``AT#<C>`` alone."""

    service: Connections


class ConnectionStart(ConnectionCommand):
    """``AT#CONNECTIONSTART`` (002 §2.2.3): the mode GPRSMODE names."""

    name = "#CONNECTIONSTART"

    def exec(self, call):
        connections = self.service
        out = CommandOutput(call)
        connections.refuse_if_busy()
        if self.flash.get("GPRSMODE") == 1:
            return connections.start_gprs(out)
        return connections.start_gsm(out)


class ConnectionStop(ConnectionCommand):
    """``AT#CONNECTIONSTOP`` (002 §2.2.2): ``OK``, the line is released (E47)."""

    name = "#CONNECTIONSTOP"

    def exec(self, call) -> None:
        self.service.stop()


class DisplayIp(ConnectionCommand):
    """``AT#DISPLAYIP`` (002 §2.3): the addresses once IPCP (or the GPRS session) gave them,
    35867 before."""

    name = "#DISPLAYIP"

    def exec(self, call) -> None:
        link = self.context.link
        if not link.up or not self.service.holds_link:
            raise codes.error(NOT_ACTIVE)
        call.info(f"MY IP: {link.bearer.address}")
        label = "Gateway IP" if link.kind is LinkKind.GPRS else "PEER IP"
        call.info(f"{label}: {link.peer_address}")
