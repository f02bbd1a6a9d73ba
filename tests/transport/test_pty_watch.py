"""A PTY port notices hosts through inotify: nothing runs while nobody uses it, a host that
opens and closes at once is still seen, lost events are recovered, and where no watch can be
had the port polls."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from twisted.internet import defer, reactor

from simulator.transport import PtyPortService, ptyport
from simulator.transport.ptywatch import InotifyUnavailable, watcher_for

from .doubles import LogCapture, echo_channel, read_exactly, wait_until
from .test_pty import PtyHarness

#: Polling this slowly would notice nothing within a test's lifetime: whatever is noticed
#: was noticed through inotify.
NEVER = 3600.0


def max_queued_events() -> int:
    return int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())


class RefusingWatcher:
    """A watcher whose kernel has no watch left (``fs.inotify.max_user_watches`` reached)."""

    def watch(self, slave_name, on_activity):
        raise OSError(errno.ENOSPC, "no watch left")

    def unwatch(self, wd):
        raise AssertionError("never watched")


class OpenWatchTests(PtyHarness):
    def port_calls(self, master) -> list:
        return [call for call in reactor.getDelayedCalls()
                if getattr(call.func, "__self__", None) is master]

    @defer.inlineCallbacks
    def test_an_idle_port_has_nothing_scheduled_and_is_not_read(self):
        service = self.start(poll_interval=0.01)
        master = service.master
        self.assertFalse(master.polling)
        yield wait_until(lambda: not self.port_calls(master), what="the first look done")
        self.assertNotIn(master, reactor.getReaders())
        self.assertEqual(self.device.events, [])

    @defer.inlineCallbacks
    def test_an_open_is_noticed_without_polling(self):
        self.start(poll_interval=NEVER)
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the open")
        os.write(fd, b"AT\r")
        echoed = yield read_exactly(fd, 3)
        self.assertEqual(echoed, b"AT\r")
        self.close(fd)
        yield wait_until(lambda: not self.channel.host_attached, what="the close")
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the reopen")
        self.assertEqual(self.device.events, ["opened", "closed", "opened"])

    @defer.inlineCallbacks
    def test_an_open_and_close_with_nothing_written_is_seen(self):
        service = self.start(poll_interval=NEVER)
        self.close(self.open())
        yield wait_until(lambda: self.device.events == ["opened", "closed"],
                         what="the brief visit")
        self.assertEqual(service.master.opens, 1)
        # The flush that followed (our own open of the slave) is not taken for a host.
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the next host")
        self.assertEqual(self.device.events, ["opened", "closed", "opened"])
        os.write(fd, b"ATI\r")
        echoed = yield read_exactly(fd, 4)
        self.assertEqual(echoed, b"ATI\r")

    @defer.inlineCallbacks
    def test_many_ports_share_one_watcher(self):
        first = self.start(poll_interval=NEVER)
        self.path = self.dir / "dev" / "modem1"
        second = self.start(poll_interval=NEVER)
        watcher = watcher_for(reactor)
        self.assertGreaterEqual(watcher.watching, 2)
        fd = os.open(second.address, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        self.host_fds.append(fd)
        yield wait_until(lambda: self.channel.host_attached, what="the second port's host")
        self.assertTrue(first.master is not None and not first.master.host_attached)
        watching = watcher.watching
        second.stopService()
        self.assertEqual(watcher.watching, watching - 1)

    @defer.inlineCallbacks
    def test_lost_events_make_every_port_look_for_itself(self):
        queue = max_queued_events()
        if queue > 100_000:
            self.skipTest(f"fs.inotify.max_queued_events is {queue}: too slow to overflow")
        busy = self.start(poll_interval=NEVER)
        quiet_channel, quiet_device = echo_channel("quiet")
        quiet = PtyPortService(self.dir / "dev" / "quiet", quiet_channel, reactor, "quiet",
                               poll_interval=NEVER)
        quiet.startService()
        self.addCleanup(quiet.stopService)
        yield wait_until(lambda: not self.port_calls(quiet.master), what="the first look")
        with LogCapture() as logs:
            # Each open and close of the busy port's slave is two events: the queue
            # overflows before the reactor runs, and the quiet port's open is lost.
            for _ in range(queue // 2 + 10):
                os.close(os.open(busy.slave_name, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK))
            fd = os.open(quiet.address, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            self.host_fds.append(fd)
            yield wait_until(lambda: quiet_channel.host_attached, what="the lost open")
        self.assertTrue(logs.matching("inotify queue overflowed"))
        os.write(fd, b"AT\r")
        echoed = yield read_exactly(fd, 3)
        self.assertEqual(echoed, b"AT\r")
        self.assertEqual(quiet_device.events, ["opened"])


class FallbackTests(PtyHarness):
    def setUp(self):
        super().setUp()
        self.patch(ptyport, "_fallbacks", 0)

    @defer.inlineCallbacks
    def test_a_port_without_a_watch_polls_and_says_why(self):
        self.patch(ptyport.PtyPortService, "_watcher", lambda service: RefusingWatcher())
        with LogCapture() as logs:
            service = self.start(poll_interval=0.01)
        self.assertTrue(service.master.polling)
        self.assertTrue(logs.matching("polls for a host every 0.01 s: [Errno 28]"))
        fd = self.open()
        yield wait_until(lambda: self.channel.host_attached, what="the polled open")
        self.close(fd)
        yield wait_until(lambda: not self.channel.host_attached, what="the close")
        self.assertEqual(self.device.events, ["opened", "closed"])

    @defer.inlineCallbacks
    def test_without_inotify_every_port_polls(self):
        def unavailable(reactor):
            raise InotifyUnavailable("the C library has no inotify (not Linux)")

        self.patch(ptyport, "watcher_for", unavailable)
        service = self.start(poll_interval=0.01)
        self.assertTrue(service.master.polling)
        fd = self.open()
        os.write(fd, b"AT\r")
        echoed = yield read_exactly(fd, 3)
        self.assertEqual(echoed, b"AT\r")
        self.assertEqual(self.device.events, ["opened"])
