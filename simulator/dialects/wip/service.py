"""The WIP IP stack of one modem as a modem service: it owns the stack's state (options,
bearers, the socket table) and registers the +WIP commands and ``ATO``, each from its own
module.  Nothing it builds keeps the service: each command gets the part of the stack it
works on (``WipContext``), the bearers a ``BearerContext`` (the revision, the URC emitter,
the modem's bearer services), the sockets and sessions a ``SocketContext`` (the revision,
the stack's options, the socket table, the URC emitter, the clock)."""

from __future__ import annotations

import functools
import random
from typing import TYPE_CHECKING

from simulator.dialects.wip import cfg_options
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.bearers import BearerContext, WipBearer
from simulator.dialects.wip.cfg import WipCfg
from simulator.dialects.wip.command import WipContext
from simulator.dialects.wip.online import Online
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.sockets import SocketContext, WipServer
from simulator.dialects.wip.stack import StackConfig
from simulator.dialects.wip.table import SocketTable
from simulator.dialects.wip.urcs import UrcEmitter
from simulator.dialects.wip.wipbr import WipBr
from simulator.dialects.wip.wipclose import WipClose
from simulator.dialects.wip.wipcreate import WipCreate
from simulator.dialects.wip.wipdata import WipData
from simulator.dialects.wip.wipfile import WipFile
from simulator.dialects.wip.wipopt import WipOpt
from simulator.dialects.wip.wipping import WipPing
from simulator.inet.tcp import TcpConfig
from simulator.ipstack.view import view
from simulator.modem.dialup import DialupService
from simulator.modem.gprs import GprsService
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService
from simulator.modem.portppp import PortLine, port_interpreter
from simulator.modem.pppreport import PppReporter

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem


class WipService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.revision = REVISIONS[getattr(modem.spec, "revision", None) or DEFAULT_REVISION]
        self.stack = StackConfig(self.revision, modem.store)
        self.bearers: dict[int, WipBearer] = {}
        self.table = SocketTable(self.stack)
        #: The open sockets and sessions by (protocol, index), for a look from outside.
        self.sockets = self.table.sockets
        urc = UrcEmitter(modem.emit_urc, self.revision)
        self.context = context = WipContext(
            revision=self.revision, stack=self.stack, sockets=self.table,
            bearers=self.bearers, urc=urc, clock=modem.clock, store=modem.store)
        bearers = BearerContext(
            revision=self.revision, urc=urc,
            gprs=functools.partial(modem.service, GprsService),
            dialup=functools.partial(modem.service, DialupService), modem=modem.name,
            port_line=functools.partial(_port_line, modem, self.stack),
            ppp_report=functools.partial(PppReporter, modem))
        sockets = SocketContext(
            revision=self.revision, stack=self.stack, table=self.table, urc=urc,
            clock=modem.clock, modem=modem.name)
        self.commands = [
            WipCfg(context), WipBr(context, bearers=bearers),
            WipCreate(context, sockets=sockets), WipClose(context), WipOpt(context),
            WipData(context), WipPing(context), WipFile(context), Online(),
        ]

    def register(self, table: CommandTable) -> None:
        for command in self.commands:
            command.register(table)

    # -- what the commands ask the rest of the modem --------------------------------------

    def registered(self) -> bool:
        return self.modem.service(NetworkService).serving is not None

    def socket_views(self) -> list:
        """The socket table by ``<protocol>,<index>`` as ``+WIPCREATE`` numbered them; a
        session (FTP, HTTP, SMTP, POP3) has no socket of its own to show."""
        return [view(f"{protocol},{index}", _endpoint(sock), PROTOCOL_NAMES.get(protocol))
                for (protocol, index), sock in sorted(self.table.sockets.items())]

    # -- life -----------------------------------------------------------------------------

    def power_on(self) -> None:
        self._shut_down()

    def power_off(self) -> None:
        self._shut_down()

    def _shut_down(self) -> None:
        self.context.close_all()
        self.stack.reset()


PROTOCOL_NAMES = {so.UDP: "udp", so.TCP_CLIENT: "tcp", so.TCP_SERVER: "tcp-server",
                  so.FTP: "ftp", so.HTTP: "http", so.SMTP: "smtp", so.POP3: "pop3"}


def _endpoint(sock):
    return getattr(sock, "server", None) if isinstance(sock, WipServer) else \
        getattr(sock, "sock", None)


def _port_line(modem: Modem, stack: StackConfig, uart: int,
               dlci: int | None) -> PortLine | None:
    """PPP on the modem's ``uart``-th port or a DLC on it (a serial-link bearer); its IP
    reassembly waits ``WIP_NET_OPT_IP_FRAG_TIMEO`` seconds, as ``+WIPCFG`` has it now."""
    interpreter = port_interpreter(modem, uart, dlci)
    if interpreter is None:
        return None
    return PortLine(interpreter, modem.clock, random.Random(modem.rng.getrandbits(64)),
                    modem=modem.name,
                    fragment_timeout=lambda: stack.effective(cfg_options.IP_FRAG_TIMEO),
                    tcp=SERIAL_LINK_TCP)


#: The stack's TCP emission buffer: 5840 octets, four 1460-octet segments, as the range of
#: ``WIP_COPT_SND_LOWAT`` (001 §5.3.7.1 "1-5839": space that must be free in the emission
#: buffer) implies.  On a serial line it keeps a window's worth of segments from queueing
#: behind the line, where TCP would take them for lost.
SERIAL_LINK_TCP = TcpConfig(send_buffer=5840)
