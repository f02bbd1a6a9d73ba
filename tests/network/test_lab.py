"""Lab services with real clients: stdlib clients over loopback (in a thread) against the
real ports the services listen on, and modem sockets through the simulated network.

The network runs on a ``task.Clock``: the loopback clients talk to the services directly
(nothing simulated in between, so the Clock stands still and no idle timeout can fire);
the modem tests start a ``ClockDriver`` and wait in simulated time."""

import ftplib
import io
import mailbox
import poplib
import re
import shutil
import smtplib
import socket
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from twisted.internet import defer, reactor, task, threads
from twisted.names import dns
from twisted.trial import unittest

from simulator.ipstack.sockets import TcpServer, TcpSocket, UdpSocket
from simulator.network import Network
from simulator.network.spec import HostSpec, ServiceSpec
from tests.ipstack.helpers import Events
from tests.network.helpers import advance, result_of, spec
from tests.simclock import START, ClockDriver
from tests.simclock import until as until  # (also the FTP data connection tests')

#: Seconds a loopback client waits on its socket: a guard against a hang, not a measure.
GUARD = 60


class LabTestCase(unittest.TestCase):
    def setUp(self):
        # Not trial's mktemp(): under pytest it creates directories in the repository.
        self.dir = Path(tempfile.mkdtemp(prefix="atsim-lab-"))
        self.addCleanup(shutil.rmtree, self.dir, True)
        (self.dir / "www").mkdir()
        (self.dir / "www" / "index.html").write_text("<h1>lab</h1>\n")
        (self.dir / "www" / "data.bin").write_bytes(bytes(range(256)) * 64)
        (self.dir / "ftp").mkdir()
        (self.dir / "ftp" / "readme.txt").write_text("hello from ftp\n")

    timeout = 120  # a guard against a hang only

    def start(self, *hosts: HostSpec) -> Network:
        self.clock = task.Clock()
        self.clock.advance(START)
        self.driver = ClockDriver(self.clock)
        # Runs last: the resets of the test's aborted sockets reach the servers.
        self.addCleanup(self.driver.finish)
        network = Network(spec(hosts=hosts), clock=self.clock, reactor=reactor)
        network.startService()
        self.addCleanup(network.stopService)
        self.network = network
        return network

    async def activate(self):
        """The bearer of ``lab-1``; simulated time runs from now on."""
        self.driver.start()
        bearer = await self.network.activate("lab-1", "internet")
        self.addCleanup(bearer.release)
        return bearer

    def port(self, kind: str, protocol: str = "tcp", port: int | None = None) -> int:
        for endpoint in self.network.lab_endpoints():
            if endpoint.kind == kind and endpoint.protocol == protocol and (
                    port is None or endpoint.port == port):
                self.assertEqual(endpoint.real_host, "127.0.0.1")
                return endpoint.real_port
        raise AssertionError(f"no {kind} endpoint")


def web_host(root: Path) -> HostSpec:
    return HostSpec("www.lab", services=(ServiceSpec("http", root=root),))


class HttpTests(LabTestCase):
    async def test_get_put_post_delete_with_urllib(self):
        root = self.dir / "www"
        self.start(web_host(root))
        base = f"http://127.0.0.1:{self.port('http')}"

        def session():
            results = {}
            with urllib.request.urlopen(base + "/") as r:
                results["index"] = r.read()
            with urllib.request.urlopen(base + "/data.bin") as r:
                results["data"] = r.read()
            put = urllib.request.Request(base + "/up/new.txt", data=b"put body", method="PUT")
            with urllib.request.urlopen(put) as r:
                results["put"] = r.status
            with urllib.request.urlopen(base + "/up/new.txt") as r:
                results["get_put"] = r.read()
            post = urllib.request.Request(base + "/form/submit", data=b"a=1&b=2", method="POST")
            with urllib.request.urlopen(post) as r:
                results["post"] = r.read()
            delete = urllib.request.Request(base + "/up/new.txt", method="DELETE")
            with urllib.request.urlopen(delete) as r:
                results["delete"] = r.status
            try:
                urllib.request.urlopen(base + "/up/new.txt")
            except urllib.error.HTTPError as e:
                results["gone"] = e.code
            try:
                urllib.request.urlopen(base + "/../../etc/passwd")
            except urllib.error.HTTPError as e:
                results["outside"] = e.code
            return results

        results = await threads.deferToThread(session)
        self.assertEqual(results["index"], b"<h1>lab</h1>\n")
        self.assertEqual(results["data"], bytes(range(256)) * 64)
        self.assertEqual(results["put"], 201)
        self.assertEqual(results["get_put"], b"put body")
        self.assertIn(b"kept as /_posted/0001-form_submit.body", results["post"])
        self.assertEqual((root / "_posted" / "0001-form_submit.body").read_bytes(), b"a=1&b=2")
        self.assertEqual(results["delete"], 204)
        self.assertEqual(results["gone"], 404)
        self.assertEqual(results["outside"], 404)
        self.assertFalse((root / "up" / "new.txt").exists())
        server = self.network.lab.server("www.lab", "http")
        self.assertEqual([r.method for r in server.requests][:3], ["GET", "GET", "PUT"])


