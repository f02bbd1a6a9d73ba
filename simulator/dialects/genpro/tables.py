"""GenPro as the AT# engine reads it (``AtSharpTables``): its parameters and their second
spellings, displays, version, error codes and data-mode endings (docs/dialects/genpro.md).
"""

from __future__ import annotations

from simulator.dialects.atsharp.tables import AtSharpTables, SocketEnding
from simulator.dialects.genpro.displays import DISPLAYS, VALL_BLOCKS, vtcp
from simulator.dialects.genpro.parameters import PARAMETER_ALIASES, PARAMETERS, SOCKETS

#: AT#VVERSION (GenPro §6.1.2), AT#VALL's first line (§6.3.2).
VERSION = "#VERSION: OS:V313 WIP:V2.00.12 API:LLC T V1.03 - May 3 2007 16:56:58"

#: 36929 "IP Connectivity library : Bad parameter configuration attempt" (GenPro §9.2): a
#: value out of range or of the wrong kind (decision G3).
BAD_PARAMETER = 36929

GENPRO_TABLES = AtSharpTables(
    name="genpro",
    parameters=PARAMETERS,
    sockets=SOCKETS,
    flash_key="genpro.parameters",
    aliases=PARAMETER_ALIASES,
    displays=DISPLAYS,
    vtcp=vtcp,
    vtcp_alone_shows_all=True,  # §7.1.2 "AT#VTCP" (G7)
    vall_blocks=VALL_BLOCKS,
    version=(VERSION,),
    # §6.2.2 prints the state quoted in every row (decision G6).
    no_service_line='#STATE: "NO SERVICE"',
    syntax_code=None,  # a malformed line: ERROR (G3)
    value_code=BAD_PARAMETER,
    dns_parameters=(),  # no DNS parameter: the link's own servers (G14)
    idle_parameter=None,  # no inactivity timer
    # The host's <ETX> (§7.2.4) and the peer's close (§7.3.4): Ok_Info_SocketClosed and no
    # OK (decision G11); DLEMODE 0 too shows the peer's close by an <ETX> (§4.4.1, G12).
    socket_close=SocketEnding(("Ok_Info_SocketClosed",), ok=False),
    peer_close=SocketEnding(("Ok_Info_SocketClosed",), ok=False),
    plain_peer_close_code=None,
    running_parameter_code=None,  # G13
    # §3.3.2: an upload starts with Ok_Info_DataBegin; nothing says the ETX is echoed (G16).
    upload_message="Ok_Info_DataBegin",
    ftp_mode_parameter="FTPMODE",  # §3.1.2: 0 active (the default), 1 passive
    echo_upload_etx=False,
)
