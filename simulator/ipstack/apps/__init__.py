"""The modem's application clients, shared by every dialect: FTP, HTTP, SMTP, POP3, SNTP,
DNS and ping, built on Twisted's own protocol implementations and running over the modem's
own IP path (``BearerEndpoints``), so links, routing, DNS and the lab services all apply.

No AT syntax here: transfers and sessions report small event objects (``Opened``,
``DataAvailable``, ``Finished``, ``Failed`` ...) and failures as ``AppFailure`` members, which
each dialect turns into its own output and error codes.
"""

from simulator.ipstack.apps.dns import resolve
from simulator.ipstack.apps.endpoints import BearerEndpoint, BearerEndpoints
from simulator.ipstack.apps.errors import AppError, AppFailure, Reply
from simulator.ipstack.apps.events import (
    Closed,
    DataAvailable,
    Event,
    Failed,
    Finished,
    Opened,
    ResponseReceived,
    Writable,
)
from simulator.ipstack.apps.ftp import FtpSession
from simulator.ipstack.apps.http import HttpSession
from simulator.ipstack.apps.ping import (
    EchoReply,
    EchoTimeout,
    Ping,
    PingFinished,
    PingSummary,
)
from simulator.ipstack.apps.pop3 import MailboxStatus, MessageInfo, Pop3Session
from simulator.ipstack.apps.smtp import MailBodyEncoder, SmtpSession
from simulator.ipstack.apps.sntp import SntpResult, sntp_query
from simulator.ipstack.apps.transfer import Transfer

__all__ = [
    "AppError",
    "AppFailure",
    "BearerEndpoint",
    "BearerEndpoints",
    "Closed",
    "DataAvailable",
    "EchoReply",
    "EchoTimeout",
    "Event",
    "Failed",
    "Finished",
    "FtpSession",
    "HttpSession",
    "MailBodyEncoder",
    "MailboxStatus",
    "MessageInfo",
    "Opened",
    "Ping",
    "PingFinished",
    "PingSummary",
    "Pop3Session",
    "Reply",
    "ResponseReceived",
    "SmtpSession",
    "SntpResult",
    "Transfer",
    "Writable",
    "resolve",
    "sntp_query",
]
