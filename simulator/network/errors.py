"""Why something failed in the simulated network, as enums a dialect maps to its own codes.

The network never words an error for a host: a WIP dialect turns ``Reason.UNREACHABLE`` into
``+CME ERROR: 842``, an eDsoft one into ``#CME ERROR: 38027`` ...  Each exception carries one
enum member and a free-text detail meant for logs only.
"""

from __future__ import annotations

import enum

from OpenSSL import SSL
from service_identity import VerificationError
from twisted.internet import error


class ActivationFailure(enum.Enum):
    """Why a PDP context (a bearer) could not be activated."""

    UNKNOWN_APN = "unknown APN"  # not in ``apns:`` and no ``"*"`` entry
    AUTH_FAILED = "authentication failed"  # the APN checks user/password and they differ
    NETWORK_FAILURE = "network failure"  # failure_probability drew a failure, link down ...
    NO_ADDRESS = "address pool exhausted"


class Reason(enum.Enum):
    """Why a connection, a datagram, a name lookup or a ping failed (sockets and routing)."""

    NAME_NOT_FOUND = "name not found"  # no such host (NXDOMAIN, or not in hosts:)
    DNS_TIMEOUT = "no answer from the DNS servers"
    UNREACHABLE = "destination unreachable"  # neither in hosts: nor inside allow:
    REFUSED = "connection refused"  # a host, but no service on that port
    TIMEOUT = "timed out"
    RESET = "connection reset by peer"
    BEARER_RELEASED = "bearer released"  # the PDP context under the socket went away
    LINK_DOWN = "link down"  # the modem's radio link is down (a fault)
    PORT_IN_USE = "local port already in use"
    MESSAGE_TOO_LONG = "datagram too long"
    #: The peer is not a TLS server, refused the handshake, or its certificate failed the
    #: check (an unknown issuer, or not for the name the socket was opened with).
    TLS_FAILED = "TLS handshake failed"


class CallFailure(enum.Enum):
    """Why a circuit-switched data call did not connect."""

    BUSY = "busy"  # the called modem is in a call, or rejected this one
    NO_ANSWER = "no answer"
    NO_CARRIER = "no carrier"  # unknown number, the forward target refused ...


class NetworkError(Exception):
    """Base of the network's failures: ``reason`` is the enum member, ``detail`` is for logs."""

    reason: enum.Enum

    def __init__(self, reason: enum.Enum, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)


class ActivationError(NetworkError):
    reason: ActivationFailure


class RouteError(NetworkError):
    """A connect, datagram, lookup or ping the network could not carry."""

    reason: Reason


class CallError(NetworkError):
    reason: CallFailure


class ConnectionReset(error.ConnectionLost):
    """The peer reset the connection (a TCP RST reached us)."""


class BearerReleased(error.ConnectionLost):
    """The bearer this connection ran over was released (PDP context deactivated)."""


def reason_for_loss(failure_value: BaseException) -> Reason | None:
    """The ``Reason`` for the exception a connection was lost with; None for a clean close."""
    if isinstance(failure_value, BearerReleased):
        return Reason.BEARER_RELEASED
    if isinstance(failure_value, (error.ConnectionDone, error.ConnectionAborted)):
        return None
    if isinstance(failure_value, error.TimeoutError):
        return Reason.TIMEOUT
    if isinstance(failure_value, (SSL.Error, VerificationError)):
        return Reason.TLS_FAILED
    return Reason.RESET
