"""PTY transport: the modem is the master side of a pseudo-terminal; the host opens the slave
through a stable symlink (``/abs/dev/lab-1 -> /dev/pts/7``) exactly as it opens a USB modem.

How a host opening and closing the slave is detected (Linux).  The simulator holds only the
master.  While no process has the slave open, a read on the master fails with ``EIO`` and
epoll reports ``HUP`` on it without end, so:

* *waiting for a host*: the master is not registered with the reactor (a level-triggered
  ``HUP`` would spin it).  inotify reports every ``open()`` of the slave's ``/dev/pts/N``
  node (``simulator.transport.ptywatch``); then a non-blocking read on the master tells
  whether a host holds the slave now: ``EAGAIN`` or data means it does, ``EIO`` that it has
  already closed it again (counted as an open and a close, unless the open was our own).
  Where inotify is unavailable, that read is tried every ``poll_interval`` instead.
* *host attached*: the master is registered for reading (and for writing while output is
  pending).  ``EIO`` on read or write, or the reactor reporting ``HUP``, means the last process
  holding the slave closed it.

Data the host wrote just before closing is still read (Linux returns it before ``EIO``).
When polling, an open is noticed up to ``poll_interval`` late (the host's first bytes wait in
the kernel meanwhile, nothing is lost), and an open-and-close quicker than that with nothing
written is not noticed at all.  Holding a slave fd ourselves would hide ``EIO`` and with it
every close, which is why this module does not.

Linux keeps output the host did not read in the slave's input queue across close and reopen;
a real serial port loses it.  So on close the module opens the slave for an instant and
flushes that queue: the next host does not read the previous host's leftovers.

PTYs have no modem-control lines (``TIOCMGET`` gives ``ENOTTY``): DTR/RTS stay on as far as
the channel knows, and DCD/RI/DSR/CTS changes cannot be shown to the host.
"""

from __future__ import annotations

import errno
import os
import termios
import tty
from pathlib import Path

from twisted.application import service
from twisted.internet.interfaces import IReadDescriptor, IWriteDescriptor
from zope.interface import implementer

from simulator.line import Channel, ModemSignals
from simulator.logs import Logger
from simulator.transport.errors import TransportError
from simulator.transport.hangupwatch import HangupWatch
from simulator.transport.overflow import MAX_PENDING_OUTPUT, BoundedOutput, OverrunReporter
from simulator.transport.ptywatch import InotifyUnavailable, SlaveWatcher, watcher_for

log = Logger()

#: Where inotify cannot be used: how often a port with no host checks whether one opened the
#: slave.  100 ms is below any host's command timeout (the fastest seen waits 1 s for OK) and
#: costs one failing read() per idle port ten times a second.
POLL_INTERVAL = 0.1

#: Ports that could not get an inotify watch poll instead; the first says why at warn level.
_fallbacks = 0

#: Largest single read from the master; the kernel's PTY buffer is smaller, so one read
#: usually takes everything available.
READ_CHUNK = 64 * 1024


#: What to do when the kernel refuses a PTY, by errno.
_REMEDIES = {
    errno.ENOSPC: "every PTY the kernel allows is in use (kernel.pty.max); raise it with "
                  "`sysctl -w kernel.pty.max=N`",
    errno.EMFILE: "the process's open-file limit is reached (RLIMIT_NOFILE); raise it with "
                  "`ulimit -n N`",
    errno.ENFILE: "the system's open-file table is full (fs.file-max)",
}


def _why(error: OSError) -> str:
    remedy = _REMEDIES.get(error.errno)
    text = error.strerror or str(error)
    return f"{text}: {remedy}" if remedy else text


def _speed_constant(baudrate: int) -> int | None:
    return getattr(termios, f"B{baudrate}", None)


