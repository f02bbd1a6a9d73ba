"""The AT# family's rules for the shared socket data mode (``simulator.datamode``): what the
TCP sockets and eDsoft's UDP session show when data mode begins and ends, and which §9.2
code a socket failure is (docs/dialects/edsoft.md E60-E79, docs/dialects/genpro.md G11,
G12).  Where eDsoft and GenPro differ, the dialect's tables say (``socket_close``,
``peer_close``, ``plain_peer_close_code``); eDsoft's rules:

* Data mode begins with ``Ok_Info_WaitingForData`` (002 §5.2.2, §5.4.2, §6.2.2, §6.4.2)
  instead of ``CONNECT``, framed as a result code (its number 1028 under ``ATV0``, E5).
* TCP with DLEMODE 1: DLE/ETX both ways; a lone ETX from the host closes the socket and
  shows ``OK`` (002 A.8.1, A.8.2, E62); the peer's close shows ``<ETX>``,
  ``Ok_Info_SocketClosed``, ``OK`` (002 §5.4.2, A.8).  DLEMODE 0: every byte as it is
  (E63).
* UDP: always DLE/ETX; a lone ETX from the host ends the session with ``<ETX>``,
  ``Ok_Info_SocketClosed``, ``OK`` (002 §6.2.2, §6.4.2, E70).
* An error once the session is open: ``<ETX>`` then ``#CME ERROR: <code>`` (002 §5.2.2).
"""

from __future__ import annotations

from typing import Any

from simulator.at import results
from simulator.at.commands import ResultCode, ResultLine
from simulator.datamode.dle import DLE_ETX, END_MARK
from simulator.datamode.sink import StreamRules, StreamSink
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.tables import AtSharpTables, SocketEnding
from simulator.network.errors import Reason

WAITING_FOR_DATA = "Ok_Info_WaitingForData"
SOCKET_CLOSED = "Ok_Info_SocketClosed"

#: 38016 "Distant : Open session attempt failed": the connection was refused, or the
#: destination cannot be reached (E65).
OPEN_FAILED = 38016
#: 37952 "Distant : TCP session closed (TCP Context cancelled)": reset by the peer.
CANCELLED = 37952
#: 37964 "Distant : No response from server": the peer stopped answering.
NO_RESPONSE = 37964
#: 37966 "Distant : TCP session closed by peer (FIN received from peer)": the peer closed a
#: DLEMODE 0 socket, which has no in-band mark for it (E63).
CLOSED_BY_PEER = 37966
#: 38027: the name of the server does not resolve (002 §5.4.2, §6.4.2).
NAME_NOT_RESOLVED = 38027
#: 35841 "Physical layer : GPRS session lost.": the bearer under the socket went.
LINK_LOST = 35841
#: 36929 "Bad parameter configuration attempt": TCPSERV/UDPSERV empty, port 0 (E64).
BAD_CONFIGURATION = 36929
#: 36872 "internal resource unavailable": the local port is taken.
NO_RESOURCE = 36872

#: Why a socket failed (``simulator.network.Reason``) -> the code shown (E65).
FAILURE_CODES: dict[Reason, int] = {
    Reason.NAME_NOT_FOUND: NAME_NOT_RESOLVED,
    Reason.DNS_TIMEOUT: NAME_NOT_RESOLVED,
    Reason.UNREACHABLE: OPEN_FAILED,
    Reason.REFUSED: OPEN_FAILED,
    Reason.TIMEOUT: NO_RESPONSE,
    Reason.RESET: CANCELLED,
    Reason.BEARER_RELEASED: LINK_LOST,
    Reason.LINK_DOWN: LINK_LOST,
    Reason.PORT_IN_USE: NO_RESOURCE,
    Reason.MESSAGE_TOO_LONG: OPEN_FAILED,
}


def failure_code(reason: Reason) -> int:
    return FAILURE_CODES.get(reason, OPEN_FAILED)


def message(name: str, profile: Any) -> bytes:
    """An information message framed as a result code: ``CR LF text CR LF``, under ``ATV0``
    its number then CR (E5); nothing under ``ATQ1``."""
    return results.result_line(ResultLine(name, codes.INFO_MESSAGES[name]), profile)


def waiting_for_data(session: Any) -> bytes:
    return message(WAITING_FOR_DATA, session.profile)


def socket_closed(session: Any) -> bytes:
    """``Ok_Info_SocketClosed`` then ``OK``."""
    profile = session.profile
    return message(SOCKET_CLOSED, profile) + results.result(ResultCode.OK, profile)


def error_result(session: Any, code: int) -> str | ResultCode:
    return results.error_text(codes.error(code), session) or ResultCode.ERROR


def ending(session: Any, end: SocketEnding) -> bytes | ResultCode:
    """What a TCP socket shows after its ``<ETX>`` when its data mode ends one way."""
    profile = session.profile
    shown = b"".join(message(name, profile) for name in end.messages)
    if not shown:
        return ResultCode.OK if end.ok else b""
    return shown + (results.result(ResultCode.OK, profile) if end.ok else b"")


def tcp_sink(socket: Any, session: Any, *, dle_mode: bool, tables: AtSharpTables) -> StreamSink:
    return StreamSink(
        socket,
        error_result=lambda code: error_result(session, code),
        escaping=DLE_ETX if dle_mode else None,
        rules=StreamRules(
            end_of_data="close",  # "ETX ... as a close request" (002 §5.1.1)
            end_of_data_leaves=True,
            # eDsoft OK (002 A.8.1, A.8.2, E62); GenPro Ok_Info_SocketClosed (§7.2.4).
            end_of_data_result=ending(session, tables.socket_close),
            peer_shutdown_mark=END_MARK,
            peer_shutdown_leaves=True,
            peer_shutdown_result=ending(session, tables.peer_close),
            transparent_mark=tables.plain_peer_close_code is None,
        ),
    )


def udp_sink(socket: Any, session: Any) -> StreamSink:
    """The UDP session's bytes are a stream for the host: no mark between datagrams either
    way (a lone ETX ends the session); the uplink cuts the host's bytes into datagrams."""
    return StreamSink(
        socket,
        error_result=lambda code: error_result(session, code),
        escaping=DLE_ETX,
        rules=StreamRules(
            end_of_data="close",
            end_of_data_leaves=True,
            # 002 §6.2.2, §6.4.2 print <ETX> in the responses column (E70).
            end_of_data_result=END_MARK + socket_closed(session),
        ),
    )
