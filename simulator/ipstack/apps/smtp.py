"""SMTP client sessions: Twisted's ``ESMTPClient`` over the modem's own TCP path.

    session = SmtpSession(endpoints, "mail.lab", user="user", password="secret")
    await session.open()                         # EHLO and AUTH done (WIP's +WIPREADY: 6)
    mail = session.send("me@lab", ["you@lab"], cc=["boss@lab"], subject="Report")
    mail.write(body); mail.finish()              # Opened (354) ... Finished (250)
    await session.close()                        # QUIT

``ESMTPSender`` and its factory send mails prepared beforehand, as files, and retry; a
modem's session instead waits for its host between connecting and sending, and streams the
body as the host types it.  So the session drives ``ESMTPClient`` itself: between mails the
client waits idle (no reply timeout: the host's pace is not the server's), each mail's body
is a ``Transfer`` registered as the producer of the connection, and every RCPT must be
accepted (a refused To, Cc or Bcc address fails the mail before DATA with its own reason,
as WIP 881-883 and eDsoft 38029/38030 report them).

The body goes through ``MailBodyEncoder``: line ends become CRLF and dots are stuffed,
whatever the chunks.  With ``header=True`` (WIP option 67's default, eDsoft always) the
session writes From, To, Cc, Subject and Date before the body; with False the body brings
its own header.
"""

from __future__ import annotations

import collections
import dataclasses
import email.header
import email.utils
import re
from collections.abc import Callable, Sequence

from twisted.internet import defer
from twisted.mail import smtp
from twisted.python.failure import Failure

from simulator.ipstack.apps.endpoints import BearerEndpoints, OneProtocolFactory
from simulator.ipstack.apps.errors import AppError, AppFailure, Reply, app_error
from simulator.ipstack.apps.session import ControlSession
from simulator.ipstack.apps.transfer import Transfer

DEFAULT_PORT = 25
#: Seconds to wait for each reply of the server (RFC 5321 §4.5.3.2 asks clients for 5
#: minutes; a lab server answers in a round trip, and a host should hear of a dead one).
REPLY_TIMEOUT = 30.0
#: Mechanisms tried, in this order, among those the server offers (eDsoft's firmware knows
#: only LOGIN; PLAIN is the other one every server has).  "CRAM-MD5" may be added.
DEFAULT_MECHANISMS = ("LOGIN", "PLAIN")
#: The name given in EHLO when the dialect has none (eDsoft's DOMAIN sets one).
DEFAULT_HELO = "localhost"

_AUTHENTICATORS = {
    "LOGIN": smtp.LOGINAuthenticator,
    "PLAIN": smtp.PLAINAuthenticator,
    "CRAM-MD5": smtp.CramMD5ClientAuthenticator,
}


class MailBodyEncoder:
    """A message as a host writes it, made ready for DATA (sans I/O): every line end (CRLF,
    or a lone LF or CR) becomes CRLF, a line starting with "." gets a second one (RFC 5321
    §4.5.2), and ``end()`` closes the message with CRLF "." CRLF.  The output does not depend
    on how the input is cut into chunks."""

    _LINE_END = re.compile(rb"\r\n|\r|\n")

    def __init__(self) -> None:
        self._at_line_start = True
        self._held_cr = False  # a CR at the end of a chunk: an LF may follow in the next

    def feed(self, data: bytes) -> bytes:
        if self._held_cr:
            data = b"\r" + data
            self._held_cr = False
        if data.endswith(b"\r"):
            self._held_cr = True
            data = data[:-1]
        if not data:
            return b""
        data = self._LINE_END.sub(b"\r\n", data).replace(b"\r\n.", b"\r\n..")
        if self._at_line_start and data.startswith(b"."):
            data = b"." + data
        self._at_line_start = data.endswith(b"\r\n")
        return data

    def end(self) -> bytes:
        tail = b""
        if self._held_cr:
            self._held_cr = False
            tail, self._at_line_start = b"\r\n", True
        if not self._at_line_start:
            tail += b"\r\n"
        return tail + b".\r\n"


