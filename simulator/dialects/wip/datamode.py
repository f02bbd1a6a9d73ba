"""WIP's rules for the shared socket data mode (``simulator.datamode``): the sinks of
``AT+WIPDATA`` (001 §6.2, 000 §7.2) and how the mapped UART shows an error.

* TCP, continuous mode (1): DLE/ETX escaping both ways, a lone ETX from the host shuts the
  socket's sending side down, the peer's shutdown shows as the revision's mark; continuous
  transparent mode (2): every byte as it is.
* UDP, continuous mode: a lone ETX (or 5840 bytes) ends a datagram, each received datagram
  is followed by a lone ETX.  The host reads one datagram each time it maps the socket:
  "Next indication (for next remaining UDP datagram to read) is sent once the first
  datagram have been read (using +WIPDATA command)" (001 §6.2.6); §9.2 shows the next
  datagram announced after ``+++`` / ``OK`` and read by a new ``AT+WIPDATA``.

``+++`` (the engine's escape) and an unmap from another port flush what the host wrote and
release the port: WIP has no online command state, and ``ATO`` does not come back (001
§6.2.11.2).  A reset TCP connection ends data mode with an ETX and ``+CME ERROR: 843``
(001 §6.2.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.at.commands import CmeError, ResultCode
from simulator.at.results import error_text
from simulator.datamode.dle import DLE_ETX
from simulator.datamode.sink import DatagramRules, DatagramSink, StreamRules, StreamSink

if TYPE_CHECKING:
    from simulator.dialects.wip.revision import Revision
    from simulator.dialects.wip.sockets import WipTcp, WipUdp

#: Shown on the mapped UART when the TCP peer shut its sending side down (001 §6.2.2.1,
#: §6.2.11.1); v2.01 sends a lone ETX instead (000 §7.2.1.1).
SHUTDOWN_INDICATION = b"\r\nSHUTDOWN\r\n"
#: "Maximum size of an UDP datagram has been fixed to 5840 Bytes" (001 §6.2.2.2): data
#: written on a UDP socket is sent as one datagram at the lone ETX or at this size.
MAX_DATAGRAM = 5840
#: +WIPCFG option 12 counts in these (001 §4.1.3: "Each unit ... represents 100 msec").
PREF_TIMEOUT_UNIT = 0.1


def error_result(session: Any, code: int) -> str | ResultCode:
    """What a port shows for an error that ends data mode, per its ``+CMEE``."""
    return error_text(CmeError(code), session) or ResultCode.ERROR


def tcp_sink(socket: WipTcp, revision: Revision, session: Any, *,
             transparent: bool) -> StreamSink:
    return StreamSink(
        socket,
        error_result=lambda code: error_result(session, code),
        escaping=None if transparent else DLE_ETX,
        rules=StreamRules(
            end_of_data="shutdown",  # 001 §6.2.2.3
            end_of_data_leaves=revision.host_etx_ends_data_mode,
            escape_is_end_of_data=revision.escape_is_etx,
            peer_shutdown_mark=revision.peer_shutdown_mark,
        ),
    )


def udp_sink(socket: WipUdp, revision: Revision, session: Any) -> DatagramSink:
    return DatagramSink(
        socket,
        error_result=lambda code: error_result(session, code),
        max_size=MAX_DATAGRAM,
        # v2.01: "<ETX> character indicates end of data and causes the UART to switch to
        # AT mode" (000 §7.2.6).
        rules=DatagramRules(one_datagram_each_time=True,
                            end_of_data_leaves=revision.host_etx_ends_data_mode),
    )
