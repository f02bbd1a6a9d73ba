"""``AT#SENDMAILi``, ``AT#PUTMAIL`` and ``AT#GETMAIL`` (002 §3.2-§3.4, A.6) against the
lab's SMTP and POP3 servers: the manual's sessions byte for byte, a mail sent with
``AT#PUTMAIL`` read back with ``AT#GETMAIL``, and the failures (decisions E86-E89)."""

from __future__ import annotations

import mailbox

from simulator.dialects.atsharp.link import Resource
from simulator.network.spec import HostSpec, ServiceSpec
from tests.dialects.edsoft.bench import OK, edsoft_error
from tests.dialects.edsoft.lab import USERS, A, LabCase, wait

WAITING = "\r\nOk_Info_WaitingForData\r\n"
MAIL = "\r\nOk_Info_Mail\r\n"
NO_MAIL = "\r\nOk_Info_NoMail\r\n"
#: A.6.1's settings (its "AT#SENDERADDR" has lost its "=", E22).
A_6_1 = ('#SMTPSERV="smtp.domain.com"', '#DOMAIN="domain.com"', '#SENDERNAME="Test module"',
         '#SENDERADDR="module@domain.com"', "#REC1=recipient@domain.com",
         "#CCREC1=ccrecipient@domain.com", '#SUBJ1="Email Subject"')
A_6_2 = ('#POP3SERV="pop3.domain.com"', '#POP3UN="module@domain.com"', '#POP3PW="password"')


class MailCase(LabCase):
    def hosts(self):
        return (*super().hosts(),
                HostSpec("auth.domain.com", address=A("192.0.2.26"),
                         services=(ServiceSpec("smtp", maildir=self.maildir, users=USERS),)))

    async def configure(self, *lines: str) -> None:
        for line in lines:
            self.assertEqual(await self.at(line), OK, line)

    def mails(self) -> list:
        return list(mailbox.Maildir(self.maildir, create=False))

    async def putmail(self, body: bytes) -> str:
        self.assertEqual(await self.at("#PUTMAIL"), WAITING)
        return await self.data(body, ends=(OK, "\r\n"))


class ManualSessions(MailCase):
    async def test_a_6_1_sending_an_email(self):
        await self.online()
        await self.configure(*A_6_1)
        self.assertEqual(await self.at("#Putmail"), WAITING)
        # Not echoed; ENTER CTRL+ENTER . ENTER CTRL+ENTER ends it.
        self.assertEqual(await self.data(b"Hello,\r\nthe module.\r\n.\r\n"), OK)
        [mail] = self.mails()
        self.assertEqual(mail["From"], "Test module <module@domain.com>")
        self.assertEqual(mail["To"], "recipient@domain.com")
        self.assertEqual(mail["Cc"], "ccrecipient@domain.com")
        self.assertEqual(mail["Subject"], "Email Subject")
        self.assertEqual(mail.get_payload(), "Hello,\nthe module.\n")

    async def test_a_6_2_retrieving_an_email_as_printed_without_the_header(self):
        await self.online()
        await self.configure(*A_6_1, *A_6_2, "#POP3HEADERMODE=0")
        self.assertEqual(await self.putmail(b"Data\r\nData\r\n.\r\n"), OK)
        self.assertEqual(await self.at("#Getmail", ends=(OK,)),
                         MAIL + "Data\r\nData\r\n.\r\n" + OK)

    async def test_a_6_2_with_the_header_pop3headermode_1(self):
        await self.online()
        await self.configure(*A_6_1, *A_6_2)
        self.assertEqual(await self.putmail(b"Data\r\nData\r\n.\r\n"), OK)
        self.assertEqual(await self.at("#Getmail", ends=(OK,)),
                         MAIL + "From: Test module <module@domain.com>\r\n"
                         "Cc: ccrecipient@domain.com\r\nSubject: Email Subject\r\n\r\n"
                         "Data\r\nData\r\n.\r\n" + OK)


