"""``+WIPCFG``: start and stop the IP stack, set its options, show the version, store or free
the configuration in flash (001 §4.1, 000 §4).

    AT+WIPCFG=<mode>                   mode 0 stop, 1 start, 3 version
    AT+WIPCFG=2,<opt num>,<value>      set an option
    AT+WIPCFG=4,<action>               0 free the stored set, 1 store the current one
    AT+WIPCFG?                         +WIPCFG: <opt>,<value> for every option
    AT+WIPCFG=?                        OK
"""

from __future__ import annotations

from simulator.dialects.wip.command import WipCommand
from simulator.dialects.wip.errors import Code, WipError

STOP, START, CONFIGURE, VERSION, FLASH = range(5)
FREE, STORE = 0, 1


class WipCfg(WipCommand):
    name = "+WIPCFG"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        p = self.params(call)
        mode = p.int(0)
        if mode in (STOP, START, VERSION):
            p.count(1, 1)
        elif mode == CONFIGURE:
            p.count(3, 3)
        elif mode == FLASH:
            p.count(2, 2)
        else:
            raise WipError(Code.INVALID_OPTION)
        if mode == START:
            self.stack.start()
        elif mode == STOP:
            self.context.close_all()  # everything built on the stack goes with it
            self.stack.stop()
        elif mode == VERSION:
            for line in self.revision.version_lines:
                call.info(line)
        elif mode == CONFIGURE:
            self._require_started()
            self.stack.set(p.int(1), p.int(2))
        else:
            action = p.int(1, FREE, STORE, code=Code.INVALID_OPTION_VALUE)
            self.stack.save() if action == STORE else self.stack.free()

    def read(self, call) -> None:
        self._require_started()
        for option in self.revision.cfg_options:
            call.info(f"+WIPCFG: {option.number},{self.stack.shown(option)}")

    def _require_started(self) -> None:
        # 000 §4.5 lists "Initialization failed" for mode 2 and for the read command: the
        # options belong to a running stack (see docs/dialects/wip.md).
        if not self.stack.started:
            raise WipError(Code.UNKNOWN_REASON)
