"""FTP sessions (+WIPCREATE=4, +WIPOPT 40/41, +WIPFILE=4, +WIPCLOSE=4) against the lab's FTP
server (001 §5.1, §5.3.7.2, §6.1, §9.4, §9.13), all on a task.Clock run by a ``ClockDriver``
(nothing real is reached; waiting costs simulated time only).
"""

from __future__ import annotations

import ipaddress
import random
import shutil
import tempfile
from pathlib import Path

from twisted.trial import unittest

from simulator.datamode.dle import escape
from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec
from simulator.scenario.model import NetworkSpec, RegistrationSpec
from tests.dialects.wip.bench import ERROR, OK, WipBench, cme, info, urc
from tests.simclock import ClockDriver, sleep

CONNECT = "\r\nCONNECT\r\n"
FAST_REGISTRATION = NetworkSpec(registration=RegistrationSpec(delay=0.0))
#: What ends an answer: a final result, or the CONNECT of data mode.
FINALS = (OK, ERROR, CONNECT, "\r\n+CME ERROR: ")


#: ``seconds`` of simulated time.
wait = sleep


class LabSessionCase(unittest.TestCase):
    """A WIP modem online with lab servers on a driven Clock; ``at`` waits for answers."""

    timeout = 60

    def hosts(self, users) -> tuple[HostSpec, ...]:
        return (HostSpec("ftp.wavecom.com", address=ipaddress.IPv4Address("192.0.2.21"),
                         services=(ServiceSpec("ftp", root=self.root, users=tuple(users)),)),)

    async def online(self, revision=None, users=(("admin", "123456"),)):
        self.root = Path(tempfile.mkdtemp(dir=self.mktemp_dir()))
        (self.root / "data.bin").write_bytes(b"file\x03with\x10specials")
        ip = IpNetworkSpec(
            apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"),
                          dns=(ipaddress.IPv4Address("10.64.255.53"),)),),
            hosts=self.hosts(users), links=LinksSpec(default="ideal"))
        bench = WipBench(revision=revision, ip=ip, network=FAST_REGISTRATION)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        driver = ClockDriver(bench.clock)
        self.addCleanup(driver.finish)  # (cleanups run last first: before the power-off)
        driver.start()
        self.driver = driver
        self.bench = bench
        await self.until(bench.wip.registered)
        for line in ("+WIPCFG=1", "+WIPBR=1,6", "+WIPBR=4,6,0"):
            self.assertEqual(await self.at(line), OK)
        return bench

    def mktemp_dir(self) -> str:
        # Not trial's mktemp(): under pytest it creates directories in the repository.
        path = tempfile.mkdtemp(prefix="atsim-wip-ftp-")
        self.addCleanup(shutil.rmtree, path, True)
        return path

    async def until(self, condition, timeout: float = 60.0):
        """Until ``condition()`` holds, at most ``timeout`` simulated seconds."""
        end = self.bench.clock.seconds() + timeout
        while not condition():
            if self.bench.clock.seconds() > end:
                raise AssertionError(f"condition not met in simulated time; "
                                     f"received {self.received()!r}")
            await self.driver.turn()

    def received(self) -> str:
        return self.bench.port.host.received.decode("latin-1")

    async def at(self, line: str, *, ends=FINALS) -> str:
        """``AT<line>`` and everything up to its answer's end (which may wait for the
        server)."""
        self.bench.port.channel.receive(b"AT" + line.encode("latin-1") + b"\r")
        await self.until(lambda: any(self.received().endswith(e) or
                                     (e == FINALS[3] and e in self.received()
                                      and self.received().endswith("\r\n"))
                                     for e in ends))
        return self.bench.port.take()

    async def data(self, payload: bytes, *, ends=(OK,)) -> str:
        self.bench.port.channel.receive(payload)
        await self.until(lambda: self.received().endswith(ends))
        return self.bench.port.take()


