"""Sockets 1-6 of the +MIP stack (003 §1.1.2-§1.1.12): each one a TCP or UDP socket of
``simulator.ipstack`` with its accumulating buffer, turning the socket's events into the
module's lines: ``+MIPOPEN:`` once open, ``+MIPRTCP:``/``+MIPRUDP:`` for what arrives,
``+MIPSTAT:`` when it breaks, ``+MIPXOFF:``/``+MIPXON:`` when the stack cannot take more."""

from __future__ import annotations

import collections
import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.datamode.uplink import MAX_OFFER, Uplink
from simulator.dialects.mip import hexdata
from simulator.dialects.mip.accumulator import Accumulator
from simulator.ipstack import Reason, SocketListener, TcpServer, TcpSocket, UdpSocket

if TYPE_CHECKING:
    from simulator.dialects.mip.stack import MipStack
    from simulator.network.apn import Bearer

SOCKET_IDS = range(1, 7)

#: "This command will return in 60 sec when DNS is error" (§1.1.2.1, M8).
DNS_FAILURE_DELAY = 60.0
#: ``+MIPSTAT`` <status> "Broken protocol stack" (§1.1.12.4): every failure of a plain
#: socket (M7).
BROKEN = 1
CLOSE_ALERT = 2
#: Largest piece of received data on one line: +MIPDSETS' default <Size> (§1.1.5.4).
RECEIVE_CHUNK = 2048

#: ``+GTSET "IPRFMT"`` values (§1.2.4.4): URC + hex data, raw data only, URC + raw data,
#: data kept for +MIPREAD.
HEX_LINES, RAW, RAW_LINES, READ_MODE = 0, 1, 2, 5
#: +MIPODM on a 3G/4G module: "8192 bytes" of buffer, sent after a "spooling timeout" of
#: "50 ms" when less (§1.1.18.1).
ODM_BUFFER = 8192
ODM_SPOOLING = 0.05
RECEIVE_FORMATS = (HEX_LINES, RAW, RAW_LINES, READ_MODE)


class Protocol(enum.IntEnum):
    """``<Protocol>`` of +MIPOPEN (§1.1.2.4)."""

    TCP = 0
    UDP = 1
    SSL = 2  # TCP with a TLS handshake (M2)


