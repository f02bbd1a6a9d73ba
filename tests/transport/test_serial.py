"""The serial transport on a PTY pair: the simulator opens the slave as its "device", the
test drives the master side as the host at the far end of the cable."""

from __future__ import annotations

import errno
import os
import tty

from twisted.internet import defer, reactor
from twisted.trial import unittest

from simulator.transport import SerialPortService, TransportError

from .doubles import LogCapture, echo_channel, read_available, read_exactly, scratch_dir, wait_until


class SerialTestCase(unittest.TestCase):
    timeout = 120  # a guard against a hang only

    def setUp(self):
        self.channel, self.device = echo_channel()
        self.dir = scratch_dir(self)
        self.link = self.dir / "ttyUSB0"
        self.host_fds: set[int] = set()

    def cable(self) -> tuple[int, str]:
        """A PTY pair: (host-side master fd, device path for the simulator)."""
        master, slave = os.openpty()
        name = os.ttyname(slave)
        tty.setraw(master)
        os.close(slave)
        os.set_blocking(master, False)
        self.host_fds.add(master)
        return master, name

    def unplug(self, fd: int) -> None:
        self.host_fds.discard(fd)
        os.close(fd)

    def tearDown(self):
        for fd in self.host_fds:
            os.close(fd)

    def start(self, device: str, **kwargs) -> SerialPortService:
        self.label = f"lab-5 serial:{device}"
        service = SerialPortService(device, self.channel, reactor, self.label, **kwargs)
        service.startService()
        self.addCleanup(lambda: service.running and service.stopService())
        return service

    @defer.inlineCallbacks
    def test_bytes_both_ways_in_any_fragmentation(self):
        host, device = self.cable()
        with LogCapture() as logs:
            service = self.start(device, baudrate=57600)
        self.assertTrue(self.channel.host_attached, "a cable has no connect event")
        self.assertEqual(self.channel.line_settings.baudrate, 57600)
        self.assertIn(self.label, logs.matching(device)[0])
        payload = bytes(range(256)) * 16
        for byte in payload[:100]:
            os.write(host, bytes([byte]))
        os.write(host, payload[100:])
        echoed = yield read_exactly(host, len(payload))
        self.assertEqual(echoed, payload)
        self.assertEqual(bytes(self.device.received), payload)
        self.assertEqual(service.dropped_output, 0)

    @defer.inlineCallbacks
    def test_device_without_modem_lines_carries_bytes_only(self):
        host, device = self.cable()
        with LogCapture() as logs:
            service = self.start(device)
            yield wait_until(lambda: service.has_modem_lines is False)
        self.assertTrue(logs.matching("no modem-control lines"))
        self.channel.set_modem_signals(dcd=True, ri=True, dsr=False)  # must not raise
        self.assertTrue(self.channel.host_signals.dtr)
        self.assertEqual(self.device.signal_changes, [])
        os.write(host, b"AT\r")
        got = yield read_exactly(host, 3)
        self.assertEqual(got, b"AT\r")

    @defer.inlineCallbacks
    def test_device_that_vanishes_is_reopened_when_it_returns(self):
        first_host, first_device = self.cable()
        os.symlink(first_device, self.link)
        service = self.start(str(self.link), reopen_interval=0.05)
        os.write(first_host, b"AT1\r")
        yield read_exactly(first_host, 4)
        self.unplug(first_host)
        yield wait_until(lambda: not self.channel.host_attached, what="device lost")
        self.assertFalse(service.is_open)
        second_host, second_device = self.cable()
        self.link.unlink()
        os.symlink(second_device, self.link)
        yield wait_until(lambda: self.channel.host_attached, what="device back")
        os.write(second_host, b"AT2\r")
        got = yield read_exactly(second_host, 4)
        self.assertEqual(got, b"AT2\r")
        self.assertEqual(self.device.events, ["opened", "closed", "opened"])

    @defer.inlineCallbacks
    def test_stop_closes_the_device(self):
        host, device = self.cable()
        service = self.start(device)
        os.write(host, b"AT\r")
        yield read_exactly(host, 3)
        service.stopService()
        self.assertEqual(self.device.events, ["opened", "closed"])
        self.assertFalse(service.is_open)
        # Nobody holds the slave any more: the master reads EIO.
        try:
            os.read(host, 1)
            hung_up = None
        except OSError as e:
            hung_up = e.errno
        self.assertEqual(hung_up, errno.EIO)
        self.assertEqual(read_available(host), b"")

    def test_missing_device_is_an_error_naming_the_port(self):
        missing = str(self.dir / "no-such-tty")
        service = SerialPortService(missing, self.channel, reactor, "lab-6 serial:" + missing)
        with self.assertRaises(TransportError) as caught:
            service.startService()
        self.assertIn("lab-6 serial:" + missing, str(caught.exception))
        self.assertFalse(service.running)
        self.assertFalse(self.channel.host_attached)
