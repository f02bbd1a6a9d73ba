"""An eDsoft modem with a GPRS link (``EdsoftBench.link_up``) in a network with lab FTP,
SMTP and POP3 servers, all on a task.Clock run by a ``ClockDriver`` (nothing real is reached;
waiting costs simulated time only); ``at`` waits for each answer's end."""

from __future__ import annotations

import ipaddress
import shutil
import tempfile
from pathlib import Path

from twisted.trial import unittest

from simulator.modem.network import NetworkService
from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec
from simulator.scenario.model import NetworkSpec, RegistrationSpec
from tests.dialects.edsoft.bench import OK, EdsoftBench
from tests.simclock import ClockDriver, sleep

A = ipaddress.IPv4Address
FAST_REGISTRATION = NetworkSpec(registration=RegistrationSpec(delay=0.0))
#: Ends of an answer: a final result, an error, or the message that starts data mode.
FINALS = (OK, "Ok_Info_DataBegin\r\n", "Ok_Info_WaitingForData\r\n", "Ok_Info_NoMail\r\n")
USERS = (("ftplogin", "ftppassword"), ("module@domain.com", "password"))
#: The lab's DNS (the APN's) and the names of its servers.
DNS = A("10.64.255.53")


#: ``seconds`` of simulated time.
wait = sleep


class LabCase(unittest.TestCase):
    timeout = 60

    def hosts(self) -> tuple[HostSpec, ...]:
        return (
            HostSpec("ftp.domain.com", address=A("192.0.2.21"),
                     services=(ServiceSpec("ftp", root=self.root, users=USERS),)),
            HostSpec("smtp.domain.com", address=A("192.0.2.25"),
                     services=(ServiceSpec("smtp", maildir=self.maildir),)),
            HostSpec("pop3.domain.com", address=A("192.0.2.110"),
                     services=(ServiceSpec("pop3", maildir=self.maildir, users=USERS),)),
        )

    async def online(self, *, link: bool = True, shaping: str = "ideal") -> EdsoftBench:
        """The bench, registered, its link up unless ``link=False``; ``shaping`` is the links'
        preset ("ideal": a transfer takes no simulated time at all)."""
        scratch = tempfile.mkdtemp(prefix="atsim-edsoft-lab-")
        self.addCleanup(shutil.rmtree, scratch, True)
        self.root = Path(scratch) / "ftp"
        self.root.mkdir()
        self.maildir = Path(scratch) / "mail"
        ip = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"),
                                         dns=(DNS,)),),
                           hosts=self.hosts(), links=LinksSpec(default=shaping))
        bench = EdsoftBench(ip=ip, network=FAST_REGISTRATION)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        driver = ClockDriver(bench.clock)
        # Cleanups run last first: what the test left scheduled runs before the power-off.
        self.addCleanup(driver.finish)
        driver.start()
        self.driver = driver
        self.bench = bench
        await self.until(lambda: bench.edsoft.in_service)
        if link:
            await bench.link_up()
        else:  # 002 A.4: the GPRS attach the host makes before AT#CONNECTIONSTART (E103)
            bench.port.take()
            assert await self.at("+CGATT=1") == OK
            await self.until(lambda: bench.modem.service(NetworkService).ps_attached)
        return bench

    async def until(self, condition, timeout: float = 60.0):
        """Until ``condition()`` holds, at most ``timeout`` simulated seconds."""
        end = self.bench.clock.seconds() + timeout
        while not condition():
            if self.bench.clock.seconds() > end:
                raise AssertionError(
                    f"condition not met in simulated time; received {self.received()!r}")
            await self.driver.turn()

    def when_host_has(self, size: int, action) -> None:
        """``action()`` the moment the host has received more than ``size`` bytes (an event,
        not a time: on the Clock a transfer may arrive in a few large turns)."""
        host = self.bench.port.host
        deliver = host.deliver

        def deliver_then_act(data: bytes) -> None:
            deliver(data)
            if len(host.received) > size:
                host.deliver = deliver
                action()

        host.deliver = deliver_then_act

    def received(self) -> str:
        return self.bench.port.host.received.decode("latin-1")

    def _ended(self, ends) -> bool:
        text = self.received()
        if any(text.endswith(e) for e in ends):
            return True
        return "#CME ERROR: " in text and text.endswith("\r\n")

    async def at(self, line: str, *, ends=FINALS) -> str:
        """``AT<line>`` and everything up to its answer's end."""
        self.bench.port.channel.receive(b"AT" + line.encode("latin-1") + b"\r")
        await self.until(lambda: self._ended(ends))
        return self.bench.port.take()

    async def data(self, payload: bytes, *, ends=(OK,)) -> str:
        self.bench.port.channel.receive(payload)
        await self.until(lambda: self._ended(ends))
        return self.bench.port.take()
