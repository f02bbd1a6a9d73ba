"""Which parameters a running service or connection reads, and 37123 for a set of one of
them while it runs (002 §9.2 "Service is running. Unable to set parameter", decision E100).

With the multiplexer (27.010) one channel can set a parameter while another channel's
service runs.  A service reads the parameters its command's "List of parameters" names;
changing one of them under it is refused.  What runs is what holds the stack
(``StackResources``) and the connection (``IpLink`` and the connection state).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.link import LinkKind, Resource
from simulator.dialects.atsharp.state import ConnectionState

if TYPE_CHECKING:
    from simulator.dialects.atsharp.command import AtSharpContext

#: 37123 "IP Connectivity library: Service is running. Unable to set parameter" (002 §9.2).
SERVICE_RUNNING = 37123

_MAIL = frozenset({
    "SENDERNAME", "SENDERADDR", "DOMAIN", "SMTPPORT", "SMTPPW", "SMTPSERV", "SMTPUN",
    "POP3HEADERMODE", "POP3PORT", "POP3PW", "POP3SERV", "POP3UN",
    *(f"{family}{i}" for family in ("REC", "CCREC", "SUBJ", "BODY") for i in (1, 2, 3)),
})
_FTP = frozenset({
    "FTPPORT", "FTPTYPE", "FTPSERV", "FTPUN", "FTPPW",
    "FTPGETFILENAME", "FTPGETPATH", "FTPPUTFILENAME", "FTPPUTPATH",
})
_TCP = frozenset({"DLEMODE", "TCPPORT", "TCPSERV", "TCPTXDELAY"})  # of the socket's own id

#: The "List of parameters" of each service (002 §3.2-§7.2).
READ_BY_SERVICE: dict[Resource, frozenset[str]] = {
    Resource.MAIL: _MAIL,
    Resource.FTP: _FTP,
    Resource.UDP: frozenset({"UDPPORT", "UDPSERV", "UDPTXDELAY"}),
    Resource.PING: frozenset({"PINGDELAY", "PINGNUM", "PINGREMOTE"}),
}
_SOCKET_OF = {Resource.TCP1: 1, Resource.TCP2: 2}

#: What ``AT#CONNECTIONSTART`` and ``AT#ACCEPT`` read, by the link's mode (002 §2.2.1,
#: §2.2.3).
READ_BY_CONNECTION: dict[LinkKind, frozenset[str]] = {
    LinkKind.GPRS: frozenset({"GPRSMODE", "APNSERV", "APNUN", "APNPW", "GPRSCID"}),
    LinkKind.GSM: frozenset({
        "GPRSMODE", "DIALN1", "DIALN2", "DIALSELECT", "REDIALCOUNT", "REDIALDELAY",
        "ISPUN", "ISPPW", "PPPMODE", "PPPMYIP", "PPPPEERIP", "PPPSERVUN", "PPPSERVPW",
        "ANSWERMODE",
    }),
}


def readers(context: AtSharpContext, name: str, socket: int | None = None) -> bool:
    """Whether something running reads parameter ``name`` (of TCP socket ``socket``)."""
    for resource in context.resources.held:
        if resource in _SOCKET_OF:
            if name in _TCP and socket == _SOCKET_OF[resource]:
                return True
        elif name in READ_BY_SERVICE[resource]:
            return True
    return name in _connection_reads(context)


def _connection_reads(context: AtSharpContext) -> frozenset[str]:
    # Going down (AT#CONNECTIONSTOP answered OK), the connection reads nothing any more:
    # the host sets up the next one at once (002 A.5.1 then A.5.2).
    state = context.state()
    if state in (ConnectionState.IDLE, ConnectionState.DISCONNECTING):
        return frozenset()
    kind = context.link.kind
    if kind is None:  # still being set up: the mode GPRSMODE chose, or a call
        gprs = state is ConnectionState.CHECKING and context.flash.get("GPRSMODE") == 1
        kind = LinkKind.GPRS if gprs else LinkKind.GSM
    return READ_BY_CONNECTION[kind]


def refuse_while_read(context: AtSharpContext, name: str, socket: int | None = None) -> None:
    """37123 when a running service or the connection reads the parameter (E100)."""
    code = context.tables.running_parameter_code
    if code is not None and readers(context, name, socket):
        raise codes.error(code)