def test_http_get_through_a_modem_socket_on_a_clock(tmp_path):
    (tmp_path / "hello.txt").write_text("hello modem\n")
    clock = task.Clock()
    network = Network(spec(hosts=[web_host(tmp_path)], link="gprs"), clock=clock)
    d = network.activate("lab-1", "internet")
    clock.advance(0)
    bearer = result_of(d)
    events = Events(read_all=True)
    sock = TcpSocket(bearer, events)
    sock.connect("www.lab", 80)
    advance(clock, 2.0, step=0.01)
    sock.send(b"GET /hello.txt HTTP/1.0\r\nHost: www.lab\r\n\r\n")
    advance(clock, 3.0, step=0.01)
    assert events.received.startswith(b"HTTP/1.0 200 OK\r\n")
    assert events.received.endswith(b"\r\n\r\nhello modem\n")
    assert "peer_closed" in events.names()


def ftp_host(root: Path, **users) -> HostSpec:
    return HostSpec("ftp.lab", services=(
        ServiceSpec("ftp", root=root, users=tuple(users.items())),))


class FtpTests(LabTestCase):
    async def test_ftplib_passive_and_active_with_users(self):
        root = self.dir / "ftp"
        self.start(ftp_host(root, user="pass"))
        port = self.port("ftp")

        def session(passive: bool):
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", port, timeout=GUARD)
            try:
                ftp.login("user", "wrong")
            except ftplib.error_perm as e:
                refused = str(e)
            else:
                refused = None
            ftp.login("user", "pass")
            ftp.set_pasv(passive)
            listing = ftp.nlst(".")
            got = io.BytesIO()
            ftp.retrbinary("RETR readme.txt", got.write)
            ftp.storbinary(f"STOR up-{passive}.bin", io.BytesIO(b"\x00\x01" * 5000))
            ftp.quit()
            return refused, listing, got.getvalue()

        for passive in (True, False):
            refused, listing, got = await threads.deferToThread(session, passive)
            self.assertIsNotNone(refused)
            self.assertIn("readme.txt", listing)
            self.assertEqual(got, b"hello from ftp\n")
            self.assertEqual((root / f"up-{passive}.bin").read_bytes(), b"\x00\x01" * 5000)

    async def test_ascii_type_retrieves_lines_with_cr_lf(self):
        (self.dir / "ftp" / "lines.txt").write_bytes(b"one\ntwo\n")
        self.start(ftp_host(self.dir / "ftp"))
        port = self.port("ftp")

        def session():
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", port, timeout=GUARD)
            ftp.login()
            ftp.voidcmd("TYPE A")  # (retrbinary would switch to TYPE I)
            with ftp.transfercmd("RETR lines.txt") as data:
                got = b"".join(iter(lambda: data.recv(4096), b""))
            ftp.voidresp()
            ftp.quit()
            return got

        self.assertEqual(await threads.deferToThread(session), b"one\r\ntwo\r\n")

    async def test_without_users_anyone_may_log_in(self):
        self.start(ftp_host(self.dir / "ftp"))
        port = self.port("ftp")

        def session():
            ftp = ftplib.FTP()
            ftp.connect("127.0.0.1", port, timeout=GUARD)
            ftp.login()  # anonymous
            names = ftp.nlst(".")
            ftp.quit()
            return names

        self.assertIn("readme.txt", await threads.deferToThread(session))

    async def modem_control(self):
        self.start(ftp_host(self.dir / "ftp", user="pass"))
        bearer = await self.activate()
        control_events = Events(read_all=True)
        control = TcpSocket(bearer, control_events)
        self.addCleanup(control.abort)
        await control.connect("ftp.lab", 21)
        self.control = control

        async def command(line: bytes, expect: bytes) -> bytes:
            if line:  # (the greeting may already be there)
                control_events.received.clear()
                control.send(line + b"\r\n")
            try:
                await until(lambda: re.search(rb"(^|\n)" + expect + rb" [^\r]*\r\n",
                                              bytes(control_events.received)))
            except AssertionError:
                raise AssertionError(f"{line!r}: {bytes(control_events.received)!r}") from None
            return bytes(control_events.received)

        await command(b"", b"220")
        await command(b"USER user", b"331")
        await command(b"PASS pass", b"230")
        await command(b"TYPE I", b"200")
        return bearer, command

    async def test_a_modem_in_passive_mode(self):
        bearer, command = await self.modem_control()
        reply = await command(b"PASV", b"227")
        numbers = [int(n) for n in re.search(rb"\((\d+(?:,\d+){5})\)", reply).group(1).split(b",")]
        address = ".".join(map(str, numbers[:4]))
        self.assertEqual(address, self.network.resolve("ftp.lab"))  # its virtual address
        data_events = Events(read_all=True)
        data = TcpSocket(bearer, data_events)
        self.addCleanup(data.abort)
        await data.connect(address, numbers[4] << 8 | numbers[5])
        await command(b"RETR readme.txt", b"226")
        await until(lambda: "peer_closed" in data_events.names())
        self.assertEqual(bytes(data_events.received), b"hello from ftp\n")

    async def test_a_modem_in_active_mode_gets_the_data_connection_back(self):
        bearer, command = await self.modem_control()
        server_events = Events()
        server = TcpServer(bearer, server_events, port=40000)
        self.addCleanup(server.close)
        host_part = bearer.address.replace(".", ",").encode()
        await command(b"PORT " + host_part + b",156,64", b"200")  # 156*256+64 = 40000
        await command(b"RETR readme.txt", b"226")
        await until(lambda: server_events.children
                    and "peer_closed" in server_events.names())
        child = server_events.children[0]
        self.assertEqual(child.read(), b"hello from ftp\n")
        self.assertEqual(child.peer, (self.network.resolve("ftp.lab"), 20))
        child.close()
        # A PORT towards an address nobody listens on fails cleanly.
        await command(b"PORT 10,64,0,99,1,1", b"425")


