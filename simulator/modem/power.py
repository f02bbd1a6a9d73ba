"""Phone functionality (27.007 §8.2 +CFUN) and battery charge (§8.4 +CBC).

The functionality level decides whether the radio is on; a reset (``+CFUN=<fun>,1``) power
cycles every service of the modem, which re-locks the SIM and restarts registration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.modem.forms import fixed
from simulator.modem.modem import Service
from simulator.modem.tables import tables_of
from simulator.modem.text import listing

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem

FULL_FUNCTIONALITY = 1
#: The level a modem boots into.
BOOT_LEVEL = FULL_FUNCTIONALITY


class PowerService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.tables = tables_of(modem)
        self.fun = 0
        #: The level the next power-on starts at (a reset with +CFUN=<fun>,1 keeps <fun>).
        self._boot_level = BOOT_LEVEL
        self._listeners: list[Callable[[], None]] = []

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever the radio may have been switched on or off."""
        self._listeners.append(listener)

    @property
    def radio_on(self) -> bool:
        return self.modem.powered and self.fun == FULL_FUNCTIONALITY

    def power_on(self) -> None:
        self.fun, self._boot_level = self._boot_level, BOOT_LEVEL
        self._changed()

    def power_off(self) -> None:
        self.fun = 0
        self._changed()

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def register(self, table: CommandTable) -> None:
        levels = listing(self.tables.fun_levels)
        table.add("+CFUN", set=self.cfun_set, read=self.cfun_read,
                  test=fixed(f"+CFUN: {levels},(0,1)"))
        table.add("+CBC", exec=self.cbc, test=fixed("+CBC: (0-3),(0-100)"))

    def cfun_read(self, call) -> None:
        call.info(f"+CFUN: {self.fun}")

    def cfun_set(self, call) -> None:
        p = call.params
        p.at_most(2)
        fun = p.int(0, choices=self.tables.fun_levels)
        reset = p.int(1, 0, 1, default=0)
        if reset:
            self._boot_level = fun
            self.modem.power_off()
            self.modem.power_on()
        elif fun != self.fun:
            self.fun = fun
            self._changed()

    def cbc(self, call) -> None:
        status, level = self.tables.battery
        call.info(f"+CBC: {status},{level}")
