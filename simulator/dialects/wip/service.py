"""The WIP IP stack of one modem as a modem service: it owns the stack's state (options,
bearers) and registers the +WIP commands, each from its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.wip.bearers import WipBearer
from simulator.dialects.wip.cfg import WipCfg
from simulator.dialects.wip.failures import reported
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.stack import StackConfig
from simulator.dialects.wip.wipbr import WipBr
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.sim import require_sim_ready

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem


class WipService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.revision = REVISIONS[getattr(modem.spec, "revision", None) or DEFAULT_REVISION]
        self.stack = StackConfig(self.revision, modem.store)
        self.bearers: dict[int, WipBearer] = {}
        self.commands = [WipCfg(self), WipBr(self)]

    def register(self, table: CommandTable) -> None:
        for command in self.commands:
            handlers = {form: reported(self.revision, command.name, handler)
                        for form, handler in command.handlers().items()}
            table.add(command.name, **handlers)

    # -- what the commands ask the rest of the modem --------------------------------------

    def require_sim(self) -> None:
        require_sim_ready(self.modem)

    def registered(self) -> bool:
        return self.modem.service(NetworkService).serving is not None

    def started_bearer(self) -> WipBearer | None:
        for bearer in self.bearers.values():
            if bearer.started:
                return bearer
        return None

    # -- life -----------------------------------------------------------------------------

    def power_on(self) -> None:
        self._shut_down()

    def power_off(self) -> None:
        self._shut_down()

    def start_stack(self) -> None:
        self.stack.start()

    def stop_stack(self) -> None:
        """``AT+WIPCFG=0``: everything built on the stack goes with it."""
        self._close_bearers()
        self.stack.stop()

    def _shut_down(self) -> None:
        self._close_bearers()
        self.stack.reset()

    def _close_bearers(self) -> None:
        for bearer in list(self.bearers.values()):
            bearer.stop()
        self.bearers.clear()
