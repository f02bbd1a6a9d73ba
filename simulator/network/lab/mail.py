"""The mail lab services: an ESMTP server (ports 25 and 587) delivering into a maildir, and a
POP3 server (port 110) serving a maildir.

Give both the same ``maildir:`` and a mail a modem sends with SMTP is the mail another
fetches with POP3; a test or an instructor reads the maildir directly (``new/`` holds one
file per message, Python's ``mailbox.Maildir`` opens it).  Every recipient lands in the one
maildir: a lab has one mailbox.  With ``users:`` SMTP requires AUTH PLAIN or LOGIN and POP3
checks USER/PASS (APOP is not offered); without users any login is accepted and neither needs
one (a POP3 client that sends no USER reads the mailbox all the same).
"""

from __future__ import annotations

import io
import mailbox
import os
import re
import tempfile
from pathlib import Path

from twisted.cred import checkers, portal
from twisted.internet import defer, protocol
from twisted.mail import imap4, maildir, pop3, smtp
from twisted.protocols import basic
from zope.interface import implementer

from simulator.logs import Logger
from simulator.network.lab.ftp import AnyLogin, users_checker

log = Logger(namespace="atsim.network.lab.mail")

DOMAIN = b"lab.atsim"


def _maildir_path(spec, context, kind: str) -> Path:
    path = spec.maildir
    if path is None:
        path = Path(tempfile.mkdtemp(prefix=f"atsim-{kind}-"))
        log.info("lab {kind} on {host}: no maildir given, using {path}", kind=kind,
                 host=context.host.label, path=str(path))
    maildir.initializeMaildir(os.fsencode(path))
    return path


# -- SMTP ---------------------------------------------------------------------------------------


@implementer(smtp.IMessage)
class _MaildirMessage:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[bytes] = []

    def lineReceived(self, line: bytes) -> None:
        self.lines.append(line)

    def eomReceived(self):
        text = b"\n".join(self.lines) + b"\n"
        key = mailbox.Maildir(str(self.path), create=True).add(text)
        log.info("lab smtp: message of {size} bytes delivered to {path} ({key})",
                 size=len(text), path=str(self.path), key=key)
        return defer.succeed(None)

    def connectionLost(self) -> None:
        self.lines = []


@implementer(smtp.IMessage)
class _Copy:
    """A further recipient of a message already written once to the one maildir."""

    def lineReceived(self, line: bytes) -> None:
        pass

    def eomReceived(self):
        return defer.succeed(None)

    def connectionLost(self) -> None:
        pass


@implementer(smtp.IMessageDelivery)
class MaildirDelivery:
    """Accepts every sender and recipient; each message becomes one maildir file, however
    many recipients it has."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._transaction: object = None
        self._written: object = None

    def receivedHeader(self, helo, origin, recipients):
        client = helo[0].decode("ascii", "replace") if helo and helo[0] else "unknown"
        return (f"Received: from {client} by {DOMAIN.decode()} (atsim lab); "
                f"{smtp.rfc822date().decode()}").encode()

    def validateFrom(self, helo, origin):
        self._transaction = object()  # one per MAIL FROM
        return origin

    def validateTo(self, user):
        transaction = self._transaction

        def message():
            if self._written is transaction:
                return _Copy()
            self._written = transaction
            return _MaildirMessage(self.path)

        return message


@implementer(portal.IRealm)
class _DeliveryRealm:
    def __init__(self, delivery: MaildirDelivery) -> None:
        self.delivery = delivery

    def requestAvatar(self, avatar_id, mind, *wanted):
        if smtp.IMessageDelivery in wanted:
            return smtp.IMessageDelivery, self.delivery, lambda: None
        raise NotImplementedError("only IMessageDelivery")


class LabSmtpFactory(smtp.SMTPFactory):
    protocol = smtp.ESMTP

    def __init__(self, portal_, delivery: MaildirDelivery | None, clock, *,
                 authenticate: bool) -> None:
        super().__init__(portal_)
        self.domain = DOMAIN
        self.delivery = delivery
        self.clock = clock
        self.authenticate = authenticate
        self.noisy = False

    def buildProtocol(self, addr):
        p = super().buildProtocol(addr)
        if self.authenticate:
            p.challengers = {b"LOGIN": imap4.LOGINCredentials, b"PLAIN": imap4.PLAINCredentials}
        else:
            p.delivery = self.delivery
        p.callLater = self.clock.callLater  # its idle timeout runs on our clock
        return p


class Smtp:
    """One host's SMTP server (ports 25 and 587, one server)."""

    def __init__(self, spec, context) -> None:
        self.maildir = _maildir_path(spec, context, "smtp")
        delivery = MaildirDelivery(self.maildir)
        if spec.users:
            checker = users_checker(spec.users)
            the_portal = portal.Portal(_DeliveryRealm(delivery), [checker])
            self.factory = LabSmtpFactory(the_portal, None, context.clock, authenticate=True)
        else:
            self.factory = LabSmtpFactory(None, delivery, context.clock, authenticate=False)

    def tcp_factory(self, port: int) -> protocol.Factory:
        return self.factory

    def messages(self) -> list:
        """The delivered messages, oldest first (``email.message.Message`` objects)."""
        box = mailbox.Maildir(str(self.maildir), create=False)
        return [box[key] for key in sorted(box.keys(), key=_delivery_order)]