def mail_hosts(maildir: Path, **users) -> tuple[HostSpec, ...]:
    pairs = tuple(users.items())
    return (HostSpec("mail.lab", services=(ServiceSpec("smtp", maildir=maildir, users=pairs),
                                           ServiceSpec("pop3", maildir=maildir, users=pairs))),)


MESSAGE = "From: modem@lab\r\nTo: you@lab\r\nSubject: test\r\n\r\nbody line\r\n"


class MailTests(LabTestCase):
    async def test_smtp_delivers_into_the_maildir_pop3_serves(self):
        maildir = self.dir / "mail"
        self.start(*mail_hosts(maildir))
        smtp_port, pop_port = self.port("smtp", port=25), self.port("pop3")

        def session():
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=GUARD) as s:
                s.sendmail("modem@lab", ["you@lab", "other@lab"], MESSAGE)
            pop = poplib.POP3("127.0.0.1", pop_port, timeout=GUARD)
            pop.user("anyone")
            pop.pass_("anything")
            count, _ = pop.stat()
            refused = []
            for bad in ("DELE 0", "DELE 2", "RETR 2", "LIST 0"):
                try:
                    pop._shortcmd(bad)
                except poplib.error_proto as e:
                    refused.append(bad if e.args[0].startswith(b"-ERR") else e)
            _, lines, _ = pop.retr(1)
            pop.dele(1)
            try:
                pop.retr(1)  # deleted in this session
            except poplib.error_proto:
                refused.append("RETR deleted")
            pop.quit()
            return count, lines, refused

        count, lines, refused = await threads.deferToThread(session)
        self.assertEqual(refused, ["DELE 0", "DELE 2", "RETR 2", "LIST 0", "RETR deleted"])
        self.assertEqual(count, 1)  # one copy, however many recipients
        self.assertIn(b"Subject: test", lines)
        self.assertIn(b"body line", lines)
        self.assertTrue(lines[0].startswith(b"Received: from"))
        self.assertEqual(len(mailbox.Maildir(str(maildir))), 0)  # deleted by POP3

    async def test_with_users_smtp_needs_auth_and_pop3_checks_passwords(self):
        maildir = self.dir / "mail"
        self.start(*mail_hosts(maildir, user="pass"))
        smtp_port = self.port("smtp", port=587)
        pop_port = self.port("pop3")

        def session():
            outcome = {}
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=GUARD) as s:
                s.ehlo()
                outcome["auth"] = s.esmtp_features.get("auth", "")
                try:
                    s.sendmail("modem@lab", ["you@lab"], MESSAGE)
                except smtplib.SMTPSenderRefused as e:
                    outcome["anonymous"] = e.smtp_code
            for mechanism in ("PLAIN", "LOGIN"):
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=GUARD) as s:
                    s.ehlo()
                    s.user, s.password = "user", "pass"
                    s.auth(mechanism, getattr(s, "auth_" + mechanism.lower()))
                    s.sendmail("modem@lab", ["you@lab"], MESSAGE)
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=GUARD) as s:
                try:
                    s.login("user", "wrong")
                except smtplib.SMTPAuthenticationError as e:
                    outcome["wrong"] = e.smtp_code
            pop = poplib.POP3("127.0.0.1", pop_port, timeout=GUARD)
            pop.user("user")
            try:
                pop.pass_("wrong")
            except poplib.error_proto:
                outcome["pop_wrong"] = True
            pop = poplib.POP3("127.0.0.1", pop_port, timeout=GUARD)
            pop.user("user")
            pop.pass_("pass")
            outcome["count"] = pop.stat()[0]
            pop.quit()
            return outcome

        outcome = await threads.deferToThread(session)
        self.assertIn("PLAIN", outcome["auth"])
        self.assertIn("LOGIN", outcome["auth"])
        self.assertEqual(outcome["anonymous"], 550)
        self.assertEqual(outcome["wrong"], 535)
        self.assertTrue(outcome["pop_wrong"])
        self.assertEqual(outcome["count"], 2)
        messages = self.network.lab.server("mail.lab", "smtp").messages()
        self.assertEqual([m["Subject"] for m in messages], ["test", "test"])

    async def test_a_modem_sends_mail_over_its_socket(self):
        maildir = self.dir / "mail"
        self.start(*mail_hosts(maildir))
        bearer = await self.activate()
        events = Events(read_all=True)
        sock = TcpSocket(bearer, events)
        self.addCleanup(sock.abort)
        await sock.connect("mail.lab", 25)

        async def step(line: bytes, code: bytes):
            if line:
                events.received.clear()
                sock.send(line + b"\r\n")
            await until(lambda: re.search(rb"(^|\n)" + code + rb" ", bytes(events.received)))

        await step(b"", b"220")
        await step(b"HELO modem", b"250")
        await step(b"MAIL FROM:<modem@lab>", b"250")
        await step(b"RCPT TO:<you@lab>", b"250")
        await step(b"DATA", b"354")
        await step(MESSAGE.encode() + b".", b"250")
        await step(b"QUIT", b"221")
        [message] = self.network.lab.server("mail.lab", "smtp").messages()
        self.assertEqual(message["Subject"], "test")
        self.assertIn("from modem", message["Received"])


