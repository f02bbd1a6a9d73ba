"""+MIPOPEN, open a socket (003 §1.1.2), and +MIPCLOSE, close it (§1.1.3).  Both answer
``OK`` at once; the socket's result comes after it (``+MIPOPEN: <id>,1``, ``+MIPSTAT:
<id>,<status>``, ``+MIPCLOSE: <id>,<close_type>``)."""

from __future__ import annotations

from simulator.at.commands import CmeError
from simulator.dialects.mip import codes
from simulator.dialects.mip.command import ID_RANGE, MipCommand, id_list
from simulator.dialects.mip.sockets import SOCKET_IDS, MipSocket, Protocol

#: "host name ... maximum length 255 characters" (§1.1.2.4).
MAX_HOST = 255
#: <Remote_Port> 0: "for incoming connection" (§1.1.2.4).
LISTEN = 0
#: <close_type> 0 "Connection was closed correctly" (§1.1.3.4).
CLOSED_CORRECTLY = 0
#: <Mode> 1 "Do not wait FIN response from server" (§1.1.3.4): the connection is reset (M13).
NO_FIN_WAIT = 1


class MipOpen(MipCommand):
    name = "+MIPOPEN"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(5, 5)
        self.start(p)

    def start(self, p, opening=None) -> MipSocket:
        """Open the socket a +MIPOPEN or +MIPODM line describes; ``opening`` (for +MIPODM)
        takes its result instead of the ``+MIPOPEN:`` line, also when it is ready at once
        (a UDP socket)."""
        sid = self.socket_id(p)
        local_port = p.int(1, 1, 65535, default=0)
        host = p.str(2, maxlen=MAX_HOST)
        remote_port = p.int(3, 0, 65535)
        protocol = Protocol(p.int(4, choices=[int(x) for x in Protocol]))
        if remote_port == LISTEN and (not local_port or protocol is Protocol.SSL):
            raise p.bad()  # a listener needs its port, and has no certificate to serve
        bearer = self.stack.link.require()
        if sid in self.stack.sockets:
            raise CmeError(codes.SOCKET_USED)
        if not host and remote_port != LISTEN:
            raise p.bad()
        sock = MipSocket(sid, protocol, bearer, self.stack,
                         resolver=self.stack.resolver(bearer, sid))
        sock.opening = opening
        self.stack.sockets[sid] = sock
        self.stack.leftovers.pop(sid, None)
        if remote_port == LISTEN:
            sock.listen(local_port)
        else:
            sock.connect(host, remote_port, local_port)
        return sock

    def read(self, call) -> None:
        free = [sid for sid in SOCKET_IDS if sid not in self.stack.sockets]
        call.info(f"+MIPOPEN: {id_list(free)}")

    def test(self, call) -> None:
        protocols = f"({min(Protocol)}-{max(Protocol)})"
        call.info(f'+MIPOPEN: {ID_RANGE},(1-65535),(""),(0-65535),{protocols}')


class MipClose(MipCommand):
    name = "+MIPCLOSE"
    forms = ("set", "read", "test")

    def set(self, call) -> None:
        self.ready()
        p = self.params(call)
        p.count(1, 2)
        sid = self.socket_id(p)
        mode = p.int(1, 0, 2, default=0)
        sock = self.stack.sockets.get(sid)
        if sock is None:
            raise CmeError(codes.SOCKET_NOT_OPENED)
        acknowledged = sock.acknowledged()
        sock.close(abort=mode == NO_FIN_WAIT)
        sock.unread.clear()  # closed by the host: nothing is left to read
        self.stack.forget(sock)
        self.stack.report(f"+MIPCLOSE: {sid}{acknowledged},{CLOSED_CORRECTLY}")

    def read(self, call) -> None:
        call.info(f"+MIPCLOSE: {id_list(self.stack.active_ids())}")

    def test(self, call) -> None:
        call.info(f"+MIPCLOSE: {ID_RANGE},(0-2)")
