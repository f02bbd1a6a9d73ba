"""+MIPODM, a socket in online data mode (003 §1.1.18, §3.9): opened like +MIPOPEN, then
the port carries its bytes both ways until ``+++``; the socket stays open afterwards."""

from __future__ import annotations

from twisted.internet import defer

from simulator.at import results
from simulator.at.commands import CmeError, Connect, ResultCode
from simulator.datamode.sink import StreamSink
from simulator.dialects.mip import codes
from simulator.dialects.mip.command import ID_RANGE, MipCommand, id_list
from simulator.dialects.mip.mipopen import MipOpen
from simulator.dialects.mip.sockets import SOCKET_IDS, Protocol


class MipOdm(MipCommand):
    name = "+MIPODM"
    forms = ("set", "read", "test")

    def __init__(self, stack) -> None:
        super().__init__(stack)
        self._open = MipOpen(stack)

    def set(self, call) -> defer.Deferred:
        self.ready()
        p = self.params(call)
        p.count(5, 6)
        p.int(5, 0, 1, default=0)  # Pseudo-Command Mode: no PREMUX state here (M22)
        if any(sock.sink is not None for sock in self.stack.sockets.values()):
            raise CmeError(codes.INVALID_OPERATION)  # "only one socket at a time"
        d = defer.Deferred()
        sock = self._open.start(p, opening=d.callback)

        def opened(fields: str | None):
            if fields is None:
                return None  # OK, then the +MIPSTAT line (M22)
            sock.start_data_mode()
            sink = StreamSink(sock, error_result=lambda code: None, escaping=None)

            profile = call.session.profile
            return Connect(sink, shown=results.result(ResultCode.OK, profile)
                           + results.unsolicited([f"+MIPODM: {fields}"], profile))

        return d.addCallback(opened)

    def read(self, call) -> None:
        free = [sid for sid in SOCKET_IDS if sid not in self.stack.sockets]
        call.info(f"+MIPODM: {id_list(free)}")

    def test(self, call) -> None:
        protocols = f"({min(Protocol)}-{max(Protocol)})"
        call.info(f'+MIPODM: {ID_RANGE},(1-65535),(""),(0-65535),{protocols},(0-1)')
