"""SIM commands (27.007 §8.3 +CPIN, §8.65 +CPINR, §7.4 +CLCK, §7.5 +CPWD) over
:class:`simulator.modem.simcard.SimCard`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.modem import errors
from simulator.modem.forms import ok
from simulator.modem.modem import Service
from simulator.modem.simcard import (
    PIN_ATTEMPTS,
    PUK_ATTEMPTS,
    SimCard,
    SimState,
    valid_pin,
    valid_puk,
)
from simulator.modem.text import listing, quote

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

#: Every facility 27.007 §7.4 defines: the ones atsim lacks answer "operation not supported",
#: anything else is an incorrect parameter.
KNOWN_FACILITIES = (
    "CS", "PS", "PF", "SC", "AO", "OI", "OX", "AI", "IR", "NT", "NM", "NS", "NA", "AB", "AG",
    "AC", "FD", "PN", "PU", "PP", "PC",
)
SUPPORTED_FACILITIES = ("SC",)
#: Longest password of each facility (+CPWD test form).
PASSWORD_LENGTH = {"SC": 8}


class SimService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.card = SimCard(modem.spec.sim, modem.store)
        self._listeners: list[Callable[[], None]] = []
        self._presence_listeners: list[Callable[[bool], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever the card's state may have changed."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def on_presence(self, listener: Callable[[bool], None]) -> None:
        """Call ``listener(present)`` when the card is taken out or put back while the
        modem runs."""
        self._presence_listeners.append(listener)

    def remove_card(self) -> None:
        self.card.remove()
        for listener in list(self._presence_listeners):
            listener(False)
        self._changed()

    def insert_card(self) -> None:
        self.card.insert()
        for listener in list(self._presence_listeners):
            listener(True)
        self._changed()

    def power_on(self) -> None:
        self.card.power_up()
        self._changed()

    def power_off(self) -> None:
        self.card.power_up()

    def register(self, table: CommandTable) -> None:
        table.add("+CPIN", set=self.cpin_set, read=self.cpin_read, test=ok)
        table.add("+CPINR", exec=self.cpinr, set=self.cpinr, test=ok)
        table.add("+CLCK", set=self.clck_set, test=self.clck_test)
        table.add("+CPWD", set=self.cpwd_set, test=self.cpwd_test)

    # -- +CPIN ---------------------------------------------------------------------------------

    def cpin_read(self, call) -> None:
        self.card.require_present()
        call.info(f"+CPIN: {self.card.state.value}")

    def cpin_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        # Unquoted PINs are accepted: hosts such as gsm0710muxd send AT+CPIN=1234.
        password = p.str(0, unquoted_ok=True)
        new_pin = p.str(1, unquoted_ok=True, default=None)
        self.card.require_present()
        state = self.card.state
        if state is SimState.READY:
            # 27.007 §8.3: no PIN request pending -> an error, no action towards the MT.
            raise CmeError(errors.OPERATION_NOT_ALLOWED)
        try:
            if state is SimState.PIN:
                if new_pin is not None or not valid_pin(password):
                    raise p.bad()
                self.card.enter_pin(password)
            else:
                if new_pin is None or not valid_puk(password) or not valid_pin(new_pin):
                    raise p.bad()
                self.card.unblock(password, new_pin)
        finally:
            self._changed()

    # -- +CPINR ---------------------------------------------------------------------------------

    def cpinr(self, call) -> None:
        p = call.params
        p.at_most(1)
        pattern = p.str(0, default="*")
        self.card.require_present()
        locks = self.card.locks
        counters = (
            ("SIM PIN", locks.pin_retries, PIN_ATTEMPTS),
            ("SIM PUK", locks.puk_retries, PUK_ATTEMPTS),
            ("SIM PIN2", locks.pin2_retries, PIN_ATTEMPTS),
            ("SIM PUK2", locks.puk2_retries, PUK_ATTEMPTS),
        )
        # 27.007 §8.65: '*' in <sel_code> matches any (sub-)string.
        regex = re.compile(".*".join(re.escape(part) for part in pattern.upper().split("*")))
        for code, retries, default in counters:
            if regex.fullmatch(code):
                call.info(f"+CPINR: {code},{retries},{default}")

    # -- +CLCK, +CPWD -----------------------------------------------------------------------------

    def _facility(self, call) -> str:
        facility = call.params.str(0).upper()
        if facility not in KNOWN_FACILITIES:
            raise call.params.bad()
        if facility not in SUPPORTED_FACILITIES:
            raise CmeError(errors.OPERATION_NOT_SUPPORTED)
        return facility

    def clck_set(self, call) -> None:
        p = call.params
        p.at_most(4)
        self._facility(call)
        mode = p.int(1, 0, 2)
        password = p.str(2, default=None)
        p.int(3, 1, 255, default=None)  # <class>: the SIM lock applies to every class
        if mode == 2:
            self.card.require_present()
            call.info(f"+CLCK: {int(self.card.locks.pin_enabled)}")
            return
        if password is None or not valid_pin(password):
            raise p.bad()
        self.card.require_ready()
        try:
            self.card.set_lock(mode == 1, password)
        finally:
            self._changed()

    def clck_test(self, call) -> None:
        call.info(f"+CLCK: {listing(SUPPORTED_FACILITIES)}")

    def cpwd_set(self, call) -> None:
        p = call.params
        p.at_most(3)
        self._facility(call)
        old, new = p.str(1), p.str(2)
        if not valid_pin(old) or not valid_pin(new):
            raise p.bad()
        self.card.require_ready()
        try:
            self.card.change_pin(old, new)
        finally:
            self._changed()

    def cpwd_test(self, call) -> None:
        pairs = ",".join(f"({quote(f)},{PASSWORD_LENGTH[f]})" for f in SUPPORTED_FACILITIES)
        call.info(f"+CPWD: {pairs}")


def number_type(number: str) -> int:
    """Type of address octet (27.007 <type>): 145 international, 129 otherwise."""
    return 145 if number.startswith("+") else 129


def require_sim_ready(modem: Modem) -> None:
    """Raise +CME ERROR 10/11/12/13 unless the modem's SIM is ready."""
    modem.service(SimService).card.require_ready()
