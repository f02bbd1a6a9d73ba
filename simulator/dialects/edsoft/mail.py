"""``AT#SENDMAIL1..3``, ``AT#PUTMAIL`` and ``AT#GETMAIL`` (002 §3.2-§3.4, A.6) through the
link's SMTP and POP3 clients.

    AT#SENDMAILi -> OK once the server accepted mail i (RECi, CCRECi, SUBJi, BODYi)
    AT#PUTMAIL   -> Ok_Info_WaitingForData; the host's body up to <CR><LF>.<CR><LF>,
                    not echoed; OK once the server accepted it (REC1, CCREC1, SUBJ1)
    AT#GETMAIL   -> Ok_Info_Mail, the first message, ".", OK; or Ok_Info_NoMail

Mails go from SENDERADDR (and SENDERNAME) to SMTPSERV:SMTPPORT, greeting with DOMAIN,
authenticated with AUTH LOGIN only when SMTPUN and SMTPPW are both set (002 §3.1.14,
§3.1.16).  ``AT#GETMAIL`` logs in to POP3SERV:POP3PORT as POP3UN/POP3PW, retrieves the
first message and deletes it (E87).  An error before the data is the command's result; an
error once the data has begun ends it instead of ``OK`` (E86): after the ``.`` line for
``AT#GETMAIL`` (002 §3.2.2).  ``AT#PUTMAIL`` gives up after 50 s without a byte from the
host (002 §3.4.2, E89).
"""

from __future__ import annotations

from typing import Any

from twisted.internet import defer

from simulator.at.commands import Connect, ResultCode
from simulator.datamode.feed import TransferFeed
from simulator.dialects.atsharp import codes
from simulator.dialects.atsharp.datamode import error_result, message, waiting_for_data
from simulator.dialects.atsharp.failures import Step, failure_code
from simulator.dialects.atsharp.jobs import Job, JobCommand, ServiceCommands, TransferSink
from simulator.dialects.atsharp.link import Resource
from simulator.dialects.edsoft.mailtext import BodyReader, MailWriter
from simulator.ipstack.apps import (
    AppError,
    Failed,
    Finished,
    Pop3Session,
    SmtpSession,
    Writable,
)

#: "there has been an inactivity period of 50 seconds on the serial port" (002 §3.4.2).
PUTMAIL_INACTIVITY = 50.0
#: What that inactivity shows (E89): 38017 "Distant : Data send attempt failed".
PUTMAIL_TIMEOUT_CODE = 38017
#: "The SMTP server only supports the LOGIN authentication mechanism" (002 §3.1.14).
MECHANISMS = ("LOGIN",)
#: A mail without any recipient is refused as a refused recipient would be (E86).
NO_RECIPIENT = 38029


class EdsoftMail(ServiceCommands):
    resource = Resource.MAIL

    def commands(self):
        return (*(SendMail(self.context, self, i) for i in (1, 2, 3)),
                SendMail(self.context, self, 1, putmail=True), GetMail(self.context, self))

    # -- sending -----------------------------------------------------------------------------

    async def send(self, job: Job, i: int, session: Any = None):
        """Mail ``i``: its body from the flash, or from the host when ``session`` (the
        port's AT session) is given."""
        read = job.read
        to, cc = _addresses(read(f"REC{i}")), _addresses(read(f"CCREC{i}"))
        if not (to or cc):
            job.end()
            raise codes.error(NO_RECIPIENT)
        user, password = read("SMTPUN"), read("SMTPPW")
        authenticated = bool(user and password)
        smtp = SmtpSession(job.endpoints, read("SMTPSERV"), read("SMTPPORT"),
                           user if authenticated else None,
                           password if authenticated else None,
                           helo=read("DOMAIN") or "localhost", mechanisms=MECHANISMS)
        job.on_lost = lambda code: smtp.abort()
        step = Step.OPEN
        try:
            await smtp.open()
            step = Step.SEND
            mail = smtp.send(read("SENDERADDR"), to, cc, subject=read(f"SUBJ{i}") or None,
                             sender_name=read("SENDERNAME") or None)
            if session is not None:
                sink = BodySink(job, smtp, mail, session)
                job.on_lost = sink.lost
                return Connect(sink, shown=waiting_for_data(session))
            mail.write(read(f"BODY{i}").encode("latin-1", "replace"))
            mail.finish()
            await mail.when_done()
        except AppError as e:
            smtp.abort()
            job.end()
            raise codes.error(job.lost_code or failure_code(e, step)) from None
        await smtp.close()  # QUIT: the stack is free when the host sees OK
        job.end()
        return ResultCode.OK

    # -- retrieving --------------------------------------------------------------------------

    async def get(self, job: Job, session: Any):
        read = job.read
        pop3 = Pop3Session(job.endpoints, read("POP3SERV"), read("POP3PORT"),
                           read("POP3UN"), read("POP3PW"))
        job.on_lost = lambda code: pop3.abort()
        step = Step.OPEN
        try:
            await pop3.open()
            step = Step.RETRIEVE
            status = await pop3.stat()
            if status.count:
                sink = MailSink(job, pop3, session, header=read("POP3HEADERMODE") == 1)
                job.on_lost = sink.lost
                await sink.start(pop3.retrieve(1, delete=True))
                return Connect(sink, shown=message("Ok_Info_Mail", session.profile))
            await pop3.close()
        except AppError as e:
            pop3.abort()
            job.end()
            raise codes.error(job.lost_code or failure_code(e, step)) from None
        job.end()
        return codes.info_result("Ok_Info_NoMail")