def _delivery_order(key: str) -> tuple[int, int, str]:
    """Maildir names start ``<seconds>.M<microseconds>``: the order of delivery."""
    match = re.match(r"(\d+)\.M(\d+)", key)
    return (int(match[1]), int(match[2]), key) if match else (0, 0, key)


# -- POP3 ---------------------------------------------------------------------------------------


@implementer(pop3.IMailbox)
class MaildirMailbox:
    """A POP3 session's view of the maildir: the messages there when it logged in, oldest
    first; deletions happen at QUIT (``sync``), as POP3 wants.  (Twisted's own maildir
    mailbox mixes text and bytes paths and cannot delete.)"""

    def __init__(self, path: Path) -> None:
        self.box = mailbox.Maildir(str(path), create=True)
        self.keys = sorted(self.box.keys(), key=_delivery_order)
        self.sizes = [len(self.box.get_bytes(key)) for key in self.keys]
        self.deleted: set[int] = set()

    def _present(self, i: int) -> int:
        """``i`` (0-based) names a message not deleted in this session; else ValueError,
        which Twisted's POP3 answers with -ERR.  (Message number 0 arrives as -1: a plain
        list index would take it for the last message.)"""
        if not 0 <= i < len(self.keys) or i in self.deleted:
            raise ValueError(f"no message {i + 1}")
        return i

    def _exists(self, i: int) -> int:
        if not 0 <= i < len(self.keys):
            raise ValueError(f"no message {i + 1}")
        return i

    def listMessages(self, i: int | None = None):
        if i is None:
            return [0 if n in self.deleted else size for n, size in enumerate(self.sizes)]
        return self.sizes[self._present(i)]

    def getMessage(self, i: int):
        return io.BytesIO(self.box.get_bytes(self.keys[self._present(i)]))

    def getUidl(self, i: int) -> bytes:
        # A message deleted in this session keeps its UID (UIDL lists it as deleted).
        return self.keys[self._exists(i)].encode()

    def deleteMessage(self, i: int) -> None:
        self.deleted.add(self._present(i))

    def undeleteMessages(self) -> None:
        self.deleted.clear()

    def sync(self) -> None:
        for i in sorted(self.deleted):
            self.box.discard(self.keys[i])
        self.deleted.clear()


@implementer(portal.IRealm)
class _MailboxRealm:
    def __init__(self, path: Path) -> None:
        self.path = path

    def requestAvatar(self, avatar_id, mind, *wanted):
        if pop3.IMailbox in wanted:
            box = MaildirMailbox(self.path)
            return pop3.IMailbox, box, lambda: None
        raise NotImplementedError("only IMailbox")


