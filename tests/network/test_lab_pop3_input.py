"""The lab POP3 server answers every line a client sends: what it cannot carry out gets
-ERR and the session goes on; nothing is logged as an error."""

import mailbox
import socket

from twisted.internet import threads

from tests.logged import watch_errors
from tests.network.test_lab import GUARD, LabTestCase, mail_hosts

#: Lines Twisted's own POP3 server fails on (a wrong number of arguments, bytes that are not
#: UTF-8, an empty command) or refuses before a login, each with what it must answer.
REFUSED_BEFORE_LOGIN = [b"USER", b"PASS", b"USER a b", b"APOP", b"\xff\xfe", b"", b" "]
REFUSED_AFTER_LOGIN = [b"RETR", b"RETR 1 2", b"TOP 1", b"DELE", b"STAT x", b"UIDL 1 2",
                       b"RETR 9", b"TOP 1 x", b"LIST x", b"NOSUCH"]


def converse(port: int, lines: list[bytes]) -> list[bytes]:
    """Each line's status reply (the first line of it), after the greeting."""
    with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as s:
        reader = s.makefile("rb")
        replies = [reader.readline().rstrip(b"\r\n")]
        for line in lines:
            s.sendall(line + b"\r\n")
            reply = reader.readline().rstrip(b"\r\n")
            replies.append(reply)
            if reply.startswith(b"+OK") and line.split(b" ")[0] in (b"RETR", b"LIST", b"TOP"):
                while reader.readline() != b".\r\n":  # the rest of a multi-line answer
                    pass
        return replies


class Pop3InputTests(LabTestCase):
    def setUp(self):
        super().setUp()
        self.errors = watch_errors(self)

    def mailbox(self, **users):
        maildir = self.dir / "mail"
        self.start(*mail_hosts(maildir, **users))
        mailbox.Maildir(str(maildir), create=True).add(b"Subject: one\n\nbody\n")
        return self.port("pop3")

    async def test_with_users_bad_lines_get_err_and_the_login_still_works(self):
        port = self.mailbox(user="pass")
        lines = [*REFUSED_BEFORE_LOGIN, b"STAT", b"USER user", b"PASS pass",
                 *REFUSED_AFTER_LOGIN, b"STAT", b"QUIT"]
        replies = await threads.deferToThread(converse, port, lines)
        greeting, *answers = replies
        self.assertTrue(greeting.startswith(b"+OK"))
        n = len(REFUSED_BEFORE_LOGIN)
        self.assertEqual([a[:4] for a in answers[:n + 1]], [b"-ERR"] * (n + 1))
        self.assertEqual(answers[n + 1][:3], b"+OK")  # USER
        self.assertEqual(answers[n + 2], b"+OK Authentication succeeded")
        refused = answers[n + 3:-2]
        self.assertEqual([a[:4] for a in refused], [b"-ERR"] * len(REFUSED_AFTER_LOGIN))
        self.assertEqual(answers[-2], b"+OK 1 19")
        self.assertEqual(answers[-1][:3], b"+OK")
        self.assertEqual(self.errors, [])

    async def test_without_users_the_mailbox_needs_no_login(self):
        port = self.mailbox()
        replies = await threads.deferToThread(
            converse, port, [b"USER", b"STAT", b"LIST", b"RETR 1", b"DELE 1", b"QUIT"])
        self.assertEqual([r[:4] for r in replies[1:]],
                         [b"-ERR", b"+OK ", b"+OK ", b"+OK ", b"+OK ", b"+OK "])
        self.assertEqual(replies[2], b"+OK 1 19")
        self.assertEqual(len(mailbox.Maildir(str(self.dir / "mail"))), 0)  # QUIT deleted it
        self.assertEqual(self.errors, [])
