"""What one AT# dialect is, as data: the engine (``simulator.dialects.atsharp``) runs eDsoft
and GenPro alike and reads every difference between them here.

    parameters, sockets, flash_key    what the host can set and where it is kept
    aliases                           second spellings a manual prints for a command
    displays, vtcp, vall_*, version   the display commands' layouts
    state_format, no_service_line     AT#VSTATE
    syntax_code, value_code           what a malformed line and a bad value answer
    dns_parameters, idle_parameter    the parameters that name DNS servers and the idle timer
    socket_close, peer_close          what ends a TCP socket's data mode
    upload_message, echo_upload_etx   how an FTP upload begins and ends
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from simulator.dialects.atsharp.displays import Block
from simulator.dialects.atsharp.parameters import Parameter


@dataclasses.dataclass(frozen=True)
class SocketEnding:
    """What the host sees when a TCP socket's data mode ends one way: the messages after
    the ``<ETX>`` (``Ok_Info_SocketClosed`` or none) and whether ``OK`` follows."""

    messages: tuple[str, ...] = ()
    ok: bool = True


@dataclasses.dataclass(frozen=True)
class AtSharpTables:
    name: str
    parameters: Mapping[str, Parameter]
    #: The TCP socket ids.
    sockets: tuple[int, ...]
    #: The NVStore key of the parameter flash.
    flash_key: str
    #: Display commands without a parameter: name -> block.
    displays: Mapping[str, Block]
    #: AT#VTCP=<id>'s block.
    vtcp: Callable[[int], Block]
    #: AT#VALL: its blocks after the version line.
    vall_blocks: tuple[Block, ...]
    #: AT#VVERSION's lines; the first is AT#VALL's header line too unless ``vall_header``.
    version: tuple[str, ...]
    #: AT#VSTATE: the line of a connection state (its value), and the line without radio.
    no_service_line: str
    #: A malformed line (a parameter missing or too many, a form the command lacks), a
    #: value out of range; None: plain ``ERROR``.
    syntax_code: int | None
    value_code: int | None
    vall_header: tuple[str, ...] | None = None
    state_format: str = '#STATE: "{}"'
    #: What setting a parameter that something running reads answers (eDsoft 37123, E100);
    #: None: the value is set (GenPro's §9.2 has no such code, decision G13).
    running_parameter_code: int | None = 37123
    #: Whether ``AT#VTCP`` without an id shows every socket (else a syntax error).
    vtcp_alone_shows_all: bool = False
    #: Second spellings: the command name a manual also prints -> the canonical one.
    aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: The parameters naming the DNS servers, in the order they are asked.
    dns_parameters: tuple[str, ...] = ()
    #: The parameter giving the minutes of inactivity that end the link, if any.
    idle_parameter: str | None = None
    #: A TCP socket closed by the host's ``<ETX>`` (DLEMODE 1) and by its peer.
    socket_close: SocketEnding = SocketEnding()
    peer_close: SocketEnding = SocketEnding(("Ok_Info_SocketClosed",))
    #: A DLEMODE 0 socket closed by its peer: the error it shows (eDsoft 37966, E63), or
    #: None for the ``<ETX>`` and ``peer_close`` as in DLEMODE 1.
    plain_peer_close_code: int | None = 37966
    #: The message that starts an FTP upload's data mode; whether the host's final
    #: ``<ETX>`` is echoed.
    upload_message: str = "Ok_Info_WaitingForData"
    #: The parameter choosing active (0) or passive (1) FTP, if any (else passive).
    ftp_mode_parameter: str | None = None
    echo_upload_etx: bool = True

    @property
    def vall_first(self) -> tuple[str, ...]:
        return self.vall_header if self.vall_header is not None else self.version[:1]
