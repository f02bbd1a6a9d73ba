"""What the FTP, POP3 and SMTP sessions share: one control connection that the owner may
abort at any time, and one end, told once to the listener (``Closed``) and to everyone
waiting in ``close()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet import defer

from simulator.ipstack.apps.endpoints import OneProtocolFactory
from simulator.ipstack.apps.errors import AppError, AppFailure
from simulator.ipstack.apps.events import Closed


def ignore(event) -> None:
    """The listener of a session nobody listens to."""


class ControlSession:
    """Base of a session on one control connection to ``self.host``:``self.port`` through
    ``self.endpoints``.  A subclass gives its protocol instance (``_connection``,
    ``_connected``), logs in (``_login``), turns failures into ``AppError`` (``_error``)
    and fails what it still holds when the session ends (``_fail_pending``)."""

    def __init__(self, endpoints: Any, host: str, port: int, reply_timeout: float,
                 listener: Callable | None) -> None:
        self.endpoints = endpoints  # BearerEndpoints: the modem's way to the server
        self.host = host
        self.port = port
        self.reply_timeout = reply_timeout
        self.listener: Callable = listener or ignore
        self._connecting: defer.Deferred | None = None  # the connection attempt under way
        self._owner_closed = False  # close() or abort() was called
        self._closed: list[defer.Deferred] = []  # close() callers, fired at the end
        self.is_open = False
        self.ended = False

    @property
    def clock(self):
        return self.endpoints.clock

    @property
    def _connection(self) -> Any:
        raise NotImplementedError

    def _connected(self, connection: Any) -> None:
        """Keep ``connection`` as the session's connection (its own attribute name)."""
        raise NotImplementedError

    def _connect_and_login(self, connection: Any) -> defer.Deferred:
        """Connect ``connection`` (a protocol instance) to the server, then run the
        subclass's ``_login()`` coroutine: ``Deferred[self]`` once open, or the ``AppError``
        of ``_error(failure, "open")``.  A server that refused politely gets QUIT."""
        if self._connecting is not None or self._connection is not None:
            raise RuntimeError(f"{self!r} is already open")
        endpoint = self.endpoints.endpoint(self.host, self.port)
        connecting = endpoint.connect(OneProtocolFactory(connection))
        self._connecting = connecting

        def connected(_):
            self._connecting = None
            self._connected(connection)
            return defer.Deferred.fromCoroutine(self._login())

        def opened(_):
            self.is_open = True
            return self

        def failed(failure):
            self._connecting = None
            error = self._error(failure, "open")
            if self._connection is None:
                self._ended(None)
            elif error.reply is not None:
                self.close()
            else:
                self.abort()
            raise error

        return connecting.addCallback(connected).addCallbacks(opened, failed)

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
