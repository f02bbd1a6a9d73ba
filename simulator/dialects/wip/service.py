"""The WIP IP stack of one modem as a modem service: it owns the stack's state and registers
the +WIP commands, each from its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.wip.cfg import WipCfg
from simulator.dialects.wip.failures import reported
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.stack import StackConfig
from simulator.modem.modem import Service

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem


class WipService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.revision = REVISIONS[getattr(modem.spec, "revision", None) or DEFAULT_REVISION]
        self.stack = StackConfig(self.revision, modem.store)
        self.commands = [WipCfg(self)]

    def register(self, table: CommandTable) -> None:
        for command in self.commands:
            handlers = {form: reported(self.revision, command.name, handler)
                        for form, handler in command.handlers().items()}
            table.add(command.name, **handlers)

    # -- life -----------------------------------------------------------------------------

    def power_on(self) -> None:
        self.stack.reset()

    def power_off(self) -> None:
        self.stack.reset()

    def start_stack(self) -> None:
        self.stack.start()

    def stop_stack(self) -> None:
        self.stack.stop()
