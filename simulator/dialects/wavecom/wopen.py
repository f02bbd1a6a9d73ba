"""``+WOPEN``, Wavecom's Open AT application control (AT Commands Interface Guide,
WM_DEV_OAT_UGD_049 §5.2), for whichever application the dialect hosts
(``WavecomDialect.application``).  ``AT+WOPEN=0`` stops it (the module resets and the
application's commands are then unknown) and ``AT+WOPEN=1`` starts it again (another reset).
The mode and the A&D size are kept in non-volatile memory without ``AT&W`` (§5.2.4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from simulator.at.commands import AtError, CmeError
from simulator.modem.errors import OPERATION_NOT_ALLOWED
from simulator.modem.forms import fixed
from simulator.modem.modem import Service

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable, Handler
    from simulator.dialects.wavecom.application import OpenAtApplication
    from simulator.dialects.wavecom.dialect import WavecomDialect
    from simulator.modem.modem import Modem

MODE_KEY = "wopen.mode"
AD_SIZE_KEY = "wopen.ad_size"

# <Mode>s (§5.2.3).
STOP, START, VERSIONS, ERASE_OBJECTS, ERASE_APPLICATION, SUSPEND, AD_SIZE, STATE, SAFE_BOOT = (
    range(9))
#: <OatState> of ``AT+WOPEN=7``: not started (mode 0), started in target mode.
OAT_NOT_STARTED, OAT_STARTED = 0, 12

#: A&D storage (§5.2.3): 0-1344 Kbytes in 64 Kbyte sectors, 768 by default, sharing 1600
#: Kbytes with the application (<OatSize> = 1600 - <A&DSize>).
AD_SIZE_DEFAULT, AD_SIZE_MAX, FLASH_SIZE, SECTOR = 768, 1344, 1600, 64

#: The test form as §5.2.5 prints it: <Mode>, <A&Dsize>, <Key1>, <Key2>.
TEST_LINE = f"+WOPEN: (0-8),(0-{AD_SIZE_MAX}),(0-24),(0-24)"


class OpenAtService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        #: The Open AT application the dialect declares.
        self.application: OpenAtApplication = cast("WavecomDialect", modem.dialect).application

    @property
    def mode(self) -> int:
        mode = self.modem.store.get(MODE_KEY)
        if mode in (STOP, START):
            return mode
        return START if self.application.runs_by_default else STOP

    @property
    def running(self) -> bool:
        return self.mode == START

    @property
    def ad_size(self) -> int:
        size = self.modem.store.get(AD_SIZE_KEY, AD_SIZE_DEFAULT)
        return size if isinstance(size, int) and 0 <= size <= AD_SIZE_MAX else AD_SIZE_DEFAULT

    # -- wiring ------------------------------------------------------------------------------

    def register(self, table: CommandTable) -> None:
        table.add("+WOPEN", set=self.wopen_set, read=self.wopen_read, test=fixed(TEST_LINE))

    def gate(self, table: CommandTable) -> None:
        """Make every application command in ``table`` answer as an unknown command while the
        application is stopped.  Called once every handler is registered
        (``WavecomDialect.install``), so the services' order does not matter."""
        for name in table.names():
            if self.application.owns(name):
                self._gate(table, name)

    def _gate(self, table: CommandTable, name: str) -> None:
        entry = table.get(name)
        assert entry is not None
        table.add(name, **{form: self._gated(name, getattr(entry, form))
                           for form in ("exec", "set", "read", "test")})

    def _gated(self, name: str, handler: Handler | None) -> Handler:
        def run(call):
            if not self.running:
                raise AtError(name)  # as the interpreter answers a command it does not know
            if handler is None:
                raise CmeError(call.session.traits.unsupported_form)
            return handler(call)

        run.__name__ = getattr(handler, "__name__", "unsupported")
        return run

    # -- +WOPEN --------------------------------------------------------------------------------

    def wopen_read(self, call) -> None:
        call.info(f"+WOPEN: {self.mode}")

    def wopen_set(self, call) -> None:
        p = call.params
        mode = p.int(0, STOP, SAFE_BOOT)
        p.at_most(2 if mode == AD_SIZE else 1)
        if mode in (STOP, START):
            if mode != self.mode:
                self.modem.store.put(MODE_KEY, mode)
                self._reset()
        elif mode == VERSIONS:
            versions = self.application.versions_of(self.modem.spec.revision)
            call.info("+WOPEN: 2," + ",".join(f'"{version}"' for version in versions))
        elif mode == ERASE_OBJECTS:
            if self.running:  # §5.2.3: only with the application stopped
                raise CmeError(OPERATION_NOT_ALLOWED)
            for key in self.application.flash_objects:
                self.modem.store.delete(key)
        elif mode == AD_SIZE:
            self._ad_size(call, p.int(1, 0, AD_SIZE_MAX, default=None))
        elif mode == STATE:
            call.info(f"+WOPEN: 7,{OAT_STARTED if self.running else OAT_NOT_STARTED}")
        else:
            # 4 would erase the application for good (atsim cannot download it again),
            # 5 suspends tasks atsim does not have, 8 needs a keypad (docs/dialects/wip.md, D53).
            raise CmeError(OPERATION_NOT_ALLOWED)

    def _ad_size(self, call, size: int | None) -> None:
        if size is not None:
            size = -(-size // SECTOR) * SECTOR  # rounded up to a 64 Kbyte sector
        changed = size is not None and size != self.ad_size
        if changed:
            self.modem.store.put(AD_SIZE_KEY, size)
        current = self.ad_size
        call.info(f"+WOPEN: 6,{current},{FLASH_SIZE - current}")
        if changed:
            self._reset()

    def _reset(self) -> None:
        """Starting or stopping the application (or a new A&D size) resets the module."""
        self.modem.event("reset", cause="+WOPEN")
        self.modem.power_off()
        self.modem.power_on()
