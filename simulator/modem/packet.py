"""Packet domain (27.007 §10): +CGATT attach, +CGDCONT definitions, +CGACT activation,
+CGPADDR, +CGAUTH credentials, +CGEREP and the +CGEV events, and the packet-domain dial
(``D*99#``, ``D*98#``, §10.2.1; ``+CGDATA``, §10.1.12) that starts the PPP server
(``simulator.modem.pppserver``).

With a simulated network (``modem.ip_network``) a context is a bearer the ``GprsService``
gets from the network's APN machinery: activation takes the APN's delay, may fail as the
scenario says, and the network may release it (``+CGEV: NW PDN DEACT``).  A modem without
one (tests of the commands alone) gets addresses at once from an :class:`AddressPool`.

+CGEV uses the Rel-8 forms: ``ME PDN ACT <cid>``, ``ME PDN DEACT <cid>``, ``NW PDN DEACT
<cid>``, ``ME DETACH``, ``NW DETACH``.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from twisted.internet import defer

from simulator.at.commands import CmeError, Connect, ResultCode
from simulator.modem import errors
from simulator.modem.addresses import AddressPool
from simulator.modem.forms import fixed
from simulator.modem.gprs import GprsError, GprsFailure, GprsService
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.pdp import (
    APN_MAX,
    D_COMP_RANGE,
    H_COMP_RANGE,
    PdpContext,
    valid_requested_address,
)
from simulator.modem.pppserver import PppServerSink
from simulator.modem.sim import require_sim_ready
from simulator.modem.tables import tables_of
from simulator.modem.text import listing, quote, span

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: +CGEREP <mode>: 0 discard (atsim keeps no MT buffer), 1 discard while the link is reserved
#: (data mode), 2 keep them until the link is free (what the AT engine does with every URC).
CGEREP_KEY = "packet.cgerep"
CGEREP_MODES = (0, 1, 2)
#: +CGAUTH <auth_prot>: 0 none, 1 PAP, 2 CHAP (27.007 §10.1.31).
AUTH_PROTOCOLS = (0, 1, 2)
#: Longest +CGAUTH <userid> and <password> (what the 3GPP PCO fields carry comfortably).
AUTH_FIELD_MAX = 64
#: +CGDATA <L2P> values: PPP is the only layer-2 protocol the modem runs.
CGDATA_L2P = ("PPP",)


#: Why a bearer could not be had -> the 27.007 §9.2.2 code +CGACT answers.
GPRS_CODES = {
    GprsFailure.NOT_REGISTERED: errors.NO_NETWORK_SERVICE,
    # The attach failed or the network refuses it: as +CGATT=1 answers then.
    GprsFailure.NOT_ATTACHED: errors.NO_NETWORK_SERVICE,
    GprsFailure.UNKNOWN_APN: errors.MISSING_OR_UNKNOWN_APN,
    GprsFailure.AUTH_FAILED: errors.PDP_AUTHENTICATION_FAILURE,
    GprsFailure.NETWORK_FAILURE: errors.SERVICE_OPTION_TEMPORARILY_OUT_OF_ORDER,
}


def activation_error(error: GprsError) -> CmeError:
    return CmeError(GPRS_CODES.get(error.reason, errors.UNSPECIFIED_GPRS_ERROR))


class PacketService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)
        self.contexts: dict[int, PdpContext] = {}
        self.pool = AddressPool(modem.spec.n)
        #: +CGAUTH: cid -> (auth_prot, userid, password).
        self.auth: dict[int, tuple[int, str, str]] = {}
        #: The PPP servers running on ports (one per context at most).
        self.ppp_sinks: list[PppServerSink] = []

    @property
    def _network(self) -> NetworkService:
        return self.modem.service(NetworkService)

    @property
    def _gprs(self) -> GprsService:
        return self.modem.service(GprsService)

    def watch_siblings(self) -> None:
        self._network.on_packet_attach(self._attach_changed)

    def register(self, table: CommandTable) -> None:
        lo, hi = self.tables.cid_range
        table.add("+CGATT", set=self.cgatt_set, read=self.cgatt_read, test=fixed("+CGATT: (0,1)"))
        table.add("+CGDCONT", set=self.cgdcont_set, read=self.cgdcont_read,
                  test=fixed(*(f"+CGDCONT: {span(lo, hi)},{quote(t)},,,{span(*D_COMP_RANGE)},"
                               f"{span(*H_COMP_RANGE)}" for t in self.tables.pdp_types)))
        table.add("+CGACT", set=self.cgact_set, read=self.cgact_read, test=fixed("+CGACT: (0,1)"))
        table.add("+CGPADDR", exec=self.cgpaddr, set=self.cgpaddr, test=self.cgpaddr_test)
        table.add("+CGAUTH", set=self.cgauth_set, read=self.cgauth_read,
                  test=fixed(f"+CGAUTH: {span(lo, hi)},{listing(AUTH_PROTOCOLS)},"
                             f"{span(0, AUTH_FIELD_MAX)},{span(0, AUTH_FIELD_MAX)}"))
        table.add("+CGDATA", set=self.cgdata_set,
                  test=fixed("+CGDATA: " + listing(CGDATA_L2P)))
        table.add("+CGEREP", set=self.cgerep_set, read=self.cgerep_read,
                  test=fixed(f"+CGEREP: {listing(CGEREP_MODES)},(0)"))

    def power_off(self) -> None:
        for sink in list(self.ppp_sinks):
            sink.lower_layer_gone("power off")  # no goodbye: the line is dead
        # The network service reports the detach; a powered-off MT has no contexts left.
        for context in self.contexts.values():
            self._drop(context)

    # -- activation ---------------------------------------------------------------------------

    def _defined(self, cid: int) -> PdpContext:
        context = self.contexts.get(cid)
        if context is None:
            raise CmeError(errors.OPERATION_NOT_ALLOWED)
        return context

    def activate(self, context: PdpContext, user: str | None = None,
                 password: str | None = None) -> defer.Deferred | None:
        """Activate ``context``, attaching first if needed (27.007 §10.1.10), with ``user``
        and ``password`` (None: those of +CGAUTH).  With a simulated network this takes the
        APN's time: a Deferred, failing with the CmeError for why the network refused."""
        if context.active:
            return None
        if context.pending is not None:
            return self._wait_for(context)
        require_sim_ready(self.modem)  # 27.007's own code for each SIM state
        if self.modem.ip_network is None:
            if not self._network.ps_attached:
                self._network.attach()
                context.pending = self._network.attached()
                context.pending.addCallbacks(self._attached_offline, self._attach_failed,
                                             callbackArgs=(context,), errbackArgs=(context,))
                return self._wait_for(context)
            self._attached_offline(None, context)
            return None
        if user is None and password is None:
            user, password = self.credentials(context.cid)
        try:
            context.pending = self._gprs.activate(context.apn, user, password)
        except GprsError as error:
            raise activation_error(error) from None
        context.pending.addCallbacks(self._bearer_up, self._bearer_refused,
                                     callbackArgs=(context,), errbackArgs=(context,))
        return self._wait_for(context)

    def _attached_offline(self, _, context: PdpContext) -> None:
        """Without a simulated IP network the context comes up as soon as it is attached."""
        context.pending = None
        if self.contexts.get(context.cid) is not context:
            self._settle(context, CmeError(errors.UNSPECIFIED_GPRS_ERROR))
            return
        context.addresses = self.pool.assign(context.cid, context.pdp_type,
                                             context.requested_address)
        self._activated(context)
        self._settle(context, None)

    def _attach_failed(self, failure, context: PdpContext) -> None:
        context.pending = None
        failure.trap(CmeError, defer.CancelledError)
        self._settle(context, failure.value if failure.check(CmeError)
                     else CmeError(errors.UNSPECIFIED_GPRS_ERROR))

    def _wait_for(self, context: PdpContext) -> defer.Deferred:
        waiter = defer.Deferred()
        context.waiters.append(waiter)
        return waiter

    def _bearer_up(self, bearer, context: PdpContext) -> None:
        context.pending = None
        if not self._network.ps_attached or self.contexts.get(context.cid) is not context:
            self._gprs.release(bearer)  # detached or redefined while the network answered
            self._settle(context, CmeError(errors.UNSPECIFIED_GPRS_ERROR))
            return
        context.bearer = bearer
        context.addresses = (ipaddress.IPv4Address(bearer.address),)
        self._gprs.on_lost(bearer, lambda _: self._bearer_lost(context))
        self._activated(context)
        self._settle(context, None)

    def _bearer_refused(self, failure, context: PdpContext) -> None:
        context.pending = None
        failure.trap(GprsError)
        if failure.value.reason is GprsFailure.CANCELLED:
            self._settle(context, activation_error(failure.value))
            return
        self.modem.event("pdp activation failed", cid=context.cid, apn=context.apn,
                         reason=str(failure.value))
        self._settle(context, activation_error(failure.value))

    @staticmethod
    def _settle(context: PdpContext, error: CmeError | None) -> None:
        waiters, context.waiters = context.waiters, []
        for waiter in waiters:
            if error is None:
                waiter.callback(None)
            else:
                waiter.errback(error)

    def _activated(self, context: PdpContext) -> None:
        context.active = True
        self.modem.event("pdp activated", cid=context.cid,
                         addresses=[str(a) for a in context.addresses])
        self._event(f"ME PDN ACT {context.cid}")

    def _bearer_lost(self, context: PdpContext) -> None:
        if context.active and context.bearer is not None:
            context.bearer = None
            self._drop(context)
            self._event(f"NW PDN DEACT {context.cid}")

    def network_deactivate(self) -> None:
        """The network deactivates every active context (+CGEV: NW PDN DEACT <cid> each)
        and every bearer of the dialects' own commands (their indications)."""
        for context in list(self.contexts.values()):
            if context.active and context.bearer is None:  # no simulated IP network
                self._drop(context)
                self._event(f"NW PDN DEACT {context.cid}")
        self._gprs.network_release()

    def deactivate(self, context: PdpContext) -> None:
        if context.active:
            self._drop(context)
            self._event(f"ME PDN DEACT {context.cid}")

    def _drop(self, context: PdpContext) -> None:
        if context.pending is not None:
            context.pending.cancel()  # the waiters get their error through _bearer_refused
        if context.active:
            self.pool.release(context.cid)
            bearer, context.bearer = context.bearer, None
            context.active = False
            context.addresses = ()
            if bearer is not None:
                self._gprs.release(bearer)
            self.modem.event("pdp deactivated", cid=context.cid)

    def _attach_changed(self, attached: bool, by: str) -> None:
        if attached:
            return
        # 27.007 §10.1.19: a detach implies every context was deactivated; they are not
        # reported one by one.
        for context in self.contexts.values():
            self._drop(context)
        # The bearers of the dialects' own commands cannot outlive the attach either.
        self._gprs.network_release()
        self._event(f"{by} DETACH")

    def credentials(self, cid: int) -> tuple[str | None, str | None]:
        """What +CGAUTH gave ``cid``: (userid, password), or (None, None)."""
        protocol, user, password = self.auth.get(cid, (0, "", ""))
        return (user, password) if protocol else (None, None)

    # -- +CGAUTH ------------------------------------------------------------------------------

    def cgauth_set(self, call) -> None:
        p = call.params
        p.at_most(4)
        cid = p.int(0, *self.tables.cid_range)
        if len(p) == 1:
            self.auth.pop(cid, None)
            return
        protocol = p.int(1, choices=AUTH_PROTOCOLS, default=0)
        user = p.str(2, maxlen=AUTH_FIELD_MAX, default="")
        password = p.str(3, maxlen=AUTH_FIELD_MAX, default="")
        self.auth[cid] = (protocol, user, password)

    def cgauth_read(self, call) -> None:
        for cid in sorted(self.auth):
            protocol, user, _password = self.auth[cid]
            call.info(f"+CGAUTH: {cid},{protocol},{quote(user)}")

    # -- +CGEV --------------------------------------------------------------------------------

    def _event(self, text: str) -> None:
        def render(session):
            mode = session.vars.get(CGEREP_KEY, 0)
            if mode == 0 or (mode == 1 and self._link_reserved(session)):
                return None
            return f"+CGEV: {text}"

        self.modem.emit_urc(render)

    def _link_reserved(self, session) -> bool:
        """Whether the channel of ``session`` is in data mode (its link is reserved)."""
        for interpreter in self.modem.interpreters:
            if interpreter.session is session:
                return interpreter.mode.value == "data"
        return False

    def cgerep_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        mode = p.int(0, choices=CGEREP_MODES, default=0)
        p.int(1, 0, 0, default=0)  # <bfr>: there is never anything buffered to flush
        call.session.vars[CGEREP_KEY] = mode

    def cgerep_read(self, call) -> None:
        call.info(f"+CGEREP: {call.session.vars.get(CGEREP_KEY, 0)},0")

    # -- +CGATT -------------------------------------------------------------------------------

    def cgatt_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        state = p.int(0, 0, 1)
        if state:
            require_sim_ready(self.modem)
            self._network.attach()
        else:
            self._network.detach()

    def cgatt_read(self, call) -> None:
        call.info(f"+CGATT: {int(self._network.ps_attached)}")

    # -- +CGDCONT -----------------------------------------------------------------------------

    def cgdcont_set(self, call) -> None:
        p = call.params
        p.at_most(6)
        cid = p.int(0, *self.tables.cid_range)
        existing = self.contexts.get(cid)
        if existing is not None and existing.active:
            # Redefining or undefining an active context: deactivate it first.
            raise CmeError(errors.OPERATION_NOT_ALLOWED)
        if len(p) == 1:
            self.contexts.pop(cid, None)  # AT+CGDCONT=<cid>: the context becomes undefined
            return
        pdp_type = p.str(1, choices=self.tables.pdp_types, casefold=True, default="IP")
        apn = p.str(2, maxlen=APN_MAX, default="")
        address = p.str(3, default="")
        if not valid_requested_address(address) or not apn.isascii():
            raise p.bad()
        self.contexts[cid] = PdpContext(
            cid, pdp_type, apn, address,
            d_comp=p.int(4, *D_COMP_RANGE, default=0),
            h_comp=p.int(5, *H_COMP_RANGE, default=0),
        )

    def cgdcont_read(self, call) -> None:
        for cid in sorted(self.contexts):
            call.info(self.contexts[cid].definition_line())

    # -- +CGACT -------------------------------------------------------------------------------

    def _cids(self, call, first: int) -> list[PdpContext]:
        """The contexts named from parameter ``first`` on, or every defined one."""
        p = call.params
        if len(p) <= first:
            return [self.contexts[cid] for cid in sorted(self.contexts)]
        lo, hi = self.tables.cid_range
        cids = [p.int(i, lo, hi) for i in range(first, len(p))]
        return [self._defined(cid) for cid in cids]

    def cgact_set(self, call) -> defer.Deferred | None:
        state = call.params.int(0, 0, 1)
        contexts = self._cids(call, 1)
        if not state:
            for context in contexts:
                self.deactivate(context)
            return None
        return self._activate_in_turn(contexts)

    def _activate_in_turn(self, contexts: list[PdpContext]) -> defer.Deferred | None:
        """One after the other, as a module signals them; the first failure ends the
        command with its error (the contexts already activated stay so)."""
        for index, context in enumerate(contexts):
            waiting = self.activate(context)
            if waiting is not None:
                return waiting.addCallback(
                    lambda _, rest=contexts[index + 1:]: self._activate_in_turn(rest))
        return None

    def cgact_read(self, call) -> None:
        for cid in sorted(self.contexts):
            call.info(f"+CGACT: {cid},{int(self.contexts[cid].active)}")

    # -- +CGPADDR -----------------------------------------------------------------------------

    def cgpaddr(self, call) -> None:
        for context in self._cids(call, 0):
            fields = [str(context.cid)] + [quote(a) for a in context.shown_addresses()]
            call.info("+CGPADDR: " + ",".join(fields))

    def cgpaddr_test(self, call) -> None:
        call.info(f"+CGPADDR: {listing(sorted(self.contexts))}")

    # -- D*99# / D*98# / +CGDATA ----------------------------------------------------------------

    def dial(self, cid: int | None):
        """A packet-domain dial: ``CONNECT`` and the PPP server on the port; the context is
        activated once the host's PPP authenticated (``simulator.modem.pppserver``).

        Without a context defined the dial uses cid 1 with an empty APN (the network's
        default), as modules ship with one defined.  Not registered: NO CARRIER."""
        if cid is None:
            if not self.contexts:
                self.contexts[1] = PdpContext(1)
            cid = min(self.contexts)
        context = self.contexts.get(cid)
        if context is None:
            raise CmeError(errors.OPERATION_NOT_ALLOWED)
        require_sim_ready(self.modem)
        if self._network.serving is None:
            return ResultCode.NO_CARRIER
        if any(sink.context is context for sink in self.ppp_sinks):
            raise CmeError(errors.OPERATION_NOT_ALLOWED)  # PPP runs on it already
        sink = PppServerSink(self, context, secrets=self._login_for(context),
                             credentials=self.credentials(cid))
        self.ppp_sinks.append(sink)
        return Connect(sink, "")

    def ppp_ended(self, sink: PppServerSink) -> None:
        if sink in self.ppp_sinks:
            self.ppp_sinks.remove(sink)

    def _login_for(self, context: PdpContext) -> dict[str, str] | None:
        """The login the network wants for ``context``'s APN, which the PPP server asks the
        host for; None: no authentication (no network, an APN without credentials, or
        credentials given by +CGAUTH)."""
        network = self.modem.ip_network
        if network is None or self.credentials(context.cid) != (None, None):
            return None
        apn = network.apns.lookup(context.apn)
        if apn is None or (apn.spec.user is None and apn.spec.password is None):
            return None
        return {apn.spec.user or "": apn.spec.password or ""}

    def cgdata_set(self, call):
        """AT+CGDATA[=<L2P>[,<cid>[,...]]]: the same as ``D*99***<cid>#`` (one context)."""
        p = call.params
        p.at_most(2)
        l2p = p.str(0, default="PPP")
        if l2p.upper() not in CGDATA_L2P:
            raise CmeError(errors.OPERATION_NOT_SUPPORTED)
        cid = p.int(1, *self.tables.cid_range, default=0) or None
        return self.dial(cid)