class FtpTests(LabSessionCase):
    async def create(self, line='+WIPCREATE=4,1,"ftp.wavecom.com","admin","123456"'):
        self.assertEqual(await self.at(line), OK)
        # Binary: Twisted's FTP server (the lab's) fails ASCII-mode transfers (its
        # ASCIIConsumerWrapper mixes str and bytes); WIP's default is ASCII (option 40 = 0).
        self.assertEqual(await self.at("+WIPOPT=4,1,2,40,1"), OK)

    # -- the examples ------------------------------------------------------------------------

    async def test_001_5_1_6_and_9_4_create_upload_download_close(self):
        await self.online()
        await self.create()
        self.assertEqual(await self.at('+WIPFILE=4,1,2,"./filename.txt"'), CONNECT)
        self.assertEqual(await self.data(b"<data>\x10\x03\x10\x10\x03"), OK)
        self.assertEqual((self.root / "filename.txt").read_bytes(), b"<data>\x03\x10")
        self.assertEqual(await self.at('+WIPFILE=4,1,1,"./filename.txt"', ends=(OK,)),
                         CONNECT + "<data>\x10\x03\x10\x10\x03" + OK)
        self.assertEqual(await self.at('+WIPFILE=4,1,1,"data.bin"', ends=(OK,)),
                         CONNECT + escape(b"file\x03with\x10specials").decode() + "\x03" + OK)
        self.assertEqual(await self.at("+WIPCLOSE=4,1", ends=("+WIPPEERCLOSE: 4,1\r\n",)),
                         OK + urc("+WIPPEERCLOSE: 4,1"))

    async def test_001_9_13_empty_port_and_one_session_at_a_time(self):
        await self.online(users=())
        await self.create('+WIPCREATE=4,1,"ftp.wavecom.com",,"user name","password"')
        # "attempt of creating a OP3 session returns an error as already 1 FTP session is
        # active" (001 §9.13)
        self.assertEqual(await self.at('+WIPCREATE=7,1,"POP3 server",,"user name","mail id"'),
                         cme(840))
        self.assertEqual(await self.at('+WIPCREATE=4,2,"ftp.wavecom.com",21,"u","p"'),
                         cme(840))
        await self.at("+WIPCLOSE=4,1", ends=("+WIPPEERCLOSE: 4,1\r\n",))
        await self.create('+WIPCREATE=4,1,"ftp.wavecom.com",21,"u","p","acct"')

    async def test_default_type_is_ascii(self):
        await self.online()
        self.assertEqual(await self.at('+WIPCREATE=4,1,"ftp.wavecom.com","admin","123456"'),
                         OK)
        self.assertEqual(await self.at("+WIPOPT=4,1,1,40"), info("+WIPOPT: 4,40,0"))

    async def test_creation_failures(self):
        await self.online()
        for line, code in [
            ('+WIPCREATE=4,1,"ftp.wavecom.com","admin","wrong"', 862),
            ('+WIPCREATE=4,1,"nowhere.lab","admin","123456"', 842),
            ('+WIPCREATE=4,1,"ftp.wavecom.com",2121,"admin","123456"', 842),
            ('+WIPCREATE=4,9,"ftp.wavecom.com","admin","123456"', 830),
            ('+WIPCREATE=4,1,"ftp.wavecom.com",0,"admin","123456"', 832),
        ]:
            self.assertEqual(await self.at(line), cme(code), line)
        await self.create()

    async def test_options_40_and_41(self):
        await self.online()
        await self.create()
        self.assertEqual(await self.at("+WIPOPT=4,1,1,41"), info("+WIPOPT: 4,41,1"))
        self.assertEqual(await self.at("+WIPOPT=4,1,2,40,0"), OK)
        self.assertEqual(await self.at("+WIPOPT=4,1,1,40"), info("+WIPOPT: 4,40,0"))
        # 001 §5.3.6 prints "+WIPOPT: 4,1,1" for this read: see D45.
        self.assertEqual(await self.at("+WIPOPT=4,1,2,40,1"), OK)
        self.assertEqual(await self.at("+WIPOPT=4,1,1,40"), info("+WIPOPT: 4,40,1"))
        self.assertEqual(await self.at("+WIPOPT=4,1,2,41,0"), OK)  # active mode
        answer = await self.at('+WIPFILE=4,1,1,"data.bin"', ends=(OK,))
        self.assertTrue(answer.startswith(CONNECT + "file"), answer)
        self.assertEqual(await self.at("+WIPOPT=4,1,2,41,2"), cme(801))
        self.assertEqual(await self.at("+WIPOPT=4,1,1,8"), cme(835))

    async def test_000_6_3_6_ftp_option_example(self):
        await self.online("2.01")
        await self.create()
        self.assertEqual(await self.at("+WIPOPT=4,1,1,40"), info("+WIPOPT: 4,1,40,1"))

    async def test_missing_file_and_bad_input(self):
        await self.online()
        await self.create()
        self.assertEqual(await self.at('+WIPFILE=4,1,1,"nothing.here"'), cme(860))
        for line, answer in [
            ('+WIPFILE=4,1,3,"data.bin"', cme(800)),  # no DELETE on FTP
            ('+WIPFILE=4,2,1,"data.bin"', cme(831)),  # no session 2
            ('+WIPFILE=4,9,1,"data.bin"', cme(830)),
            ('+WIPFILE=3,1,1,"data.bin"', cme(837)),
            (f'+WIPFILE=4,1,1,"{"x" * 129}"', cme(801)),
            ("+WIPFILE=4,1,1", ERROR),
            ('+WIPFILE=5,1,1,"url"', cme(831)),  # no HTTP session
            ("+WIPFILE?", OK),
            ("+WIPFILE=?", OK),
        ]:
            self.assertEqual(await self.at(line), answer, line)
        answer = await self.at('+WIPFILE=4,1,1,"data.bin"', ends=(OK,))
        self.assertTrue(answer.startswith(CONNECT))

    async def test_big_upload_and_download_keep_every_byte(self):
        await self.online()
        await self.create()
        payload = random.Random(5).randbytes(200_000)
        self.assertEqual(await self.at('+WIPFILE=4,1,2,"big.bin"'), CONNECT)
        self.assertEqual(await self.data(escape(payload) + b"\x03"), OK)
        self.assertEqual((self.root / "big.bin").read_bytes(), payload)
        answer = await self.at('+WIPFILE=4,1,1,"big.bin"', ends=(OK,))
        self.assertEqual(answer, CONNECT + escape(payload).decode("latin-1") + "\x03" + OK)

    async def test_escape_abandons_a_transfer(self):
        await self.online()
        await self.create()
        self.assertEqual(await self.at('+WIPFILE=4,1,2,"partial.bin"'), CONNECT)
        self.bench.port.channel.receive(b"some")
        await wait(1.1)
        self.assertEqual(await self.data(b"+++"), OK)
        answer = await self.at('+WIPFILE=4,1,1,"data.bin"', ends=(OK,))
        self.assertTrue(answer.startswith(CONNECT))
