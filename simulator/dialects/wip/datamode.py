"""The data sinks of ``AT+WIPDATA``: a port mapped to a socket (001 §6.2, 000 §7.2).

* ``TcpSink`` — continuous mode (1): DLE/ETX escaping both ways, a lone ETX from the host
  shuts the socket's sending side down, the peer's shutdown shows as the revision's mark;
  continuous transparent mode (2): every byte as it is.
* ``UdpSink`` — continuous mode: a lone ETX (or 5840 bytes) ends a datagram, each received
  datagram is followed by a lone ETX.

``+++`` (the engine's escape) and an unmap from another port flush what the host wrote and
release the port (``escaped`` returns False: WIP has no online command state, and
``ATO`` does not come back, 001 §6.2.11.2).  A reset TCP connection ends data mode with an
ETX and ``+CME ERROR: 843`` (001 §6.2.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.at.commands import CmeError, ResultCode
from simulator.at.results import error_text
from simulator.dialects.wip.codec import (
    END_MARK,
    END_OF_DATA,
    DatagramDecoder,
    StreamDecoder,
    escape,
    frame_datagram,
)
from simulator.dialects.wip.errors import Code

if TYPE_CHECKING:
    from simulator.dialects.wip.revision import Revision
    from simulator.dialects.wip.sockets import WipTcp, WipUdp


def error_result(session: Any, code: int) -> str | ResultCode:
    """What a port shows for an error that ends data mode, per its ``+CMEE``."""
    return error_text(CmeError(code), session) or ResultCode.ERROR


class _Sink:
    """What both sinks share: mapping and unmapping the socket."""

    def __init__(self, socket: Any, revision: Revision, session: Any) -> None:
        self.socket = socket
        self.revision = revision
        self.session = session
        self.link: Any = None

    def attach(self, link: Any) -> None:
        self.link = link
        self.socket.sink = self
        self.received()

    def escaped(self) -> bool:
        self._leave()
        return False

    def hangup(self) -> None:
        self._leave()

    def resumed(self) -> None:
        pass  # never suspended: ``escaped`` releases the port

    def unmap(self) -> None:
        """``AT+WIPDATA=<p>,<i>,0`` on another port, or the socket closed there."""
        self._leave()
        self.link.end(ResultCode.OK)

    def _leave(self) -> None:
        if self.socket.sink is self:
            self.socket.sink = None
            self._flush()
            self.socket.unmapped()

    def _end(self, result: Any) -> None:
        if self.socket.sink is self:
            self.socket.sink = None
            self.socket.unmapped()
        self.link.end(result)

    def _flush(self) -> None:
        raise NotImplementedError

    def received(self) -> None:
        raise NotImplementedError


class TcpSink(_Sink):
    socket: WipTcp

    def __init__(self, socket: WipTcp, revision: Revision, session: Any, *,
                 transparent: bool) -> None:
        super().__init__(socket, revision, session)
        self.transparent = transparent
        self._decoder = StreamDecoder()

    def data_received(self, data: bytes) -> None:
        uplink = self.socket.uplink
        if self.transparent:
            uplink.write(data)
            return
        self._decoder.receive_data(data)
        for event in self._decoder.events():
            if event is END_OF_DATA:
                uplink.shutdown()
                if self.revision.host_etx_ends_data_mode:
                    self._end(ResultCode.OK)
                    return
            else:
                uplink.write(event.payload)

    def escaped(self) -> bool:
        if self.revision.escape_is_etx and not self.transparent:
            self.socket.uplink.shutdown()
        return super().escaped()

    def _flush(self) -> None:
        self.socket.uplink.flush()

    # -- from the socket --------------------------------------------------------------------

    def received(self) -> None:
        data = self.socket.read()
        if data:
            self.link.write(data if self.transparent else escape(data))

    def peer_shutdown(self) -> None:
        self.received()
        if not self.transparent:
            self.link.write(self.revision.peer_shutdown_mark)

    def reset(self, code: int = Code.CONNECTION_RESET) -> None:
        self.received()
        self.link.write(END_MARK)
        self._end(error_result(self.session, code))


class UdpSink(_Sink):
    socket: WipUdp

    def __init__(self, socket: WipUdp, revision: Revision, session: Any) -> None:
        super().__init__(socket, revision, session)
        self._decoder = DatagramDecoder()

    def data_received(self, data: bytes) -> None:
        boundaries = self._decoder.etx_seen
        self._decoder.receive_data(data)
        for datagram in self._decoder.events():
            self.socket.send_datagram(datagram.payload)
        if self.revision.host_etx_ends_data_mode and self._decoder.etx_seen > boundaries:
            # v2.01: "<ETX> character indicates end of data and causes the UART to switch
            # to AT mode" (000 §7.2.6).
            self._end(ResultCode.OK)

    def _flush(self) -> None:
        for datagram in self._decoder.flush():
            self.socket.send_datagram(datagram.payload)

    def received(self) -> None:
        while (datagram := self.socket.next_datagram()) is not None:
            self.link.write(frame_datagram(datagram.data))
