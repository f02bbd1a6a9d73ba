"""The +MIP TCP/IP stack of one modem as a modem service: it owns the link and the sockets
(``MipStack``) and registers the commands, each from its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.mip.gtset import GtSet
from simulator.dialects.mip.mipcall import MipCall
from simulator.dialects.mip.mipconf import MipConf, MipKeepConf
from simulator.dialects.mip.mipodm import MipOdm
from simulator.dialects.mip.mipopen import MipClose, MipOpen
from simulator.dialects.mip.mipread import MipRead
from simulator.dialects.mip.mipsend import MipDsets, MipFlush, MipPush, MipSend, MipSets
from simulator.dialects.mip.msdns import MsDns
from simulator.dialects.mip.services import MipDns, MipNtp, MipPing
from simulator.dialects.mip.sockets import Protocol
from simulator.dialects.mip.stack import MipStack
from simulator.ipstack.view import view
from simulator.modem.modem import Service

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable
    from simulator.modem.modem import Modem


class MipService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.stack = MipStack(modem)
        self.commands = [cls(self.stack) for cls in (
            MipCall, MipOpen, MipClose, MipSend, MipPush, MipFlush, MipSets, MipDsets,
            MipRead, MipOdm, GtSet, MipDns, MipPing, MipNtp, MsDns, MipConf, MipKeepConf)]

    def register(self, table: CommandTable) -> None:
        for command in self.commands:
            command.register(table)

    def socket_views(self) -> list:
        """Sockets 1-6 as ``+MIPOPEN`` numbered them (SSL shown as ``ssl``)."""
        return [view(sid, sock.tcp or sock.server or sock.udp,
                     "ssl" if sock.protocol is Protocol.SSL else None)
                for sid, sock in sorted(self.stack.sockets.items())]

    def power_off(self) -> None:
        for command in self.commands:
            if isinstance(command, MipPing) and command.run is not None:
                command.run.stop()
        self.stack.link.power_off()
        self.stack.dns.clear()  # "reset at power cycle" (§1.1.17.1)
        self.stack.forget_tcp_configs()