class SendMail(JobCommand):
    """``AT#SENDMAILi``: mail i from the flash; ``AT#PUTMAIL``: mail 1 with the host's
    body."""

    service: EdsoftMail

    def __init__(self, context, service: EdsoftMail, i: int, *, putmail: bool = False) -> None:
        super().__init__(context, service)
        self.name = "#PUTMAIL" if putmail else f"#SENDMAIL{i}"
        self.mail = i
        self.putmail = putmail

    def run(self, job: Job, call):
        return self.service.send(job, self.mail,
                                 session=call.session if self.putmail else None)


class GetMail(JobCommand):
    name = "#GETMAIL"
    service: EdsoftMail

    def run(self, job: Job, call):
        return self.service.get(job, call.session)


def _addresses(value: str) -> list[str]:
    """RECi / CCRECi: addresses joined by commas (E19)."""
    return [a.strip() for a in value.split(",") if a.strip()]


class BodySink:
    """The port in data mode for ``AT#PUTMAIL``: the host's body into the mail."""

    def __init__(self, job: Job, smtp: SmtpSession, mail, session: Any) -> None:
        self.job = job
        self.smtp = smtp
        self.mail = mail
        self.at_session = session
        self.link: Any = None
        self._reader = BodyReader()
        self._feed = TransferFeed(mail)  # the body on its way
        self._timer: Any = None
        mail.listener = self._event

    @property
    def clock(self):
        return self.job.endpoints.clock

    def attach(self, link: Any) -> None:
        self.link = link
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._reader.ended:
            return
        self._arm()
        self.job.activity()
        self._feed.add(self._reader.feed(data))
        if self._reader.ended:
            self._disarm()  # the server's answer is awaited now, not the host
            self._feed.finish()

    def _event(self, event) -> None:
        if isinstance(event, Writable):
            self._feed.push()
        elif isinstance(event, Finished):
            self._end(ResultCode.OK)
        elif isinstance(event, Failed):
            self._end(error_result(self.at_session, failure_code(event.error, Step.SEND)))

    # -- inactivity -----------------------------------------------------------------------

    def _arm(self) -> None:
        self._disarm()
        self._timer = self.clock.callLater(PUTMAIL_INACTIVITY, self._inactive)

    def _disarm(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    def _inactive(self) -> None:
        self._timer = None
        self._end(error_result(self.at_session, PUTMAIL_TIMEOUT_CODE))

    # -- the end --------------------------------------------------------------------------

    def _end(self, result) -> None:
        self._disarm()
        link, self.link = self.link, None
        if isinstance(result, ResultCode):
            ended = self.smtp.close()  # QUIT: the stack is free when the host sees OK
        else:
            self.mail.close()
            self.smtp.abort()  # nothing half-written is delivered
            ended = defer.succeed(None)

        def done(_) -> None:
            self.job.end()
            if link is not None:
                link.end(result)

        ended.addBoth(done)

    def lost(self, code: int) -> None:
        self._end(error_result(self.at_session, code))

    def escaped(self) -> bool:
        self.link = None
        self._end(None)
        return False

    def hangup(self) -> None:
        self.escaped()

    def resumed(self) -> None:
        pass


class MailSink(TransferSink):
    """The port in data mode for ``AT#GETMAIL``: the message, then its end mark."""

    def __init__(self, job: Job, pop3: Pop3Session, session: Any, *, header: bool) -> None:
        super().__init__()
        self.job = job
        self.pop3 = pop3
        self.at_session = session
        self.writer = MailWriter(header=header)

    def _deliver(self) -> None:
        if self.link is not None:
            data = self.transfer.read()
            if data:
                self.job.activity()
                self.link.write(self.writer.feed(data))

    def _finish(self, event) -> None:
        self._deliver()
        self.link.write(self.writer.end())
        if isinstance(event, Finished):
            # OK once QUIT made the deletion final (a next AT#GETMAIL sees the next mail).
            link, self.link = self.link, None
            self.pop3.close().addBoth(lambda _: self._done(link, ResultCode.OK))
        else:
            self._fail(failure_code(event.error, Step.RETRIEVE))

    def _done(self, link, result) -> None:
        self.job.end()
        link.end(result)

    def _fail(self, code: int) -> None:
        link, self.link = self.link, None
        self.transfer.close()
        self.pop3.abort()  # no QUIT: the message stays on the server
        self._done(link, error_result(self.at_session, code))

    def lost(self, code: int) -> None:
        if self.link is not None:
            self.link.write(self.writer.end())
            self._fail(code)

    def escaped(self) -> bool:
        self.link = None
        self.transfer.close()
        self.pop3.abort()
        self.job.end()
        return False
