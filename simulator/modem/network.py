"""Network registration: the state machine that selects an operator of the scenario and
registers on it ``network.registration.delay`` seconds after the radio and the SIM are ready,
packet-domain attach, and their commands: +COPS (27.007 §7.3), +CREG/+CGREG/+CEREG (§7.2,
§10.1.20, §10.1.22), +CSQ (§8.5), +CESQ (§8.69).

Every change is published by diffing the three registration reports against what was last
published, so each channel gets exactly the URCs its own <n> asks for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from twisted.internet import defer

from simulator.at.commands import CmeError
from simulator.modem import errors, signal
from simulator.modem.charset import decode, encode, session_charset
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.power import PowerService
from simulator.modem.registration import (
    N_RANGE,
    Domain,
    Report,
    Stat,
    read_line,
    urc_line,
)
from simulator.modem.sim import SimService
from simulator.modem.simcard import SimState
from simulator.modem.tables import tables_of
from simulator.modem.text import quote, span

if TYPE_CHECKING:
    from twisted.internet.interfaces import IDelayedCall

    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem
    from simulator.network.spec import OperatorSpec

# +COPS <mode>s (27.007 §7.3).
AUTOMATIC, MANUAL, DEREGISTER, SET_FORMAT, MANUAL_AUTOMATIC = 0, 1, 2, 3, 4
# +COPS <format>s.
LONG, SHORT, NUMERIC = 0, 1, 2
FORMAT_KEY = "network.cops_format"
#: +COPS=? <stat>s.
COPS_AVAILABLE, COPS_CURRENT = 1, 2

#: Who ended a packet-domain attach: the ME itself (+CGATT=0, radio off, +COPS=2) or the
#: network (reported as +CGEV: ME DETACH / NW DETACH).
BY_ME, BY_NETWORK = "ME", "NW"

PsListener = Callable[[bool, str], None]


class NetworkService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)
        self.operators: tuple[OperatorSpec, ...] = modem.network_spec.operators
        self.mode = AUTOMATIC
        self.manual_choice: OperatorSpec | None = None
        self.serving: OperatorSpec | None = None
        self._searching: OperatorSpec | None = None
        self._timer: IDelayedCall | None = None
        self._waiters: list[defer.Deferred] = []
        #: Packet-domain attach: wanted by the host (auto-attach at power-on where the
        #: dialect's tables say so, until +CGATT=0), under way, and done.
        self.attach_wanted = self.tables.auto_attach
        self._attaching: IDelayedCall | None = None
        self._attach_waiters: list[defer.Deferred] = []
        self.ps_attached = False
        self._ps_listeners: list[PsListener] = []
        self._registration_listeners: list[Callable[[], None]] = []
        self._signal_listeners: list[Callable[[], None]] = []
        self._published = {domain: Report(Stat.NOT_SEARCHING) for domain in Domain}
        #: Powered on (between ``power_on`` and ``power_off``).
        self._on = False
        #: While the network itself refuses service (no coverage, registration denied): the
        #: <stat> the reports show instead of registering.
        self.outage: Stat | None = None
        #: Faults of the network: registration shown as roaming on any operator, +CSQ
        #: figures instead of the scenario's, and a network detach holding the packet
        #: domain detached (the network refuses to attach it again while it lasts).
        self.roaming = False
        self.signal_override: tuple[int, int] | None = None
        self.ps_barred = False
        #: The cell the MT is camped on instead of the operator's own (a cell change):
        #: (<lac>, <ci>).
        self.cell: tuple[int, int] | None = None

    # -- wiring ----------------------------------------------------------------------------

    @property
    def _sim(self) -> SimService:
        return self.modem.service(SimService)

    @property
    def _power(self) -> PowerService:
        return self.modem.service(PowerService)

    def on_packet_attach(self, listener: PsListener) -> None:
        """Call ``listener(attached, by)`` when the packet-domain attach changes."""
        self._ps_listeners.append(listener)

    def on_registration_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after a change of the registration reports is published."""
        self._registration_listeners.append(listener)

    def on_signal_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after the +CSQ figures changed (a ``signal`` fault)."""
        self._signal_listeners.append(listener)

    def watch_siblings(self) -> None:
        self._sim.on_change(self._sibling_changed)
        self._power.on_change(self._sibling_changed)

    def _sibling_changed(self) -> None:
        """The radio or the SIM may have changed.  While this service is off (the modem
        powered off, or powering on and this service's turn not come yet) registration
        cannot change: its own ``power_on`` brings it in line once the radio and the SIM
        are up, so a power-on runs the state machine once rather than once per service."""
        if self._on:
            self.update()

    def register(self, table: CommandTable) -> None:
        table.add("+COPS", set=self.cops_set, read=self.cops_read, test=self.cops_test)
        for domain in Domain:
            table.add(domain.value, set=self._n_setter(domain), read=self._n_reader(domain),
                      test=fixed(f"{domain.value}: {span(*N_RANGE)}"))
        table.add("+CSQ", exec=self.csq, test=fixed("+CSQ: (0-31,99),(0-7,99)"))
        table.add("+CESQ", exec=self.cesq,
                  test=fixed("+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),"
                             "(0-97,255)"))

    def power_on(self) -> None:
        self._on = True
        self.attach_wanted = self.tables.auto_attach
        self.update()

    def power_off(self) -> None:
        self.update()  # the modem is off: no radio, no registration
        self._on = False

    # -- the state machine -------------------------------------------------------------------

    def home_operator(self) -> OperatorSpec | None:
        """The operator whose MCC+MNC begins the SIM's IMSI (its HPLMN), if present."""
        imsi = self._sim.card.spec.imsi
        return next((op for op in self.operators if imsi.startswith(op.numeric)), None)

    def _wanted(self) -> OperatorSpec | None:
        """The operator the MT should be registered on now, or None for no service."""
        return None if self.outage is not None else self._selected()

    def _selected(self) -> OperatorSpec | None:
        """The operator the MT selects, whether or not the network lets it register."""
        if not self._power.radio_on or self._sim.card.state is not SimState.READY:
            return None
        if self.mode == DEREGISTER:
            return None
        if self.mode in (MANUAL, MANUAL_AUTOMATIC):
            if self.manual_choice is not None or self.mode == MANUAL:
                return self.manual_choice
        # Automatic selection: the home network first, else the first operator (roaming).
        return self.home_operator() or (self.operators[0] if self.operators else None)

    def update(self) -> None:
        """Bring registration in line with the radio, the SIM and the selection mode."""
        target = self._wanted()
        if target is None:
            self._cancel_search()
            self.serving = None
        elif target is not self.serving and target is not self._searching:
            self._cancel_search()
            self.serving = None
            self._searching = target
            delay = self.modem.network_spec.registration.delay
            self._timer = self.modem.clock.callLater(delay, self._registered, target)
        self._sync_attach(BY_ME)
        self._publish()
        self._settle_waiters()

    def _cancel_search(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        self._searching = None

    def _registered(self, operator: OperatorSpec) -> None:
        self._timer = None
        self._searching = None
        self.serving = operator
        self.modem.event("registered", operator=operator.numeric)
        self._sync_attach(BY_ME)
        self._publish()
        self._settle_waiters()

    def lose_network(self, stat: Stat = Stat.SEARCHING) -> None:
        """The network stops serving the MT: out of coverage (``SEARCHING``, the MT keeps
        looking) or registration refused (``DENIED``).  The packet domain is detached by the
        network.  ``restore_network`` lets it register again after the usual delay."""
        self.outage = stat
        self._cancel_search()
        self.serving = None
        self._sync_attach(BY_NETWORK)
        self.update()

    def restore_network(self) -> None:
        self.outage = None
        self.update()

    def set_roaming(self, roaming: bool) -> None:
        self.roaming = roaming
        self._publish()

    def network_detach(self) -> None:
        """The network detaches the packet domain (+CGEV: NW DETACH) and refuses to attach
        it again until ``allow_attach``."""
        self.ps_barred = True
        self._sync_attach(BY_NETWORK)
        self._publish()

    def allow_attach(self) -> None:
        """The network accepts attaches again: an MT that wants the attach attaches (the
        network's attach procedure, as after +CGATT=1)."""
        self.ps_barred = False
        if self.attach_wanted and self.serving is not None:
            self.attach()

    def _sync_attach(self, by: str) -> None:
        wanted = self.serving is not None and self.attach_wanted and not self.ps_barred
        if not wanted and self._attaching is not None:
            self._attaching.cancel()
            self._attaching = None
        attached = wanted and self._attaching is None
        if attached != self.ps_attached:
            self.ps_attached = attached
            for listener in list(self._ps_listeners):
                listener(attached, by)
        if self._attaching is None:
            self._settle_attach_waiters()

    # -- packet-domain attach (used by +CGATT) -----------------------------------------------

    def attach(self) -> None:
        """Attach the packet domain of a registered MT.  From detached this is the network's
        attach procedure: the packet-domain reports show searching for
        ``network.registration.attach_time``, then registered.  ``attached()`` tells when it
        is done.  (Registering with the attach wanted attaches along with the registration,
        as a combined attach does.)"""
        self.attach_wanted = True
        if self.serving is None or self.ps_barred:
            raise CmeError(errors.NO_NETWORK_SERVICE)
        if self.ps_attached or self._attaching is not None:
            return
        delay = self.modem.network_spec.registration.attach_time
        self._attaching = self.modem.clock.callLater(delay, self._attach_done)
        self.modem.event("attaching", seconds=delay)
        self._publish()

    def _attach_done(self) -> None:
        self._attaching = None
        self._sync_attach(BY_ME)
        self._publish()

    def attached(self) -> defer.Deferred:
        """A Deferred firing when the packet domain is attached, or failing with +CME ERROR
        30 when the attach under way is abandoned (detach, radio off, network lost)."""
        waiter: defer.Deferred = defer.Deferred()
        if self.ps_attached:
            waiter.callback(None)
        elif self._attaching is None:
            waiter.errback(CmeError(errors.NO_NETWORK_SERVICE))
        else:
            self._attach_waiters.append(waiter)
        return waiter

    def _settle_attach_waiters(self) -> None:
        waiters, self._attach_waiters = self._attach_waiters, []
        for waiter in waiters:
            if self.ps_attached:
                waiter.callback(None)
            else:
                waiter.errback(CmeError(errors.NO_NETWORK_SERVICE))

    def detach(self) -> None:
        self.attach_wanted = False
        self._sync_attach(BY_ME)
        self._publish()

    # -- reports -------------------------------------------------------------------------------

    def stat_of(self, operator: OperatorSpec) -> Stat:
        if self.roaming:
            return Stat.ROAMING
        return Stat.HOME if operator is self.home_operator() else Stat.ROAMING

    def report(self, domain: Domain) -> Report:
        lost = self._selected() if self.outage is not None else None
        if domain is Domain.CS:
            if self.serving is not None:
                return self._registered_report(self.serving)
            if lost is not None:
                return Report(self.outage)
            return Report(Stat.SEARCHING if self._searching else Stat.NOT_SEARCHING)
        cell = self.serving or self._searching or lost
        # +CEREG reports EPS (E-UTRAN) registration only; +CGREG reports the packet-domain
        # attach on any access technology.
        if cell is None or (domain is Domain.EPS and cell.tech != "lte"):
            return Report(Stat.NOT_SEARCHING)
        if self.ps_attached and self.serving is not None:
            return self._registered_report(self.serving)
        if lost is not None and self.attach_wanted:
            return Report(self.outage)
        searching = (self._searching is not None or self._attaching is not None) and \
            self.attach_wanted
        return Report(Stat.SEARCHING if searching else Stat.NOT_SEARCHING)

    def _registered_report(self, operator: OperatorSpec) -> Report:
        cell = operator
        if self.cell is not None:
            cell = dataclasses.replace(operator, lac=self.cell[0], cell_id=self.cell[1])
        return Report(self.stat_of(operator), cell, self.act(operator))

    def move_to_cell(self, cell: tuple[int, int] | None) -> None:
        """Camp on another cell of the serving network (None: the operator's own)."""
        self.cell = cell
        self._publish()

    def act(self, operator: OperatorSpec) -> int:
        return self.tables.access_technology[operator.tech]

    def _publish(self) -> None:
        changed = False
        for domain in Domain:
            old, new = self._published[domain], self.report(domain)
            if new == old:
                continue
            changed = True
            self._published[domain] = new
            # Searching is logged at debug only: every modem searches at power-on.
            self.modem.event("registration", domain=domain.value, stat=int(new.stat),
                             quiet=new.stat is Stat.SEARCHING)
            self.modem.emit_urc(
                lambda session, d=domain, o=old, r=new: urc_line(
                    d, session.vars.get(d.session_key, 0), o, r
                )
            )
        if changed:
            for listener in list(self._registration_listeners):
                listener()

    def _settle_waiters(self) -> None:
        """Answer +COPS set commands waiting for the selection they asked for."""
        if self._searching is not None or not self._waiters:
            return
        waiters, self._waiters = self._waiters, []
        failed = self.serving is None and self.mode != DEREGISTER
        for waiter in waiters:
            if failed:
                waiter.errback(CmeError(errors.NO_NETWORK_SERVICE))
            else:
                waiter.callback(None)

    # -- +CREG / +CGREG / +CEREG ---------------------------------------------------------------

    def _n_setter(self, domain: Domain):
        def handler(call) -> None:
            p = call.params
            p.at_most(1)
            call.session.vars[domain.session_key] = p.int(0, *N_RANGE, default=0)

        return handler

    def _n_reader(self, domain: Domain):
        def handler(call) -> None:
            n = call.session.vars.get(domain.session_key, 0)
            call.info(read_line(domain, n, self.report(domain)))

        return handler

    # -- +CSQ / +CESQ -----------------------------------------------------------------------------

    def signal_quality(self) -> tuple[int, int]:
        """<rssi>, <ber> as +CSQ shows them now (unknown while not registered)."""
        if self.serving is None:
            return signal.RSSI_UNKNOWN, signal.BER_UNKNOWN
        if self.signal_override is not None:
            return self.signal_override
        reg = self.modem.network_spec.registration
        return reg.rssi, reg.ber

    def set_signal(self, override: tuple[int, int] | None) -> None:
        """Show ``override`` (<rssi>, <ber>) instead of the scenario's figures (None: the
        scenario's again)."""
        self.signal_override = override
        for listener in list(self._signal_listeners):
            listener()

    def csq(self, call) -> None:
        rssi, ber = self.signal_quality()
        call.info(f"+CSQ: {rssi},{ber}")

    def cesq(self, call) -> None:
        rssi, ber = self.signal_quality()
        tech = self.serving.tech if self.serving is not None else "gsm"
        call.info("+CESQ: " + ",".join(str(v) for v in signal.cesq(rssi, ber, tech)))

    # -- +COPS ---------------------------------------------------------------------------------

    def _name(self, call, operator: OperatorSpec, fmt: int) -> str:
        if fmt == NUMERIC:
            return quote(operator.numeric)
        text = operator.name if fmt == LONG else (operator.short_name or operator.name)
        return quote(encode(text, session_charset(call.session, self.tables.default_charset)))

    def cops_read(self, call) -> None:
        if self.serving is None:
            call.info(f"+COPS: {self.mode}")
            return
        fmt = call.session.vars.get(FORMAT_KEY, LONG)
        call.info(f"+COPS: {self.mode},{fmt},{self._name(call, self.serving, fmt)},"
                  f"{self.act(self.serving)}")

    def cops_test(self, call) -> None:
        if not self._power.radio_on:
            raise CmeError(errors.NO_NETWORK_SERVICE)
        entries = []
        for op in self.operators:
            stat = COPS_CURRENT if op is self.serving else COPS_AVAILABLE
            names = ",".join(self._name(call, op, fmt) for fmt in (LONG, SHORT, NUMERIC))
            entries.append(f"({stat},{names},{self.act(op)})")
        call.info(f"+COPS: {','.join(entries)},,(0-4),(0-2)")

    def cops_set(self, call):
        p = call.params
        p.at_most(4)
        mode = p.int(0, 0, 4)
        fmt = p.int(1, 0, 2, default=None)
        oper = p.str(2, default=None)
        act = p.int(3, 0, 7, default=None)
        if mode in (MANUAL, MANUAL_AUTOMATIC):
            if oper is None:
                raise p.bad()
        elif oper is not None or act is not None or (mode == SET_FORMAT and fmt is None):
            raise p.bad()
        if fmt is not None:
            # The format given with any mode also applies to this channel's +COPS? answers.
            call.session.vars[FORMAT_KEY] = fmt
        if mode == SET_FORMAT:
            return None
        if mode != DEREGISTER:
            self._sim.card.require_ready()
        if mode in (MANUAL, MANUAL_AUTOMATIC):
            self.manual_choice = self._find(call, oper, LONG if fmt is None else fmt, act)
        else:
            self.manual_choice = None
        self.mode = mode
        self.update()
        if self._searching is None:
            if self.serving is None and mode == MANUAL and self._power.radio_on:
                raise CmeError(errors.NO_NETWORK_SERVICE)
            return None
        waiter: defer.Deferred = defer.Deferred()
        self._waiters.append(waiter)
        return waiter

    def _find(self, call, oper: str, fmt: int, act: int | None) -> OperatorSpec | None:
        """The scenario operator named ``oper`` in ``fmt`` (and on ``act``), if any."""
        charset = session_charset(call.session, self.tables.default_charset)
        if fmt != NUMERIC:
            try:
                oper = decode(oper, charset)
            except ValueError:
                raise call.params.bad() from None
        for op in self.operators:
            names = {LONG: op.name, SHORT: op.short_name or op.name, NUMERIC: op.numeric}
            if names[fmt] == oper and (act is None or act == self.act(op)):
                return op
        return None

