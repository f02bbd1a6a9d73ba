"""The ``+CME ERROR`` codes of the WIP commands (001 §10, 000 §10), named as the manuals
describe them, and the exception the handlers raise.

The handlers always raise the v5.01 code for a situation (``WipError(BAD_INDEX)``); the
revision then decides what the host sees for that command (``Revision.answer``): v2.01
answered several commands with one fixed code or a plain ``ERROR`` (000 §6.1.5, §6.2.5,
§6.3.5, §7.2.5), which is data in ``simulator.dialects.wip.revisions``, not code here.
"""

from __future__ import annotations

import enum

from simulator.at.commands import CmeError


class Code(enum.IntEnum):
    #: 001 §5.1.5 (+WIPCREATE), §6.2.11.2 (ATO after +++ on GPRS); the only code 000 lists
    #: for +WIPCREATE (000 §6.1.5).
    OPERATION_NOT_ALLOWED = 3
    INVALID_OPTION = 800
    INVALID_OPTION_VALUE = 801
    NOT_ENOUGH_MEMORY = 802
    BAD_STACK_STATE = 803  # operation not allowed in the current WIP stack state
    DEVICE_ALREADY_OPEN = 804
    INTERFACE_NOT_AVAILABLE = 805  # network interface not available
    NOT_ALLOWED_ON_BEARER = 806
    LINE_BUSY = 807
    NO_ANSWER = 808
    NO_CARRIER = 809
    NO_SIM = 810
    SIM_NOT_READY = 811  # no PIN code entered ...
    GPRS_NETWORK_FAILURE = 812
    PPP_LCP_FAILED = 813
    PPP_AUTHENTICATION_FAILED = 814
    PPP_IPCP_FAILED = 815
    PPP_PEER_TERMINATED = 816
    PPP_NO_ECHO_REPLY = 817
    INCOMING_CALL_REFUSED = 818
    PING_CHANNEL_ERROR = 819
    FLASH_WRITE_ERROR = 820
    FLASH_READ_ERROR = 821  # the command lists say "freeing"; 001 §10 / 000 §10 "reading"
    BAD_INDEX = 830
    BAD_STATE = 831
    BAD_PORT_NUMBER = 832
    BAD_PORT_STATE = 833
    NOT_IMPLEMENTED = 834
    OPTION_NOT_SUPPORTED = 835
    MEMORY_ALLOCATION_ERROR = 836
    BAD_PROTOCOL = 837
    NO_MORE_FREE_SOCKET = 838
    CHANNEL_CREATION_ERROR = 839
    ALREADY_ACTIVE = 840  # UDP/TCP socket or FTP/HTTP/SMTP/POP3 session is already active
    PEER_CLOSED = 841
    HOST_UNREACHABLE = 842  # host or network unreachable, response timeout
    CONNECTION_RESET = 843
    STACK_ALREADY_STARTED = 844
    INDEX_RESERVED = 845  # the client index is reserved/opened by a TCP server or client
    FCM_SUBSCRIPTION_FAILURE = 846
    UNKNOWN_REASON = 850  # the +WIPCFG list: "initialization failed"
    BAD_STATE_V2 = 851  # 000 only: "Bad state" (+WIPDATA, 000 §7.2.5)
    PROTOCOL_ERROR = 860  # protocol undefined or internal error
    USERNAME_REJECTED = 861
    PASSWORD_REJECTED = 862
    DELETE_ERROR = 863
    LIST_ERROR = 864
    AUTHENTICATION_ERROR = 865
    SERVER_NOT_READY = 866
    POP3_RETRIEVE_ERROR = 867
    POP3_SIZE_ERROR = 868
    SMTP_SENDER_REJECTED = 880
    SMTP_RECIPIENT_REJECTED = 881
    SMTP_CC_REJECTED = 882
    SMTP_BCC_REJECTED = 883
    SMTP_BODY_REJECTED = 884


#: 001 §10 descriptions (v5.01), verbatim; reserved ranges are not listed.
DESCRIPTIONS_501: dict[int, str] = {
    3: "operation not allowed",
    800: "invalid option",
    801: "invalid option value",
    802: "not enough memory",
    803: "operation not allowed in the current WIP stack state",
    804: "device already open",
    805: "network interface not available",
    806: "operation not allowed on the considered bearer",
    807: "bearer connection failure : line busy",
    808: "bearer connection failure : no answer",
    809: "bearer connection failure : no carrier",
    810: "bearer connection failure : no sim card present",
    811: "bearer connection failure : sim not ready (no pin code entered, ...)",
    812: "bearer connection failure : GPRS network failure",
    813: "bearer connection failure : PPP LCP negotiation failed",
    814: "bearer connection failure : PPP authentication failed",
    815: "bearer connection failure : PPP IPCP negotiation failed",
    816: "bearer connection failure : PPP peer terminates session",
    817: "bearer connection failure : PPP peer does not answer to echo request",
    818: "incoming call refused",
    819: "error on Ping channel",
    820: "error writing configuration in FLASH memory",
    821: "error reading configuration in FLASH memory",
    830: "bad index",
    831: "bad state",
    832: "bad port number",
    833: "bad port state",
    834: "not implemented",
    835: "option not supported",
    836: "memory allocation error",
    837: "bad protocol",
    838: "no more free socket",
    839: "error during channel creation",
    840: "UDP/TCP socket or FTP/HTTP/SMTP/POP3 session is already active",
    841: "peer closed",
    842: "destination host unreachable (whether host unreachable, Network unreachable, "
         "response timeout)",
    843: "connection reset by peer",
    844: "stack already started",
    845: "attempt is made to reserve/create a client socket which is already reserved/opened "
         "by TCP server/client",
    846: "internal error: FCM subscription failure",
    850: "unknown reason",
    860: "protocol undefined or internal error",
    861: "username rejected by server",
    862: "password rejected by server",
    863: "delete error",
    864: "list error",
    865: "authentication error",
    866: "server not ready error",
    867: "POP3 email retrieving error",
    868: "POP3 email size error",
    880: "SMTP sender email address rejected by server",
    881: "SMTP recipient email address rejected by server",
    882: "SMTP CC recipient email address rejected by server",
    883: "SMTP BCC recipient email address rejected by server",
    884: "SMTP email body send request rejected by server",
}

#: 000 §10 descriptions (v2.01): 800-838 as in v5.01 except 836 and 837, then 850 and 851;
#: 839-849 are "reserved for future use" there.
DESCRIPTIONS_201: dict[int, str] = {
    **{code: text for code, text in DESCRIPTIONS_501.items() if 800 <= code <= 838},
    3: "operation not allowed",
    836: "Memory",
    837: "Bad proto",
    850: "Unknown reason",
    851: "Bad state",
}


class WipError(CmeError):
    """A WIP command failed with ``code`` (a v5.01 code; see the module docstring)."""

    def __init__(self, code: int) -> None:
        super().__init__(int(code))

