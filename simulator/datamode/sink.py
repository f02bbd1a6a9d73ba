"""A port in data mode on one socket: the ``DataSink`` between the AT engine's ``DataLink``
(the host) and a dialect's socket (the network).

* ``StreamSink`` — a TCP socket.  With an ``Escaping`` the host's bytes are DLE/ETX decoded
  (a lone ETX shuts the socket's sending side down or closes it, per ``StreamRules``) and
  the network's bytes escaped; with ``escaping=None`` every byte passes as it is.  The
  host's bytes go through the socket's ``Uplink`` (delay, watermark, flow control).
* ``DatagramSink`` — a UDP socket.  A lone ETX (or ``max_size`` bytes) ends a datagram;
  each received datagram goes to the host escaped and followed by a lone ETX.

What differs between vendors is data (``StreamRules``, ``DatagramRules``, the escaped set,
the datagram size, how an error code is shown); the dialect's socket object provides the
few methods of ``StreamSocket`` / ``DatagramSocket`` and calls the sink's ``received``,
``peer_shutdown`` and ``failed`` on its socket's events.

The escape (``+++``) and ``release`` from another port flush what the host wrote and give
the port back (``escaped`` returns False: none of these dialects has an online command state
for a socket).  A socket error ends data mode with an ETX and the dialect's error result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol

from simulator.at.commands import DataLink, ResultCode
from simulator.datamode.dle import (
    DLE_ETX,
    END_MARK,
    END_OF_DATA,
    DatagramDecoder,
    Escaping,
    StreamDecoder,
)
from simulator.datamode.uplink import Uplink

if TYPE_CHECKING:
    from simulator.ipstack.buffers import Datagram as Received

#: What the host sees at the end of data mode: a result code, a dialect's own line, a
#: dialect's own lines framed already (``bytes``), or nothing (``None``).
Result = ResultCode | str | bytes | None


class StreamSocket(Protocol):
    """What a dialect's TCP socket gives its sink."""

    #: The sink of the port in data mode on this socket, if any (the sink sets it).
    sink: Any
    #: Where the host's bytes go.
    uplink: Uplink

    def read(self) -> bytes:
        """Everything received and not read yet."""

    def data_mode_left(self) -> None:
        """The port is back in command mode: tell it what happened meanwhile."""

    # Optional: ``data_mode_entered()``, called once the sink holds the socket;
    # ``after_delivery(callback) -> bool`` (``TcpSocket.after_delivery``): inside a run of
    # segments the network delivers together, the sink writes to the host once after it.


class DatagramSocket(Protocol):
    """What a dialect's UDP socket gives its sink."""

    sink: Any

    def next_datagram(self) -> Received | None:
        """The oldest datagram not read yet, taken from the queue."""

    def send_datagram(self, payload: bytes) -> None:
        """One datagram from the host."""

    def data_mode_left(self) -> None:
        """The port is back in command mode: tell it what happened meanwhile."""


@dataclasses.dataclass(frozen=True)
class StreamRules:
    """How one vendor's TCP data mode treats the ends of the data (escaped mode only:
    without escaping there is no lone ETX and no mark, unless ``transparent_mark``)."""

    #: What a lone ETX from the host does to the socket: "shutdown" its sending side, or
    #: "close" it.  Both send what waits first.
    end_of_data: Literal["shutdown", "close"] = "shutdown"
    #: Data mode ends at a lone ETX from the host, showing ``end_of_data_result``.
    end_of_data_leaves: bool = False
    end_of_data_result: Result = ResultCode.OK
    #: The escape (``+++``) also counts as a lone ETX.
    escape_is_end_of_data: bool = False
    #: Written to the host when the peer shut its sending side down.
    peer_shutdown_mark: bytes = END_MARK
    #: Data mode ends after the mark, showing ``peer_shutdown_result``.
    peer_shutdown_leaves: bool = False
    peer_shutdown_result: Result = ResultCode.OK
    #: Without escaping too, the peer's shutdown writes the mark and ends as above (GenPro
    #: DLEMODE 0: "the TCP/IP stack sends an ETX character on the serial port").
    transparent_mark: bool = False


@dataclasses.dataclass(frozen=True)
class DatagramRules:
    """How one vendor's UDP data mode reads and ends."""

    #: Each time the port enters data mode the host reads one datagram; those arriving
    #: after it wait until the port is back in command mode (which announces them).
    one_datagram_each_time: bool = False
    #: Data mode ends at a lone ETX from the host, showing ``end_of_data_result``.
    end_of_data_leaves: bool = False
    end_of_data_result: Result = ResultCode.OK


