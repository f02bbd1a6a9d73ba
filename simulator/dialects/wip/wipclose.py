"""``+WIPCLOSE=<protocol>,<idx>``: close a socket or a session (001 §5.2, 000 §6.2).

"In case of TCP and UDP sockets, response "OK" is returned when the +WIPCLOSE command is
executed irrespective of whether the socket is active or not.  But in case of
FTP/HTTP/SMTP/POP3 session, "OK" response is returned if +WIPCLOSE command is executed when
the session is active else "+CME ERROR: 831" error code is returned." (001 §5.2.7)
"""

from __future__ import annotations

from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.command import WipCommand
from simulator.dialects.wip.errors import Code, WipError
from simulator.dialects.wip.indexes import (
    SERVER_INDEXES,
    SESSION_INDEXES,
    TCP_INDEXES,
    UDP_INDEXES,
)

#: The index range of each protocol's sockets (sessions: ``SESSION_INDEXES``).
INDEX_RANGES = {so.UDP: UDP_INDEXES, so.TCP_CLIENT: TCP_INDEXES,
                so.TCP_SERVER: SERVER_INDEXES}


class WipClose(WipCommand):
    name = "+WIPCLOSE"
    forms = ("set", "test")

    def set(self, call) -> None:
        p = self.params(call)
        p.count(2, 2)
        protocol, index = p.int(0), p.int(1)
        if protocol not in self.revision.protocols:
            raise WipError(Code.BAD_PROTOCOL)
        if index not in INDEX_RANGES.get(protocol, SESSION_INDEXES):
            raise WipError(Code.BAD_INDEX)
        if not self.stack.started:
            raise WipError(Code.BAD_STACK_STATE)
        sock = self.context.sockets.get((protocol, index))
        if sock is None:
            if protocol not in INDEX_RANGES:
                raise WipError(Code.BAD_STATE)  # no such session
            return
        closing = self.context.sockets.close(sock)
        if protocol in self.revision.close_confirmed:
            urc = f"+WIPPEERCLOSE: {protocol},{index}"
            if closing is None:
                self.context.urc(urc)
            else:
                # "+WIPPEERCLOSE: 4,1 is received once the FTP session is closed" (001 §5.2.6)
                closing.addBoth(lambda _: self.context.urc(urc))
