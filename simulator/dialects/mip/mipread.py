"""+MIPREAD, received data kept in the module and read on demand (003 §1.1.23, §3.10), once
``AT+GTSET="IPRFMT",5`` chose that mode."""

from __future__ import annotations

from simulator.at.commands import CmeError
from simulator.dialects.mip import codes
from simulator.dialects.mip.command import MipCommand
from simulator.dialects.mip.sockets import READ_MODE, RECEIVE_CHUNK, SOCKET_IDS

CRLF = b"\r\n"


class MipRead(MipCommand):
    name = "+MIPREAD"
    forms = ("set", "read")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(2, 2)
        sid = self.socket_id(p)
        wanted = p.int(1, 1, RECEIVE_CHUNK)
        if self.stack.receive_format() != READ_MODE:
            raise CmeError(codes.INVALID_OPERATION)
        sock = self.stack.readable(sid)
        if sock is None:
            raise CmeError(codes.SOCKET_NOT_OPENED)
        data = sock.read(wanted)
        if not sock.pending:
            self.stack.leftovers.pop(sid, None)
        if not data:
            call.info(f"+MIPREAD: {sid},0")
            return
        call.info(f"+MIPDATA: {sid},{len(data)}")
        call.raw(data + CRLF)

    def read(self, call) -> None:
        for sid in SOCKET_IDS:
            sock = self.stack.readable(sid)
            if sock is not None and sock.pending:
                call.info(f"+MIPREAD: {sid},{sock.pending}")
