"""eDsoft as the AT# engine reads it (``AtSharpTables``): its parameters, displays, version,
error codes and data-mode endings (docs/dialects/edsoft.md)."""

from __future__ import annotations

from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.tables import AtSharpTables, SocketEnding
from simulator.dialects.edsoft.configuration import BUILD, SOFTWARE
from simulator.dialects.edsoft.displays import DISPLAYS, VALL_BLOCKS, tcp
from simulator.dialects.edsoft.parameters import PARAMETERS, SOCKETS

EDSOFT_TABLES = AtSharpTables(
    name="edsoft",
    parameters=PARAMETERS,
    sockets=SOCKETS,
    flash_key="edsoft.parameters",
    displays=DISPLAYS,
    vtcp=tcp,
    vall_blocks=VALL_BLOCKS,
    vall_header=(SOFTWARE,),
    version=(f'#VERSION: "{SOFTWARE} {BUILD}"',),
    no_service_line="#NO SERVICE",
    syntax_code=codes.SYNTAX_ERROR,  # E7
    value_code=codes.BAD_ARGUMENT,  # E6
    dns_parameters=("DNSSERV1", "DNSSERV2"),
    idle_parameter="PHYTIMEOUT",
    # The host's ETX closes with OK (002 A.8.1, A.8.2, E62); the peer's close shows
    # <ETX>, Ok_Info_SocketClosed, OK (002 §5.4.2).
    socket_close=SocketEnding(),
    peer_close=SocketEnding(("Ok_Info_SocketClosed",)),
    upload_message="Ok_Info_WaitingForData",  # 002 §4.3.2
    echo_upload_etx=True,  # E85
)
