"""Every GenPro ``AT#`` parameter as data (GenPro §2.1, §3.1, §4.1): its kind of value, its
default, whether it exists once per TCP socket (the engine,
``simulator.dialects.atsharp``, keeps, shows and stores them).

Limits as each section prints them: APNSERV up to 96 characters, the other strings up to
64; ports "from 1 to 5 digits", above 65535 illegal; TCPTXDELAY a multiple of 20 up to
32760.  The paths default to ``"."`` and TCPSERV to ``""``, as every display of the manual
shows them (decision G9 in docs/dialects/genpro.md).
"""

from __future__ import annotations

from simulator.dialects.atsharp.parameters import Parameter, table
from simulator.dialects.atsharp.values import PORT, TX_DELAY, Letter, Number, Text

#: The TCP socket ids (GenPro §4: "One has the id 1 and the other the id 2").
SOCKETS = (1, 2)

STRING = Text(64)

_TABLE = (
    # GenPro §2.1: GPRS.
    Parameter("APNPW", STRING, "", "2.1.1"),
    Parameter("APNSERV", Text(96), "", "2.1.2"),
    Parameter("APNUN", STRING, "", "2.1.3"),
    Parameter("GPRSCID", Number(1, 4), 1, "2.1.4"),
    Parameter("GPRSMODE", Number(0, 1), 1, "2.1.5"),
    # GenPro §3.1: FTP.
    Parameter("FTPPORT", PORT, 21, "3.1.1"),
    Parameter("FTPMODE", Number(0, 1), 0, "3.1.2"),
    Parameter("FTPTYPE", Letter("AI"), "I", "3.1.3"),
    Parameter("FTPSERV", STRING, "", "3.1.4"),
    Parameter("FTPUN", STRING, "", "3.1.5"),
    Parameter("FTPPW", STRING, "", "3.1.6"),
    Parameter("FTPGETFILENAME", STRING, "", "3.1.7"),
    Parameter("FTPGETPATH", STRING, ".", "3.1.8"),
    Parameter("FTPPUTFILENAME", STRING, "", "3.1.9"),
    Parameter("FTPPUTPATH", STRING, ".", "3.1.10"),
    # GenPro §4.1: TCP, once per socket.
    Parameter("DLEMODE", Number(0, 1), 1, "4.1.1", per_socket=True),
    Parameter("TCPPORT", PORT, 0, "4.1.2", per_socket=True),
    Parameter("TCPSERV", STRING, "", "4.1.3", per_socket=True),
    Parameter("TCPTXDELAY", TX_DELAY, 100, "4.1.4", per_socket=True),
)

PARAMETERS: dict[str, Parameter] = table(_TABLE)

#: Names the manual also prints (GenPro §3.1.6, §3.1.9, §3.1.10, §4.1.2, TOC 4.1.3): the
#: spelling typed -> the parameter (decision G1).
PARAMETER_ALIASES = {
    "#FTTPW": "FTPPW",
    "#FTTPUTFILENAME": "FTPPUTFILENAME",
    "#FTTPUTPATH": "FTPPUTPATH",
    "#TCPPOINT": "TCPPORT",
    "#TCPSEV": "TCPSERV",
}
