"""The eDsoft application's configuration commands (002 §2.1-§8.4): every ``AT#<PARAM>``
set and read, the display commands, ``AT#VVERSION``, ``AT#VSTATE``, ``AT#DELFLASH``, and the
multi-line entries ``AT#BODYi`` and ``AT#RECiADD`` / ``AT#CCRECiADD``.

Every value set is in the parameter flash at once (``flash.ParameterFlash``).  The commands
that open connections, sessions and transfers are not here: the dialect answers them as the
application answers a command it does not know (docs/dialects/edsoft.md, E3).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.at.commands import Prompt
from simulator.dialects.edsoft import codes
from simulator.dialects.edsoft.calls import IncomingCalls
from simulator.dialects.edsoft.connection import Connections
from simulator.dialects.edsoft.displays import DISPLAYS, render, render_all, tcp
from simulator.dialects.edsoft.flash import ParameterFlash
from simulator.dialects.edsoft.ftp import EdsoftFtp
from simulator.dialects.edsoft.link import IpLink, StackResources
from simulator.dialects.edsoft.mail import EdsoftMail
from simulator.dialects.edsoft.parameters import PARAMETERS, SOCKETS, Parameter, key
from simulator.dialects.edsoft.ping import EdsoftPing
from simulator.dialects.edsoft.running import refuse_while_read
from simulator.dialects.edsoft.state import ConnectionState, state_line
from simulator.dialects.edsoft.tcp import TcpSockets
from simulator.dialects.edsoft.udp import UdpService
from simulator.dialects.edsoft.values import AddressList, BadValue
from simulator.modem.modem import Service
from simulator.modem.network import NetworkService

if TYPE_CHECKING:
    from simulator.at.commands import CommandTable, Param
    from simulator.modem.modem import Modem

#: The software: AT#VALL's first line (002 §8.3.2) and AT#VVERSION's file name; the size
#: and build date AT#VVERSION adds are those of 002 §8.1.2 (decision E16).
SOFTWARE = "eDsoft-W302_V03.00"
BUILD = "67826 Mar 18 2003 18:42:19"

#: Where a multi-line entry's lines end (002 §3.1.5: "enter the <CRLF> pair").
_LINE_END = re.compile(r"\r\n|\r|\n")


def _value_text(param: Param | None) -> str:
    """What the host typed for a value, quoted or not (002 A.6.1, A.8)."""
    if param is None:
        raise codes.error(codes.SYNTAX_ERROR)
    return param.as_typed


class EdsoftService(Service):
    def __init__(self, modem: Modem) -> None:
        super().__init__(modem)
        self.flash = ParameterFlash(modem.store)
        #: Where the connection stands (002 §8.2); the connection code moves it.
        self.state = ConnectionState.IDLE
        #: The IP link the services run on, and who holds the stack (002 §1.6).
        self.link = IpLink(modem.clock)
        self.resources = StackResources()
        #: Whether the Open AT application runs (the dialect tells; stopped, nothing of it
        #: acts on a ringing call).
        self.running: Callable[[], bool] = lambda: True
        #: The connection and the incoming calls (002 §2.2).
        self.connections = Connections(self)
        self.calls = IncomingCalls(self, self.connections)
        #: The two TCP sockets and the UDP session (002 §5, §6).
        self.tcp = TcpSockets(self)
        self.udp = UdpService(self)
        #: The commands that use the link: FTP, mail, ping (002 §3, §4, §7).
        self.applications = (EdsoftFtp(self), EdsoftMail(self), EdsoftPing(self))

    def power_on(self) -> None:
        # A reset (AT+CFUN=1, AT+WOPEN) reads the flash again: after AT#DELFLASH, defaults.
        self.flash.load()
        self.state = ConnectionState.IDLE
        self.calls.power_on()

    def power_off(self) -> None:
        # Everything on the link goes with the module; nothing is shown (nobody is there).
        self.connections.power_off()
        self.calls.power_off()
        self.tcp.power_off()
        self.udp.power_off()
        self.link.lost()
        self.resources.clear()

    # -- wiring ------------------------------------------------------------------------------

    def register(self, table: CommandTable) -> None:
        for parameter in PARAMETERS.values():
            if parameter.per_socket:
                table.add(f"#{parameter.name}", set=self._socket_parameter(parameter),
                          **_refused("exec", "read", "test"))
            else:
                table.add(f"#{parameter.name}", set=self._set(parameter),
                          read=self._read(parameter), **_refused("exec", "test"))
        for i in (1, 2, 3):
            table.add(f"#BODY{i}", exec=self._body_entry(PARAMETERS[f"BODY{i}"]))
            for family in ("REC", "CCREC"):
                table.add(f"#{family}{i}ADD", exec=self._address_entry(
                    PARAMETERS[f"{family}{i}"]), **_refused("set", "read", "test"))
        for name, block in DISPLAYS.items():
            table.add(name, exec=self._display(block), **_refused("set", "read", "test"))
        table.add("#VTCP", set=self.vtcp, **_refused("exec", "read", "test"))
        table.add("#VALL", exec=self.vall, **_refused("set", "read", "test"))
        table.add("#VVERSION", exec=self.vversion, **_refused("set", "read", "test"))
        table.add("#VSTATE", exec=self.vstate, **_refused("set", "read", "test"))
        table.add("#DELFLASH", exec=self.delflash, **_refused("set", "read", "test"))
        self.connections.register(table)
        self.tcp.register(table)
        self.udp.register(table)
        for application in self.applications:
            application.register(table)

    # -- parameters ----------------------------------------------------------------------------

    def _store(self, parameter: Parameter, text: str, socket: int | None = None) -> None:
        refuse_while_read(self, parameter.name, socket)  # 37123 (E100)
        try:
            value = parameter.kind.read(text)
        except BadValue:
            raise codes.error(codes.BAD_ARGUMENT) from None
        try:
            self.flash.put(key(parameter.name, socket), value)
        except OSError:
            raise codes.error(codes.EEPROM_WRITE_FAILED) from None

    def _set(self, parameter: Parameter):
        def handler(call) -> None:
            params = call.command.params
            if len(params) != 1:
                raise codes.error(codes.SYNTAX_ERROR)
            self._store(parameter, _value_text(params[0]))

        return handler

    def _read(self, parameter: Parameter):
        def handler(call) -> None:
            call.info(parameter.line(self.flash.get(parameter.name)))

        return handler

    def _socket_parameter(self, parameter: Parameter):
        """``AT#<P>=<id>`` reads, ``AT#<P>=<id>,<value>`` sets (002 §5.1)."""

        def handler(call) -> None:
            params = call.command.params
            if not 1 <= len(params) <= 2:
                raise codes.error(codes.SYNTAX_ERROR)
            socket = _socket(params[0])
            if len(params) == 1:
                call.info(parameter.line(self.flash.get(key(parameter.name, socket)), socket))
            else:
                self._store(parameter, _value_text(params[1]), socket)

        return handler

    # -- multi-line entries ------------------------------------------------------------------

    def _body_entry(self, parameter: Parameter):
        """``AT#BODYi<CR>`` text ``Ctrl-Z`` (002 §3.1.7); no prompt (decision E18)."""

        def submit(text: bytes) -> None:
            body = text.decode("latin-1")
            for end in ("\r\n", "\r", "\n"):  # the Enter typed before Ctrl-Z
                if body.endswith(end):
                    body = body[: -len(end)]
                    break
            self._store(parameter, body)

        return lambda call: Prompt(submit, prompt=b"")

    def _address_entry(self, parameter: Parameter):
        """``AT#RECiADD<CR>`` addresses, one a line, ``Ctrl-Z`` (002 §3.1.5)."""
        kind = parameter.kind
        assert isinstance(kind, AddressList)

        def submit(text: bytes) -> None:
            addresses = [line for line in _LINE_END.split(text.decode("latin-1")) if line]
            try:
                value = kind.join(addresses)
            except BadValue:
                raise codes.error(codes.BAD_ARGUMENT) from None
            self._store(parameter, value)

        return lambda call: Prompt(submit, prompt=b"")

    # -- display commands --------------------------------------------------------------------

    def _display(self, block):
        def handler(call) -> None:
            for line in render(block, self.flash.get):
                call.info(line)

        return handler

    def vtcp(self, call) -> None:
        params = call.command.params
        if len(params) != 1:
            raise codes.error(codes.SYNTAX_ERROR)
        for line in render(tcp(_socket(params[0])), self.flash.get):
            call.info(line)

    def vall(self, call) -> None:
        for line in render_all(SOFTWARE, self.flash.get):
            call.info(line)

    def vversion(self, call) -> None:
        call.info(f'#VERSION: "{SOFTWARE} {BUILD}"')

    @property
    def in_service(self) -> bool:
        return self.modem.service(NetworkService).serving is not None

    def vstate(self, call) -> None:
        call.info(state_line(self.state, self.in_service))

    def delflash(self, call) -> None:
        self.flash.erase()


def _socket(param: Param | None) -> int:
    if param is None:
        raise codes.error(codes.SYNTAX_ERROR)
    if param.as_typed not in {str(s) for s in SOCKETS}:
        raise codes.error(codes.BAD_ARGUMENT)
    return int(param.as_typed)


#: A form the command does not have (decision E7).
_refused = codes.refused
