"""The base of the +MIP commands: a failure is ``+CME ERROR: <n>`` of the manual's TCP/IP
table (003 §2.3), plain ``ERROR`` under the factory ``+CMEE=0`` as every syntax table of
chapter 1 shows it (M3); a line without the command's syntax or a bad value is 2000 "TCPIP
Param wrong"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.at.commands import CmeError
from simulator.dialects.command import DialectCommand
from simulator.dialects.mip import codes
from simulator.dialects.mip.sockets import SOCKET_IDS
from simulator.modem.sim import require_sim_ready

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator.at.params import Params
    from simulator.dialects.mip.sockets import MipSocket
    from simulator.dialects.mip.stack import MipStack


class MipCommand(DialectCommand):
    syntax_code = codes.PARAM_WRONG
    value_code = codes.PARAM_WRONG
    error = CmeError

    def __init__(self, stack: MipStack) -> None:
        self.stack = stack

    def ready(self) -> None:
        """Every +MIP command is "Pin Restricted" (the Attributes tables of §1.1)."""
        require_sim_ready(self.stack.modem)

    def socket_id(self, p: Params, i: int = 0) -> int:
        return p.int(i, SOCKET_IDS.start, SOCKET_IDS.stop - 1, code=codes.SOCKET_NUMBER)

    def per_open_socket(self, call, fields: Callable[[MipSocket], str]) -> None:
        """A read form "For all ACTIVE sockets": ``<name>: <id>,<fields>`` for each, or
        ``<name>: 0`` "For no ACTIVE socket"."""
        ids = self.stack.active_ids()
        for sid in ids:
            call.info(f"{self.name}: {sid},{fields(self.stack.sockets[sid])}")
        if not ids:
            call.info(f"{self.name}: 0")


def id_list(ids: list[int]) -> str:
    """A "list of <Socket_ID>s" of a read form: the ids with spaces between, or ``0`` for
    none (M12)."""
    return " ".join(str(i) for i in ids) if ids else "0"


#: ``(1-6)``, the supported <Socket_ID>s of every test form.
ID_RANGE = f"({SOCKET_IDS.start}-{SOCKET_IDS.stop - 1})"
