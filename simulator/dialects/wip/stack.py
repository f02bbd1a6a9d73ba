"""The ``+WIPCFG`` state of one modem's IP stack: started or not, the option values, and the
one configuration set kept in flash (001 §4.1.4, §4.1.7).

* ``AT+WIPCFG=1`` starts the stack with the stored set when there is one, else with the
  factory values: run-time changes that were not stored are gone after a restart.
* ``NEXT_START`` options size the stack when it starts; changing one while it runs only
  changes what ``AT+WIPCFG?`` shows (and what ``AT+WIPCFG=4,1`` stores).
* The pref-timeout option is outside the flash set and keeps its value across a stack
  restart, until the modem itself restarts.
"""

from __future__ import annotations

from typing import Any

from simulator.dialects.wip.cfg_options import Applies, CfgOption
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.revision import Revision

#: NVStore key of the stored configuration set: {"<option number>": value}.
FLASH_KEY = "wip.cfg"


class StackConfig:
    def __init__(self, revision: Revision, store: Any) -> None:
        self.revision = revision
        self.store = store
        self.started = False
        self.values: dict[int, int] = self._factory()
        #: The values the running stack was sized with (NEXT_START options).
        self.applied: dict[int, int] = dict(self.values)

    def _factory(self) -> dict[int, int]:
        return {option.number: option.default for option in self.revision.cfg_options}

    # -- life -----------------------------------------------------------------------------

    def start(self) -> None:
        if self.started:
            raise WipError(Code.STACK_ALREADY_STARTED)
        stored = self.stored()
        factory = self._factory()
        for option in self.revision.cfg_options:
            if option.in_flash_set:
                self.values[option.number] = (stored or factory).get(option.number,
                                                                     option.default)
        self.applied = dict(self.values)
        self.started = True

    def stop(self) -> None:
        self.started = False

    def reset(self) -> None:
        """The modem restarted: the stack is down and nothing but flash is remembered."""
        self.started = False
        self.values = self._factory()
        self.applied = dict(self.values)

    # -- options --------------------------------------------------------------------------

    def set(self, number: int, value: int) -> None:
        option = self.revision.cfg_option(number)
        if option is None or option.read_only:
            raise WipError(Code.INVALID_OPTION)
        if not option.accepts(value):
            raise WipError(Code.INVALID_OPTION_VALUE)
        self.values[number] = value

    def shown(self, option: CfgOption) -> str:
        if option.read_only_value is not None:
            return option.read_only_value
        return str(self.values[option.number])

    def effective(self, number: int) -> int:
        """The value the stack works with now."""
        option = self.revision.cfg_option(number)
        if option is not None and option.applies is Applies.NEXT_START:
            return self.applied[number]
        return self.values[number]

    # -- flash ----------------------------------------------------------------------------

    def stored(self) -> dict[int, int] | None:
        """The stored set, keeping only values this revision accepts (a state directory
        may have been written by the other revision)."""
        raw = self.store.get(FLASH_KEY)
        if not isinstance(raw, dict):
            return None
        stored: dict[int, int] = {}
        for key, value in raw.items():
            option = self.revision.cfg_option(int(key)) if str(key).isdigit() else None
            if (option is not None and option.in_flash_set and not option.read_only
                    and isinstance(value, int) and option.accepts(value)):
                stored[option.number] = value
        return stored

    def save(self) -> None:
        data = {str(o.number): self.values[o.number] for o in self.revision.cfg_options
                if o.in_flash_set and not o.read_only}
        try:
            self.store.put(FLASH_KEY, data)
        except OSError:
            raise WipError(Code.FLASH_WRITE_ERROR) from None

    def free(self) -> None:
        try:
            self.store.delete(FLASH_KEY)
        except OSError:
            raise WipError(Code.FLASH_READ_ERROR) from None
