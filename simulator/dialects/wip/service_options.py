"""The ``+WIPOPT`` options per protocol (001 §5.3.7; 000 §11.2): number, name, value format,
range, default and whether each protocol may read (R), write (W) or both (RW) it.

A cell the manuals print as "-" (the option exists, but not for this protocol) is absent
from that protocol's table: ``AT+WIPOPT`` then answers 835 "option not supported"; a number
no protocol knows answers 800 "invalid option".
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from types import MappingProxyType


class Access(enum.Flag):
    R = enum.auto()
    W = enum.auto()
    RW = R | W


class Kind(enum.Enum):
    NUMBER = "number"
    TEXT = "text"  # shown quoted
    STATUS = "status"  # <code>,"<text>" (SMTP 60, POP3 70)
    LIST = "list"  # one line per entry (POP3 73, HTTP 54)


@dataclasses.dataclass(frozen=True)
class ServiceOption:
    number: int
    name: str
    kind: Kind = Kind.NUMBER
    lo: int = 0
    hi: int = 0xFFFFFFFF  # u32 when the manual gives no range
    #: Factory value of a writable option (None: it reflects the socket's state).
    default: int | str | None = None

    def accepts(self, value: int) -> bool:
        return self.lo <= value <= self.hi


@dataclasses.dataclass(frozen=True)
class Entry:
    option: ServiceOption
    access: Access


def _table(*entries: tuple[ServiceOption, Access | None]) -> Mapping[int, Entry]:
    return MappingProxyType({o.number: Entry(o, a) for o, a in entries if a is not None})


R, W, RW, NO = Access.R, Access.W, Access.RW, None

# -- sockets (001 §5.3.7.1) -------------------------------------------------------------------
PORT = ServiceOption(0, "WIP_COPT_PORT", lo=0, hi=65535)
PEER_PORT = ServiceOption(1, "WIP_COPT_PEER_PORT", lo=0, hi=65535)
PEER_STRADDR = ServiceOption(2, "WIP_COPT_PEER_STRADDR", Kind.TEXT)
BOUNDED = ServiceOption(3, "WIP_COPT_BOUNDED", lo=0, hi=1)
SND_LOWAT = ServiceOption(4, "WIP_COPT_SND_LOWAT", lo=1, hi=5839, default=1024)
RCV_LOWAT = ServiceOption(5, "WIP_COPT_RCV_LOWAT", lo=1, hi=5839, default=1)
NREAD = ServiceOption(6, "WIP_COPT_NREAD", lo=0, hi=65535)
NODELAY = ServiceOption(7, "WIP_COPT_NODELAY", lo=0, hi=1, default=0)
TTL = ServiceOption(8, "WIP_COPT_TTL", lo=0, hi=255, default=64)
TOS = ServiceOption(9, "WIP_COPT_TOS", lo=0, hi=255, default=0)

# v2.01 (000 §11.2): LOWAT 0..65535, and UDP may write its peer's port and address.
SND_LOWAT_V2 = dataclasses.replace(SND_LOWAT, lo=0, hi=65535)
RCV_LOWAT_V2 = dataclasses.replace(RCV_LOWAT, lo=0, hi=65535)

# -- FTP (001 §5.3.7.2) -------------------------------------------------------------------------
FTP_TYPE = ServiceOption(40, "TYPE (0 ASCII, 1 binary)", lo=0, hi=1, default=0)
FTP_PASSIVE = ServiceOption(41, "PASSIVE (0 active, 1 passive)", lo=0, hi=1, default=1)

# -- HTTP (001 §5.3.7.3) ------------------------------------------------------------------------
HTTP_RCV_BUFSIZE = ServiceOption(50, "WIP_COPT_RCV_BUFSIZE", default=0)
HTTP_SND_BUFSIZE = ServiceOption(51, "WIP_COPT_SND_BUFSIZE", default=0)
HTTP_VERSION = ServiceOption(52, "WIP_COPT_HTTP_VERSION", lo=0, hi=1, default=1)
HTTP_MAXREDIRECT = ServiceOption(53, "WIP_COPT_HTTP_MAXREDIRECT", default=8)
HTTP_HEADER = ServiceOption(54, "WIP_COPT_HTTP_HEADER", Kind.LIST)

# -- SMTP (001 §5.3.7.4) ------------------------------------------------------------------------
SMTP_STATUS_CODE = ServiceOption(60, "WIP_COPT_SMTP_STATUS_CODE", Kind.STATUS)
SMTP_SENDER = ServiceOption(61, "WIP_COPT_SMTP_SENDER", Kind.TEXT, default="")
SMTP_SENDERNAME = ServiceOption(62, "WIP_COPT_SMTP_SENDERNAME", Kind.TEXT, default="")
SMTP_REC = ServiceOption(63, "WIP_COPT_SMTP_REC", Kind.TEXT, default="")
SMTP_CC_REC = ServiceOption(64, "WIP_COPT_SMTP_CC_REC", Kind.TEXT, default="")
SMTP_BCC_REC = ServiceOption(65, "WIP_COPT_SMTP_BCC_REC", Kind.TEXT, default="")
SMTP_SUBJ = ServiceOption(66, "WIP_COPT_SMTP_SUBJ", Kind.TEXT, default="")
SMTP_FORMAT_HEADER = ServiceOption(67, "WIP_COPT_SMTP_FORMAT_HEADER", lo=0, hi=1, default=1)

# -- POP3 (001 §5.3.7.5) ------------------------------------------------------------------------
POP3_STATUS_CODE = ServiceOption(70, "WIP_COPT_POP3_STATUS_CODE", Kind.STATUS)
POP3_NB_MAILS = ServiceOption(71, "WIP_COPT_POP3_NB_MAILS")
POP3_MAILSIZE = ServiceOption(72, "WIP_COPT_POP3_MAILSIZE")
POP3_LIST = ServiceOption(73, "mail listing", Kind.LIST)
POP3_DELETE = ServiceOption(74, "delete mail id")

UDP, TCP_CLIENT, TCP_SERVER, FTP, HTTP, SMTP, POP3 = range(1, 8)

#: v5.01: protocol -> option number -> entry.
OPTIONS_501: Mapping[int, Mapping[int, Entry]] = MappingProxyType({
    UDP: _table((PORT, R), (PEER_PORT, R), (PEER_STRADDR, R), (BOUNDED, R), (NREAD, R),
                (TTL, RW), (TOS, RW)),
    TCP_CLIENT: _table((PORT, R), (PEER_PORT, R), (PEER_STRADDR, R), (SND_LOWAT, RW),
                       (RCV_LOWAT, RW), (NREAD, R), (NODELAY, RW), (TTL, RW), (TOS, RW)),
    TCP_SERVER: _table((PORT, R), (SND_LOWAT, RW), (RCV_LOWAT, RW), (NODELAY, RW),
                       (TTL, RW), (TOS, RW)),
    FTP: _table((FTP_TYPE, RW), (FTP_PASSIVE, RW)),
    HTTP: _table((HTTP_RCV_BUFSIZE, RW), (HTTP_SND_BUFSIZE, RW), (HTTP_VERSION, RW),
                 (HTTP_MAXREDIRECT, W), (HTTP_HEADER, R)),
    SMTP: _table((SMTP_STATUS_CODE, R), (SMTP_SENDER, RW), (SMTP_SENDERNAME, RW),
                 (SMTP_REC, RW), (SMTP_CC_REC, RW), (SMTP_BCC_REC, RW), (SMTP_SUBJ, RW),
                 (SMTP_FORMAT_HEADER, RW)),
    POP3: _table((POP3_STATUS_CODE, R), (POP3_NB_MAILS, R), (POP3_MAILSIZE, R),
                 (POP3_LIST, R), (POP3_DELETE, W)),
})

#: v2.01 (000 §11.2): sockets and FTP only.
OPTIONS_201: Mapping[int, Mapping[int, Entry]] = MappingProxyType({
    UDP: _table((PORT, R), (PEER_PORT, RW), (PEER_STRADDR, RW), (BOUNDED, R), (NREAD, R),
                (TTL, RW), (TOS, RW)),
    TCP_CLIENT: _table((PORT, R), (PEER_PORT, R), (PEER_STRADDR, R), (SND_LOWAT_V2, RW),
                       (RCV_LOWAT_V2, RW), (NREAD, R), (NODELAY, RW), (TTL, RW), (TOS, RW)),
    TCP_SERVER: _table((PORT, R), (SND_LOWAT_V2, RW), (RCV_LOWAT_V2, RW), (NODELAY, RW),
                       (TTL, RW), (TOS, RW)),
    FTP: _table((FTP_TYPE, RW), (FTP_PASSIVE, RW)),
})

#: Every option number some protocol knows: others answer 800 "invalid option".
KNOWN_NUMBERS = frozenset(n for table in OPTIONS_501.values() for n in table)
