"""Numbers PPP puts on the wire: protocol field values, control packet codes, option types.

Values are those of the RFCs cited on each group; names follow the RFCs' own wording.
"""

from __future__ import annotations

import enum


class Protocol(enum.IntEnum):
    """The PPP protocol field (RFC 1661 §2; assigned numbers in RFC 1700)."""

    IPV4 = 0x0021
    IPCP = 0x8021  # RFC 1332
    LCP = 0xC021  # RFC 1661
    PAP = 0xC023  # RFC 1334
    CHAP = 0xC223  # RFC 1994


class Code(enum.IntEnum):
    """Control packet codes shared by LCP and the NCPs (RFC 1661 §5); LCP alone has 8-11."""

    CONFIGURE_REQUEST = 1
    CONFIGURE_ACK = 2
    CONFIGURE_NAK = 3
    CONFIGURE_REJECT = 4
    TERMINATE_REQUEST = 5
    TERMINATE_ACK = 6
    CODE_REJECT = 7
    PROTOCOL_REJECT = 8
    ECHO_REQUEST = 9
    ECHO_REPLY = 10
    DISCARD_REQUEST = 11


#: The codes every option negotiation automaton understands (RFC 1661 §5.1-5.6); IPCP has
#: exactly these (RFC 1332 §2).
NEGOTIATION_CODES = frozenset(range(Code.CONFIGURE_REQUEST, Code.CODE_REJECT + 1))


class LcpOption(enum.IntEnum):
    """LCP configuration options (RFC 1661 §6)."""

    MRU = 1
    ACCM = 2  # Async-Control-Character-Map, RFC 1662 §7.1
    AUTH_PROTOCOL = 3
    QUALITY_PROTOCOL = 4
    MAGIC_NUMBER = 5
    PFC = 7  # Protocol-Field-Compression
    ACFC = 8  # Address-and-Control-Field-Compression


class IpcpOption(enum.IntEnum):
    """IPCP configuration options (RFC 1332 §3, RFC 1877 for the name servers)."""

    IP_ADDRESSES = 1  # deprecated (RFC 1332 §3.1)
    IP_COMPRESSION = 2  # Van Jacobson; atsim rejects it
    IP_ADDRESS = 3
    PRIMARY_DNS = 129
    PRIMARY_NBNS = 130
    SECONDARY_DNS = 131
    SECONDARY_NBNS = 132


class PapCode(enum.IntEnum):
    """RFC 1334 §2.2."""

    AUTHENTICATE_REQUEST = 1
    AUTHENTICATE_ACK = 2
    AUTHENTICATE_NAK = 3


class ChapCode(enum.IntEnum):
    """RFC 1994 §4."""

    CHALLENGE = 1
    RESPONSE = 2
    SUCCESS = 3
    FAILURE = 4


#: CHAP's algorithm octet for MD5 (RFC 1994 §3), the only one atsim speaks.
CHAP_MD5 = 5