def compose_header(sender: str, to: Sequence[str], cc: Sequence[str] = (), *,
                   subject: str | None = None, sender_name: str | None = None,
                   date: float | None = None) -> bytes:
    """The RFC 5322 header a modem writes for its host (Bcc is never shown), ending with the
    empty line before the body."""
    lines = [f"From: {email.utils.formataddr((sender_name or '', sender))}",
             f"To: {', '.join(to)}"]
    if cc:
        lines.append(f"Cc: {', '.join(cc)}")
    if subject is not None:
        if not subject.isascii():  # RFC 2047: an encoded word, only where it is needed
            subject = email.header.Header(subject, "utf-8").encode()
        lines.append(f"Subject: {subject}")
    if date is not None:
        lines.append(f"Date: {email.utils.formatdate(date)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


@dataclasses.dataclass
class _Mail:
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    header: bytes
    transfer: Transfer

    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.bcc]

    def refusal(self, address: str) -> AppFailure:
        if address in self.to:
            return AppFailure.RECIPIENT_REJECTED
        if address in self.cc:
            return AppFailure.CC_REJECTED
        return AppFailure.BCC_REJECTED


class SmtpSession(ControlSession):
    """One SMTP connection, authenticated when ``user`` is given.  ``listener`` gets
    ``Closed`` when the session ends; ``last_reply`` is the server's last reply (WIP option
    60)."""

    def __init__(self, endpoints: BearerEndpoints, host: str, port: int = DEFAULT_PORT,
                 user: str | None = None, password: str | None = None, *,
                 helo: str = DEFAULT_HELO, mechanisms: Sequence[str] = DEFAULT_MECHANISMS,
                 reply_timeout: float = REPLY_TIMEOUT,
                 listener: Callable | None = None) -> None:
        self.user = user
        self.password = password
        self.helo = helo
        self.mechanisms = tuple(m.upper() for m in mechanisms)
        super().__init__(endpoints, host, port, reply_timeout, listener)
        self.last_reply: Reply | None = None
        self.queue: collections.deque[_Mail] = collections.deque()
        self._client: _SmtpClient | None = None
        self._opening: defer.Deferred | None = None
        self.fatal: AppError | None = None  # why the client gave up on the server
        self.quitting = False

    @property
    def _connection(self) -> _SmtpClient | None:
        return self._client

    def __repr__(self) -> str:
        return f"<SmtpSession {self.user or ''}@{self.host}:{self.port}>"

    def open(self) -> defer.Deferred:
        """Connect, EHLO and authenticate: ``Deferred[SmtpSession]``, or ``AppError``
        (network reasons, ``SERVER_NOT_READY``, ``AUTH_FAILED``, ``TIMEOUT``)."""
        if self._opening is not None or self._client is not None:
            raise RuntimeError(f"{self!r} is already open")
        self._client = _SmtpClient(self)
        # Kept here too: a connection that fails at once (a name no DNS query can carry)
        # fails and forgets ``_opening`` before it is returned.
        opening = self._opening = defer.Deferred()
        self._connecting = self.endpoints.endpoint(self.host, self.port).connect(
            OneProtocolFactory(self._client))

        def connected(_) -> None:
            self._connecting = None

        def failed(failure: Failure) -> None:
            self._connecting = None
            self._ended(app_error(failure))

        self._connecting.addCallbacks(connected, failed)
        return opening

    def send(self, sender: str, to: Sequence[str], cc: Sequence[str] = (),
             bcc: Sequence[str] = (), *, subject: str | None = None,
             sender_name: str | None = None, header: bool = True) -> Transfer:
        """Queue a mail: a ``Transfer`` to write the body to, then ``finish()``.  ``Opened``
        comes when the server accepted DATA (bytes written before wait), ``Finished`` with
        its 250, ``Failed`` with ``SENDER_REJECTED``, ``RECIPIENT_REJECTED``,
        ``CC_REJECTED``, ``BCC_REJECTED``, ``BODY_REJECTED`` or a network reason."""
        if not self.is_open:
            raise RuntimeError(f"{self!r} is not open")
        if not (to or cc or bcc):
            raise ValueError("a mail needs at least one recipient")
        transfer = Transfer(self.clock)
        prologue = compose_header(sender, to, cc, subject=subject, sender_name=sender_name,
                                  date=self.clock.seconds()) if header else b""
        mail = _Mail(sender, tuple(to), tuple(cc), tuple(bcc), prologue, transfer)
        transfer.abandon = lambda: self._abandon(mail)
        self.queue.append(mail)
        self._client.wake()
        return transfer

    def _abandon(self, mail: _Mail) -> None:
        # Before its turn the mail is skipped; once started, SMTP has no way to take it back
        # but to drop the connection.
        if self._client is not None and self._client.mail is mail:
            self.abort()

    def close(self) -> defer.Deferred:
        """QUIT once the queued mails are sent: ``Deferred[None]`` when the connection is
        gone.  A session that is not connected is just dropped."""
        d = self._wait_for_end()
        if d.called:
            return d
        if self._client is None or self._connecting is not None or self._opening is not None:
            self.abort()
        else:
            self.quitting = True
            self._client.wake()
        return d

    # -- from the client ----------------------------------------------------------------------

    def _ready(self) -> None:
        if self._opening is not None:
            opening, self._opening = self._opening, None
            self.is_open = True
            opening.callback(self)

    def _lost(self, reason: Failure) -> None:
        if self.fatal is not None:
            self._ended(self.fatal)
        elif self._owner_closed or (self.quitting and self._client.mail is None
                                    and not self.queue):
            self._ended(None)
        else:
            self._ended(app_error(reason))

    def _fail_pending(self, failure: AppError) -> None:
        if self._opening is not None:
            opening, self._opening = self._opening, None
            opening.errback(failure)
        pending = list(self.queue)
        self.queue.clear()
        if self._client is not None and self._client.mail is not None:
            pending.insert(0, self._client.mail)
            self._client.mail = None
        for mail in pending:
            mail.transfer.fail(failure)


