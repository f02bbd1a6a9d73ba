"""What the FTP, POP3 and SMTP sessions share: one control connection that the owner may
abort at any time, and one end, told once to the listener (``Closed``) and to everyone
waiting in ``close()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet import defer

from simulator.ipstack.apps.errors import AppError, AppFailure
from simulator.ipstack.apps.events import Closed


def ignore(event) -> None:
    """The listener of a session nobody listens to."""


class ControlSession:
    """Base of a session on one control connection.  A subclass names its protocol
    instance ``_connection`` and fails what it still holds in ``_fail_pending``."""

    def __init__(self, listener: Callable | None) -> None:
        self.listener: Callable = listener or ignore
        self._connecting: defer.Deferred | None = None  # the connection attempt under way
        self._owner_closed = False  # close() or abort() was called
        self._closed: list[defer.Deferred] = []  # close() callers, fired at the end
        self.is_open = False
        self.ended = False

    @property
    def _connection(self) -> Any:
        raise NotImplementedError

    def _wait_for_end(self) -> defer.Deferred:
        """A Deferred for a ``close()`` caller, fired when the session ends (at once if it
        already has: ``d.called`` tells ``close()`` there is nothing more to do)."""
        d: defer.Deferred = defer.Deferred()
        if self.ended:
            d.callback(None)
            return d
        self._closed.append(d)
        return d

    def abort(self) -> None:
        """Drop the connection at once; what is in progress fails with ``CLOSED``."""
        self._owner_closed = True
        connection = self._connection
        if self._connecting is not None:
            connecting, self._connecting = self._connecting, None
            connecting.cancel()
        elif connection is not None and connection.transport is not None:
            connection.transport.abortConnection()
        else:
            self._ended(None)

    def _fail_pending(self, failure: AppError) -> None:
        """Fail what the session still holds (transfers not started, queued mails)."""

    def _ended(self, error: AppError | None) -> None:
        if self.ended:
            return
        self.ended = True
        was_open, self.is_open = self.is_open, False
        self._fail_pending(error or AppError(AppFailure.CLOSED))
        if was_open:
            self.listener(Closed(error))
        waiters, self._closed = self._closed, []
        for d in waiters:
            d.callback(None)