class SocketSink:
    """What both sinks share: taking the socket, giving it back, failing."""

    def __init__(self, socket: Any, *, error_result: Callable[[int], Result]) -> None:
        #: The dialect's socket (``StreamSocket`` / ``DatagramSocket``).
        self.socket = socket
        self._error_result = error_result
        self.link: DataLink | None = None

    @property
    def active(self) -> bool:
        """The port is still in data mode on the socket."""
        return self.socket.sink is self

    # -- DataSink -------------------------------------------------------------------------

    def attach(self, link: DataLink) -> None:
        self.link = link
        self.socket.sink = self
        self.received()
        # A socket may have news from before data mode (its peer closed while the port
        # was busy): it tells them now, through the sink.
        entered = getattr(self.socket, "data_mode_entered", None)
        if entered is not None and self.active:
            entered()

    def escaped(self) -> bool:
        self._leave()
        return False

    def hangup(self) -> None:
        self._leave()

    def resumed(self) -> None:
        pass  # never suspended: ``escaped`` gives the port back

    def data_received(self, data: bytes) -> None:
        raise NotImplementedError

    # -- from the dialect -----------------------------------------------------------------

    def release(self, result: Result = ResultCode.OK) -> None:
        """Another port takes the socket out of data mode (or closes it): what the host
        wrote goes, and this port shows ``result``."""
        self._leave()
        self.link.end(result)

    def received(self) -> None:
        """The socket has data for the host."""
        raise NotImplementedError

    def failed(self, code: int) -> None:
        """The socket died: what it received, an ETX, and the error ``code`` as the dialect
        shows it."""
        self.received()
        self._write_gathered()
        self.link.write(END_MARK)
        self._end(self._error_result(code))

    # -- giving the port back -------------------------------------------------------------

    def _leave(self) -> None:
        self._write_gathered()
        if self.active:
            self.socket.sink = None
            self._flush()
            self.socket.data_mode_left()

    def _end(self, result: Result) -> None:
        self._write_gathered()
        if self.active:
            self.socket.sink = None
            self.socket.data_mode_left()
        self.link.end(result)

    def _flush(self) -> None:
        raise NotImplementedError

    def _write_gathered(self) -> None:
        """Output held back until the end of the network's run (``StreamSink``)."""


class StreamSink(SocketSink):
    socket: StreamSocket

    def __init__(self, socket: StreamSocket, *, error_result: Callable[[int], Result],
                 escaping: Escaping | None = DLE_ETX,
                 rules: StreamRules = StreamRules()) -> None:
        super().__init__(socket, error_result=error_result)
        self.escaping = escaping
        self.rules = rules
        self._decoder = StreamDecoder(escaping) if escaping is not None else None
        self._gathered: list[bytes] | None = None  # for the host at the end of the run

    @property
    def transparent(self) -> bool:
        return self.escaping is None

    def data_received(self, data: bytes) -> None:
        uplink = self.socket.uplink
        if self._decoder is None:
            uplink.write(data)
            return
        self._decoder.receive_data(data)
        for event in self._decoder.events():
            if event is END_OF_DATA:
                self._end_of_data(uplink)
                if self.rules.end_of_data_leaves:
                    self._end(self.rules.end_of_data_result)
                    return
            else:
                uplink.write(event.payload)

    def _end_of_data(self, uplink: Uplink) -> None:
        if self.rules.end_of_data == "close":
            uplink.close()
        else:
            uplink.shutdown()

    def escaped(self) -> bool:
        if self.rules.escape_is_end_of_data and not self.transparent:
            self._end_of_data(self.socket.uplink)
        return super().escaped()

    def _flush(self) -> None:
        self._write_gathered()
        self.socket.uplink.flush()

    # -- from the socket --------------------------------------------------------------------

    def received(self) -> None:
        data = self.socket.read()
        if not data:
            return
        if self.escaping is not None:
            data = self.escaping.escape(data)
        gathered = self._gathered
        if gathered is not None:
            gathered.append(data)
            return
        # Segments the network delivers together reach the host as one write after the
        # last of them (same bytes, same turn): one trip through the port for each run
        # instead of one for each segment.
        after = getattr(self.socket, "after_delivery", None)
        if after is not None and after(self._write_gathered):
            self._gathered = [data]
            return
        self.link.write(data)

    def _write_gathered(self) -> None:
        """What ``received`` gathered goes to the host now (before anything after it)."""
        gathered = self._gathered
        if gathered is not None:
            self._gathered = None
            self.link.write(gathered[0] if len(gathered) == 1 else b"".join(gathered))

    def peer_shutdown(self) -> None:
        """The peer shut its sending side down."""
        self.received()
        self._write_gathered()
        if self.transparent and not self.rules.transparent_mark:
            return
        self.link.write(self.rules.peer_shutdown_mark)
        if self.rules.peer_shutdown_leaves:
            self._end(self.rules.peer_shutdown_result)


class DatagramSink(SocketSink):
    socket: DatagramSocket

    def __init__(self, socket: DatagramSocket, *, error_result: Callable[[int], Result],
                 max_size: int, escaping: Escaping = DLE_ETX,
                 rules: DatagramRules = DatagramRules()) -> None:
        super().__init__(socket, error_result=error_result)
        self.escaping = escaping
        self.rules = rules
        self._decoder = DatagramDecoder(max_size, escaping)
        self._read = 0  # datagrams given to the host this time

    def data_received(self, data: bytes) -> None:
        boundaries = self._decoder.etx_seen
        self._decoder.receive_data(data)
        for datagram in self._decoder.events():
            self.socket.send_datagram(datagram.payload)
        if self.rules.end_of_data_leaves and self._decoder.etx_seen > boundaries:
            self._end(self.rules.end_of_data_result)

    def _flush(self) -> None:
        for datagram in self._decoder.flush():
            self.socket.send_datagram(datagram.payload)

    def received(self) -> None:
        while not (self.rules.one_datagram_each_time and self._read):
            datagram = self.socket.next_datagram()
            if datagram is None:
                return
            self._read += 1
            self.link.write(self.escaping.frame(datagram.data))
