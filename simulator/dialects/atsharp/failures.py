"""Which 002 §9.2 code a failed FTP, mail or ping command shows, from why the client failed
(``simulator.ipstack.apps.AppFailure``) and the step it was at (decisions E82, E83).

Reaching the server is the same for every service: a name not resolved is 38027 (002
§3.2.2, §3.3.2, §4.2.2, §7.2.2), a server that cannot be reached or refuses the connection
38016 "Open session attempt failed", one that stops answering 37964 "No response from
server", a connection the server closes 37966, one it resets 37952, the bearer gone
35841 (as the TCP and UDP sockets show them).  What the server refuses depends on what was
asked: a login (38080, 38081), a directory (38022), a download (38024), an upload (38017),
a mail's addresses and body (38028-38031), a mail retrieval (38025).
"""

from __future__ import annotations

import enum

from simulator.dialects.atsharp.datamode import (
    CANCELLED,
    CLOSED_BY_PEER,
    LINK_LOST,
    NAME_NOT_RESOLVED,
    NO_RESOURCE,
    NO_RESPONSE,
    OPEN_FAILED,
)
from simulator.ipstack.apps import AppError, AppFailure


class Step(enum.Enum):
    """What the command was doing; its code for a refusal the table below does not name."""

    OPEN = 38016  # connecting and logging in
    DIRECTORY = 38022  # FTP CWD to FTPGETPATH / FTPPUTPATH
    DOWNLOAD = 38024  # FTP RETR
    UPLOAD = 38017  # FTP STOR
    SEND = 38031  # SMTP: the mail
    RETRIEVE = 38025  # POP3: the mailbox and the message


_BY_REASON: dict[AppFailure, int] = {
    AppFailure.NAME_NOT_FOUND: NAME_NOT_RESOLVED,
    AppFailure.DNS_TIMEOUT: NAME_NOT_RESOLVED,
    AppFailure.UNREACHABLE: OPEN_FAILED,
    AppFailure.REFUSED: OPEN_FAILED,
    AppFailure.SERVER_NOT_READY: OPEN_FAILED,
    AppFailure.TIMEOUT: NO_RESPONSE,
    AppFailure.RESET: CANCELLED,
    AppFailure.CONNECTION_LOST: CLOSED_BY_PEER,
    AppFailure.BEARER_RELEASED: LINK_LOST,
    AppFailure.LINK_DOWN: LINK_LOST,
    AppFailure.PORT_IN_USE: NO_RESOURCE,
    AppFailure.MESSAGE_TOO_LONG: NO_RESOURCE,
    AppFailure.USER_REJECTED: 38080,
    AppFailure.PASSWORD_REJECTED: 38081,
    # SMTP AUTH LOGIN: the server's verdict (535) answers the password, LOGIN's last step.
    AppFailure.AUTH_FAILED: 38081,
    AppFailure.SENDER_REJECTED: 38028,
    AppFailure.RECIPIENT_REJECTED: 38029,
    AppFailure.CC_REJECTED: 38030,
    AppFailure.BCC_REJECTED: 38030,
    AppFailure.BODY_REJECTED: 38031,
}


def failure_code(error: AppError, step: Step) -> int:
    """The code ``error`` shows when it happened at ``step``."""
    reason = error.reason
    if step is Step.DIRECTORY and error.reply is not None:
        return Step.DIRECTORY.value  # whatever the server said to CWD
    if reason in (AppFailure.NOT_FOUND, AppFailure.PROTOCOL_ERROR, AppFailure.CLOSED):
        return step.value
    return _BY_REASON.get(reason, step.value)
