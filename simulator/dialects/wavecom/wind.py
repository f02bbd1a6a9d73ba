"""``+WIND``, Wavecom's general indications (AT Commands Interface Guide, WM_DEV_OAT_UGD_049
§7.1): a bit field of unsolicited ``+WIND: <event>[,<idx>]`` flows, kept in non-volatile
memory without ``AT&W``.

The events atsim produces: SIM presence after a reset (1), the product ready for AT commands
in emergency mode (3) and for every command once the SIM is initialised (4), a call created
(5) and released by the far end or the network (6), network service available (7) and lost
(8).  The others need hardware or features atsim does not have (docs/dialects/wip.md, D52).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.at import results
from simulator.modem.calls import RELEASED, CallEvent, CallService
from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.sim import SimService
from simulator.modem.simcard import SimState

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: Where <IndLevel> is kept (stored at once, as the guide says; default 0: no indication).
LEVEL_KEY = "wind.level"
#: Bits 0-14 (events 0-16); the Multi-Tech guide of the same firmware prints (0-32767).
IND_LEVEL_MAX = 32767

# <event>s atsim produces.
SIM_REMOVED = 0
SIM_INSERTED = 1
AT_READY = 3  # AT commands accepted, except phonebooks, AOC, SMS (emergency mode)
ALL_READY = 4  # every AT command, the SIM initialised
CALL_CREATED = 5
CALL_RELEASED = 6
SERVICE_AVAILABLE = 7
NETWORK_LOST = 8

#: <event> -> the <IndLevel> bit that lets it through (§7.1.3).
EVENT_BIT = {0: 0, 1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6, 8: 7, 9: 8, 10: 9, 11: 10,
             12: 11, 13: 12, 14: 12, 15: 13, 16: 14}

#: Seconds from power-on (or reset) to ``+WIND: 3``: the AT interface is up.
AT_READY_DELAY = 0.5
#: Seconds from ``+WIND: 3`` to the SIM presence indication ``+WIND: 1``.
SIM_DETECT_DELAY = 0.2
#: Seconds from ``+WIND: 3`` (or from the PIN entered, if later) to ``+WIND: 4``: the SIM
#: files are read.  Shorter than the default registration delay (2 s), so 3, 1, 4, 7.
SIM_INIT_DELAY = 1.0


class WindService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self._timers: list[Any] = []
        self._at_ready = False  # +WIND: 3 was due this boot
        self._initialising = False  # +WIND: 4 is due or shown this boot
        self._in_service = False

    # -- wiring ------------------------------------------------------------------------------

    def register(self, table: CommandTable) -> None:
        table.add("+WIND", set=self.wind_set, read=self.wind_read,
                  test=fixed(f"+WIND: (0-{IND_LEVEL_MAX})"))

    def watch_siblings(self) -> None:
        self.modem.service(SimService).on_change(self._sim_changed)
        self.modem.service(SimService).on_presence(self._sim_presence)
        self.modem.service(NetworkService).on_registration_change(self._registration_changed)
        self.modem.service(CallService).on_call_event(self._call_event)

    @property
    def level(self) -> int:
        level = self.modem.store.get(LEVEL_KEY, 0)
        return level if isinstance(level, int) and 0 <= level <= IND_LEVEL_MAX else 0

    # -- commands ----------------------------------------------------------------------------

    def wind_set(self, call) -> None:
        p = call.params
        p.at_most(1)
        self.modem.store.put(LEVEL_KEY, p.int(0, 0, IND_LEVEL_MAX))

    def wind_read(self, call) -> None:
        call.info(f"+WIND: {self.level}")

    # -- life --------------------------------------------------------------------------------

    def power_on(self) -> None:
        self._cancel_timers()
        self._at_ready = self._initialising = False
        self._in_service = self.modem.service(NetworkService).serving is not None
        self._later(AT_READY_DELAY, self._interface_up)

    def power_off(self) -> None:
        self._cancel_timers()
        self._at_ready = self._initialising = False

    def _interface_up(self) -> None:
        self._at_ready = True
        self.show(AT_READY)
        if self.modem.service(SimService).card.present:
            self._later(SIM_DETECT_DELAY, self.show, SIM_INSERTED)
        self._sim_changed()

    def _sim_changed(self) -> None:
        card = self.modem.service(SimService).card
        if (self.modem.powered and self._at_ready and not self._initialising
                and card.state is SimState.READY):
            self._initialising = True
            self._later(SIM_INIT_DELAY, self.show, ALL_READY)

    def _sim_presence(self, present: bool) -> None:
        """The SIM presence pin: +WIND: 0 when the card is taken out, +WIND: 1 when it is
        put back (and +WIND: 4 again once the new card is ready)."""
        if not present:
            self._initialising = False
        if self.modem.powered and self._at_ready:
            self.show(SIM_INSERTED if present else SIM_REMOVED)

    def _registration_changed(self) -> None:
        serving = self.modem.service(NetworkService).serving is not None
        if serving == self._in_service:
            return
        self._in_service = serving
        if self.modem.powered:  # a reset loses the network silently
            self.show(SERVICE_AVAILABLE if serving else NETWORK_LOST)

    def _call_event(self, event: CallEvent) -> None:
        if event.kind == RELEASED:
            if event.remote:  # "released by network or other party" (§7.1.3)
                self.show(CALL_RELEASED, event.call_id)
            return
        self.show(CALL_CREATED, event.call_id, origin=event.command)

    # -- output ------------------------------------------------------------------------------

    def show(self, event: int, idx: int | None = None, *, origin: Any = None) -> None:
        """``+WIND: <event>[,<idx>]`` on every port if its bit is set.  The port whose ATD
        created a call shows it at once, before the command's result, as the module does."""
        if not self.level & (1 << EVENT_BIT[event]):
            return
        text = f"+WIND: {event}" if idx is None else f"+WIND: {event},{idx}"
        dialling = getattr(origin, "interpreter", None)
        for interpreter in list(self.modem.interpreters):
            if interpreter is dialling and interpreter.receives_urcs:
                origin.raw(results.unsolicited([text], interpreter.profile))
            else:
                interpreter.urc(text)

    def _later(self, delay: float, fn, *args) -> None:
        self._timers = [t for t in self._timers if t.active()]
        self._timers.append(self.modem.clock.callLater(delay, fn, *args))

    def _cancel_timers(self) -> None:
        for timer in self._timers:
            if timer.active():
                timer.cancel()
        self._timers = []