def configure_raw(fd: int, baudrate: int) -> None:
    """Raw 8N1 with the receiver on and modem control ignored, at ``baudrate`` when the
    platform has that speed: what a host finds when it opens the slave (``stty -F`` shows it;
    a host that configures the port itself simply overrides it)."""
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[2] |= termios.CLOCAL | termios.CREAD
    speed = _speed_constant(baudrate)
    if speed is not None:
        attrs[4] = attrs[5] = speed
    attrs[6][termios.VMIN] = 1
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def install_symlink(path: Path, target: str) -> str | None:
    """Point ``path`` at ``target``, creating parent directories and replacing an existing
    symlink atomically (a previous run that crashed leaves a stale one).  Anything at
    ``path`` that is not a symlink is the user's file and is left alone: OSError.

    Returns the previous symlink's target, if there was one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = None
    if path.is_symlink():
        previous = os.readlink(path)
    elif path.exists():
        raise FileExistsError(errno.EEXIST, "exists and is not a symlink", str(path))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if temporary.is_symlink():
        temporary.unlink()
    os.symlink(target, temporary)
    os.replace(temporary, path)
    return previous


def pty_master_holders(index: int) -> list[tuple[int, str]]:
    """The processes holding the master side of ``/dev/pts/<index>``, as (pid, command line),
    from ``/proc/<pid>/fdinfo`` (Linux: ``tty-index`` of an open ``/dev/ptmx``)."""
    holders = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != "/dev/ptmx":
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                    if f"tty-index:\t{index}\n" not in info.read():
                        continue
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            holders.append((int(pid), command.strip()))
            break
    return holders


def running_atsim_holding(target: str) -> tuple[int, str] | None:
    """Another atsim process that still serves the PTY a symlink points to, if any: then the
    symlink is not stale, and replacing it would take a running instance's port away."""
    name = os.path.basename(target)
    if not (os.path.dirname(target) == "/dev/pts" and name.isdigit()):
        return None
    for pid, command in pty_master_holders(int(name)):
        if pid != os.getpid() and "atsim" in command:
            return pid, command
    return None


