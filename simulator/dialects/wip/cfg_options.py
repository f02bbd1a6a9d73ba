"""The ``+WIPCFG`` stack options (001 §4.1.3, §4.1.7; 000 §4.3), one table per revision.

Each option has its number, the WIP library's name, the range ``AT+WIPCFG=2`` accepts, the
factory default, and *when* a new value counts: ``RUN_TIME`` options act at once, while
``NEXT_START`` options (socket and buffer pools, routing table, resolver) are sized when the
stack starts, so a new value only counts from the next ``AT+WIPCFG=1`` — and, as every
option, only survives a stack restart if ``AT+WIPCFG=4,1`` stored it (001 §4.1.7, §9.12).
"""

from __future__ import annotations

import dataclasses
import enum


class Applies(enum.Enum):
    RUN_TIME = "at run time"
    NEXT_START = "at the next stack start"


@dataclasses.dataclass(frozen=True)
class CfgOption:
    number: int
    name: str
    lo: int
    hi: int
    default: int
    applies: Applies = Applies.RUN_TIME
    #: Read-only options answer this text in ``AT+WIPCFG?`` and refuse ``AT+WIPCFG=2``.
    read_only_value: str | None = None
    #: Part of the one configuration set ``AT+WIPCFG=4,1`` stores.  The pref-timeout option
    #: is a wipSoft setting, not a WIP library one: 001 §4.1.7 excepts it from the rule that
    #: options survive a restart only when stored (see docs/dialects/wip.md).
    in_flash_set: bool = True

    @property
    def read_only(self) -> bool:
        return self.read_only_value is not None

    def accepts(self, value: int) -> bool:
        return self.lo <= value <= self.hi


# Option numbers (001 §4.1.3).
IP_TTL = 0
IP_TOS = 1
IP_FRAG_TIMEO = 2
TCP_MAXINITWIN = 3
TCP_MIN_MSS = 4
DEBUG_PORT = 5
SOCKET_MAX = 6
BUF_MAX = 7
IP_MULTI_MAX = 8
IP_ROUTE_MAX = 9
RSLV_QUERY_MAX = 10
RSLV_CACHE_MAX = 11
PREF_TIMEOUT_VALUE = 12

_NEXT = Applies.NEXT_START

#: v5.01, 001 §4.1.3.  Option 6 defaults to 20 as its description says ("range: 1-23
#: (default value: 20)"), not 8 as the read example prints; option 12 to 0, not the
#: example's 10 (see docs/dialects/wip.md).  Option 8 is read-only, shown as 0.
OPTIONS_501: tuple[CfgOption, ...] = (
    CfgOption(IP_TTL, "WIP_NET_OPT_IP_TTL", 0, 255, 64),
    CfgOption(IP_TOS, "WIP_NET_OPT_IP_TOS", 0, 255, 0),
    CfgOption(IP_FRAG_TIMEO, "WIP_NET_OPT_IP_FRAG_TIMEO", 1, 65535, 60),
    CfgOption(TCP_MAXINITWIN, "WIP_NET_OPT_TCP_MAXINITWIN", 0, 65535, 0),
    CfgOption(TCP_MIN_MSS, "WIP_NET_OPT_TCP_MIN_MSS", 536, 1460, 536),
    CfgOption(DEBUG_PORT, "WIP_NET_OPT_DEBUG_PORT", 0, 3, 0),
    CfgOption(SOCKET_MAX, "WIP_NET_OPT_SOCKET_MAX", 1, 23, 20, _NEXT),
    CfgOption(BUF_MAX, "WIP_NET_OPT_BUF_MAX", 4, 42, 32, _NEXT),
    CfgOption(IP_MULTI_MAX, "WIP_NET_OPT_IP_MULTI_MAX", 0, 0, 0, read_only_value="0"),
    CfgOption(IP_ROUTE_MAX, "WIP_NET_OPT_IP_ROUTE_MAX", 0, 2730, 0, _NEXT),
    CfgOption(RSLV_QUERY_MAX, "WIP_NET_OPT_RSLV_QUERY_MAX", 1, 511, 4, _NEXT),
    CfgOption(RSLV_CACHE_MAX, "WIP_NET_OPT_RSLV_CACHE_MAX", 1, 292, 4, _NEXT),
    CfgOption(PREF_TIMEOUT_VALUE, "AT_WIP_NET_OPT_PREF_TIMEOUT_VALUE", 0, 100, 0,
              in_flash_set=False),
)

#: v2.01, 000 §4.3: option 3 accepts 1-65535 but defaults to 0 (kept as printed), option 4
#: 0-65535, option 6 is WIP_NET_OPT_SOCK_MAX 0-172 default 8, option 8 "NI" (not
#: implemented), and there is no option 12.
OPTIONS_201: tuple[CfgOption, ...] = (
    CfgOption(IP_TTL, "WIP_NET_OPT_IP_TTL", 0, 255, 64),
    CfgOption(IP_TOS, "WIP_NET_OPT_IP_TOS", 0, 255, 0),
    CfgOption(IP_FRAG_TIMEO, "WIP_NET_OPT_IP_FRAG_TIMEO", 1, 65535, 60),
    CfgOption(TCP_MAXINITWIN, "WIP_NET_OPT_TCP_MAXINITWIN", 1, 65535, 0),
    CfgOption(TCP_MIN_MSS, "WIP_NET_OPT_TCP_MIN_MSS", 0, 65535, 536),
    CfgOption(DEBUG_PORT, "WIP_NET_OPT_DEBUG_PORT", 0, 3, 0),
    CfgOption(SOCKET_MAX, "WIP_NET_OPT_SOCK_MAX", 0, 172, 8, _NEXT),
    CfgOption(BUF_MAX, "WIP_NET_OPT_BUF_MAX", 4, 42, 32, _NEXT),
    CfgOption(IP_MULTI_MAX, "WIP_NET_OPT_IP_MULTI_MAX", 0, 0, 0, read_only_value="NI"),
    CfgOption(IP_ROUTE_MAX, "WIP_NET_OPT_IP_ROUTE_MAX", 0, 2730, 0, _NEXT),
    CfgOption(RSLV_QUERY_MAX, "WIP_NET_OPT_RSLV_QUERY_MAX", 1, 511, 4, _NEXT),
    CfgOption(RSLV_CACHE_MAX, "WIP_NET_OPT_RSLV_CACHE_MAX", 1, 292, 4, _NEXT),
)
