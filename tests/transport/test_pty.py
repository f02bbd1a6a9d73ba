"""The PTY transport against a real pseudo-terminal, opened by the test like a host would."""

from __future__ import annotations

import errno
import os
import termios
from pathlib import Path

from twisted.internet import defer, reactor
from twisted.trial import unittest

from simulator.transport import PtyPortService, TransportError
from simulator.transport.ptyport import POLL_INTERVAL

from .doubles import (
    LogCapture,
    echo_channel,
    pause,
    read_available,
    read_exactly,
    scratch_dir,
    wait_until,
)

FAST_POLL = 0.01


class RecordingTimers:
    """The reactor, noting the delay of every call scheduled through it."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def callLater(self, delay, *args, **kwargs):  # noqa: N802 (IReactorTime's name)
        self.delays.append(delay)
        return reactor.callLater(delay, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(reactor, name)


def open_host(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    return fd


class PtyHarness(unittest.TestCase):
    """A PTY port and a host that opens its symlink; no tests of its own."""

    timeout = 120  # a guard against a hang only
    #: False: the port polls for hosts, as where inotify is unavailable.
    watch_opens = True

    def setUp(self):
        self.dir = scratch_dir(self)
        self.path = self.dir / "dev" / "modem0"
        self.channel, self.device = echo_channel()
        self.label = "lab-1 pty:" + str(self.path)
        self.host_fds: list[int] = []

    def tearDown(self):
        for fd in self.host_fds:
            try:
                os.close(fd)
            except OSError:
                pass

    def start(self, **kwargs) -> PtyPortService:
        kwargs.setdefault("poll_interval", FAST_POLL)
        kwargs.setdefault("watch_opens", self.watch_opens)
        service = PtyPortService(self.path, self.channel, reactor, self.label, **kwargs)
        service.startService()
        self.addCleanup(lambda: service.running and service.stopService())
        return service

    def open(self) -> int:
        fd = open_host(self.path)
        self.host_fds.append(fd)
        return fd

    def close(self, fd: int) -> None:
        self.host_fds.remove(fd)
        os.close(fd)


class PtyTestCase(PtyHarness):
    """Every case of docs/transports.md, with opens noticed by inotify."""

    # -- the symlink ------------------------------------------------------------------------

    def test_symlink_points_at_a_raw_tty_and_goes_away_on_stop(self):
        with LogCapture() as logs:
            service = self.start(baudrate=9600)
        self.assertTrue(self.path.is_symlink())
        target = os.readlink(self.path)
        self.assertEqual(target, service.slave_name)
        self.assertTrue(target.startswith("/dev/pts/"))
        fd = self.open()
        self.assertTrue(os.isatty(fd))
        attrs = termios.tcgetattr(fd)
        self.assertFalse(attrs[3] & termios.ECHO, "slave must be raw (no echo)")
        self.assertFalse(attrs[3] & termios.ICANON, "slave must be raw (not canonical)")
        self.assertEqual(attrs[4], termios.B9600)
        self.assertEqual(self.channel.line_settings.baudrate, 9600)
        [line] = logs.matching("host opens")
        self.assertIn(self.label, line)
        self.assertIn(str(self.path), line)
        self.close(fd)
        service.stopService()
        self.assertFalse(self.path.is_symlink())
        self.assertFalse(self.path.exists())

    def test_stale_symlink_is_replaced(self):
        self.path.parent.mkdir(parents=True)
        os.symlink("/dev/pts/this-does-not-exist", self.path)
        service = self.start()
        self.assertEqual(os.readlink(self.path), service.slave_name)

    def _pty_held_by(self, program_name: str) -> str:
        """A PTY whose master another process holds, that process's argv[0] being
        ``program_name``; returns the slave path."""
        import subprocess
        import sys

        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import os, sys, time; m, s = os.openpty(); print(os.ttyname(s), flush=True); "
             "sys.stdin.read()", program_name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (holder.stdin.close(), holder.wait()))
        return holder.stdout.readline().strip()

    def test_a_running_atsim_keeps_its_symlink(self):
        slave = self._pty_held_by("twistd-atsim")
        self.path.parent.mkdir(parents=True)
        os.symlink(slave, self.path)
        service = PtyPortService(self.path, self.channel, reactor, self.label)
        with self.assertRaises(TransportError) as caught:
            service.startService()
        self.assertIn("still running", str(caught.exception))
        self.assertEqual(os.readlink(self.path), slave)

    def test_a_pty_reused_by_another_program_is_stale(self):
        slave = self._pty_held_by("some-terminal")
        self.path.parent.mkdir(parents=True)
        os.symlink(slave, self.path)
        service = self.start()
        self.assertEqual(os.readlink(self.path), service.slave_name)

    def test_regular_file_in_the_way_is_an_error_naming_the_port(self):
        self.path.parent.mkdir(parents=True)
        self.path.write_text("user data")
        service = PtyPortService(self.path, self.channel, reactor, self.label)
        with self.assertRaises(TransportError) as caught:
            service.startService()
        self.assertIn(self.label, str(caught.exception))
        self.assertEqual(self.path.read_text(), "user data")
        self.assertFalse(service.running)

    def test_stop_leaves_a_symlink_someone_else_took_over(self):
        service = self.start()
        self.path.unlink()
        os.symlink("/dev/null", self.path)
        service.stopService()
        self.assertEqual(os.readlink(self.path), "/dev/null")

    # -- hosts opening and closing ----------------------------------------------------------

    @defer.inlineCallbacks
    def test_host_opens_and_closes_many_times(self):
        service = self.start()
        yield pause(3 * FAST_POLL)
        self.assertEqual(self.device.events, [], "nobody has opened the slave yet")
        cycles = 25
        for i in range(cycles):
            fd = self.open()
            yield wait_until(lambda: self.channel.host_attached, what=f"open #{i}")
            message = b"AT+CYCLE=%d\r" % i
            os.write(fd, message)
            echoed = yield read_exactly(fd, len(message))
            self.assertEqual(echoed, message)
            self.close(fd)
            yield wait_until(lambda: not self.channel.host_attached, what=f"close #{i}")
        self.assertEqual(self.device.events, ["opened", "closed"] * cycles)
        self.assertEqual(service.master.opens, cycles)
        self.assertEqual(
            bytes(self.device.received), b"".join(b"AT+CYCLE=%d\r" % i for i in range(cycles))
        )

    @defer.inlineCallbacks
    def test_default_poll_interval_notices_an_open(self):
        timers = RecordingTimers()
        service = PtyPortService(self.path, self.channel, timers, self.label,
                                 watch_opens=self.watch_opens)
        service.startService()
        self.addCleanup(lambda: service.running and service.stopService())
        if service.master.polling:  # the port has looked once, found nobody, waits
            yield wait_until(lambda: POLL_INTERVAL in timers.delays, what="the next poll")
        fd = self.open()
        os.write(fd, b"AT\r")
        echoed = yield read_exactly(fd, 3)
        self.assertEqual(echoed, b"AT\r")
        # How late an open can be noticed is what the port schedules, not what a busy
        # machine makes of it: never a wait longer than the default 100 ms.
        self.assertEqual(POLL_INTERVAL, 0.1)
        self.assertTrue(all(delay <= POLL_INTERVAL for delay in timers.delays), timers.delays)

    @defer.inlineCallbacks
    def test_bytes_written_just_before_close_still_arrive(self):
        self.start()
        fd = self.open()
        os.write(fd, b"ATH\r")
        self.close(fd)
        yield wait_until(lambda: bytes(self.device.received) == b"ATH\r", what="ATH")
        yield wait_until(lambda: self.device.events == ["opened", "closed"], what="close")

    @defer.inlineCallbacks
    def test_one_byte_writes_and_bulk_writes_give_the_same_bytes(self):
        self.start()
        payload = bytes(range(256)) * 32  # 8 KiB, every byte value
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        for byte in payload[:512]:
            os.write(fd, bytes([byte]))
        os.write(fd, payload[512:])
        echoed = yield read_exactly(fd, len(payload))
        self.assertEqual(bytes(self.device.received), payload)
        self.assertEqual(echoed, payload)

    @defer.inlineCallbacks
    def test_host_that_never_reads_does_not_block_or_grow_without_bound(self):
        service = self.start(output_limit=4096)
        self.device.echo = False
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        chunk = b"+CRING: VOICE\r\n" * 64
        total = 0
        master = service.master
        # Writes never block: the master is non-blocking (a blocking write would hang here).
        self.assertFalse(os.get_blocking(master.fileno()))
        for _ in range(400):  # ~380 KiB, far beyond the kernel's PTY buffer
            self.channel.write(chunk)
            total += len(chunk)
        self.assertLessEqual(master.pending_output, 4096)
        self.assertGreater(master.dropped_output, total // 2)
        # The host starts reading: what was queued drains and new output flows again.
        drained = read_available(fd)
        yield wait_until(lambda: master.pending_output == 0, what="queue drained")
        drained += read_available(fd)
        self.assertEqual(len(drained) + master.dropped_output, total)
        self.channel.write(b"\r\nOK\r\n")
        tail = yield read_exactly(fd, 6)
        self.assertEqual(tail, b"\r\nOK\r\n")

    @defer.inlineCallbacks
    def test_next_host_does_not_read_what_the_last_one_left_unread(self):
        self.start()
        self.device.echo = False
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        self.channel.write(b"\r\nRING\r\n")
        self.close(fd)
        yield wait_until(lambda: not self.channel.host_attached)
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        yield pause(0.05)
        self.assertEqual(read_available(fd), b"")
        self.channel.write(b"fresh")
        got = yield read_exactly(fd, 5)
        self.assertEqual(got, b"fresh")

    @defer.inlineCallbacks
    def test_modem_output_with_no_host_is_dropped_not_queued(self):
        self.start()
        self.channel.write(b"\r\nRING\r\n")
        self.assertEqual(self.channel.dropped_tx, 8)
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        yield pause(0.05)
        self.assertEqual(read_available(fd), b"")

    @defer.inlineCallbacks
    def test_modem_signals_are_accepted_and_host_signals_stay_on(self):
        self.start()
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        self.channel.set_modem_signals(dcd=True, ri=True)
        self.channel.set_modem_signals(dcd=False, ri=False)
        self.assertEqual(self.device.signal_changes, [])
        self.assertTrue(self.channel.host_signals.dtr)
        os.write(fd, b"AT\r")
        got = yield read_exactly(fd, 3)
        self.assertEqual(got, b"AT\r")

    @defer.inlineCallbacks
    def test_stop_with_a_host_attached_detaches_and_hangs_up(self):
        service = self.start()
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached)
        with LogCapture() as logs:
            service.stopService()
        self.assertEqual(self.device.events, ["opened", "closed"])
        self.assertTrue(logs.matching(self.label))
        try:
            hung_up = os.read(fd, 1)
        except OSError as e:
            hung_up = e.errno
        self.assertIn(hung_up, (b"", errno.EIO), "the master is gone: EOF or EIO")
        self.assertFalse(self.path.exists())


class PolledPtyTestCase(PtyTestCase):
    """The same cases where inotify is unavailable and the port polls."""

    watch_opens = False


class PtyStartFailureTests(PtyHarness):
    """The kernel refusing a PTY at start-up is one message naming the port, with the limit
    to raise; nothing is left behind."""

    def refuse_ptys(self, number: int) -> None:
        def openpty():
            raise OSError(number, os.strerror(number))

        self.patch(os, "openpty", openpty)

    def test_no_pty_left(self):
        self.refuse_ptys(errno.ENOSPC)
        with self.assertRaises(TransportError) as raised:
            self.start()
        self.assertEqual(
            str(raised.exception),
            f"{self.label}: cannot create a PTY: No space left on device: every PTY the "
            "kernel allows is in use (kernel.pty.max); raise it with "
            "`sysctl -w kernel.pty.max=N`",
        )
        self.assertIsNone(raised.exception.__cause__)
        self.assertFalse(os.path.lexists(self.path))

    def test_no_file_descriptor_left(self):
        self.refuse_ptys(errno.EMFILE)
        with self.assertRaises(TransportError) as raised:
            self.start()
        self.assertIn(f"{self.label}: cannot create a PTY: Too many open files: the "
                      "process's open-file limit is reached (RLIMIT_NOFILE); raise it with "
                      "`ulimit -n N`", str(raised.exception))
