"""Noticing that a host hung up while its port is not reading it.

A port that holds its host's input (its FIFO is full: the modem is busy) stops reading the
host's socket or PTY master, so the reactor no longer looks at that descriptor and a host
that closes would be noticed only when reading resumes, after the backlog is worked off.
The dial the host left behind would run on meanwhile.  This watch asks the kernel about
hang-ups only: a private epoll set holding the host's descriptor for ``EPOLLRDHUP`` (a TCP
peer's FIN) and ``EPOLLHUP`` (a socket reset, the last holder of a PTY's slave gone), never
for ``EPOLLIN``, so data waiting in the kernel does not wake it.  The epoll descriptor itself
is what the reactor watches: it is readable when the set has an event.  Linux only, as the
PTY transport is; elsewhere the watch does nothing and the hang-up is noticed late.
"""

from __future__ import annotations

import select
from collections.abc import Callable

from twisted.internet.interfaces import IReadDescriptor
from zope.interface import implementer

from simulator.logs import Logger

log = Logger(namespace="atsim.transport")

_HANGUP = (getattr(select, "EPOLLRDHUP", 0x2000) | getattr(select, "EPOLLHUP", 0x10)
           | getattr(select, "EPOLLERR", 0x8))


@implementer(IReadDescriptor)
class HangupWatch:
    """While started, ``on_hangup()`` is called once when the peer of ``fileno`` hangs up."""

    def __init__(self, reactor, on_hangup: Callable[[], None], label: str) -> None:
        self._reactor = reactor
        self._on_hangup = on_hangup
        self._label = label
        self._epoll = None

    @property
    def watching(self) -> bool:
        return self._epoll is not None

    def start(self, fileno: int) -> None:
        if self._epoll is not None or not hasattr(select, "epoll") or fileno < 0:
            return
        self._epoll = select.epoll()
        try:
            self._epoll.register(fileno, _HANGUP)
        except OSError as e:
            log.warn("{label}: cannot watch for the host hanging up: {error}",
                     label=self._label, error=e)
            self._epoll.close()
            self._epoll = None
            return
        self._reactor.addReader(self)

    def stop(self) -> None:
        if self._epoll is None:
            return
        self._reactor.removeReader(self)
        self._epoll.close()
        self._epoll = None

    # IReadDescriptor

    def fileno(self) -> int:
        return self._epoll.fileno() if self._epoll is not None else -1

    def doRead(self) -> None:
        if self._epoll is None or not self._epoll.poll(0):
            return
        self.stop()
        self._on_hangup()

    def connectionLost(self, reason) -> None:
        self.stop()

    def logPrefix(self) -> str:
        return self._label
