"""Why an application client failed, as one enum a dialect maps to its own codes.

The first members mirror the network's ``Reason`` one for one (reaching the server); the
others are what the server said (a refused login, a missing file, a rejected recipient).
An ``AppError`` carries the member and, when a server reply caused it, that ``Reply``: WIP
reports the last reply code and text (+WIPOPT 60 and 70), eDsoft only the member's code.
"""

from __future__ import annotations

import dataclasses
import enum

from twisted.internet import defer, error
from twisted.python.failure import Failure

from simulator.network.errors import NetworkError, RouteError, reason_for_loss


class AppFailure(enum.Enum):
    # Reaching the server: the network's ``Reason``, member for member.
    NAME_NOT_FOUND = "name not found"
    DNS_TIMEOUT = "no answer from the DNS servers"
    UNREACHABLE = "destination unreachable"
    REFUSED = "connection refused"
    TIMEOUT = "timed out"  # connecting, or waiting for a reply
    RESET = "connection reset by peer"
    BEARER_RELEASED = "bearer released"
    LINK_DOWN = "link down"
    PORT_IN_USE = "local port already in use"
    MESSAGE_TOO_LONG = "datagram too long"
    # The session with the server.
    CONNECTION_LOST = "the server closed the connection"  # while a reply was still due
    SERVER_NOT_READY = "server not ready"  # its greeting was a refusal (FTP 421, SMTP 554 ...)
    USER_REJECTED = "user name rejected"  # FTP USER, POP3 USER
    PASSWORD_REJECTED = "password rejected"  # FTP PASS, POP3 PASS
    AUTH_FAILED = "authentication failed"  # SMTP AUTH refused, or no mechanism in common
    NOT_FOUND = "no such file or message"  # FTP 550, POP3 -ERR to RETR/DELE
    SENDER_REJECTED = "sender address rejected"  # SMTP MAIL FROM
    RECIPIENT_REJECTED = "recipient address rejected"  # SMTP RCPT TO, a To: address
    CC_REJECTED = "CC recipient address rejected"
    BCC_REJECTED = "BCC recipient address rejected"
    BODY_REJECTED = "message body rejected"  # SMTP DATA refused, or the message after it
    PROTOCOL_ERROR = "unexpected reply"  # any other refusal: the reply says which
    CLOSED = "closed by its owner"  # the session or transfer was closed before the end


@dataclasses.dataclass(frozen=True)
class Reply:
    """A server's final reply line: ``code`` is its number (FTP, SMTP, HTTP status), None for
    POP3, whose replies are ``+OK``/``-ERR``; ``text`` is the whole line as received."""

    code: int | None
    text: str

    @classmethod
    def from_line(cls, line: str | bytes) -> Reply:
        if isinstance(line, bytes):
            line = line.decode("latin-1")
        line = line.rstrip("\r\n")
        head = line[:3]
        return cls(int(head) if head.isdigit() else None, line)


class AppError(NetworkError):
    """An application client's failure: ``reason`` (an ``AppFailure``), ``reply`` when the
    server's answer caused it, ``detail`` for logs."""

    reason: AppFailure

    def __init__(self, reason: AppFailure, detail: str = "", reply: Reply | None = None) -> None:
        if reply is not None and not detail:
            detail = reply.text
        super().__init__(reason, detail)
        self.reply = reply


def from_route(e: RouteError) -> AppError:
    return AppError(AppFailure[e.reason.name], e.detail)


def app_error(cause: BaseException | Failure) -> AppError:
    """The ``AppError`` for whatever a Twisted client failed with: a ``RouteError`` from the
    network, a lost connection, a timeout.  Protocol refusals are mapped by each client,
    which knows what it asked; anything left is a protocol error."""
    if isinstance(cause, Failure):
        cause = cause.value
    if isinstance(cause, AppError):
        return cause
    if isinstance(cause, RouteError):
        return from_route(cause)
    if isinstance(cause, (error.TimeoutError, defer.TimeoutError)):
        return AppError(AppFailure.TIMEOUT, str(cause))
    if isinstance(cause, defer.CancelledError):
        return AppError(AppFailure.CLOSED, "cancelled")
    if isinstance(cause, (error.ConnectionDone, error.ConnectionLost)):
        reason = reason_for_loss(cause)
        if reason is None:
            return AppError(AppFailure.CONNECTION_LOST, str(cause))
        return AppError(AppFailure[reason.name], str(cause))
    return AppError(AppFailure.PROTOCOL_ERROR, f"{type(cause).__name__}: {cause}")


def nested_cause(cause: BaseException | Failure) -> BaseException:
    """Twisted clients wrap the real cause (``ftp.ConnectionLost("...", failure)``,
    ``ResponseFailed([failure])``, ``FirstError``): the innermost exception."""
    seen = 0
    while seen < 10:  # wrappers nest a few levels at most; never loop on a cycle
        seen += 1
        if isinstance(cause, Failure):
            cause = cause.value
            continue
        if isinstance(cause, defer.FirstError):
            cause = cause.subFailure
            continue
        reasons = getattr(cause, "reasons", None)
        if isinstance(reasons, list) and reasons:
            cause = reasons[0]
            continue
        inner = next((a for a in getattr(cause, "args", ())
                      if isinstance(a, (Failure, BaseException))), None)
        if inner is None:
            return cause
        cause = inner
    return cause
