"""HTTP, SMTP and POP3 sessions against the lab's servers (001 §5.1.6, §5.3.6, §6.1.8,
§9.5-§9.7), on the task.Clock of ``LabSessionCase`` (simulated time)."""

from __future__ import annotations

import ipaddress
import mailbox

from simulator.datamode.dle import escape
from simulator.network.spec import HostSpec, ServiceSpec
from tests.dialects.wip.bench import OK, cme, info, urc
from tests.dialects.wip.test_ftp import CONNECT, LabSessionCase

A = ipaddress.IPv4Address


class MailHttpCase(LabSessionCase):
    def hosts(self, users):
        self.www = self.root / "www"
        self.www.mkdir()
        (self.www / "page.html").write_bytes(b"<html>\x03hello\x10</html>")
        self.maildir = self.root / "mail"
        users = tuple(users)
        return (
            HostSpec("www.lab", address=A("192.0.2.80"),
                     services=(ServiceSpec("http", root=self.www),)),
            HostSpec("192.168.1.2", services=(
                ServiceSpec("smtp", maildir=self.maildir, users=users),
                ServiceSpec("pop3", maildir=self.maildir, users=users))),
        )

    async def at_urc(self, line: str, urc_text: str) -> str:
        """A command answered OK, then a URC."""
        return await self.at(line, ends=(urc_text + "\r\n", "\r\n+CME ERROR: 0"))

    def mails(self) -> list:
        return list(mailbox.Maildir(self.maildir, create=False))


class HttpTests(MailHttpCase):
    async def test_001_9_5_get_with_status(self):
        await self.online(users=())
        self.assertEqual(await self.at_urc('+WIPCREATE=5,1', "+WIPREADY: 5,1"),
                         OK + urc("+WIPREADY: 5,1"))
        self.assertEqual(await self.at("+WIPOPT=5,1,2,53,6"), OK)
        self.assertEqual(await self.at("+WIPOPT=5,1,1,52"), info("+WIPOPT: 5,52,1"))
        self.assertEqual(await self.at("+WIPOPT=5,1,2,52,0"), OK)
        self.assertEqual(await self.at("+WIPOPT=5,1,1,52"), info("+WIPOPT: 5,52,0"))
        self.assertEqual(await self.at("+WIPOPT=5,1,1,53"), cme(835))  # write-only
        self.assertEqual(await self.at("+WIPOPT=5,1,1,54"), cme(834))
        answer = await self.at('+WIPFILE=5,1,1,"http://www.lab/page.html","","",'
                               '"Accept","text/html"', ends=('"OK"\r\n',))
        self.assertEqual(answer, CONNECT + escape(b"<html>\x03hello\x10</html>").decode()
                         + "\x03" + OK + urc('+WIPFILE: 5,1,1,200,"OK"'))
        answer = await self.at('+WIPFILE=5,1,1,"www.lab/missing"', ends=('Found"\r\n',))
        self.assertTrue(answer.endswith(OK + urc('+WIPFILE: 5,1,1,404,"Not Found"')), answer)

    async def test_put_post_delete(self):
        await self.online(users=())
        await self.at_urc('+WIPCREATE=5,1', "+WIPREADY: 5,1")
        self.assertEqual(await self.at('+WIPFILE=5,1,2,"www.lab/up/new.txt"'), CONNECT)
        self.assertEqual(await self.data(b"put \x10\x03body\x03", ends=('"Created"\r\n',)),
                         OK + urc('+WIPFILE: 5,1,2,201,"Created"'))
        self.assertEqual((self.www / "up" / "new.txt").read_bytes(), b"put \x03body")
        self.assertEqual(await self.at('+WIPFILE=5,1,4,"www.lab/form"'), CONNECT)
        answer = await self.data(b"a=1\x03", ends=('"OK"\r\n',))
        # a POST prints the response body after the host's, then ETX (D50)
        self.assertEqual(answer, "received 3 bytes, kept as /_posted/0001-form.body\n\x03"
                         + OK + urc('+WIPFILE: 5,1,4,200,"OK"'))
        answer = await self.at('+WIPFILE=5,1,3,"www.lab/up/new.txt"',
                               ends=('Content"\r\n',))
        self.assertTrue(answer.startswith(CONNECT), answer)
        self.assertTrue(answer.endswith(urc('+WIPFILE: 5,1,3,204,"No Content"')), answer)
        self.assertFalse((self.www / "up" / "new.txt").exists())

    async def test_unreachable_server_fails_the_file_command(self):
        await self.online(users=())
        await self.at_urc('+WIPCREATE=5,1', "+WIPREADY: 5,1")
        self.assertEqual(await self.at('+WIPFILE=5,1,1,"nowhere.lab/x"'), cme(860))
        self.assertEqual(await self.at('+WIPFILE=5,1,5,"www.lab/x"'), cme(800))