@implementer(IReadDescriptor, IWriteDescriptor)
class PtyMaster:
    """The master fd of one PTY: registered with the reactor while a host has the slave open,
    watched by ``watcher`` (or polled, without one) while not, and the host end of the
    channel."""

    def __init__(
        self,
        fd: int,
        slave_name: str,
        channel: Channel,
        reactor,
        label: str,
        *,
        poll_interval: float = POLL_INTERVAL,
        output_limit: int = MAX_PENDING_OUTPUT,
        watcher: SlaveWatcher | None = None,
    ) -> None:
        self._fd = fd
        self.slave_name = slave_name
        self._channel = channel
        self._reactor = reactor
        self.label = label
        self._poll_interval = poll_interval
        self._output = BoundedOutput(output_limit)
        self._overrun = OverrunReporter(label)
        self._poll_call = None
        self._watcher = watcher
        self._watch: int | None = None
        #: While the host's input is held: tells when the host closes the slave.
        self._hangup_watch = HangupWatch(reactor, self._host_closed, label)
        #: Opens of the slave this module made itself (to flush it), not yet seen as events.
        self._own_opens = 0
        self.host_attached = False
        #: How many times a host opened the slave (for logs and tests).
        self.opens = 0
        #: What ``hang_up`` does (the service's reopen); None: close the master only.
        self.on_hang_up = None

    @property
    def dropped_output(self) -> int:
        """Bytes from the modem that were dropped because the host did not read them."""
        return self._output.dropped

    @property
    def pending_output(self) -> int:
        return len(self._output)

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def polling(self) -> bool:
        """True when opens are found by polling (no inotify watch for this slave)."""
        return self._watch is None

    def start(self) -> None:
        os.set_blocking(self._fd, False)
        if self._watcher is not None:
            try:
                self._watch = self._watcher.watch(self.slave_name, self._slave_activity)
            except OSError as e:
                self._report_fallback(e)
        if self.polling:
            self._schedule_poll(0)

    def _report_fallback(self, error: OSError) -> None:
        global _fallbacks
        _fallbacks += 1
        emit = log.warn if _fallbacks == 1 else log.debug
        emit(
            "{label}: polls for a host every {interval} s: {error}",
            label=self.label,
            interval=self._poll_interval,
            error=str(error),
        )

    def close(self) -> None:
        """Stop watching, tell the channel the host is gone, close the master.  Closing the
        master hangs up any host still holding the slave."""
        if self._poll_call is not None and self._poll_call.active():
            self._poll_call.cancel()
        self._poll_call = None
        if self._watch is not None:
            self._watcher.unwatch(self._watch)
            self._watch = None
        self._hangup_watch.stop()
        self._reactor.removeReader(self)
        self._reactor.removeWriter(self)
        if self.host_attached:
            self.host_attached = False
            self._channel.detach_host()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    # -- waiting for a host -----------------------------------------------------------------

    def _schedule_poll(self, delay: float) -> None:
        self._poll_call = self._reactor.callLater(delay, self._poll)

    def _poll(self) -> None:
        self._poll_call = None
        if not self._look() and self.polling:
            self._schedule_poll(self._poll_interval)

    def _slave_activity(self, opens: int | None) -> None:
        """inotify saw the slave opened ``opens`` times (None: unknown, events were lost)
        and/or closed."""
        if opens is None:
            foreign, self._own_opens = 0, 0
        else:
            foreign = max(0, opens - self._own_opens)
            self._own_opens = max(0, self._own_opens - opens)
        if self.host_attached or self._fd < 0:
            return  # the reactor watches the master itself now
        if self._poll_call is not None and self._poll_call.active():
            self._poll_call.cancel()
            self._poll_call = None
        self._look(brief_visits=foreign)

    def _look(self, brief_visits: int = 0) -> bool:
        """Whether a host holds the slave now, from a read on the master; attach it if so.
        ``brief_visits``: a host opened the slave since the last look, so if it has already
        closed it, the modem still sees it come and go."""
        try:
            data = os.read(self._fd, READ_CHUNK)
        except BlockingIOError:
            data = b""  # the slave is open and the host has not written yet
        except OSError as e:
            if e.errno != errno.EIO:
                log.error(
                    "{label}: reading the PTY master failed: {error}", label=self.label, error=e
                )
            elif brief_visits:
                self._host_opened()
                self._host_closed()
            return False
        self._host_opened()
        if data:
            self._channel.receive(data)
        return True

    def _host_opened(self) -> None:
        self.host_attached = True
        self.opens += 1
        log.info("{label}: host opened {slave}", label=self.label, slave=self.slave_name)
        self._reactor.addReader(self)
        self._channel.attach_host(self)

    def _host_closed(self) -> None:
        if not self.host_attached:
            return
        self.host_attached = False
        self._hangup_watch.stop()
        self._reactor.removeReader(self)
        self._reactor.removeWriter(self)
        unread = self._output.clear()
        self._output.dropped += unread
        self._discard_unread_by_host()
        log.info("{label}: host closed {slave}", label=self.label, slave=self.slave_name)
        self._channel.detach_host()
        if self._fd >= 0 and self.polling:
            self._schedule_poll(self._poll_interval)

    def _discard_unread_by_host(self) -> None:
        """Flush what the modem wrote that the departed host never read (see module doc)."""
        try:
            fd = os.open(self.slave_name, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
        except OSError as e:
            log.debug(
                "{label}: cannot flush {slave}: {error}",
                label=self.label,
                slave=self.slave_name,
                error=e,
            )
            return
        self._own_opens += 1
        try:
            termios.tcflush(fd, termios.TCIFLUSH)
        except termios.error:
            pass
        finally:
            os.close(fd)

    # -- IReadDescriptor / IWriteDescriptor -------------------------------------------------

    def fileno(self) -> int:
        return self._fd

    def logPrefix(self) -> str:
        return self.label

    def doRead(self) -> None:
        try:
            data = os.read(self._fd, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as e:
            if e.errno != errno.EIO:
                log.error(
                    "{label}: reading the PTY master failed: {error}", label=self.label, error=e
                )
            self._host_closed()
            return
        if not data:
            self._host_closed()
            return
        self._channel.receive(data)

    def doWrite(self) -> None:
        written = self._write_some(self._output.peek())
        if written is None:
            return
        self._output.consume(written)
        if not self._output:
            self._reactor.removeWriter(self)
            self._overrun.drained(self._output.dropped)

    def connectionLost(self, reason) -> None:
        # The reactor saw HUP: the last holder of the slave closed it.  It has already
        # unregistered us.
        self._host_closed()

    # -- HostEnd ----------------------------------------------------------------------------

    def deliver(self, data: bytes) -> None:
        if not self.host_attached:
            return
        if not self._output:
            written = self._write_some(data)
            if written is None:
                return
            data = data[written:]
            if not data:
                return
            self._reactor.addWriter(self)
        lost = self._output.append(data)
        self._overrun.dropped(lost, self._output.dropped)

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        """A PTY has no DCD/RI/DSR/CTS to show; see the module doc."""

    def hang_up(self) -> None:
        """The line is cut: the host holding the slave reads end of file, its writes fail with
        EIO and its poll sees POLLHUP."""
        if self.on_hang_up is not None:
            self.on_hang_up()
        else:
            self.close()

    def hold_input(self, held: bool) -> None:
        """The modem's input FIFO is full: leave the host's bytes in the kernel (its writes
        block once the PTY buffer is full) until it has room.  While held, a host that
        closes the slave is still noticed at once (``HangupWatch``: the master's HUP)."""
        if not self.host_attached:
            return
        if held:
            self._reactor.removeReader(self)
            self._hangup_watch.start(self._fd)
        else:
            self._hangup_watch.stop()
            self._reactor.addReader(self)

    def _write_some(self, data: bytes) -> int | None:
        """Write what the kernel takes now: the count written, or None when the host turned
        out to be gone."""
        try:
            written = os.write(self._fd, data)
        except BlockingIOError:
            written = 0
        except OSError as e:
            if e.errno != errno.EIO:
                log.error(
                    "{label}: writing the PTY master failed: {error}", label=self.label, error=e
                )
            self._host_closed()
            return None
        return written


class PtyPortService(service.Service):
    """Creates the PTY and its symlink on start; removes both on stop."""

    def __init__(
        self,
        path: str | os.PathLike,
        channel: Channel,
        reactor,
        label: str,
        *,
        baudrate: int = 115200,
        poll_interval: float = POLL_INTERVAL,
        output_limit: int = MAX_PENDING_OUTPUT,
        watch_opens: bool = True,
    ) -> None:
        self.path = Path(path)
        self.channel = channel
        self.reactor = reactor
        self.label = label
        self.baudrate = baudrate
        self._poll_interval = poll_interval
        self._output_limit = output_limit
        self._watch_opens = watch_opens
        self.master: PtyMaster | None = None
        self.setName(label)

    @property
    def address(self) -> Path:
        """Where a host opens the port: the symlink."""
        return self.path

    @property
    def slave_name(self) -> str | None:
        return None if self.master is None else self.master.slave_name

    def startService(self) -> None:
        if self.path.is_symlink():
            holder = running_atsim_holding(os.readlink(self.path))
            if holder is not None:
                raise TransportError(
                    f"{self.label}: {self.path} belongs to atsim process {holder[0]} "
                    f"({holder[1]}), which is still running; stop it first or use another path"
                )
        try:
            master_fd, slave_fd = os.openpty()
        except OSError as e:
            raise TransportError(f"{self.label}: cannot create a PTY: {_why(e)}") from None
        try:
            slave_name = os.ttyname(slave_fd)
            configure_raw(slave_fd, self.baudrate)
        except OSError as e:
            os.close(master_fd)
            raise TransportError(f"{self.label}: cannot set up the PTY: {e}") from e
        finally:
            # Holding the slave would hide every host close (see module doc).
            os.close(slave_fd)
        self.channel.set_line_settings(baudrate=self.baudrate)
        # Watching before the symlink exists: no host can open the slave unseen.
        self.master = PtyMaster(
            master_fd,
            slave_name,
            self.channel,
            self.reactor,
            self.label,
            poll_interval=self._poll_interval,
            output_limit=self._output_limit,
            watcher=self._watcher(),
        )
        self.master.on_hang_up = self.hang_up
        self.master.start()
        try:
            previous = install_symlink(self.path, slave_name)
        except OSError as e:
            self.master.close()
            self.master = None
            raise TransportError(f"{self.label}: cannot create symlink {self.path}: {e}") from e
        if previous is not None and previous != slave_name:
            log.info(
                "{label}: replaced stale symlink {path} -> {previous}",
                label=self.label,
                path=str(self.path),
                previous=previous,
            )
        log.info(
            "{label}: host opens {path} (-> {slave})",
            label=self.label,
            path=str(self.path),
            slave=slave_name,
        )
        service.Service.startService(self)

    def hang_up(self) -> None:
        """Close the PTY under the host (it is hung up, as when a USB modem goes away) and
        put a new one behind the same path, which the host may open again."""
        if self.master is None:
            return
        old = self.master.slave_name
        self.master.close()
        self.master = None
        self._remove_symlink(old)
        log.info("{label}: hung up {slave}", label=self.label, slave=old)
        self.running = False  # startService opens the new PTY and sets it again
        self.startService()

    def _watcher(self) -> SlaveWatcher | None:
        if not self._watch_opens:
            return None
        try:
            return watcher_for(self.reactor)
        except InotifyUnavailable:
            return None  # logged once by watcher_for

    def stopService(self) -> None:
        service.Service.stopService(self)
        if self.master is None:
            return
        slave_name = self.master.slave_name
        self.master.close()
        self.master = None
        self._remove_symlink(slave_name)
        log.info("{label}: closed", label=self.label)

    def _remove_symlink(self, slave_name: str) -> None:
        # Only our own link: another process may have claimed the path since.
        try:
            if os.readlink(self.path) == slave_name:
                self.path.unlink()
        except OSError:
            pass
