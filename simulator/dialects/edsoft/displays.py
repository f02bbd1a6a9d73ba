"""eDsoft's display commands as data (002 §2.4-§2.6, §3.5-§3.8, §4.4, §5.5, §6.5, §7.3, §8.3):
which parameters each shows, in the manual's order and spelling
(``simulator.dialects.atsharp.displays`` renders them).

``AT#VMAILi`` writes ``RECi=<value>`` (002 §3.5.2, decision E13); ``AT#VALL`` has its own
spacing in the UDP and PING blocks and its own UDP order (002 §8.3.2, decision E14), and
separates its blocks with an empty line (E15).
"""

from __future__ import annotations

from simulator.dialects.atsharp.displays import Block, Row, rows
from simulator.dialects.edsoft.parameters import SOCKETS

PHY = rows("ANSWERMODE", "CALLBACKTIMER", "CALLSCREENNUM", "DIALN1", "DIALN2", "DIALSELECT",
           "GPRSMODE", "PHYTIMEOUT", "REDIALCOUNT", "REDIALDELAY", "RINGCOUNT")
PPP = rows("ISPUN", "ISPPW", "PPPMODE", "PPPMYIP", "PPPPEERIP", "PPPSERVUN", "PPPSERVPW")
GPRS = rows("GPRSCID", "APNPW", "APNSERV", "APNUN")
DNS = rows("DNSSERV1", "DNSSERV2")
FTP = rows("FTPSERV", "FTPPORT", "FTPUN", "FTPPW", "FTPTYPE", "FTPGETFILENAME", "FTPGETPATH",
           "FTPPUTFILENAME", "FTPPUTPATH")
POP3 = rows("POP3HEADERMODE", "POP3PORT", "POP3PW", "POP3SERV", "POP3UN")
SMTP = rows("DOMAIN", "SENDERADDR", "SENDERNAME", "SMTPPORT", "SMTPPW", "SMTPSERV", "SMTPUN")
UDP = rows("UDPSERV", "UDPPORT", "UDPTXDELAY")
PING = rows("PINGDELAY", "PINGNUM", "PINGREMOTE")


def tcp(socket: int) -> Block:
    return rows("DLEMODE", "TCPSERV", "TCPPORT", "TCPTXDELAY", socket=socket)


def mail(i: int) -> Block:
    """AT#VMAILi: no BODYi (002 §3.5.1)."""
    return tuple(Row(f"{name}{i}", assign=True) for name in ("REC", "CCREC", "SUBJ"))


def _mail_in_vall(i: int) -> Block:
    return rows(f"BODY{i}", f"CCREC{i}", f"REC{i}", f"SUBJ{i}")


#: The display commands without a parameter.
DISPLAYS: dict[str, Block] = {
    "#VPHY": PHY,
    "#VPPP": PPP,
    "#VGPRS": GPRS,
    "#VDNS": DNS,
    "#VFTP": FTP,
    "#VPOP3": POP3,
    "#VSMTP": SMTP,
    "#VUDP": UDP,
    "#VPING": PING,
    **{f"#VMAIL{i}": mail(i) for i in (1, 2, 3)},
}

#: AT#VALL's blocks (002 §8.3.2).
VALL_BLOCKS: tuple[Block, ...] = (
    PHY, PPP, GPRS, DNS, FTP, POP3, SMTP,
    *(_mail_in_vall(i) for i in (1, 2, 3)),
    tuple(row for socket in SOCKETS for row in tcp(socket)),
    (Row("UDPPORT", colon=" : "), Row("UDPSERV", colon=" : "), Row("UDPTXDELAY", colon=":")),
    (Row("PINGDELAY", colon=":"), Row("PINGNUM"), Row("PINGREMOTE")),
)
