"""The two WIP revisions: v5.01 (001, the default) and v2.01 (000).

Every difference listed here is quoted, with both places, in docs/dialects/wip.md.
"""

from __future__ import annotations

from types import MappingProxyType

from simulator.datamode.dle import END_MARK
from simulator.dialects.wip import bearer_options, service_options
from simulator.dialects.wip.cfg_options import OPTIONS_201, OPTIONS_501
from simulator.dialects.wip.datamode import SHUTDOWN_INDICATION
from simulator.dialects.wip.errors import DESCRIPTIONS_201, DESCRIPTIONS_501, Code
from simulator.dialects.wip.revision import ErrorRule, PingFlags, Revision

V501 = Revision(
    name="5.01",
    manual="001",
    cfg_options=OPTIONS_501,
    # 001 §4.1.6, as printed (the v5.01 manual's example shows a v202 build).
    version_lines=(
        "WIP soft v202 on Open AT OS v312",
        "Mar 26 2007 11:45:46 WIPLib:v2a07 WIPSoft:v1a12",
    ),
    bearer_ids=bearer_options.BIDS_501,
    bearer_options=bearer_options.OPTIONS_501,
    service_options=service_options.OPTIONS_501,
    protocols=(1, 2, 3, 4, 5, 6, 7),  # 001 §5.1.3
    accept_urc="+WIPACCEPT: {server},{index}",  # 001 §5.1.2
    option_line="+WIPOPT: {protocol},{option},{value}",  # 001 §5.3.2
    close_confirmed=frozenset({4}),  # 001 §5.2.7: FTP only
    data_modes=(1, 2),  # 001 §6.2.7
    data_params=3,
    peer_shutdown_mark=SHUTDOWN_INDICATION,  # 001 §6.2.2.1, §6.2.11.1
    host_etx_ends_data_mode=False,  # 001 §6.2.11.1 "the UART does not switch to AT mode"
    escape_is_etx=False,
    ping_flags=PingFlags(reply=0, timeout=1),  # 001 §7.1.3
    ping_ttl_range=(0, 255),
    server_urc="+WIPBR: {bid},{status},{local},{remote},{dns1},{dns2}",  # 001 §4.2.2
    error_texts=MappingProxyType(DESCRIPTIONS_501),  # 001 §10
)

V201 = Revision(
    name="2.01",
    manual="000",
    cfg_options=OPTIONS_201,
    version_lines=("WIP soft v201 on Open AT OS v312",),  # 000 §4.6
    bearer_ids=bearer_options.BIDS_201,
    bearer_options=bearer_options.OPTIONS_201,
    service_options=service_options.OPTIONS_201,
    protocols=(1, 2, 3, 4),  # 000 §6.1.3
    accept_urc="+WIPACCEPT: 3,{server},{index}",  # 000 §6.1.2: <mode>,<server>,<comm>
    option_line="+WIPOPT: {protocol},{index},{option},{value}",  # 000 §6.3.2
    close_confirmed=frozenset({1, 2, 3, 4}),  # 000 §6.2.6
    data_modes=(1,),  # 000 §7.2.3
    data_params=4,  # 000 §7.2.2: AT+WIPDATA=<protocol>,<idx>,<mode>[,<size>]
    peer_shutdown_mark=END_MARK,  # 000 §7.2.1.1
    host_etx_ends_data_mode=True,  # 000 §7.2.6
    escape_is_etx=True,  # 000 §11.3
    ping_flags=PingFlags(reply=1, timeout=0),  # 000 §8.3
    ping_ttl_range=(1, 255),
    # 000 §5.2 prints a space before <DNS2 @> (001 §4.2.2 does not).
    server_urc="+WIPBR: {bid},{status},{local},{remote},{dns1}, {dns2}",
    error_texts=MappingProxyType(DESCRIPTIONS_201),  # 000 §10
    error_rules=MappingProxyType({
        # 000 §4.5: "Initialization failed" is 805 there; 844 does not exist (839-849 are
        # reserved, 000 §10): a second start is refused as a bad stack state.
        "+WIPCFG": ErrorRule(renumber=MappingProxyType({
            Code.UNKNOWN_REASON: Code.INTERFACE_NOT_AVAILABLE,
            Code.STACK_ALREADY_STARTED: Code.BAD_STACK_STATE,
        })),
        # 000 §6.1.5 lists one error for +WIPCREATE: "+CME ERROR: 3 Operation not allowed".
        "+WIPCREATE": ErrorRule(every=Code.OPERATION_NOT_ALLOWED),
        # 000 §6.2.5 and §6.3.5: "ERROR".
        "+WIPCLOSE": ErrorRule(every=None),
        "+WIPOPT": ErrorRule(every=None),
        # 000 §7.2.5: "+CME ERROR: 851 Bad state".
        "+WIPDATA": ErrorRule(every=Code.BAD_STATE_V2),
    }),
)

#: By scenario name; the first is the default.
REVISIONS: dict[str, Revision] = {V501.name: V501, V201.name: V201}
DEFAULT_REVISION = V501.name