class _SmtpClient(smtp.ESMTPClient):
    """``ESMTPClient`` that waits for the session's mails and reports every outcome."""

    def __init__(self, session: SmtpSession) -> None:
        secret = session.password.encode() if session.user is not None else None
        super().__init__(secret, None, session.helo.encode("idna"))
        self.session = session
        self.requireAuthentication = secret is not None
        self.requireTransportSecurity = False  # no TLS: the dialects' clients have none
        self.heloFallback = not self.requireAuthentication
        self.callLater = session.clock.callLater  # TimeoutMixin, on the bearer's clock
        self.timeout = session.reply_timeout
        if secret is not None:
            user = session.user.encode()
            for name in session.mechanisms:
                self.registerAuthenticator(_AUTHENTICATORS[name](user))
        self.mail: _Mail | None = None
        self.stage = "greeting"  # what the next reply answers
        self.idle = False

    # -- replies ------------------------------------------------------------------------------

    def lineReceived(self, line: bytes) -> None:
        if line[:3].isdigit() and line[3:4] != b"-":
            self.session.last_reply = Reply.from_line(line)
        return super().lineReceived(line)

    def sendLine(self, line: bytes) -> None:
        verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper()
        self.stage = {b"MAIL": "from", b"RCPT": "to", b"DATA": "data", b"AUTH": "auth",
                      b"EHLO": "hello", b"HELO": "hello", b"RSET": "reset",
                      b"QUIT": "quit"}.get(verb, self.stage)
        super().sendLine(line)

    # -- between mails ------------------------------------------------------------------------

    def smtpState_from(self, code, resp):  # noqa: N802 - SMTPClient's names
        """After the greeting and AUTH, and after each mail's RSET: the next mail, QUIT,
        or waiting for either."""
        queue = self.session.queue
        while queue and queue[0].transfer.closed:
            queue.popleft()
        if queue:
            self.idle = False
            self.mail = queue.popleft()
            self.setTimeout(self.timeout)
            return super().smtpState_from(code, resp)
        self.mail = None
        if self.session.quitting:
            self.idle = False
            self.setTimeout(self.timeout)
            return self._disconnectFromServer()
        self.idle = True
        self.setTimeout(None)  # waiting for the host, not for the server
        self._expected = ()
        self._okresponse = self._failresponse = self._unsolicited
        self.session._ready()

    def _unsolicited(self, code, resp) -> None:
        """A reply while idle: a server closing (421) says so before it goes."""

    def wake(self) -> None:
        if self.idle:
            self.smtpState_from(250, b"")

    def getMailFrom(self):  # noqa: N802
        return self.mail.sender if self.mail is not None else None

    def getMailTo(self):  # noqa: N802
        return self.mail.recipients()

    # -- one mail -----------------------------------------------------------------------------

    def smtpState_toOrData(self, code, resp):  # noqa: N802
        if self.lastAddress is not None and code not in smtp.SUCCESS:
            self._finish_mail(AppError(self.mail.refusal(self.lastAddress),
                                       reply=self.session.last_reply))
            self._from = None  # so that msgSent resets the transaction without reporting
            return self.smtpState_msgSent(code, resp)
        return super().smtpState_toOrData(code, resp)

    def smtpState_data(self, code, resp):  # noqa: N802
        """354: the body streams from the mail's transfer as its owner writes it."""
        mail = self.mail
        encoder = MailBodyEncoder()
        self.stage = "body"
        self.setTimeout(None)  # the writer's pace until the end of the body
        self.transport.write(encoder.feed(mail.header))
        self.transport.registerProducer(mail.transfer, True)

        def drained() -> None:
            if self.transport is None or self.mail is not mail:
                return
            self.transport.unregisterProducer()
            self.transport.write(encoder.end())
            self.stage = "end of data"
            self.setTimeout(self.timeout)

        mail.transfer.attach_consumer(self.transport, encode=encoder.feed, on_drained=drained)
        mail.transfer.opened()
        self._expected = smtp.SUCCESS
        self._okresponse = self.smtpState_msgSent

    def sentMail(self, code, resp, numOk, addresses, log):  # noqa: N802, N803
        reply = self.session.last_reply
        if code in smtp.SUCCESS:
            self._finish_mail(None, reply)
        elif self.stage == "from":
            self._finish_mail(AppError(AppFailure.SENDER_REJECTED, reply=reply))
        else:  # DATA refused, or the message after it
            self._finish_mail(AppError(AppFailure.BODY_REJECTED, reply=reply))

    def _finish_mail(self, error: AppError | None, reply: Reply | None = None) -> None:
        mail, self.mail = self.mail, None
        if mail is None:
            return
        if error is None:
            mail.transfer.complete(reply)
        else:
            mail.transfer.fail(error)

    # -- failures -----------------------------------------------------------------------------

    def sendError(self, exc):  # noqa: N802
        self.session.fatal = self.session.fatal or _session_error(exc, self.stage,
                                                                  self.session.last_reply)
        super().sendError(exc)

    def connectionLost(self, reason=None) -> None:
        super().connectionLost(reason)
        self.session._lost(reason)


def _session_error(exc: Exception, stage: str, reply: Reply | None) -> AppError:
    if isinstance(exc, smtp.SMTPTimeoutError):
        return AppError(AppFailure.TIMEOUT, "no reply from the server")
    if isinstance(exc, smtp.SMTPConnectError):
        return AppError(AppFailure.SERVER_NOT_READY, reply=reply)
    if isinstance(exc, (smtp.AUTHDeclinedError, smtp.AUTHRequiredError,
                        smtp.AuthenticationError, smtp.EHLORequiredError)) or stage == "auth":
        return AppError(AppFailure.AUTH_FAILED, str(exc) if reply is None else "", reply)
    return AppError(AppFailure.PROTOCOL_ERROR, str(exc) if reply is None else "", reply)
