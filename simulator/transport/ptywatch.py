"""Noticing a host opening a PTY slave without polling: Linux inotify on the ``/dev/pts/N``
node, which reports every ``open()`` and ``close()`` of it (devpts supports inotify).

One inotify descriptor per reactor serves every PTY of the process: an idle port costs one
watch in the kernel and nothing in the reactor until its slave is opened.  inotify is reached
through ``ctypes`` on the C library, so nothing needs compiling or installing.

Where inotify is missing (not Linux, no ``inotify_init1`` in the C library) or refused (the
per-user limits ``fs.inotify.max_user_instances`` / ``max_user_watches`` are reached),
``watcher_for`` and ``SlaveWatcher.watch`` say so and the PTY port falls back to polling.
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
from collections.abc import Callable

from twisted.internet.interfaces import IReadDescriptor
from zope.interface import implementer

from simulator.logs import Logger

log = Logger()

IN_CLOSE_WRITE = 0x00000008
IN_CLOSE_NOWRITE = 0x00000010
IN_OPEN = 0x00000020
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
OPEN_AND_CLOSE = IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE

#: ``struct inotify_event`` without its variable-length name (always empty for a watch on a
#: file): wd, mask, cookie, len.
EVENT = struct.Struct("iIII")

#: Big enough for thousands of events per read; the kernel never splits an event.
READ_SIZE = 64 * 1024

#: What a watched port is told: the number of ``open()``\\ s of its slave since the last call,
#: or ``None`` when events were lost (the kernel's queue overflowed) and it must look itself.
SlaveActivity = Callable[[int | None], None]


class InotifyUnavailable(OSError):
    """inotify cannot be used here; the message says why and how to fix it if it can be."""


def _libc():
    # The interpreter's own symbols include the C library's (no ldconfig run to find it).
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as e:
        raise InotifyUnavailable(f"no C library to call inotify through: {e}") from None
    if not hasattr(libc, "inotify_init1"):
        raise InotifyUnavailable("the C library has no inotify (not Linux)")
    return libc


def _os_error(call: str) -> OSError:
    number = ctypes.get_errno()
    return OSError(number, f"{call}: {os.strerror(number)}")


@implementer(IReadDescriptor)
class SlaveWatcher:
    """One inotify descriptor, registered with the reactor while anything is watched; reports
    each watched slave's activity to its port."""

    def __init__(self, reactor) -> None:
        self._libc = _libc()
        fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            error = _os_error("inotify_init1")
            hint = ""
            if error.errno == errno.EMFILE:
                hint = " (raise fs.inotify.max_user_instances, or the open-file limit)"
            raise InotifyUnavailable(error.errno, f"{error.strerror}{hint}")
        self._fd = fd
        self._reactor = reactor
        self._ports: dict[int, SlaveActivity] = {}

    def watch(self, slave_name: str, on_activity: SlaveActivity) -> int:
        """Report every open and close of ``slave_name`` to ``on_activity``; the watch's id.
        OSError when the kernel refuses another watch (``fs.inotify.max_user_watches``)."""
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(slave_name), OPEN_AND_CLOSE)
        if wd < 0:
            error = _os_error(f"inotify_add_watch {slave_name}")
            if error.errno == errno.ENOSPC:
                error = OSError(
                    errno.ENOSPC,
                    f"{error.strerror} (more than fs.inotify.max_user_watches; raise it with "
                    "sysctl -w fs.inotify.max_user_watches=N)",
                )
            raise error
        if not self._ports:
            self._reactor.addReader(self)
        self._ports[wd] = on_activity
        return wd

    def unwatch(self, wd: int) -> None:
        if self._ports.pop(wd, None) is None:
            return
        # The node may be gone already (its PTY closed): the kernel dropped the watch then.
        self._libc.inotify_rm_watch(self._fd, wd)
        if not self._ports:
            self._reactor.removeReader(self)

    @property
    def watching(self) -> int:
        return len(self._ports)

    def close(self) -> None:
        if self._fd < 0:
            return
        self._reactor.removeReader(self)
        self._ports.clear()
        os.close(self._fd)
        self._fd = -1

    # -- IReadDescriptor --------------------------------------------------------------------

    def fileno(self) -> int:
        return self._fd

    def logPrefix(self) -> str:
        return "pty-watch"

    def connectionLost(self, reason) -> None:
        """Nothing to do: the descriptor is ours and closed by ``close``."""

    def doRead(self) -> None:
        try:
            data = os.read(self._fd, READ_SIZE)
        except BlockingIOError:
            return
        opens: dict[int, int] = {}
        overflowed = False
        offset = 0
        while offset + EVENT.size <= len(data):
            wd, mask, _cookie, length = EVENT.unpack_from(data, offset)
            # A name follows only for watches on directories; none here, skipped anyway.
            offset += EVENT.size + length
            if mask & IN_Q_OVERFLOW:
                overflowed = True
            elif mask & OPEN_AND_CLOSE and wd in self._ports:
                opens[wd] = opens.get(wd, 0) + (1 if mask & IN_OPEN else 0)
        if overflowed:
            log.warn("inotify queue overflowed: every PTY without a host looks for itself")
            for on_activity in list(self._ports.values()):
                on_activity(None)
            return
        for wd, count in opens.items():
            on_activity = self._ports.get(wd)
            if on_activity is not None:
                on_activity(count)


_watchers: dict[int, SlaveWatcher | InotifyUnavailable] = {}


def watcher_for(reactor) -> SlaveWatcher:
    """The process's watcher on ``reactor``, made on first use.  ``InotifyUnavailable`` when
    there can be none; the reason is logged once."""
    found = _watchers.get(id(reactor))
    if found is None:
        try:
            found = SlaveWatcher(reactor)
        except InotifyUnavailable as e:
            log.warn(
                "PTY ports poll for hosts every 100 ms: inotify is unavailable ({error})",
                error=str(e),
            )
            found = e
        _watchers[id(reactor)] = found
    if isinstance(found, InotifyUnavailable):
        raise found
    return found
