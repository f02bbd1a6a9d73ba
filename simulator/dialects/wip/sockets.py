"""WIP's sockets over atsim's IP stack (``simulator.ipstack``): a UDP socket, a TCP client or
spawned socket, a TCP server.  Each turns the stack's events into WIP's URCs, keeps its
+WIPOPT values, and, while a port maps it (+WIPDATA), hands its data to that port's sink.

A socket works with what ``SocketContext`` gives it: the revision, the stack's options, the
socket table it holds its index in, the URC emitter, the clock — not the service.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from twisted.logger import Logger

from simulator.datamode.uplink import Uplink
from simulator.dialects.wip import cfg_options as cfg
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.datamode import PREF_TIMEOUT_UNIT
from simulator.dialects.wip.errors import Code
from simulator.ipstack.sockets import SocketListener, TcpServer, TcpSocket, TcpState, UdpSocket
from simulator.network.errors import Reason

if TYPE_CHECKING:
    from simulator.dialects.wip.revision import Revision
    from simulator.dialects.wip.stack import StackConfig
    from simulator.dialects.wip.table import SocketTable
    from simulator.dialects.wip.urcs import UrcEmitter
    from simulator.ipstack.sockets import Datagram

log = Logger(namespace="atsim.wip.socket")

UDP, TCP, SERVER = so.UDP, so.TCP_CLIENT, so.TCP_SERVER

#: Why a connection failed -> the code shown (001 §5.1.5 842 "destination host unreachable
#: (whether host unreachable, Network unreachable, response timeout)").
FAILURE_CODES = {Reason.RESET: Code.CONNECTION_RESET}


@dataclasses.dataclass(frozen=True)
class SocketContext:
    """What the sockets and sessions of one stack work with."""

    revision: Revision
    stack: StackConfig
    #: Where a socket holds its index (a server adopts what it spawns; a failed one leaves).
    table: SocketTable
    urc: UrcEmitter
    clock: Any
    #: The modem's name, for the log.
    modem: str


class WipSocket(SocketListener):
    protocol: int

    def __init__(self, context: SocketContext, index: int) -> None:
        self.context = context
        self.index = index
        options = context.revision.service_options[self.protocol]
        self.values: dict[int, Any] = {
            n: e.option.default for n, e in options.items() if e.option.default is not None}
        self.values[so.TTL.number] = context.stack.effective(cfg.IP_TTL)
        self.values[so.TOS.number] = context.stack.effective(cfg.IP_TOS)
        self.sink: Any = None  # the data sink of the port mapping this socket
        self.closed = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.protocol},{self.index}>"

    @property
    def key(self) -> tuple[int, int]:
        return (self.protocol, self.index)

    def urc(self, text: str) -> None:
        self.context.urc(text)

    def failed_unsolicited(self, reason: Reason) -> None:
        """A creation that answered OK failed later: shown as an unsolicited error."""
        self.context.urc.unsolicited_error(FAILURE_CODES.get(reason, Code.HOST_UNREACHABLE))

    # -- +WIPOPT --------------------------------------------------------------------------

    def option_value(self, number: int) -> Any:
        return self.values.get(number)

    def set_option(self, number: int, value: Any) -> None:
        self.values[number] = value


class WipUdp(WipSocket):
    protocol = UDP

    def __init__(self, context: SocketContext, index: int, bearer: Any, *, local_port: int,
                 peer: tuple[str, int] | None) -> None:
        super().__init__(context, index)
        self.requested_peer = peer
        # Given a local port the socket is a server too and takes datagrams from anyone
        # (001 §5.1.6: "it can send datagram towards the remote entity and receiving
        # datagram on the specified local port"); a plain client only hears its peer.
        self.sock = UdpSocket(bearer, self, accept_any=peer is None or local_port != 0)
        self._local_port = local_port
        self.notified = False  # a +WIPDATA URC announces the datagram at the queue's head
        self.reply_to: tuple[str, int] | None = None
        self.ready = False

    def open(self) -> None:
        d = self.sock.open(self._local_port, self.requested_peer)
        d.addErrback(lambda f: None)  # reported through ``error``

    # -- events ---------------------------------------------------------------------------

    def connected(self, sock) -> None:
        self.ready = True
        self.urc(f"+WIPREADY: {UDP},{self.index}")

    def error(self, sock, reason: Reason) -> None:
        if not self.ready:
            self.failed_unsolicited(reason)
            self.context.table.forget(self)

    def data_available(self, sock, n: int) -> None:
        if self.sink is not None:
            self.sink.received()
        else:
            self.announce()

    def announce(self) -> None:
        """One +WIPDATA for the next datagram, none more until it is read (001 §6.2.6)."""
        head = self.sock.peek()
        if head is None or self.notified or self.closed:
            return
        self.notified = True
        self.urc(f'+WIPDATA: {UDP},{self.index},{head.size},"{head.address}",{head.port}')

    # -- data -----------------------------------------------------------------------------

    def next_datagram(self) -> Datagram | None:
        datagram = self.sock.recv()
        if datagram is not None:
            self.notified = False
            self.reply_to = (datagram.address, datagram.port)
        return datagram

    def send_datagram(self, payload: bytes) -> None:
        destination = self.sock.peer or self.reply_to
        if destination is None or self.closed:
            log.info("{modem}: UDP {index} has nowhere to send {n} bytes",
                     modem=self.context.modem, index=self.index, n=len(payload))
            return
        self.sock.sendto(payload, destination).addErrback(lambda f: None)

    def data_mode_left(self) -> None:
        """The port went back to AT mode: announce what is still unread."""
        self.announce()

    def close(self) -> None:
        self.closed = True
        self.sock.close()

    # -- +WIPOPT --------------------------------------------------------------------------

    def option_value(self, number: int) -> Any:
        sock = self.sock
        peer = sock.peer or self.reply_to
        if number == so.PORT.number:
            return sock.local[1] if sock.local else 0
        if number == so.PEER_PORT.number:
            return peer[1] if peer else 0
        if number == so.PEER_STRADDR.number:
            return peer[0] if peer else "0.0.0.0"
        if number == so.BOUNDED.number:
            return 1 if sock.peer is not None else 0
        if number == so.NREAD.number:
            return sock.available
        return super().option_value(number)

    def set_option(self, number: int, value: Any) -> None:
        # v2.01 lets a UDP socket change its peer (000 §11.2, §6.3.6).
        peer = self.sock.peer or self.reply_to or ("0.0.0.0", 0)
        if number == so.PEER_PORT.number:
            self.sock.peer = (peer[0], value)
        elif number == so.PEER_STRADDR.number:
            self.sock.peer = (value, peer[1])
        else:
            super().set_option(number, value)


class WipTcp(WipSocket):
    """A TCP client (``+WIPCREATE=2``) or a socket a server spawned: both are protocol 2."""

    protocol = TCP

    def __init__(self, context: SocketContext, index: int, sock: TcpSocket, *,
                 spawned_by: int | None = None) -> None:
        super().__init__(context, index)
        self.sock = sock
        sock.listener = self
        self.spawned_by = spawned_by
        self.ready = spawned_by is not None
        self.notified = False
        self.peer_close_pending = False  # seen while mapped: reported back in AT mode
        self.reset = False
        #: +WIPACCEPT of this module's own server for this connection, shown after
        #: this socket's +WIPREADY (``WipServer.accepted``).
        self.accepts_after_ready: list[str] = []
        # 001 §6.2.11.4: what the host writes "will be sent to the peer when: total amount
        # of buffered data is twice or more than the preferred segmentation size [+WIPCFG
        # option 4]; internal timer expires [option 12, restarted by every chunk]; socket
        # is unmapped, shut down or closed".  Option 12 at 0, its default, or the socket's
        # NODELAY option hold nothing.
        self.uplink = Uplink(context.clock, sock, delay=self._segment_delay,
                             watermark=lambda: 2 * context.stack.effective(cfg.TCP_MIN_MSS))

    def _segment_delay(self) -> float:
        if self.values.get(so.NODELAY.number):
            return 0.0
        return self.context.stack.values.get(cfg.PREF_TIMEOUT_VALUE, 0) * PREF_TIMEOUT_UNIT

    def connect(self, host: str, port: int) -> None:
        self.sock.connect(host, port).addErrback(lambda f: None)  # reported via ``error``

    # -- events ---------------------------------------------------------------------------

    def connected(self, sock) -> None:
        self.ready = True
        self.urc(f"+WIPREADY: {TCP},{self.index}")
        self._show_accepts()

    def _show_accepts(self) -> None:
        accepts, self.accepts_after_ready = self.accepts_after_ready, []
        for text in accepts:
            self.urc(text)

    def data_available(self, sock, n: int) -> None:
        if self.sink is not None:
            self.sink.received()
        else:
            self.announce()

    def announce(self) -> None:
        """``+WIPDATA: 2,<idx>,<n>`` when unread data arrives for an unmapped socket; once
        until the host has read it (a mapped port drains it)."""
        n = self.sock.available
        if n and not self.notified and not self.closed:
            self.notified = True
            self.urc(f"+WIPDATA: {TCP},{self.index},{n}")

    def writable(self, sock) -> None:
        # Not from inside the socket's own send: the uplink takes its next round after it.
        self.context.clock.callLater(0, self.uplink.push)

    def peer_closed(self, sock) -> None:
        if self.sink is not None:
            self.peer_close_pending = True
            self.sink.peer_shutdown()
        else:
            self.urc(f"+WIPPEERCLOSE: {TCP},{self.index}")

    def error(self, sock, reason: Reason) -> None:
        self.uplink.drop()
        if not self.ready:
            self.failed_unsolicited(reason)
            self._show_accepts()
            self.context.table.forget(self)
            return
        self.reset = True
        if self.sink is not None:
            # A peer that vanished shows when sent data is never acknowledged: 842 (001
            # §6.2.11.3); an aborted connection is 843 (001 §6.2.5).
            self.sink.failed(Code.HOST_UNREACHABLE if reason is Reason.TIMEOUT
                             else Code.CONNECTION_RESET)
        elif not self.sock.peer_closed:
            self.urc(f"+WIPPEERCLOSE: {TCP},{self.index}")

    # -- data -----------------------------------------------------------------------------

    def read(self) -> bytes:
        data = self.sock.read()
        if not self.sock.available:
            self.notified = False
        return data

    def after_delivery(self, callback) -> bool:
        """The data sink's way to write a run of received segments at once
        (``TcpSocket.after_delivery``)."""
        return self.sock is not None and self.sock.after_delivery(callback)

    def data_mode_left(self) -> None:
        """The port went back to AT mode: what happened meanwhile is told now."""
        self.uplink.flush()
        if self.peer_close_pending:
            self.peer_close_pending = False
            self.urc(f"+WIPPEERCLOSE: {TCP},{self.index}")
        self.notified = False
        self.announce()

    def close(self) -> None:
        self.closed = True
        self._show_accepts()  # the server's socket exists: the host has to know it
        if self.sock.state is TcpState.CONNECTED and not self.sock.shut_down:
            self.uplink.close()
        else:
            self.uplink.drop()
            self.sock.close()

    # -- +WIPOPT --------------------------------------------------------------------------

    def option_value(self, number: int) -> Any:
        sock = self.sock
        if number == so.PORT.number:
            return sock.local[1] if sock.local else 0
        if number == so.PEER_PORT.number:
            return sock.peer[1] if sock.peer else 0
        if number == so.PEER_STRADDR.number:
            return sock.peer[0] if sock.peer else "0.0.0.0"
        if number == so.NREAD.number:
            return sock.available
        return super().option_value(number)


class WipServer(WipSocket):
    protocol = SERVER

    def __init__(self, context: SocketContext, index: int, bearer: Any, port: int) -> None:
        super().__init__(context, index)
        # Spawned sockets are counted by the WIP index table, not by the stack's max_spawn.
        self.server = TcpServer(bearer, self, port=port)

    def accepted(self, server, child: TcpSocket) -> None:
        index = self.context.table.spawn_index(self.index)
        if index is None:
            # "any peer trying to connect to the server will receive an accept ()
            # immediately followed by a shutdown ()" (001 §5.1.7)
            child.listener = SocketListener()
            child.close()
            return
        self.context.table.adopt(WipTcp(self.context, index, child, spawned_by=self.index))
        text = self.context.revision.accept_urc.format(server=self.index, index=index)
        client = self._own_client(child)
        if client is not None:
            # The stack hands the server its socket at the SYN; on the module the
            # connecting side completes first (the SYN-ACK), the accept with the ACK that
            # follows: "+WIPREADY: 2,3" then "+WIPACCEPT: 2,1" (001 §9.9, §9.15).
            client.accepts_after_ready.append(text)
        else:
            self.urc(text)

    def _own_client(self, child: TcpSocket) -> WipTcp | None:
        """This module's TCP client still connecting to this server from ``child``'s
        peer address, if the connection is one."""
        for sock in self.context.table:
            if (isinstance(sock, WipTcp) and not sock.ready and not sock.accepts_after_ready
                    and sock.sock.state is TcpState.CONNECTING
                    and sock.sock.peer == child.local
                    and sock.sock.bearer.address == child.peer[0]):
                return sock
        return None

    def close(self) -> None:
        self.closed = True
        self.server.close()

    def option_value(self, number: int) -> Any:
        if number == so.PORT.number:
            return self.server.port
        return super().option_value(number)
