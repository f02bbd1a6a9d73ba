"""The ``+WIPBR`` bearer identifiers and bearer options (001 §4.2.3, 000 §5.3).

The manuals give no defaults and do not say which bearer takes which option; atsim keeps
every option on every bearer, with the defaults below (docs/dialects/wip.md).
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
from collections.abc import Mapping
from types import MappingProxyType


class BearerKind(enum.Enum):
    GSM = "GSM"  # a circuit-switched data call, PPP over it
    GPRS = "GPRS"  # a PDP context
    PPP = "PPP"  # PPP on a UART or CMUX port (USB: 805 at open)
    NOT_APPLICABLE = "N/A"


GSM_BID, GPRS_BID = 5, 6

_PORTS = {1: "UART1", 2: "UART2", **{b: f"CMUX port {b - 10} over UART1" for b in range(11, 15)},
          **{b: f"CMUX port {b - 20} over UART2" for b in range(21, 25)}}

#: The port of each serial-link bid: (UART number, CMUX DLCI on it or None).  UART<n> is the
#: modem's n-th port as the scenario lists them; "CMUX port <k> over UART<n>" is DLC k of the
#: multiplexer running on that port (docs/dialects/wip.md, D64).
PORT_OF: Mapping[int, tuple[int, int | None]] = MappingProxyType({
    1: (1, None), 2: (2, None), **{b: (1, b - 10) for b in range(11, 15)},
    **{b: (2, b - 20) for b in range(21, 25)}})

#: v5.01 (001 §4.2.3): bid -> what it is.
BIDS_501: Mapping[int, BearerKind] = MappingProxyType({
    **{bid: BearerKind.PPP for bid in _PORTS},
    3: BearerKind.NOT_APPLICABLE, 4: BearerKind.NOT_APPLICABLE,
    GSM_BID: BearerKind.GSM, GPRS_BID: BearerKind.GPRS,
})
#: v2.01 (000 §5.3): bid 3 is USB.
BIDS_201: Mapping[int, BearerKind] = MappingProxyType({**BIDS_501, 3: BearerKind.PPP})


class Kind(enum.Enum):
    NUMBER = "number"
    TEXT = "text"
    ADDRESS = "address"  # dotted IPv4, shown quoted


@dataclasses.dataclass(frozen=True)
class BearerOption:
    number: int
    name: str
    kind: Kind
    default: int | str
    lo: int = 0
    hi: int = 1
    #: Longest text accepted (None: no limit given).
    maxlen: int | None = None

    def valid(self, value: int | str) -> bool:
        if self.kind is Kind.NUMBER:
            return isinstance(value, int) and self.lo <= value <= self.hi
        if not isinstance(value, str):
            return False
        if self.maxlen is not None and len(value) > self.maxlen:
            return False
        if self.kind is Kind.ADDRESS:
            try:
                ipaddress.IPv4Address(value)
            except ValueError:
                return False
        return True


LOGIN, PASSWORD, DIAL_PHONENB = 0, 1, 2
RINGCOUNT, MSNULLMODEM, PPP_PAP, PPP_CHAP, PPP_MSCHAP1, PPP_MSCHAP2 = 5, 6, 7, 8, 9, 10
GPRS_APN, GPRS_CID, GPRS_HEADERCOMP, GPRS_DATACOMP = 11, 12, 13, 14
IP_ADDR, IP_DST_ADDR, IP_DNS1, IP_DNS2, IP_SETDNS, IP_SETGW = 15, 16, 17, 18, 19, 20
#: "Opt num 3 and 4 are kept as reserved" (WIP_BOPT_DIAL_REDIALCOUNT / REDIALDELAY are not
#: available through AT, 001 §4.2.7.1): they answer 800 like unknown numbers.
RESERVED = frozenset({3, 4})
#: The addresses a started bearer reports (before that: "0.0.0.0", 001 §4.2.3 Caution).
CONNECTION_ADDRESSES = (IP_ADDR, IP_DST_ADDR, IP_DNS1, IP_DNS2)
NO_ADDRESS = "0.0.0.0"

_T, _N, _A = Kind.TEXT, Kind.NUMBER, Kind.ADDRESS


def _options(*options: BearerOption) -> Mapping[int, BearerOption]:
    return MappingProxyType({o.number: o for o in options})


OPTIONS_501: Mapping[int, BearerOption] = _options(
    BearerOption(LOGIN, "WIP_BOPT_LOGIN", _T, "", maxlen=64),
    BearerOption(PASSWORD, "WIP_BOPT_PASSWORD", _T, "", maxlen=64),
    BearerOption(DIAL_PHONENB, "WIP_BOPT_DIAL_PHONENB", _T, "", maxlen=32),
    BearerOption(RINGCOUNT, "WIP_BOPT_DIAL_RINGCOUNT", _N, 0, hi=65535),
    BearerOption(MSNULLMODEM, "WIP_BOPT_DIAL_MSNULLMODEM", _N, 0),
    BearerOption(PPP_PAP, "WIP_BOPT_PPP_PAP", _N, 1),
    BearerOption(PPP_CHAP, "WIP_BOPT_PPP_CHAP", _N, 1),
    BearerOption(PPP_MSCHAP1, "WIP_BOPT_PPP_MSCHAP1", _N, 1),
    BearerOption(PPP_MSCHAP2, "WIP_BOPT_PPP_MSCHAP2", _N, 1),
    BearerOption(GPRS_APN, "WIP_BOPT_GPRS_APN", _T, "", maxlen=96),
    BearerOption(GPRS_CID, "WIP_BOPT_GPRS_CID", _N, 1, lo=1, hi=4),
    BearerOption(GPRS_HEADERCOMP, "WIP_BOPT_GPRS_HEADERCOMP", _N, 0),
    BearerOption(GPRS_DATACOMP, "WIP_BOPT_GPRS_DATACOMP", _N, 0),
    BearerOption(IP_ADDR, "WIP_BOPT_IP_ADDR", _A, NO_ADDRESS),
    BearerOption(IP_DST_ADDR, "WIP_BOPT_IP_DST_ADDR", _A, NO_ADDRESS),
    BearerOption(IP_DNS1, "WIP_BOPT_IP_DNS1", _A, NO_ADDRESS),
    BearerOption(IP_DNS2, "WIP_BOPT_IP_DNS2", _A, NO_ADDRESS),
    BearerOption(IP_SETDNS, "WIP_BOPT_IP_SETDNS", _N, 1),
    BearerOption(IP_SETGW, "WIP_BOPT_IP_SETGW", _N, 1),
)

#: v2.01 (000 §5.3): PPP_LOGIN / PPP_PASSWORD, no length limits, CID 0-255.
OPTIONS_201: Mapping[int, BearerOption] = _options(
    BearerOption(LOGIN, "WIP_BOPT_PPP_LOGIN", _T, ""),
    BearerOption(PASSWORD, "WIP_BOPT_PPP_PASSWORD", _T, ""),
    BearerOption(DIAL_PHONENB, "WIP_BOPT_DIAL_PHONENB", _T, ""),
    *(o for n, o in OPTIONS_501.items() if n not in (LOGIN, PASSWORD, DIAL_PHONENB, GPRS_APN,
                                                     GPRS_CID)),
    BearerOption(GPRS_APN, "WIP_BOPT_GPRS_APN", _T, ""),
    BearerOption(GPRS_CID, "WIP_BOPT_GPRS_CID", _N, 1, lo=0, hi=255),
)
