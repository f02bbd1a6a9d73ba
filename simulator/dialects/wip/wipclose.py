"""``+WIPCLOSE=<protocol>,<idx>``: close a socket or a session (001 §5.2, 000 §6.2).

"In case of TCP and UDP sockets, response "OK" is returned when the +WIPCLOSE command is
executed irrespective of whether the socket is active or not.  But in case of
FTP/HTTP/SMTP/POP3 session, "OK" response is returned if +WIPCLOSE command is executed when
the session is active else "+CME ERROR: 831" error code is returned." (001 §5.2.7)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.indexes import (
    SERVER_INDEXES,
    SESSION_INDEXES,
    TCP_INDEXES,
    UDP_INDEXES,
)
from simulator.dialects.wip.params import WipParams

if TYPE_CHECKING:
    from simulator.dialects.wip.service import WipService

#: The index range of each protocol's sockets (sessions: ``SESSION_INDEXES``).
INDEX_RANGES = {so.UDP: UDP_INDEXES, so.TCP_CLIENT: TCP_INDEXES,
                so.TCP_SERVER: SERVER_INDEXES}


class WipClose:
    name = "+WIPCLOSE"

    def __init__(self, wip: WipService) -> None:
        self.wip = wip

    def handlers(self) -> dict:
        return {"set": self.set, "test": lambda call: None}

    def set(self, call) -> None:
        p = WipParams(call.command.params)
        p.count(2, 2)
        protocol, index = p.number(0), p.number(1)
        if protocol not in self.wip.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if index not in INDEX_RANGES.get(protocol, SESSION_INDEXES):
            raise WipError(Code.BAD_INDEX)
        if not self.wip.stack.started:
            raise WipError(Code.BAD_STACK_STATE)
        sock = self.wip.sockets.get((protocol, index))
        if sock is None:
            if protocol not in INDEX_RANGES:
                raise WipError(Code.BAD_STATE)  # no such session
            return
        closing = self.wip.close_socket(sock)
        if protocol in self.wip.revision.close_confirmed:
            urc = f"+WIPPEERCLOSE: {protocol},{index}"
            if closing is None:
                self.wip.urc(urc)
            else:
                # "+WIPPEERCLOSE: 4,1 is received once the FTP session is closed" (001 §5.2.6)
                closing.addBoth(lambda _: self.wip.urc(urc))
