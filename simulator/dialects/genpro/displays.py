"""GenPro's display commands as data (GenPro §2.4, §3.4, §4.5, §6.3): which parameters each
shows, in the manual's order and spelling.

AT#VTCP prints TCPPORT as ``#TCPPOINT`` and before it TCPSERV (§4.5.2); AT#VALL prints
``#TCPPORT`` after DLEMODE (§6.3.2) — each as printed (decision G1).
"""

from __future__ import annotations

from simulator.dialects.atsharp.displays import Block, Row, rows
from simulator.dialects.genpro.parameters import SOCKETS

GPRS = rows("APNPW", "APNSERV", "APNUN", "GPRSMODE", "GPRSCID")
FTP = rows("FTPGETFILENAME", "FTPGETPATH", "FTPMODE", "FTPPORT", "FTPPUTFILENAME",
           "FTPPUTPATH", "FTPPW", "FTPSERV", "FTPTYPE", "FTPUN")


def vtcp(socket: int) -> Block:
    return (Row("DLEMODE", socket), Row("TCPSERV", socket),
            Row("TCPPORT", socket, label="TCPPOINT"), Row("TCPTXDELAY", socket))


def _tcp_in_vall(socket: int) -> Block:
    return rows("DLEMODE", "TCPPORT", "TCPSERV", "TCPTXDELAY", socket=socket)


DISPLAYS: dict[str, Block] = {"#VGPRS": GPRS, "#VFTP": FTP}

#: AT#VALL after the version line: GPRS, FTP, socket 1, socket 2 (§6.3.2).
VALL_BLOCKS: tuple[Block, ...] = (GPRS, FTP, *(_tcp_in_vall(s) for s in SOCKETS))
