"""The GSM bearer (bid 5, 001 §4.2.7.1): PPP over a circuit-switched data call, acquired
through the modem's ``DialupService``; this module maps the bearer's options to its
parameters and its failures to the manuals' codes.

Client, ``AT+WIPBR=4,5,0``: dial ``WIP_BOPT_DIAL_PHONENB``, log in with ``WIP_BOPT_LOGIN``
and ``WIP_BOPT_PASSWORD`` (PAP and CHAP as options 7 and 8 allow), and use the address IPCP
gives as the stack's bearer.  Server, ``AT+WIPBR=4,5,1,<login>,<password>[,<caller
identity>]``: take the next incoming data call (from ``<caller identity>`` only, when given),
answer it after ``WIP_BOPT_DIAL_RINGCOUNT`` rings, check the caller's PPP login against
``<login>``/``<password>``, give it the configured addresses, and report the outcome with
``+WIPBR: <bid>,<status>,<local IP @>,<remote IP @>,<DNS1 @>,<DNS2 @>`` (001 §4.2.2).

The decisions behind each mapping are in docs/dialects/wip.md (D54-D61).
"""

from __future__ import annotations

from typing import Any

from simulator.dialects.wip import bearer_options as bo
from simulator.dialects.wip.errors import Code
from simulator.modem.dialup import Answering, DialupFailure, PppClient, PppServer
from simulator.ppp import AuthProtocol

#: Why a data call gave no bearer -> +WIPBR codes (001 §10, the numbering of D12).
FAILURE_CODES = {
    DialupFailure.NO_NETWORK: Code.NO_CARRIER,
    DialupFailure.SIM_NOT_INSERTED: Code.NO_SIM,
    DialupFailure.SIM_NOT_READY: Code.SIM_NOT_READY,
    DialupFailure.NOT_REGISTERED: Code.NO_CARRIER,
    DialupFailure.NO_NUMBER: Code.NO_CARRIER,
    DialupFailure.NO_CALL: Code.NO_CARRIER,
    DialupFailure.BUSY: Code.LINE_BUSY,
    DialupFailure.NO_ANSWER: Code.NO_ANSWER,
    DialupFailure.NO_CARRIER: Code.NO_CARRIER,
    DialupFailure.LCP_FAILED: Code.PPP_LCP_FAILED,
    DialupFailure.AUTH_FAILED: Code.PPP_AUTHENTICATION_FAILED,
    DialupFailure.IPCP_FAILED: Code.PPP_IPCP_FAILED,
    DialupFailure.PEER_TERMINATED: Code.PPP_PEER_TERMINATED,
    DialupFailure.NO_ECHO_REPLY: Code.PPP_NO_ECHO_REPLY,
    DialupFailure.CALL_DROPPED: Code.NO_CARRIER,  # the call dropped under PPP
    DialupFailure.CALLER_REFUSED: Code.INCOMING_CALL_REFUSED,  # D59
    DialupFailure.CANCELLED: Code.BAD_STACK_STATE,  # stopped by +WIPBR=5 meanwhile (D18)
}
#: A server's addresses when options 15 and 16 are left at "0.0.0.0": the manual's own
#: example of an address (001 §4.2.3, "e.g. 192.168.0.1") and the next one for the caller.
SERVER_LOCAL_ADDRESS = "192.168.0.1"
SERVER_PEER_ADDRESS = "192.168.0.2"


def _address(options: dict[int, Any], number: int) -> str | None:
    value = str(options[number])
    return None if value == bo.NO_ADDRESS else value


def auth_protocols(options: dict[int, Any]) -> tuple[AuthProtocol, ...]:
    """Options 7 and 8, CHAP first (the secret does not cross the line).  MS-CHAP (9, 10) is
    not spoken by atsim's PPP: those options are kept and shown only."""
    protocols = []
    if options[bo.PPP_CHAP]:
        protocols.append(AuthProtocol.CHAP)
    if options[bo.PPP_PAP]:
        protocols.append(AuthProtocol.PAP)
    return tuple(protocols)


def configured_dns(options: dict[int, Any]) -> tuple[str, ...]:
    return tuple(a for a in (_address(options, bo.IP_DNS1), _address(options, bo.IP_DNS2)) if a)


def client_role(options: dict[int, Any]) -> PppClient:
    """Options 15 and 16 are wishes the peer may overrule (D56); option 19 asks the peer for
    name servers, else the resolver uses options 17 and 18 (D57)."""
    return PppClient(
        str(options[bo.LOGIN]), str(options[bo.PASSWORD]), auth=auth_protocols(options),
        local_address=_address(options, bo.IP_ADDR),
        peer_address=_address(options, bo.IP_DST_ADDR),
        request_dns=bool(options[bo.IP_SETDNS]),
        dns=None if options[bo.IP_SETDNS] else configured_dns(options))


def server_role(options: dict[int, Any], login: str, password: str) -> PppServer:
    """The caller gets option 16 (or takes its own address when 16 is unset), the server
    keeps option 15, and options 17/18 are the name servers given (D57)."""
    peer = _address(options, bo.IP_DST_ADDR)
    protocols = auth_protocols(options)
    return PppServer(
        _address(options, bo.IP_ADDR) or SERVER_LOCAL_ADDRESS,
        peer or SERVER_PEER_ADDRESS, peer_may_choose=peer is None,
        logins={login: password} if protocols else None, auth=protocols,
        dns=configured_dns(options), name="wip")


def answering(options: dict[int, Any], caller: str | None) -> Answering:
    """``<caller identity>`` (D59) and option 5, the rings before answering (D60)."""
    return Answering(caller=caller, rings=int(options[bo.RINGCOUNT]))
