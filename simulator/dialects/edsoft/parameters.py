"""Every eDsoft parameter as data (002 §2.1, §3.1, §4.1, §5.1, §6.1, §7.1): its kind of value,
its default, whether it exists once per TCP socket (``simulator.dialects.atsharp.parameters``
keeps, shows and stores them).

FTPTYPE shows ``#FTPTYPE = I`` (002 §4.4.2, §8.3.2, decision E12).
"""

from __future__ import annotations

from simulator.dialects.atsharp.parameters import Parameter, key, table
from simulator.dialects.atsharp.values import (
    DIAL_CHARS,
    PORT,
    TX_DELAY,
    AddressList,
    Ipv4,
    Kind,
    Letter,
    Number,
    Text,
)

__all__ = ["PARAMETERS", "SOCKETS", "Parameter", "key"]

#: The TCP socket ids (002 §5: "One has the id 1 and the other the id 2").
SOCKETS = (1, 2)


def _p(name: str, kind: Kind, default: int | str, section: str, **kw) -> Parameter:
    return Parameter(name, kind, default, section, **kw)


ADDRESS = Text(120)  # a name "if DNS is available", or a dotted-decimal address
LOGIN = Text(64)  # user names and passwords of ISP, PPP server, POP3, SMTP, FTP
LONG = Text(120)  # APN fields, mail fields, file names and paths

_TABLE = (
    # 002 §2.1: physical layer, PPP and GPRS.
    _p("ANSWERMODE", Number(0, 3), 0, "2.1.1"),
    _p("CALLBACKTIMER", Number(2, 255), 2, "2.1.2"),
    _p("CALLSCREENNUM", Text(64), "0", "2.1.3"),
    _p("REDIALCOUNT", Number(0, 14), 5, "2.1.4"),
    _p("REDIALDELAY", Number(5, 14, extra=frozenset({0})), 5, "2.1.5"),  # E8
    _p("PHYTIMEOUT", Number(1, 255), 15, "2.1.6"),
    _p("RINGCOUNT", Number(0, 15), 0, "2.1.7"),
    _p("DIALN1", Text(32, DIAL_CHARS), "", "2.1.8"),  # E9
    _p("DIALN2", Text(32, DIAL_CHARS), "", "2.1.9"),
    _p("DIALSELECT", Number(1, 2), 1, "2.1.10"),
    _p("ISPPW", LOGIN, "", "2.1.11"),
    _p("ISPUN", LOGIN, "", "2.1.12"),
    _p("PPPMODE", Number(1, 9, excluded=frozenset(range(5, 9))), 1, "2.1.13"),
    _p("PPPMYIP", Ipv4(), "0.0.0.0", "2.1.14"),
    _p("PPPPEERIP", Ipv4(), "0.0.0.0", "2.1.15"),
    _p("PPPSERVUN", LOGIN, "", "2.1.16"),
    _p("PPPSERVPW", LOGIN, "", "2.1.17"),
    _p("APNPW", LONG, "", "2.1.18"),
    _p("APNSERV", LONG, "", "2.1.19"),
    _p("APNUN", LONG, "", "2.1.20"),
    _p("GPRSCID", Number(1, 4), 1, "2.1.21"),
    _p("GPRSMODE", Number(0, 1), 1, "2.1.22"),
    # 002 §3.1: mail and DNS.
    _p("SENDERNAME", LONG, "", "3.1.1"),
    _p("SENDERADDR", LONG, "", "3.1.2"),
    *(_p(f"CCREC{i}", AddressList(), "", "3.1.3") for i in (1, 2, 3)),
    _p("DOMAIN", LONG, "", "3.1.4"),
    *(_p(f"REC{i}", AddressList(), "", "3.1.5") for i in (1, 2, 3)),
    *(_p(f"SUBJ{i}", LONG, "", "3.1.6") for i in (1, 2, 3)),
    *(_p(f"BODY{i}", Text(120, line_breaks=True), "", "3.1.7") for i in (1, 2, 3)),
    _p("POP3HEADERMODE", Number(0, 1), 1, "3.1.8"),
    _p("POP3PORT", PORT, 110, "3.1.9"),
    _p("POP3PW", LOGIN, "", "3.1.10"),
    _p("POP3SERV", ADDRESS, "", "3.1.11"),
    _p("POP3UN", LOGIN, "", "3.1.12"),
    _p("SMTPPORT", PORT, 25, "3.1.13"),
    _p("SMTPPW", LOGIN, "", "3.1.14"),
    _p("SMTPSERV", ADDRESS, "", "3.1.15"),
    _p("SMTPUN", LOGIN, "", "3.1.16"),
    _p("DNSSERV1", Ipv4(), "0.0.0.0", "3.1.17"),
    _p("DNSSERV2", Ipv4(), "0.0.0.0", "3.1.18"),
    # 002 §4.1: FTP.
    _p("FTPPORT", PORT, 21, "4.1.1"),
    _p("FTPTYPE", Letter("AI"), "I", "4.1.2"),
    _p("FTPSERV", ADDRESS, "", "4.1.3"),
    _p("FTPUN", LOGIN, "", "4.1.4"),
    _p("FTPPW", LOGIN, "", "4.1.5"),
    _p("FTPGETFILENAME", LONG, "", "4.1.6"),
    _p("FTPGETPATH", LONG, ".", "4.1.7"),  # E10
    _p("FTPPUTFILENAME", LONG, "", "4.1.8"),
    _p("FTPPUTPATH", LONG, ".", "4.1.9"),
    # 002 §5.1: TCP, once per socket.
    _p("DLEMODE", Number(0, 1), 1, "5.1.1", per_socket=True),
    _p("TCPPORT", PORT, 0, "5.1.2", per_socket=True),
    _p("TCPSERV", ADDRESS, "", "5.1.3", per_socket=True),
    _p("TCPTXDELAY", TX_DELAY, 100, "5.1.4", per_socket=True),
    # 002 §6.1: UDP.
    _p("UDPPORT", Number(1, 65535), 0, "6.1.1"),  # "Port number 0 is illegal" (E11)
    _p("UDPSERV", ADDRESS, "", "6.1.2"),
    _p("UDPTXDELAY", TX_DELAY, 100, "6.1.3"),
    # 002 §7.1: PING.
    _p("PINGDELAY", Number(1, 255), 1, "7.1.1"),
    _p("PINGNUM", Number(1, 255), 4, "7.1.2"),
    _p("PINGREMOTE", ADDRESS, "", "7.1.3"),
)

PARAMETERS: dict[str, Parameter] = table(_TABLE)