class RoundTrips(MailCase):
    async def test_putmail_read_back_with_getmail_dots_and_all(self):
        await self.online()
        await self.configure(*A_6_1, *A_6_2, "#POP3HEADERMODE=0")
        body = b"first line\r\n.starts with a dot\r\n..two\r\nlast"
        self.assertEqual(await self.at("#PUTMAIL"), WAITING)
        for i in range(0, len(body), 3):  # as a slow host types it
            self.bench.port.channel.receive(body[i:i + 3])
        self.assertEqual(await self.data(b"\r\n.\r\n"), OK)
        self.assertEqual(self.mails()[0].get_payload(),
                         "first line\n.starts with a dot\n..two\nlast\n")
        # The host's end mark can only be the end: a line starting with "." is doubled.
        self.assertEqual(await self.at("#GETMAIL", ends=(OK,)),
                         MAIL + "first line\r\n..starts with a dot\r\n...two\r\nlast\r\n.\r\n"
                         + OK)

    async def test_getmail_takes_the_first_mail_and_deletes_it(self):
        await self.online()
        await self.configure(*A_6_1, *A_6_2, "#POP3HEADERMODE=0")
        self.assertEqual(await self.at("#GETMAIL"), NO_MAIL)
        for text in (b"one\r\n.\r\n", b"two\r\n.\r\n"):
            self.assertEqual(await self.putmail(text), OK)
        first = await self.at("#GETMAIL", ends=(OK,))
        second = await self.at("#GETMAIL", ends=(OK,))
        self.assertEqual(sorted([first, second]),
                         [MAIL + "one\r\n.\r\n" + OK, MAIL + "two\r\n.\r\n" + OK])
        self.assertEqual(await self.at("#GETMAIL"), NO_MAIL)
        self.assertEqual(self.bench.edsoft.resources.held, frozenset())

    async def test_atv0_shows_the_messages_numbers(self):
        await self.online()
        await self.configure(*A_6_1, *A_6_2, "#POP3HEADERMODE=0")
        self.assertEqual(await self.at("V0", ends=("0\r",)), "0\r")
        self.assertEqual(await self.at("#GETMAIL", ends=("3072\r",)), "3072\r")
        self.assertEqual(await self.at("#PUTMAIL", ends=("1028\r",)), "1028\r")
        self.assertEqual(await self.data(b"x\r\n.\r\n", ends=("0\r",)), "0\r")
        self.assertEqual(await self.at("#GETMAIL", ends=(".\r\n0\r",)), "3073\rx\r\n.\r\n0\r")

    async def test_sendmail_1_2_3_send_their_own_mails(self):
        await self.online()
        await self.configure('#SMTPSERV="smtp.domain.com"', '#SENDERADDR="module@domain.com"')
        for i in (1, 2, 3):
            await self.configure(f'#REC{i}="r{i}@domain.com"', f'#SUBJ{i}="subject {i}"',
                                 f'#BODY{i}="body {i}"')
        await self.configure('#CCREC2="c2@domain.com,c3@domain.com"')
        for i in (3, 1, 2):
            self.assertEqual(await self.at(f"#SENDMAIL{i}", ends=(OK, "\r\n")), OK)
        mails = {m["Subject"]: m for m in self.mails()}
        self.assertEqual(sorted(mails), ["subject 1", "subject 2", "subject 3"])
        self.assertEqual(mails["subject 2"]["To"], "r2@domain.com")
        self.assertEqual(mails["subject 2"]["Cc"], "c2@domain.com, c3@domain.com")
        self.assertEqual(mails["subject 3"].get_payload(), "body 3\n")

    async def test_smtp_auth_login_only_with_user_and_password(self):
        await self.online()
        await self.configure('#SMTPSERV="auth.domain.com"', "#REC1=r@domain.com",
                             '#BODY1="x"', '#SMTPUN="ftplogin"')
        # A user without a password: no AUTH, and this server wants it.
        self.assertEqual(await self.at("#SENDMAIL1", ends=(OK, "\r\n")), edsoft_error(38028))
        await self.configure('#SMTPPW="wrong"')
        self.assertEqual(await self.at("#SENDMAIL1", ends=(OK, "\r\n")), edsoft_error(38081))
        await self.configure('#SMTPPW="ftppassword"')
        self.assertEqual(await self.at("#SENDMAIL1", ends=(OK, "\r\n")), OK)
        self.assertEqual(len(self.mails()), 1)