class LabPop3(pop3.POP3):
    """Twisted's POP3 server that answers every line: a command it cannot carry out (unknown,
    a wrong number of arguments, out of order) gets -ERR and the session goes on.  (Twisted's
    own lets a wrong number of arguments escape and drop the connection.)  Without users the
    mailbox is open from the greeting: USER and PASS are accepted but not needed."""

    def state_COMMAND(self, line):  # noqa: N802 - POP3's name
        self._answer(*line.split(b" "))

    def _unblock(self, _):
        # The commands that arrived during a long one (RETR, TOP), as POP3._unblock runs
        # them, each answered as state_COMMAND answers it.
        commands, self.blocked = self.blocked, None
        while commands and self.blocked is None:
            command, args = commands.pop(0)
            self._answer(command, *args)
        if self.blocked is not None:
            self.blocked.extend(commands)

    def _answer(self, command: bytes, *args: bytes) -> None:
        try:
            if (self.mbox is None and self.factory.open_mailbox is not None
                    and command.upper() not in self.AUTH_CMDS):
                self.mbox = self.factory.open_mailbox()
            self.processCommand(command, *args)
        except Exception as e:  # noqa: BLE001 - any client input gets an answer
            log.info("lab pop3: {command!r} refused: {error!r}", command=command, error=e)
            self.failResponse(_refusal(e))

    def _sendMessageContent(self, i, fpWrapper, successResponse):  # noqa: N802, N803
        """RETR and TOP as Twisted's POP3 sends them, except that a client leaving in the
        middle of a message only ends its session: Twisted's logs the file sender's
        "Consumer asked us to stop producing" as an error."""

        def send(info):
            if info is None:
                return None  # a failure response has been sent already
            self._highest = max(self._highest, int(i))
            response, fp = info
            self.successResponse(successResponse(response))
            sending = basic.FileSender().beginFileTransfer(fpWrapper(fp), self.transport,
                                                           self.transformChunk)

            def sent(last: bytes) -> None:
                self.sendLine(b"." if last == b"\n" else b"\r\n.")

            def abandoned(failure) -> None:
                log.info("lab pop3: the message was not sent whole: {error}",
                         error=failure.getErrorMessage())
                self.transport.loseConnection()

            return sending.addCallbacks(sent, abandoned)

        return self._longOperation(self._getMessageFile(i).addCallback(send))

    def do_DELE(self, i):
        """RFC 1939 DELE: -ERR for a message that is not there or already deleted.
        (Twisted's own lets the mailbox's error end the session.)"""
        try:
            self.mbox.deleteMessage(int(i) - 1)
        except ValueError:
            self.failResponse(b"no such message")
            return
        self.successResponse()


def _refusal(error: Exception) -> bytes:
    """The text of the -ERR for a command that failed with ``error``."""
    if isinstance(error, pop3.POP3Error) and error.args and isinstance(error.args[0], bytes):
        return error.args[0]
    if isinstance(error, TypeError):
        return b"syntax error: wrong number of arguments"
    return b"command not carried out"


class LabPop3Factory(protocol.ServerFactory):
    protocol = LabPop3

    def __init__(self, portal_, clock, open_mailbox=None) -> None:
        self.portal = portal_
        self.clock = clock
        #: Without users: makes the mailbox a session uses without logging in.
        self.open_mailbox = open_mailbox
        self.noisy = False

    def buildProtocol(self, addr):
        p = super().buildProtocol(addr)
        p.portal = self.portal
        p.callLater = self.clock.callLater
        return p


class Pop3:
    def __init__(self, spec, context) -> None:
        self.maildir = _maildir_path(spec, context, "pop3")
        checker: checkers.ICredentialsChecker = (users_checker(spec.users) if spec.users
                                                 else AnyLogin())
        self.portal = portal.Portal(_MailboxRealm(self.maildir), [checker])
        maildir_ = self.maildir
        open_mailbox = None if spec.users else lambda: MaildirMailbox(maildir_)
        self.factory = LabPop3Factory(self.portal, context.clock, open_mailbox)

    def tcp_factory(self, port: int) -> protocol.Factory:
        return self.factory