class SmallServicesOverLoopback(LabTestCase):
    async def test_echo_daytime_ntp_dns_answer_on_loopback(self):
        self.start(HostSpec("small.lab", services=tuple(
            ServiceSpec(kind) for kind in ("echo", "daytime", "ntp", "dns"))))
        ports = {(e.kind, e.protocol): e.real_port for e in self.network.lab_endpoints()}

        def session():
            out = {}
            with socket.create_connection(("127.0.0.1", ports["echo", "tcp"]), timeout=GUARD) as s:
                s.sendall(b"echo")
                out["echo"] = s.recv(10)
            with socket.create_connection(("127.0.0.1", ports["daytime", "tcp"]),
                                          timeout=GUARD) as s:
                out["daytime"] = s.recv(100)
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.settimeout(GUARD)
            request = bytes([(4 << 3) | 3]) + bytes(47)
            udp.sendto(request, ("127.0.0.1", ports["ntp", "udp"]))
            out["ntp"] = udp.recv(100)
            query = dns.Message(id=7, recDes=1)
            query.queries = [dns.Query(b"small.lab", dns.A, dns.IN)]
            udp.sendto(query.toStr(), ("127.0.0.1", ports["dns", "udp"]))
            out["dns"] = udp.recv(512)
            udp.close()
            return out

        out = await threads.deferToThread(session)
        self.assertEqual(out["echo"], b"echo")
        self.assertTrue(out["daytime"].endswith(b"-UTC\r\n"))
        self.assertEqual(len(out["ntp"]), 48)
        answer = dns.Message()
        answer.fromStr(out["dns"])
        self.assertEqual(answer.answers[0].payload.dottedQuad(), self.network.resolve("small.lab"))

    async def test_the_apn_dns_server_answers_a_modem_udp_query(self):
        self.start(HostSpec("www.lab"))
        bearer = await self.activate()
        sock = UdpSocket(bearer)
        await sock.open(0, (bearer.dns[0], 53))
        self.addCleanup(sock.close)
        query = dns.Message(id=9, recDes=1)
        query.queries = [dns.Query(b"nothing.example", dns.A, dns.IN)]
        sock.send(query.toStr())
        await until(lambda: sock.pending)
        answer = dns.Message()
        answer.fromStr(sock.recv().data)
        self.assertEqual(answer.rCode, dns.ENAME)


