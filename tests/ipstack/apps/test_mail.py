"""A mail sent with SMTP (authenticated) and read back with POP3, through a modem's bearer,
against the lab mail host."""

import mailbox

from simulator.ipstack.apps import (
    AppError,
    AppFailure,
    Closed,
    MailboxStatus,
    Pop3Session,
    SmtpSession,
)
from tests.ipstack.apps.helpers import LabTestCase, Reader, mail_host, write_all

#: A body with what trips mail encoders: a leading dot, a dot alone on a line, LF-only and
#: CR-only line ends, and bytes the dialects' DLE/ETX codecs escape.
BODY = (b".starts with a dot\r\nline two\n.\nthird\rfourth\r\n"
        b"control \x10\x03 bytes\r\n" + b"long line " * 200 + b"\r\nlast line")
#: The same body as POP3 gives it back: CRLF everywhere, ending with a line end.
BODY_BACK = (b".starts with a dot\r\nline two\r\n.\r\nthird\r\nfourth\r\n"
             b"control \x10\x03 bytes\r\n" + b"long line " * 200 + b"\r\nlast line\r\n")


class MailTests(LabTestCase):
    async def setup_mail(self):
        self.maildir = self.dir / "mail"  # the lab creates it (a maildir, with tmp/ new/ cur/)
        self.endpoints = await self.start(mail_host(self.maildir))

    async def smtp(self, password="secret", **kw) -> SmtpSession:
        session = SmtpSession(self.endpoints, "mail.lab", 587, user="user", password=password,
                              helo="modem.lab", **kw)
        self.addCleanup(session.abort)
        return session

    async def pop3(self, password="secret") -> Pop3Session:
        session = Pop3Session(self.endpoints, "mail.lab", user="user", password=password)
        self.addCleanup(session.abort)
        return session

    async def test_sent_with_smtp_read_back_with_pop3(self):
        await self.setup_mail()
        smtp = await self.smtp()
        await smtp.open()
        mail = smtp.send("modem@lab", ["ops@lab"], cc=["boss@lab"], bcc=["audit@lab"],
                         subject="Report", sender_name="Modem One")
        events = Reader(mail)
        await write_all(mail, BODY)
        reply = await mail.when_done()
        self.assertEqual(reply.code, 250)
        self.assertEqual(events.kinds(), ["Opened", "Finished"])
        self.assertEqual(smtp.last_reply, reply)
        # A second mail on the same session, without a composed header.
        second = smtp.send("modem@lab", ["ops@lab"], header=False)
        await write_all(second, b"Subject: own header\r\n\r\nsecond body\r\n")
        await second.when_done()
        closed = []
        smtp.listener = closed.append
        await smtp.close()
        self.assertEqual(closed, [Closed(None)])

        stored = sorted(mailbox.Maildir(str(self.maildir)), key=lambda m: m["Subject"])
        self.assertEqual([m["Subject"] for m in stored], ["Report", "own header"])
        self.assertEqual(stored[0]["From"], "Modem One <modem@lab>")
        self.assertEqual(stored[0]["To"], "ops@lab")
        self.assertEqual(stored[0]["Cc"], "boss@lab")
        self.assertIsNone(stored[0]["Bcc"])

        pop3 = await self.pop3()
        await pop3.open()
        status = await pop3.stat()
        self.assertEqual(status.count, 2)
        listing = await pop3.list()
        self.assertEqual([m.number for m in listing], [1, 2])
        self.assertEqual(sum(m.size for m in listing), status.size)
        first = pop3.retrieve(1, delete=True)
        reader = Reader(first)
        await first.when_done()
        text = bytes(reader.data)
        self.assertEqual(reader.kinds()[0], "Opened")
        self.assertIn(b"\r\nSubject: Report\r\n", text)
        self.assertTrue(text.endswith(b"\r\n\r\n" + BODY_BACK), text[-200:])
        with self.assertRaises(AppError) as caught:
            await pop3.retrieve(7).when_done()
        self.assertIs(caught.exception.reason, AppFailure.NOT_FOUND)
        self.assertTrue(pop3.last_reply.text.startswith("-ERR"))
        await pop3.close()

        again = await self.pop3()
        await again.open()
        self.assertEqual(await again.stat(), MailboxStatus(1, listing[1].size))
        await again.close()

    async def test_plain_authentication(self):
        await self.setup_mail()
        smtp = await self.smtp(mechanisms=("PLAIN",))
        await smtp.open()
        mail = smtp.send("modem@lab", ["ops@lab"], subject="plain")
        await write_all(mail, b"body\r\n")
        self.assertEqual((await mail.when_done()).code, 250)

    async def test_bad_passwords(self):
        await self.setup_mail()
        smtp = await self.smtp(password="wrong")
        with self.assertRaises(AppError) as caught:
            await smtp.open()
        self.assertIs(caught.exception.reason, AppFailure.AUTH_FAILED)
        self.assertEqual(caught.exception.reply.code, 535)
        pop3 = await self.pop3(password="wrong")
        with self.assertRaises(AppError) as caught:
            await pop3.open()
        self.assertIs(caught.exception.reason, AppFailure.PASSWORD_REJECTED)

    async def test_rejected_recipient_fails_the_mail_and_keeps_the_session(self):
        await self.setup_mail()
        smtp = await self.smtp()
        await smtp.open()
        mail = smtp.send("modem@lab", ["ops@lab"], cc=[""])  # RCPT TO:<> is a syntax error
        Reader(mail)
        with self.assertRaises(AppError) as caught:
            await mail.when_done()
        self.assertIs(caught.exception.reason, AppFailure.CC_REJECTED)
        self.assertGreaterEqual(caught.exception.reply.code, 500)
        good = smtp.send("modem@lab", ["ops@lab"])
        await write_all(good, b"after a refusal\r\n")
        self.assertEqual((await good.when_done()).code, 250)
