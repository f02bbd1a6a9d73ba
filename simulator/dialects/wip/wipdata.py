"""``+WIPDATA=<protocol>,<idx>,<mode>``: map this port to a socket in data mode, or unmap a
socket mapped on another port (001 §6.2, 000 §7.2).

    mode 1   continuous: DLE/ETX escaping                       CONNECT
    mode 2   continuous transparent (TCP only; UDP: 837)        CONNECT
    mode 0   unmap the port that maps the socket (from another port)   OK

"it is forbidden to map a single socket on several UARTs simultaneously" (001 §3): the
second port gets 831 "bad state".
"""

from __future__ import annotations

from simulator.at.commands import Connect
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.command import WipCommand
from simulator.dialects.wip.datamode import tcp_sink, udp_sink
from simulator.dialects.wip.errors import Code, WipError

UNMAP, CONTINUOUS, TRANSPARENT = 0, 1, 2


class WipData(WipCommand):
    name = "+WIPDATA"
    forms = ("set", "test")

    def set(self, call):
        p = self.params(call)
        p.count(3, self.revision.data_params)
        protocol, index, mode = p.int(0), p.int(1), p.int(2)
        if protocol not in (so.UDP, so.TCP_CLIENT):
            raise WipError(Code.BAD_PROTOCOL)
        if mode not in (UNMAP, *self.revision.data_modes):
            raise WipError(Code.BAD_STATE)
        if mode == TRANSPARENT and protocol == so.UDP:
            raise WipError(Code.BAD_PROTOCOL)  # 001 §6.2.3.1
        sock = self.context.sockets.get((protocol, index))
        if sock is None or not sock.ready:
            raise WipError(Code.BAD_STATE)
        if mode == UNMAP:
            if sock.sink is None:
                raise WipError(Code.BAD_STATE)
            sock.sink.release()
            return None
        if sock.sink is not None:
            raise WipError(Code.BAD_STATE)
        if protocol == so.TCP_CLIENT:
            if sock.reset:
                raise WipError(Code.CONNECTION_RESET)
            sink = tcp_sink(sock, self.revision, call.session,
                            transparent=mode == TRANSPARENT)
        else:
            sink = udp_sink(sock, self.revision, call.session)
        return Connect(sink)
