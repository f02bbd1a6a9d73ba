"""The PPP role the stack takes on a GSM data call, from its parameters (002 §2.1.11-§2.1.17),
and how a failed data call is shown.

PPPMODE picks the role by the call's direction (002 §2.1.13): 1 client out, server in; 2
server out, client in; 3 always client; 4 always server; 9 is "reserved for specific
behavior" and refused (decision E45).  A client logs in with ISPUN/ISPPW; a server keeps
PPPMYIP, gives the peer PPPPEERIP and checks its login against PPPSERVUN/PPPSERVPW.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from simulator.at.commands import ResultLine
from simulator.dialects.atsharp import codes
from simulator.modem.dialup import DialupFailure, PppClient, PppRole, PppServer

#: 36929 "IP Connectivity library : Bad parameter configuration attempt" (decision E45).
BAD_CONFIGURATION = 36929
UNSET_ADDRESS = "0.0.0.0"


class Direction(enum.Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


_SERVER_ROLE = {
    (1, Direction.OUTGOING): False, (1, Direction.INCOMING): True,
    (2, Direction.OUTGOING): True, (2, Direction.INCOMING): False,
    (3, Direction.OUTGOING): False, (3, Direction.INCOMING): False,
    (4, Direction.OUTGOING): True, (4, Direction.INCOMING): True,
}


def is_server(mode: int, direction: Direction) -> bool:
    """Whether PPPMODE ``mode`` makes the stack the PPP server on a call of ``direction``
    (raises 36929 for the reserved mode 9)."""
    try:
        return _SERVER_ROLE[(mode, direction)]
    except KeyError:
        raise codes.error(BAD_CONFIGURATION) from None


def role(get: Callable[[str], Any], direction: Direction) -> PppRole:
    """The PPP role for a call of ``direction``, from the parameters ``get`` reads."""
    if not is_server(get("PPPMODE"), direction):
        return PppClient(get("ISPUN"), get("ISPPW"))
    local, peer = get("PPPMYIP"), get("PPPPEERIP")
    if UNSET_ADDRESS in (local, peer) or local == peer:
        raise codes.error(BAD_CONFIGURATION)  # nothing to give the peer (E45)
    login = get("PPPSERVUN")
    logins = {login: get("PPPSERVPW")} if login else None
    return PppServer(local, peer, logins=logins, name="eDsoft")


#: A data call that did not connect: the line V.250 prints for it (002 §2.2.3.2, §9.1).
CALL_RESULTS = {
    DialupFailure.BUSY: ResultLine("BUSY", 7),
    DialupFailure.NO_ANSWER: ResultLine("NO ANSWER", 8),
    DialupFailure.NO_CARRIER: ResultLine("NO CARRIER", 3),
    DialupFailure.CALL_DROPPED: ResultLine("NO CARRIER", 3),
    DialupFailure.CALLER_REFUSED: ResultLine("NO CARRIER", 3),
}

#: PPP that did not open, by role (decision E43): no answer to its negotiation is a PPP
#: timeout (38980 client, 38981 server), anything else a failed negotiation (37120, 37121).
_PPP_TIMEOUTS = {DialupFailure.LCP_FAILED, DialupFailure.NO_ECHO_REPLY}
_PPP_CODES = {False: (37120, 38980), True: (37121, 38981)}

#: What forbids dialling at all (decision E46).
_REFUSALS = {
    DialupFailure.SIM_NOT_INSERTED: 35871,
    DialupFailure.SIM_NOT_READY: 35865,
    DialupFailure.NOT_REGISTERED: 35865,
    DialupFailure.NO_NETWORK: 35865,
    DialupFailure.NO_NUMBER: BAD_CONFIGURATION,
}


def refusal_code(reason: DialupFailure) -> int:
    return _REFUSALS.get(reason, 35865)


def ppp_failure_code(reason: DialupFailure, server: bool) -> int:
    negotiation, timeout = _PPP_CODES[server]
    return timeout if reason in _PPP_TIMEOUTS else negotiation
