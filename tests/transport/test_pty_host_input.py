"""What a host types on a real PTY: held in the kernel while the modem's input FIFO is full,
and gone with the host: a host that dials an ISP and closes the PTY at once takes its dial
and the line it typed after it along; the next host to open the PTY is answered at once,
never in data mode, and the departed host's line never ran."""

from __future__ import annotations

import os
import random
import select

from twisted.internet import defer, reactor, task
from twisted.trial import unittest

import simulator.dialects
from simulator.at.interpreter import INPUT_HOLD, Mode
from simulator.line import Channel
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec
from simulator.transport import PtyPortService

from .doubles import ISP, echo_channel, isp_network, read_exactly, scratch_dir, wait_until


class PtyDialTests(unittest.TestCase):
    timeout = 30

    def setUp(self) -> None:
        self.network, spec = isp_network(self)
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

    @defer.inlineCallbacks
    def test_a_held_host_that_closes_takes_its_dial_and_backlog_along_at_once(self):
        """More than the FIFO takes behind a dial whose set-up never ends: the master is
        not read, yet the host closing the slave is seen, not after a read that would never
        come."""
        self.network.calls.setup_delay = 10_000.0
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the host")
        os.write(fd, f"ATD{ISP}\r".encode())
        yield wait_until(lambda: self.interpreter.mode is Mode.EXECUTING, what="dialling")
        backlog = b"AT\r" * (2 * INPUT_HOLD // 3)
        while backlog:  # the PTY buffer is smaller than the backlog: write as it drains
            try:
                backlog = backlog[os.write(fd, backlog):]
            except BlockingIOError:
                pass
            if backlog:
                yield task.deferLater(reactor, 0, lambda: None)
        yield wait_until(lambda: self.channel.input_held, what="the hold")
        os.close(fd)
        yield wait_until(lambda: not self.channel.host_attached, what="the close")
        self.assertIs(self.interpreter.mode, Mode.COMMAND)
        self.assertFalse(self.network.calls.in_call("a"))
        self.assertEqual(len(self.interpreter._pending), 0)


class PtyHoldTests(unittest.TestCase):
    timeout = 20

    @defer.inlineCallbacks
    def test_a_held_port_leaves_the_hosts_bytes_in_the_kernel_until_released(self):
        channel, device = echo_channel()
        path = scratch_dir(self) / "dev" / "m"
        port = PtyPortService(path, channel, reactor, "m pty")
        port.startService()
        self.addCleanup(port.stopService)
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.addCleanup(lambda: _close_quietly(fd))
        yield wait_until(lambda: channel.host_attached, what="the host")
        channel.hold_input(True)
        os.write(fd, b"AT\r")
        master = port.master.fileno()
        yield wait_until(lambda: select.select([master], [], [], 0)[0], what="the kernel")
        for _ in range(5):  # turns in which a watched master would have been read
            yield task.deferLater(reactor, 0, lambda: None)
        self.assertEqual(device.received, b"")
        channel.hold_input(False)
        yield wait_until(lambda: device.received == b"AT\r", what="the bytes")


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass
