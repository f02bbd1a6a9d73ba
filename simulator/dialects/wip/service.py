"""The WIP IP stack of one modem as a modem service: it owns the stack's state (options,
bearers, sockets and their indexes) and registers the +WIP commands, each from its own
module and each given the part of the stack it works on (``WipContext``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.at.commands import AtError, CmeError
from simulator.at.results import error_text
from simulator.dialects.wip import cfg_options as cfg
from simulator.dialects.wip.bearers import WipBearer
from simulator.dialects.wip.cfg import WipCfg
from simulator.dialects.wip.command import WipContext
from simulator.dialects.wip.errors import WipError
from simulator.dialects.wip.failures import shown
from simulator.dialects.wip.indexes import IndexTable
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.sockets import SERVER, TCP, UDP, WipSocket
from simulator.dialects.wip.stack import StackConfig
from simulator.dialects.wip.wipbr import WipBr
from simulator.dialects.wip.wipclose import WipClose
from simulator.dialects.wip.wipcreate import WipCreate
from simulator.dialects.wip.wipdata import WipData
from simulator.dialects.wip.wipfile import WipFile
from simulator.dialects.wip.wipopt import WipOpt
from simulator.dialects.wip.wipping import WipPing
from simulator.modem.errors import OPERATION_NOT_ALLOWED
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
        self.sockets: dict[tuple[int, int], Any] = {}
        self.indexes = IndexTable()
        context = WipContext(
            revision=self.revision, stack=self.stack, sockets=self.sockets,
            bearers=self.bearers, urc=self.urc, started_bearer=self.started_bearer,
            clock=modem.clock, store=modem.store)
        self.commands = [
            WipCfg(context, start=self.start_stack, stop=self.stop_stack),
            WipBr(context, self), WipCreate(context, self),
            WipClose(context, close=self.close_socket),
            WipOpt(context), WipData(context), WipPing(context), WipFile(context),
        ]

    def register(self, table: CommandTable) -> None:
        for command in self.commands:
            command.register(table)
        table.add("O", exec=self.online)

    def online(self, call):
        """``ATO``: a WIP port left data mode for good (``+++`` unmaps); "+CME ERROR:3 will
        be received when GPRS bearer is used" (001 §6.2.11.2).  A call suspended in online
        command state (a CSD data call) still resumes."""
        if call.command.value not in (None, 0):
            raise AtError("O")
        if call.interpreter.online:
            return call.interpreter.resume(call)
        raise CmeError(OPERATION_NOT_ALLOWED)

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

    def bearer_stopped(self, bearer: WipBearer) -> None:
        """Sockets live on the started bearer: they go with it (their connections failed
        as the network released the bearer, and were reported then)."""
        self._close_sockets()

    # -- URCs -----------------------------------------------------------------------------

    def urc(self, text: str) -> None:
        self.modem.emit_urc(lambda session: text)

    def unsolicited_error(self, code: int) -> None:
        """A failure after ``OK`` (a connection that could not be made), as the revision
        numbers it for +WIPCREATE and as each port's +CMEE shows it (the line a final
        result would show; plain ``ERROR`` as the URC's text)."""
        error = shown(self.revision, "+WIPCREATE", WipError(code))
        self.modem.emit_urc(lambda session: error_text(error, session) or "ERROR")

    # -- sockets --------------------------------------------------------------------------

    def adopt(self, sock: WipSocket, *, first: int = 0, last: int = 0) -> None:
        """A socket takes its index."""
        self.sockets[sock.key] = sock
        if sock.protocol == UDP:
            self.indexes.udp.add(sock.index)
        elif sock.protocol == TCP:
            self.indexes.tcp.add(sock.index)
        elif sock.protocol == SERVER:
            self.indexes.add_server(sock.index, first, last)
        else:
            self.indexes.sessions.add(sock.key)

    def forget(self, sock: WipSocket) -> None:
        """The socket is gone: its index is free (a server's range once its sockets are)."""
        if self.sockets.get(sock.key) is not sock:
            return
        del self.sockets[sock.key]
        if sock.protocol == UDP:
            self.indexes.udp.discard(sock.index)
        elif sock.protocol == TCP:
            self.indexes.close_tcp(sock.index)
        elif sock.protocol == SERVER:
            self.indexes.close_server(sock.index)
        else:
            self.indexes.sessions.discard(sock.key)

    def close_socket(self, sock: WipSocket):
        """``+WIPCLOSE``: a port mapping it goes back to AT mode first (with nothing more
        announced about the socket).  A session answers a Deferred firing once it is
        closed."""
        sock.closed = True
        if sock.sink is not None:
            sock.sink.release()
        closing = sock.close()
        self.forget(sock)
        return closing

    def spawn_index(self, server: int) -> int | None:
        return self.indexes.spawn_index(server, self.stack.effective(cfg.SOCKET_MAX))

    def _close_sockets(self) -> None:
        for sock in list(self.sockets.values()):
            sock.closed = True
            if sock.sink is not None:
                sock.sink.release()
            closing = sock.close()
            if closing is not None:
                closing.addErrback(lambda f: None)  # gone with the stack either way
        self.sockets.clear()
        self.indexes.clear()

    # -- life -----------------------------------------------------------------------------

    def power_on(self) -> None:
        self._shut_down()

    def power_off(self) -> None:
        self._shut_down()

    def start_stack(self) -> None:
        self.stack.start()

    def stop_stack(self) -> None:
        """``AT+WIPCFG=0``: everything built on the stack goes with it."""
        self._close_sockets()
        self._close_bearers()
        self.stack.stop()

    def _shut_down(self) -> None:
        self._close_sockets()
        self._close_bearers()
        self.stack.reset()

    def _close_bearers(self) -> None:
        for bearer in list(self.bearers.values()):
            bearer.stop()
        self.bearers.clear()