del defer


class TlsServicesOverLoopback(LabTestCase):
    async def test_https_and_tls_echo_check_out_against_the_lab_ca_with_a_stdlib_client(self):
        import ssl

        network = Network(spec(hosts=(HostSpec("www.lab", services=(
            ServiceSpec("https", root=self.dir / "www"), ServiceSpec("tls-echo"))),)),
            clock=reactor, reactor=reactor, state_dir=self.dir / "state")
        self.addCleanup(task.deferLater, reactor, 0.05, lambda: None)
        network.startService()
        self.addCleanup(network.stopService)
        self.network = network
        ca_file = self.dir / "state" / "lab-ca" / "ca.pem"
        https, echo = self.port("https"), self.port("tls-echo")

        def session():
            context = ssl.create_default_context(cafile=str(ca_file))
            out = {}
            with socket.create_connection(("127.0.0.1", https), timeout=60) as raw, \
                    context.wrap_socket(raw, server_hostname="www.lab") as s:
                s.sendall(b"GET /index.html HTTP/1.0\r\nHost: www.lab\r\n\r\n")
                out["https"] = b"".join(iter(lambda: s.recv(4096), b""))
            with socket.create_connection(("127.0.0.1", echo), timeout=60) as raw, \
                    context.wrap_socket(raw, server_hostname="www.lab") as s:
                s.sendall(b"ping")
                out["echo"] = s.recv(10)
            with socket.create_connection(("127.0.0.1", echo), timeout=60) as raw:
                try:
                    context.wrap_socket(raw, server_hostname="other.lab")
                except ssl.SSLCertVerificationError as e:
                    out["other"] = e.verify_message
            return out

        out = await threads.deferToThread(session)
        self.assertTrue(out["https"].startswith(b"HTTP/1.0 200 OK\r\n"))
        self.assertTrue(out["https"].endswith(b"<h1>lab</h1>\n"))
        self.assertEqual(out["echo"], b"ping")
        self.assertIn("other.lab", out["other"])