class MipSocket(SocketListener):
    """One open (or opening) socket of ``stack`` (a ``MipStack``: the clock, the lines shown
    on the AT ports, the receive format, the socket table that frees its id)."""

    def __init__(self, sid: int, protocol: Protocol, bearer: Bearer, stack: MipStack,
                 resolver=None) -> None:
        self.sid = sid
        self.protocol = protocol
        self.bearer = bearer
        self.stack = stack
        self.clock = stack.clock
        self.report = stack.report
        self.resolver = resolver
        self.buffer = Accumulator()
        self.active = False  # "+MIPOPEN: <id>,1" was shown
        self.flowed_off = False  # "+MIPXOFF: <id>" was shown, "+MIPXON" not yet
        self.tcp: TcpSocket | None = None
        self.udp: UdpSocket | None = None
        self.server: TcpServer | None = None
        self.target: tuple[str, int] | None = None  # UDP: where +MIPPUSH sends
        self.listening = False  # remote port 0: the peer is whoever comes
        #: Received bytes kept for +MIPREAD (IPRFMT 5) that are no longer in a TCP socket:
        #: UDP payloads, and what a broken connection left (M20).
        self.unread = bytearray()
        #: Online data mode (+MIPODM): who waits for the open's result line (None: it is
        #: shown as a URC), the port's sink while it is in data mode, and the host's bytes on
        #: their way to the connection.
        self.opening: Callable[[str | None], None] | None = None
        self.sink = None
        self.uplink: Uplink | None = None
        self._opened_at = self.clock.seconds()
        self._timer = None
        self._push_timer = None
        #: +MIPDSETS: the largest piece of received data shown at once, and the pause
        #: between two pieces (§1.1.5.4).
        self.output_size = RECEIVE_CHUNK
        self.output_span_ms = 0
        self._datagrams: collections.deque = collections.deque()
        self._pace_timer = None

    def __repr__(self) -> str:
        return f"<MipSocket {self.sid} {self.protocol.name} active={self.active}>"

    # -- opening ----------------------------------------------------------------------------

    def connect(self, host: str, port: int, local_port: int) -> None:
        if self.protocol is not Protocol.UDP:
            tls = self.stack.tls.options(host) if self.protocol is Protocol.SSL else None
            self.tcp = TcpSocket(self.bearer, self, resolver=self.resolver, tls=tls)
            self.apply_tcp_settings()
            self.tcp.connect(host, port, local_port=local_port).addErrback(lambda f: None)
        else:
            self.udp = UdpSocket(self.bearer, self, accept_any=True, resolver=self.resolver)
            self.target = (host, port)
            self.udp.open(local_port, (host, port)).addErrback(lambda f: None)

    def listen(self, local_port: int) -> None:
        """Remote port 0: wait for the peer (TCP) or for datagrams from anyone (UDP)."""
        self.listening = True
        if self.protocol is not Protocol.UDP:
            self.server = TcpServer(self.bearer, self, port=local_port, max_spawn=1,
                                    on_full="refuse")
        else:
            self.udp = UdpSocket(self.bearer, self, accept_any=True, resolver=self.resolver)
            self.udp.open(local_port)

    # -- sending ----------------------------------------------------------------------------

    def to_stack(self, packets: list[bytes], destination: tuple[str, int] | None = None) -> None:
        """Hand packets to the protocol stack; what TCP cannot take goes back to the
        accumulating buffer and flow is turned off until the stack has room (M10)."""
        for i, packet in enumerate(packets):
            if not packet:
                continue
            if self.udp is not None:
                where = destination or self.target
                if where is not None:
                    self.udp.sendto(packet, where).addErrback(lambda f: None)
                continue
            if self.tcp is None:
                continue
            taken = self.tcp.send(packet)
            if taken < len(packet):
                rest = packet[taken:] + b"".join(packets[i + 1:])
                self.buffer.give_back(rest)
                self._xoff()
                return

    def buffered(self, packets: list[bytes]) -> None:
        """+MIPSEND put data in the buffer and the watermark cut ``packets``: they go, and
        what stays is pushed when the +MIPSETS timeout passes with no new data (§1.1.4.1)."""
        self.to_stack(packets)
        self._cancel_push_timer()
        if len(self.buffer) and self.buffer.timeout_ms:
            self._push_timer = self.clock.callLater(self.buffer.timeout_ms / 1000,
                                                    self._timed_push)

    def _timed_push(self) -> None:
        self._push_timer = None
        if not self.flowed_off and len(self.buffer):
            self.to_stack([self.buffer.take_all()])

    def _cancel_push_timer(self) -> None:
        if self._push_timer is not None and self._push_timer.active():
            self._push_timer.cancel()
        self._push_timer = None

    def _xoff(self) -> None:
        if not self.flowed_off:
            self.flowed_off = True
            self.report(f"+MIPXOFF: {self.sid}")

    def writable(self, sock) -> None:
        if sock is self.tcp and self.uplink is not None and self.uplink.pending:
            self.uplink.push()
        if not self.flowed_off or sock is not self.tcp:
            return
        self.flowed_off = False
        waiting = self.buffer.take_all()
        if waiting:
            self.to_stack([waiting])
        if not self.flowed_off:
            self.report(f"+MIPXON: {self.sid}")

    # -- TCP settings (+MIPCONF, +MIPKEEPCONF) -----------------------------------------------

    def apply_tcp_settings(self) -> None:
        """The retransmission limits of +MIPCONF and the keep-alive of +MIPKEEPCONF, on this
        socket's connection (M29, M31)."""
        if self.tcp is not None:
            self.tcp.set_retransmission(self.stack.tcp_config(self.sid).retransmission)
            self.tcp.set_keepalive(self.stack.keep.keepalive())

    def acknowledged(self) -> str:
        """``,<number_of_acknowledged_bytes>`` for +MIPSTAT and +MIPCLOSE when +MIPCONF's
        indication is on for a TCP socket; nothing otherwise (M30)."""
        if self.protocol is not Protocol.TCP or not self.active:
            return ""  # no plain TCP connection was lost: an SSL or UDP socket, a failed open
        if not self.stack.tcp_config(self.sid).acknowledged_count:
            return ""
        return f",{self.tcp.bytes_acked if self.tcp is not None else 0}"

    # -- closing ----------------------------------------------------------------------------

    def close(self, *, abort: bool = False) -> None:
        """Close at the host's request; buffered data is lost (§1.1.3.1)."""
        self._cancel_timer()
        self._cancel_push_timer()
        if self._pace_timer is not None and self._pace_timer.active():
            self._pace_timer.cancel()
        self._pace_timer = None
        self._datagrams.clear()
        self.buffer.clear()
        if self.uplink is not None:
            self.uplink.drop()
        if self.tcp is not None:
            if abort:
                self.tcp.abort()
            else:  # "Closing delay required by RFC 793" (§1.1.13.4, M29)
                self.tcp.close(linger=self.stack.tcp_config(self.sid).close_delay)
        if self.udp is not None:
            self.udp.close()
        if self.server is not None:
            self.server.close()
        self.active = False

    def _broken(self, status: int = BROKEN) -> None:
        """The socket is over on its own: it is freed and ``+MIPSTAT`` says so (M7); data
        kept for +MIPREAD stays readable (M20)."""
        if self._pace_timer is not None and self._pace_timer.active():
            self._pace_timer.cancel()
        self._pace_timer = None
        while self.sink is None and self._show_next_piece():
            pass  # what was being paced out is shown before the end
        if self.tcp is not None and self.tcp.available:
            self.unread += self.tcp.read()
        acknowledged = self.acknowledged()
        self.close()
        self.stack.forget(self)
        self._failed_open()
        self.report(f"+MIPSTAT: {self.sid},{status}{acknowledged}")

    def _failed_open(self) -> None:
        """An open that +MIPODM waits for failed: its command ends with ``OK`` (the
        +MIPSTAT line follows); a port in data mode on the socket gets its port back."""
        waiting, self.opening = self.opening, None
        if waiting is not None:
            waiting(None)
        if self.sink is not None:
            self.sink.release(None)

    def _cancel_timer(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    # -- socket events ----------------------------------------------------------------------

    def _opened(self, fields: str) -> None:
        self.active = True
        waiting, self.opening = self.opening, None
        if waiting is not None:
            waiting(fields)
        else:
            self.report(f"+MIPOPEN: {fields}")

    def connected(self, sock) -> None:
        self._opened(f"{self.sid},1")

    def accepted(self, server, child) -> None:
        child.listener = self
        self.tcp = child
        self.apply_tcp_settings()
        server.close()
        self.server = None
        address, port = child.peer
        self._opened(f"{self.sid},1,{address},{port}")

    def data_available(self, sock, n: int) -> None:
        if sock is self.tcp:
            self._drain()
        elif sock is self.udp:
            if self.sink is not None:
                self.sink.received()
            else:
                self._deliver_datagrams()

    def peer_closed(self, sock) -> None:
        if sock is self.tcp:
            self._drain()
            # A TLS peer ends with its close_notify alert: status 2, "Connection closed
            # automatically due to non – fatal alert" (§1.1.12.4, M2).
            self._broken(CLOSE_ALERT if self.protocol is Protocol.SSL else BROKEN)

    def error(self, sock, reason: Reason) -> None:
        if sock is not self.tcp and sock is not self.udp:
            return
        if not self.active and reason in (Reason.NAME_NOT_FOUND, Reason.DNS_TIMEOUT):
            delay = max(0.0, self._opened_at + DNS_FAILURE_DELAY - self.clock.seconds())
            self.close()
            self._timer = self.clock.callLater(delay, self._dns_failed)
            return
        if sock is self.tcp:
            self._drain()
        self._broken()

    def _dns_failed(self) -> None:
        self._timer = None
        self.stack.forget(self)
        self._failed_open()
        self.report(f"+MIPSTAT: {self.sid},{BROKEN}")

    # -- receiving ----------------------------------------------------------------------------

    def _drain(self) -> None:
        """What the connection received goes to the port in data mode, or as lines."""
        if self.sink is not None:
            self.sink.received()
        else:
            self._deliver_stream()

    def _deliver_stream(self) -> None:
        """What arrived on the TCP connection, in the receive format of ``+GTSET "IPRFMT"``
        (§1.2.4.4, M18); in format 5 it waits in the socket for +MIPREAD."""
        if self.stack.receive_format() == READ_MODE:
            if self.tcp is not None and self.tcp.available:
                self.report(f"+MIPREAD: {self.sid},{self.pending}")
            return
        self._pace()

    def _deliver_datagrams(self) -> None:
        """Each datagram, with its source; in format 5 its payload waits for +MIPREAD."""
        while self.udp is not None and self.udp.pending:
            datagram = self.udp.recv()
            if self.listening:  # replies go to the last sender (M11)
                self.target = (datagram.address, datagram.port)
            if self.stack.receive_format() == READ_MODE:
                self.unread += datagram.data
                self.report(f"+MIPREAD: {self.sid},{self.pending}")
            else:
                self._datagrams.append([datagram, 0])
        self._pace()

    def _pace(self) -> None:
        """Show received data a piece at a time: at most +MIPDSETS' <Size> bytes a piece,
        <Time span> between two pieces (§1.1.5, M28)."""
        if self._pace_timer is not None:
            return
        while self._show_next_piece():
            if self.output_span_ms:
                self._pace_timer = self.clock.callLater(self.output_span_ms / 1000,
                                                        self._paced)
                return

    def _paced(self) -> None:
        self._pace_timer = None
        if self.sink is None:
            self._pace()

    def _show_next_piece(self) -> bool:
        fmt = self.stack.receive_format()
        if self._datagrams:
            datagram, offset = self._datagrams[0]
            piece = datagram.data[offset:offset + self.output_size]
            offset += len(piece)
            if offset >= len(datagram.data):
                self._datagrams.popleft()
            else:
                self._datagrams[0][1] = offset
            left = len(datagram.data) - offset + sum(
                len(d.data) - o for d, o in self._datagrams if d is not datagram)
            if self.udp is not None:
                left += self.udp.available
            # ``+MIPRUDP: <Source_IP>,<Source_Port>,<id>,<Left>,<Data>`` (§3.5); format 2
            # gives the piece's <Data_len> instead (§1.1.9.4).
            length = len(piece) if fmt == RAW_LINES else left
            self._show(fmt, f"+MIPRUDP: {datagram.address},{datagram.port},{self.sid},"
                            f"{length},", piece)
            return True
        if self.tcp is not None and self.tcp.available and fmt != READ_MODE:
            data = self.tcp.read(self.output_size)
            self._show(fmt, f"+MIPRTCP: {self.sid},{self.tcp.available},", data)
            return True
        return False

    def _show(self, fmt: int, header: str, data: bytes) -> None:
        if fmt == HEX_LINES:
            self.report(header + hexdata.encode(data))
        elif fmt == RAW:
            self.stack.report_bytes(data)
        else:  # RAW_LINES: CR LF, then the header and the bytes as they came (M21)
            self.stack.report_bytes(b"\r\n" + header.encode("ascii") + data)

    # -- online data mode (simulator.datamode.sink.StreamSocket) ----------------------------

    def start_data_mode(self) -> None:
        """+MIPODM: the host's bytes go out after the spooling timeout, or at once when the
        buffer is full (M22); on a UDP socket each time as one datagram of at most the
        buffer's size."""
        if self.uplink is None:
            udp = self.udp is not None
            self.uplink = Uplink(self.clock, _Datagrams(self) if udp else self.tcp,
                                 delay=lambda: ODM_SPOOLING, watermark=lambda: ODM_BUFFER,
                                 restart_on_write=False,
                                 max_offer=ODM_BUFFER if udp else MAX_OFFER)

    def after_delivery(self, callback) -> bool:
        """The data sink's way to write a run of received segments at once
        (``TcpSocket.after_delivery``)."""
        return self.tcp is not None and self.tcp.after_delivery(callback)

    def read(self, n: int | None = None) -> bytes:
        """Received bytes: for the port in data mode (on a UDP socket the payloads one after
        the other, M22), or for +MIPREAD (IPRFMT 5)."""
        if n is None and self.udp is not None:
            data = bytearray()
            while self.udp.pending:
                datagram = self.udp.recv()
                if self.listening:  # replies go to the last sender (M11)
                    self.target = (datagram.address, datagram.port)
                data += datagram.data
            return bytes(data)
        if n is None:
            return self.tcp.read() if self.tcp is not None else b""
        data = bytes(self.unread[:n])
        del self.unread[:n]
        if len(data) < n and self.tcp is not None:
            data += self.tcp.read(n - len(data))
        return data

    def data_mode_left(self) -> None:
        """After ``+++`` the socket stays open (§3.9) and shows what arrives as lines."""
        if self.udp is not None:
            self._deliver_datagrams()
        else:
            self._deliver_stream()

    @property
    def pending(self) -> int:
        """Bytes +MIPREAD can read."""
        return len(self.unread) + (self.tcp.available if self.tcp is not None else 0)


class _Datagrams:
    """Online data mode's way out on a UDP socket: each piece the uplink lets go is one
    datagram to the socket's peer (M22)."""

    def __init__(self, sock: MipSocket) -> None:
        self.sock = sock

    def send(self, data: bytes) -> int:
        self.sock.to_stack([data])
        return len(data)

    def shutdown(self) -> None:
        pass

    def close(self) -> None:
        pass
