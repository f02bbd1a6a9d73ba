"""What the layers every dialect shares do with bad input, seen through WIP: host names no
DNS query can carry fail as names that do not resolve, logging nothing as an error, and a
creation that fails leaves no session, index or port behind; a POP3 session without
credentials does not log in."""

from __future__ import annotations

import contextlib
import ipaddress
import mailbox

import pytest

from simulator.dialects.wip.errors import Code
from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec
from tests.dialects.wip.bench import OK, WipBench, cme, info, urc
from tests.dialects.wip.test_mail_http import MailHttpCase
from tests.logged import describe, errors_logged

A = ipaddress.IPv4Address
LAB = IpNetworkSpec(
    apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"), dns=(A("10.64.255.53"),)),),
    hosts=(HostSpec("192.168.0.1"),),
    links=LinksSpec(default="ideal"),
)
#: An empty label, a label of 64 octets (63 is the most, RFC 1035 §2.3.4).
BAD_NAMES = ["a..b", "a" * 64 + ".lab"]
#: 842: what WIP already answers for a peer whose name does not resolve.
UNRESOLVED = 842


@contextlib.contextmanager
def no_error_logged():
    """Fails if anything logs at error or critical level, or logs a failure."""
    with errors_logged() as bad:
        yield
    assert bad == [], describe(bad)


def online() -> WipBench:
    bench = WipBench(ip=LAB)
    for line in ("+WIPCFG=1", "+WIPBR=1,6", "+WIPBR=4,6,0"):
        assert bench.at(line) == OK
    return bench


def settle(bench: WipBench, seconds: float = 5.0) -> str:
    bench.advance(seconds)
    return bench.port.take()


def assert_unresolved(bench: WipBench, line: str) -> None:
    """``AT<line>`` answers OK, then the unsolicited error of a peer that does not resolve;
    no error is logged and no socket is left."""
    with no_error_logged():
        answer = bench.at(line) + settle(bench)
    assert answer == OK + urc(f"+CME ERROR: {UNRESOLVED}")
    assert bench.wip.sockets == {}


@pytest.mark.parametrize("name", BAD_NAMES)
def test_ping_of_a_bad_name_times_out_like_an_unknown_one(name):
    bench = online()
    with no_error_logged():
        assert bench.at(f'+WIPPING="{name}"') == OK
        assert settle(bench) == urc("+WIPPING: 1,0,0")


@pytest.mark.parametrize("name", BAD_NAMES)
def test_tcp_client_to_a_bad_name_fails_and_frees_its_index(name):
    bench = online()
    assert_unresolved(bench, f'+WIPCREATE=2,1,"{name}",80')
    # The index is free again: the same index connects to a good peer.
    assert bench.at('+WIPCREATE=2,1,"192.168.0.1",7').startswith(OK)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_udp_to_a_bad_name_fails_and_frees_its_index_and_port(name):
    bench = online()
    assert_unresolved(bench, f'+WIPCREATE=1,1,5000,"{name}",80')
    # Index 1 and local port 5000 are both free again.
    answer = bench.at('+WIPCREATE=1,1,5000,"192.168.0.1",80') + settle(bench, 0.1)
    assert answer == OK + urc("+WIPREADY: 1,1")


@pytest.mark.parametrize("name", BAD_NAMES)
def test_ftp_session_to_a_bad_name_fails_and_leaves_no_session(name):
    bench = online()
    with no_error_logged():
        answer = bench.at(f'+WIPCREATE=4,1,"{name}","user","password"') + settle(bench)
        assert answer == cme(UNRESOLVED)
        assert bench.wip.sockets == {}
        # No half-made session behind index 1: a transfer on it is one on no session.
        assert bench.at('+WIPFILE=4,1,2,"x"') == cme(831)
        assert bench.at('+WIPFILE=4,3,2,"x"') == cme(831)
    # The one session WIP allows at a time (001 §5.1.1) is free for another.
    answer = bench.at("+WIPCREATE=5,1") + settle(bench, 0.1)
    assert answer == OK + urc("+WIPREADY: 5,1")


@pytest.mark.parametrize("name", BAD_NAMES)
@pytest.mark.parametrize("mode", [6, 7])
def test_mail_session_to_a_bad_name_fails_and_leaves_no_session(name, mode):
    assert_unresolved(online(), f'+WIPCREATE={mode},1,"{name}"')


@pytest.mark.parametrize("name", BAD_NAMES)
def test_http_request_to_a_bad_name_fails_like_an_unknown_one(name):
    bench = online()
    assert bench.at("+WIPCREATE=5,1") + settle(bench, 0.1) == OK + urc("+WIPREADY: 5,1")
    with no_error_logged():
        # 860, as for "nowhere.lab" (a failed request is a protocol error, 001 §6.1.7)
        assert bench.at(f'+WIPFILE=5,1,1,"http://{name}/x"') + settle(bench) == cme(860)
        # The port answers and the session takes the next request.
        assert bench.at(f'+WIPFILE=5,1,1,"http://{name}/y"') + settle(bench) == cme(860)


class Pop3WithoutLoginTests(MailHttpCase):
    """001 §5.1.3: "Authentication is disabled when this parameter is not specified"."""

    def hosts(self, users):
        self.maildir = self.root / "mail"
        return (HostSpec("pop.mail.server.com", address=A("192.0.2.110"), services=(
            ServiceSpec("pop3", maildir=self.maildir, users=tuple(users)),)),)

    async def test_001_5_1_6_pop3_session_without_credentials(self):
        await self.online(users=())
        mailbox.Maildir(str(self.maildir), create=True).add(b"Subject: one\n\nbody\n")
        with no_error_logged():
            answer = await self.at_urc('+WIPCREATE=7,1, "pop.mail.server.com"',
                                       "+WIPREADY: 7,1")
            self.assertEqual(answer, OK + urc("+WIPREADY: 7,1"))
            self.assertEqual(await self.at("+WIPOPT=7,1,1,71"), info("+WIPOPT: 7,71,1"))
            # Message numbers the mailbox lacks: the server's -ERR, the session goes on.
            self.assertEqual(await self.at('+WIPFILE=7,1,1,"9"'), cme(Code.POP3_RETRIEVE_ERROR))
            self.assertEqual(await self.at("+WIPOPT=7,1,2,74,9"), cme(Code.DELETE_ERROR))
            self.assertEqual(await self.at("+WIPOPT=7,1,1,71"), info("+WIPOPT: 7,71,1"))
            self.assertEqual(await self.at("+WIPCLOSE=7,1"), OK)

    async def test_without_credentials_a_server_that_wants_them_refuses_commands(self):
        await self.online(users=(("user", "password"),))
        with no_error_logged():
            answer = await self.at_urc('+WIPCREATE=7,1,"pop.mail.server.com",110',
                                       "+WIPREADY: 7,1")
            self.assertEqual(answer, OK + urc("+WIPREADY: 7,1"))
            # The session is up but not logged in: the server refuses STAT.
            self.assertEqual(await self.at("+WIPOPT=7,1,1,71"), cme(Code.LIST_ERROR))
            self.assertEqual(await self.at("+WIPCLOSE=7,1"), OK)
