"""A host that dials an ISP on a real PTY and closes it at once takes its dial and the line
it typed after it along: the next host to open the PTY is answered at once, never in data
mode, and the departed host's line never ran."""

from __future__ import annotations

import os
import random

from twisted.internet import defer, reactor
from twisted.trial import unittest

import simulator.dialects
from simulator.at.interpreter import Mode
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import IspSpec, NumberSpec
from simulator.scenario.model import ModemSpec, NetworkSpec, RegistrationSpec
from simulator.transport import PtyPortService

from .doubles import read_exactly, scratch_dir, wait_until

ISP = "+33800000000"


class PtyDialTests(unittest.TestCase):
    timeout = 30

    def setUp(self) -> None:
        spec = NetworkSpec(registration=RegistrationSpec(delay=0.0),
                           numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),))
        self.network = Network(spec, clock=reactor, reactor=reactor, lab_listen=False)
        self.network.calls.setup_delay = 0.3
        self.network.startService()
        self.addCleanup(self.network.stopService)
        modem_spec = ModemSpec(name="a", n=1)
        self.network.attach(modem_spec, random.Random(1))
        self.modem = Modem(modem_spec, simulator.dialects.get("generic"), spec, reactor,
                           random.Random(1), NVStore(None), ip_network=self.network)
        self.channel = Channel("a/pty")
        self.interpreter = self.modem.attach(self.channel, "pty")
        self.path = scratch_dir(self) / "dev" / "a"
        self.port = PtyPortService(self.path, self.channel, reactor, "a pty")
        self.port.startService()
        self.addCleanup(self.port.stopService)
        self.modem.power_on()
        self.addCleanup(self.modem.power_off)

    def open(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.addCleanup(lambda: _close_quietly(fd))
        return fd

    @defer.inlineCallbacks
    def test_closing_the_pty_cancels_the_dial_and_drops_the_queued_line(self):
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the host")
        os.write(fd, f"ATD{ISP}\rATS7=77\r".encode())
        yield wait_until(lambda: self.interpreter.mode is Mode.EXECUTING, what="dialling")
        os.close(fd)
        yield wait_until(lambda: not self.channel.host_attached, what="the close")
        self.assertIs(self.interpreter.mode, Mode.COMMAND)
        self.assertFalse(self.network.calls.in_call("a"))

        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the next host")
        os.write(fd, b"ATD+33699999999\r")  # outlasts the first dial's set-up time
        answer = b"ATD+33699999999\r\r\nNO CARRIER\r\n"
        self.assertEqual((yield read_exactly(fd, len(answer))), answer)
        os.write(fd, b"ATS7?\r")
        answer = b"ATS7?\r\r\n050\r\n\r\nOK\r\n"
        self.assertEqual((yield read_exactly(fd, len(answer))), answer)
        self.assertFalse(self.interpreter.online)


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