class SmtpPop3Tests(MailHttpCase):
    async def test_001_9_6_send_then_9_7_retrieve(self):
        await self.online(users=(("user", "password"),))
        self.assertEqual(
            await self.at_urc('+WIPCREATE=6,1,"192.168.1.2",25,"user","password"',
                              "+WIPREADY: 6,1"),
            OK + urc("+WIPREADY: 6,1"))
        for line in ('+WIPOPT=6,1,2,61,"sender@mail.com"', '+WIPOPT=6,1,2,62,"sender name"',
                     '+WIPOPT=6,1,2,63,"rec01@mail.com, rec02@mail.com"',
                     '+WIPOPT=6,1,2,64,"ccrec01@mail.com, ccrec02@mail.com"',
                     '+WIPOPT=6,1,2,65,"bccrec01@mail.com, bccrec02@mail.com"',
                     '+WIPOPT=6,1,2,66,"mail subject"'):
            self.assertEqual(await self.at(line), OK, line)
        self.assertEqual(await self.at("+WIPOPT=6,1,1,61"),
                         info('+WIPOPT: 6,61,"sender@mail.com"'))
        status = await self.at("+WIPOPT=6,1,1,60")
        self.assertTrue(status.startswith('\r\n+WIPOPT: 6,60,235,"235'), status)
        self.assertEqual(await self.at("+WIPFILE=6,1,2"), CONNECT)
        self.assertEqual(await self.data(b"Hello\r\n.dot line\r\n\x03"), OK)
        [mail] = self.mails()
        self.assertEqual(mail["Subject"], "mail subject")
        self.assertIn("Hello", mail.get_payload())
        self.assertEqual(await self.at("+WIPCLOSE=6,1"), OK)

        self.assertEqual(
            await self.at_urc('+WIPCREATE=7,1,"192.168.1.2",110,"user","password"',
                              "+WIPREADY: 7,1"),
            OK + urc("+WIPREADY: 7,1"))
        self.assertEqual(await self.at("+WIPOPT=7,1,1,71"), info("+WIPOPT: 7,71,1"))
        size = await self.at("+WIPOPT=7,1,1,72")
        self.assertTrue(size.startswith("\r\n+WIPOPT: 7,72,"), size)
        listing = await self.at("+WIPOPT=7,1,1,73")
        self.assertTrue(listing.startswith('\r\n+WIPOPT: 7,73,"1,'), listing)
        answer = await self.at('+WIPFILE=7,1,1,"1"', ends=(OK,))
        self.assertTrue(answer.startswith(CONNECT) and answer.endswith("\x03" + OK), answer)
        self.assertIn("Hello", answer)
        self.assertEqual(await self.at('+WIPFILE=7,1,1,"0"'), cme(867))
        self.assertEqual(await self.at("+WIPOPT=7,1,2,74,1"), info("+WIPOPT: 7,74,1"))
        self.assertEqual(await self.at("+WIPCLOSE=7,1"), OK)

    async def test_smtp_refusals_and_failures(self):
        await self.online(users=(("user", "password"),))
        answer = await self.at_urc('+WIPCREATE=6,1,"192.168.1.2",25,"user","wrong"',
                                   "+CME ERROR: 865")
        self.assertEqual(answer, OK + urc("+CME ERROR: 865"))
        answer = await self.at_urc('+WIPCREATE=7,1,"192.168.1.2",110,"user","wrong"',
                                   "+CME ERROR: 862")
        self.assertEqual(answer, OK + urc("+CME ERROR: 862"))
        await self.at_urc('+WIPCREATE=6,1,"192.168.1.2",,"user","password"', "+WIPREADY: 6,1")
        self.assertEqual(await self.at("+WIPFILE=6,1,2"), cme(881))  # no recipient set
        self.assertEqual(await self.at('+WIPFILE=6,1,1'), cme(800))  # SMTP only sends
