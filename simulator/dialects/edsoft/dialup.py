"""eDsoft's GSM mode of the connection (002 §2.2.1, §2.2.3.2): ``AT#CONNECTIONSTART`` with
GPRSMODE 0 dials the ISP and runs PPP, ``AT#ACCEPT`` answers a data call; the shared
``Connections`` (``simulator.dialects.atsharp.connection``) does the GPRS mode, the link and
the idle timer.  Decisions E40-E59 in docs/dialects/edsoft.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from twisted.internet import defer

from simulator.at.commands import ResultLine
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.connection import (
    NOT_ACTIVE,
    ConnectionCommand,
    Connections,
    Output,
    UnsolicitedOutput,
)
from simulator.dialects.atsharp.link import LinkKind
from simulator.dialects.atsharp.state import ConnectionState
from simulator.dialects.edsoft.ppp_roles import (
    CALL_RESULTS,
    Direction,
    ppp_failure_code,
    refusal_code,
    role,
)
from simulator.modem.calls import CallService
from simulator.modem.dialup import (
    DialStep,
    DialupError,
    DialupFailure,
    DialupService,
    PppServer,
    reason_of,
)
from simulator.modem.siblings import sibling

if TYPE_CHECKING:
    from simulator.network.dialup_session import DialupSession

CONNECT_9600 = ResultLine("CONNECT 9600", 15)
NO_CARRIER = ResultLine("NO CARRIER", 3)
OK_INFO_PPP = ResultLine("Ok_Info_Ppp", 3077)
PPP_OK, PPP_ERROR = "PPP OK", "PPP ERROR"


class EdsoftConnections(Connections):
    """The connection with eDsoft's GSM data calls."""

    def __init__(self, context, modem) -> None:
        super().__init__(context, modem)
        self._session: DialupSession | None = None
        self._stopping = False

    def commands(self):
        yield from super().commands()
        yield Accept(self.context, self)

    @property
    def holds_call(self) -> bool:
        return self._session is not None

    def _release_calls(self, *, hangup: bool) -> None:
        session = self._session
        if session is None:
            self._stopping = False
            return
        if hangup:
            self._session = None
            self._stopping = False
            session.hangup()
        elif not self._stopping:
            self._stopping = True
            self._link_down(None)
            self._state(ConnectionState.DISCONNECTING)
            session.close()
            if not session.call.connected:  # nothing left to end politely
                self._call_ended(session)

    def isp_number(self) -> str:
        """DIALN1 or DIALN2, as DIALSELECT says (002 §2.1.8-§2.1.10)."""
        return self._get("DIALN2" if self._get("DIALSELECT") == 2 else "DIALN1")

    def start_gsm(self, out: Output) -> defer.Deferred:
        return self.dial(self.isp_number(), out)

    # -- GSM ---------------------------------------------------------------------------------------

    def dial(self, number: str, out: Output) -> defer.Deferred:
        """Dial ``number`` and run PPP in PPPMODE's outgoing role (002 §2.2.3.2): ``DIALING``,
        the number, ``CONNECT 9600``, the address, ``Ok_Info_Ppp``; a call that fails is
        dialled again REDIALCOUNT times, REDIALDELAY seconds apart (E49)."""
        ppp = role(self._get, Direction.OUTGOING)
        server = isinstance(ppp, PppServer)
        redials = self._get("REDIALCOUNT")
        failed_calls = 0

        def progress(step: DialStep, reason: DialupFailure | None) -> None:
            nonlocal failed_calls
            if step is DialStep.DIALLING:
                self._state(ConnectionState.DIALING)
                out.line("DIALING")
                out.line(number)
            elif step is DialStep.CALL_FAILED:
                failed_calls += 1
                self._state(ConnectionState.CHECKING)
                if failed_calls <= redials:  # the last one is the command's result
                    out.result(CALL_RESULTS.get(reason, NO_CARRIER))
            elif step is DialStep.CONNECTED:
                self._state(ConnectionState.AUTHENTICATING)
                out.result(CONNECT_9600)

        self._state(ConnectionState.CHECKING)
        try:
            d = self.modem.service(DialupService).dial(
                number, ppp, redials=redials, redial_delay=self._get("REDIALDELAY"),
                progress=progress)
        except DialupError as e:
            self._state(ConnectionState.IDLE)
            raise codes.error(refusal_code(e.reason)) from None
        self._attempt = d

        def opened(session: DialupSession) -> ResultLine:
            out.line(self._session_up(session))
            return OK_INFO_PPP

        def failed(failure):
            self._attempt = None
            self._state(ConnectionState.IDLE)
            reason = reason_of(failure)
            if reason in CALL_RESULTS or reason is DialupFailure.CANCELLED:
                return CALL_RESULTS.get(reason, NO_CARRIER)
            raise codes.error(ppp_failure_code(reason, server))

        d.addCallbacks(opened, failed)
        return d

    def answer(self, out: Output) -> defer.Deferred:
        """Answer the call ringing on the ports and run PPP in PPPMODE's incoming role
        (002 §2.2.1.2): ``CONNECT 9600``, the address, ``PPP OK``; ``NO CARRIER`` or
        ``PPP ERROR``.  ``DialupError(NO_CALL)`` when nothing rings."""
        ppp = role(self._get, Direction.INCOMING)

        def progress(step: DialStep, reason: DialupFailure | None) -> None:
            if step is DialStep.CONNECTED:
                self._state(ConnectionState.AUTHENTICATING)
                out.result(CONNECT_9600)

        self._state(ConnectionState.CHECKING)
        try:
            d = self.modem.service(DialupService).answer(ppp, progress=progress)
        except DialupError:
            self._state(ConnectionState.IDLE)
            raise
        self._attempt = d

        def opened(session: DialupSession) -> None:
            out.line(self._session_up(session))
            out.line(PPP_OK)

        def failed(failure) -> None:
            self._attempt = None
            self._state(ConnectionState.IDLE)
            reason = reason_of(failure)
            if reason in CALL_RESULTS or reason is DialupFailure.CANCELLED:
                out.result(CALL_RESULTS.get(reason, NO_CARRIER))
            else:
                out.line(PPP_ERROR)

        d.addCallbacks(opened, failed)
        return d

    def _session_up(self, session: DialupSession) -> str:
        """The link of an opened PPP session; returns the stack's address."""
        self._attempt = None
        self._session = session
        session.on_end(lambda reason: self._call_ended(session))
        opened = session.opened
        assert opened is not None
        self._established(session.bearer, LinkKind.GSM, opened.peer_address)
        return opened.local_address

    def _call_ended(self, session: DialupSession) -> None:
        if session is not self._session:
            return
        self._session = None
        if self._stopping:
            self._stopping = False
            self._state(ConnectionState.IDLE)
            return
        self._link_down(NOT_ACTIVE)
        UnsolicitedOutput(self.context.urc).result(NO_CARRIER)


class Accept(ConnectionCommand):
    """``AT#ACCEPT`` (002 §2.2.1): ``OK`` at once, the rest unsolicited (E48)."""

    name = "#ACCEPT"

    def exec(self, call):
        connections = self.service
        connections.refuse_if_busy()
        calls = sibling(connections.modem, CallService)
        if calls is None or calls.ringing is None:
            return NO_CARRIER  # nothing rings (E48)
        try:
            connections.answer(UnsolicitedOutput(self.context.urc))
        except DialupError:
            return NO_CARRIER
        return None