class Failures(MailCase):
    async def test_a_name_not_resolved_is_38027(self):
        await self.online()
        await self.configure('#SMTPSERV="nosuch.domain.com"', '#POP3SERV="a..b"',
                             "#REC1=r@domain.com")
        for line in ("#SENDMAIL1", "#PUTMAIL", "#GETMAIL"):
            self.assertEqual(await self.at(line), edsoft_error(38027), line)

    async def test_a_refused_pop3_login_is_38081(self):
        await self.online()
        await self.configure(*A_6_2, '#POP3PW="wrong"')
        self.assertEqual(await self.at("#GETMAIL"), edsoft_error(38081))

    async def test_a_server_not_listening_is_38016(self):
        await self.online()
        await self.configure(*A_6_1, "#SMTPPORT=2525", *A_6_2, "#POP3PORT=1110")
        self.assertEqual(await self.at("#SENDMAIL1"), edsoft_error(38016))
        self.assertEqual(await self.at("#GETMAIL"), edsoft_error(38016))

    async def test_no_recipient_is_38029(self):
        await self.online()
        await self.configure('#SMTPSERV="smtp.domain.com"')
        self.assertEqual(await self.at("#SENDMAIL2"), edsoft_error(38029))
        self.assertEqual(await self.at("#PUTMAIL"), edsoft_error(38029))

    async def test_without_a_link_35867_and_with_the_stack_busy_37122(self):
        await self.online(link=False)
        await self.configure(*A_6_1, *A_6_2)
        for line in ("#SENDMAIL1", "#PUTMAIL", "#GETMAIL"):
            self.assertEqual(await self.at(line), edsoft_error(35867), line)
        await self.bench.link_up()
        claim = self.bench.edsoft.resources.claim(Resource.FTP)
        for line in ("#SENDMAIL3", "#PUTMAIL", "#GETMAIL"):
            self.assertEqual(await self.at(line), edsoft_error(37122), line)
        claim.release()

    async def test_bad_forms_are_34819(self):
        await self.online()
        for line in ("#SENDMAIL1=1", "#PUTMAIL?", "#GETMAIL=?", "#SENDMAIL4"):
            expected = 34817 if line == "#SENDMAIL4" else 34819
            self.assertEqual(await self.at(line), edsoft_error(expected), line)

    async def test_the_link_going_mid_putmail_is_its_code_and_nothing_is_sent(self):
        await self.online()
        await self.configure(*A_6_1)
        self.assertEqual(await self.at("#PUTMAIL"), WAITING)
        self.bench.port.channel.receive(b"half a body\r\n")
        self.bench.edsoft.link.lost(35841)
        self.assertEqual(await self.data(b""), edsoft_error(35841))
        await wait(0.2)
        self.assertEqual(self.mails(), [])
        self.assertEqual(self.bench.edsoft.resources.held, frozenset())

    async def test_the_link_going_mid_getmail_is_the_end_mark_and_its_code(self):
        await self.online()
        await self.configure(*A_6_2, "#POP3HEADERMODE=0")
        self.maildir.mkdir(exist_ok=True)
        mailbox.Maildir(self.maildir).add(b"Subject: big\n\n" + b"line of a big mail\n" * 100_000)
        self.when_host_has(10_000, lambda: self.bench.edsoft.link.lost(35841))
        self.bench.port.channel.receive(b"AT#GETMAIL\r")
        await self.until(lambda: self.received().endswith(edsoft_error(35841)))
        self.assertTrue(self.received().endswith("\r\n.\r\n" + edsoft_error(35841)))
        self.bench.port.take()
        self.assertEqual(self.bench.edsoft.resources.held, frozenset())
        self.assertEqual(len(self.mails()), 1)  # not deleted

    async def test_a_host_disappearing_mid_putmail_leaves_the_modem_answering(self):
        await self.online()
        await self.configure(*A_6_1, *A_6_2, "#POP3HEADERMODE=0")
        channel, host = self.bench.port.channel, self.bench.port.host
        self.assertEqual(await self.at("#PUTMAIL"), WAITING)
        channel.receive(b"half a body\r\n")
        channel.detach_host()
        await wait(0.2)
        channel.attach_host(host)
        self.bench.port.take()
        self.assertEqual(self.mails(), [])
        self.assertEqual(await self.putmail(b"whole\r\n.\r\n"), OK)
        self.assertEqual(await self.at("#GETMAIL", ends=(OK,)), MAIL + "whole\r\n.\r\n" + OK)
