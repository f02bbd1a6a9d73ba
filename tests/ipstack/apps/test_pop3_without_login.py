"""A POP3 session without a user name does not log in (WIP 001 §5.1.3: "Authentication is
disabled when this parameter is not specified"): it is open once the server greets it."""

import mailbox

from simulator.ipstack.apps import AppError, AppFailure, MailboxStatus, Pop3Session
from tests.ipstack.apps.helpers import LabTestCase, Reader, mail_host


class Pop3WithoutLoginTests(LabTestCase):
    async def session(self, users) -> Pop3Session:
        self.maildir = self.dir / "mail"
        endpoints = await self.start(mail_host(self.maildir, users=users))
        mailbox.Maildir(str(self.maildir), create=True).add(b"Subject: one\n\nbody\n")
        session = Pop3Session(endpoints, "mail.lab")
        self.addCleanup(session.abort)
        return session

    async def test_open_without_a_user_sends_no_login(self):
        session = await self.session(users=())
        self.assertIs(await session.open(), session)
        # The last reply is the greeting: nothing was sent, nothing refused.
        self.assertEqual(session.last_reply.text[:3], "+OK")
        # A lab without users serves its mailbox without a login.
        self.assertEqual(await session.stat(), MailboxStatus(1, 19))
        mail = session.retrieve(1)
        reader = Reader(mail)
        await mail.when_done()
        self.assertIn(b"body\r\n", bytes(reader.data))
        await session.close()

    async def test_a_server_that_wants_a_login_refuses_the_commands_not_the_session(self):
        session = await self.session(users=(("user", "secret"),))
        await session.open()
        with self.assertRaises(AppError) as caught:
            await session.stat()
        self.assertIs(caught.exception.reason, AppFailure.PROTOCOL_ERROR)
        self.assertIn("not authenticated", session.last_reply.text)
        self.assertTrue(session.is_open)
        await session.close()
