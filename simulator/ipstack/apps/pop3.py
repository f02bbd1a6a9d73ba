"""POP3 client sessions: ``twisted.mail.pop3.AdvancedPOP3Client`` over the modem's own TCP path.

    session = Pop3Session(endpoints, "mail.lab", user="user", password="secret")
    await session.open()                      # USER and PASS accepted (WIP's +WIPREADY: 7)
    status = await session.stat()             # MailboxStatus(count, size): WIP options 71, 72
    listing = await session.list()            # [MessageInfo(number, size)]: WIP option 73
    mail = session.retrieve(1, delete=True)   # a Transfer: the message, CRLF lines
    await session.delete(2)                   # WIP option 74
    await session.close()                     # QUIT: deletions take effect now

Message numbers are POP3's own, from 1.  The session logs in with USER and PASS, so a
refused user and a refused password are told apart (its ``login`` would try APOP
first, which the dialects' firmware does not).  Without a user name it does not log in at
all (WIP 001 §5.1.3: "Authentication is disabled when this parameter is not specified"):
open once the server has greeted.  A retrieved message streams into its
transfer line by line, dot-unstuffed, with CRLF line ends; a reader that lags pauses the
connection.  Each command waits ``reply_timeout`` for its reply, except while the transfer
itself holds the connection paused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from twisted.internet import defer
from twisted.mail.pop3 import AdvancedPOP3Client, ServerErrorResponse
from twisted.python.failure import Failure

from simulator.ipstack.apps.endpoints import BearerEndpoints
from simulator.ipstack.apps.errors import AppError, AppFailure, Reply, app_error, nested_cause
from simulator.ipstack.apps.session import ControlSession
from simulator.ipstack.apps.transfer import Transfer

DEFAULT_PORT = 110
#: Seconds a command may wait for its reply (RFC 1939 gives servers a 10-minute idle
#: timer; a client waiting for a lab server needs far less).
REPLY_TIMEOUT = 30.0


@dataclasses.dataclass(frozen=True)
class MailboxStatus:
    """STAT: how many messages, and their size in octets together."""

    count: int
    size: int


@dataclasses.dataclass(frozen=True)
class MessageInfo:
    """One LIST line: message ``number`` (from 1) and its size in octets."""

    number: int
    size: int


class Pop3Session(ControlSession):
    """One POP3 connection, logged in.  ``listener`` gets ``Closed`` when the session ends;
    ``last_reply`` is the server's last status line (WIP option 70)."""

    def __init__(self, endpoints: BearerEndpoints, host: str, port: int = DEFAULT_PORT,
                 user: str = "", password: str = "", *, reply_timeout: float = REPLY_TIMEOUT,
                 listener: Callable | None = None) -> None:
        self.user = user
        self.password = password
        super().__init__(endpoints, host, port, reply_timeout, listener)
        self.last_reply: Reply | None = None
        self._client: _Pop3Client | None = None
        self._quitting = False
        self._timed_out = False

    @property
    def _connection(self) -> _Pop3Client | None:
        return self._client

    def __repr__(self) -> str:
        return f"<Pop3Session {self.user}@{self.host}:{self.port}>"

    # -- opening ------------------------------------------------------------------------------

    def open(self) -> defer.Deferred:
        """Connect and log in (without a user: wait for the greeting only):
        ``Deferred[Pop3Session]``, or ``AppError`` (network reasons,
        ``SERVER_NOT_READY``, ``USER_REJECTED``, ``PASSWORD_REJECTED``, ``TIMEOUT``)."""
        return self._connect_and_login(_Pop3Client(self))

    def _connected(self, connection: _Pop3Client) -> None:
        self._client = connection

    async def _login(self) -> None:
        if not self.user:
            # Authentication disabled: open once greeted (a bare USER is a syntax error).
            await self._call(self._client.when_greeted(), "open")
            return
        await self._call(self._client.user(self.user.encode()), "user")
        await self._call(self._client.password(self.password.encode()), "password")

    # -- commands -----------------------------------------------------------------------------

    def _call(self, d: defer.Deferred, action: str) -> defer.Deferred:
        return d.addErrback(lambda f: self._raise(f, action))

    def stat(self) -> defer.Deferred:
        """``Deferred[MailboxStatus]``."""
        d = self._call(self._require().stat(), "mailbox")
        return d.addCallback(lambda counts: MailboxStatus(*counts))

    def list(self) -> defer.Deferred:
        """``Deferred[list[MessageInfo]]``, messages marked deleted left out."""
        d = self._call(self._require().listSize(), "mailbox")
        return d.addCallback(lambda sizes: [MessageInfo(index + 1, size)
                                            for index, size in enumerate(sizes)
                                            if size is not None])

    def delete(self, number: int) -> defer.Deferred:
        """``Deferred[Reply]``: DELE (``NOT_FOUND`` for a message that is not there)."""
        d = self._call(self._require().delete(number - 1), "message")
        return d.addCallback(lambda _: self.last_reply)

    def retrieve(self, number: int, *, delete: bool = False) -> Transfer:
        """RETR message ``number`` into a ``Transfer`` (``Opened`` at the server's +OK);
        with ``delete``, DELE follows and ``Finished`` waits for its answer (WIP's
        +WIPFILE=7 mode 3).  Closing the transfer drops the rest of the message as it
        arrives: POP3 cannot stop a RETR."""
        client = self._require()
        transfer = Transfer(self.clock)
        transfer.set_source(_PausingSource(client))
        retrieval = _Retrieval(transfer)
        d = self._call(client.retrieve(number - 1, consumer=retrieval), "message")
        if delete:
            d.addCallback(lambda _: self.delete(number))
        d.addCallbacks(lambda _: transfer.complete(self.last_reply),
                       lambda f: transfer.fail(app_error(f)))
        return transfer

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> defer.Deferred:
        """QUIT (the server deletes what was marked): ``Deferred[None]`` once the connection
        is gone.  A session that is not connected is just dropped."""
        d = self._wait_for_end()
        if d.called:
            return d
        if self._client is None:
            self.abort()
        elif not self._quitting:
            self._quitting = True
            client = self._client
            client.quit().addErrback(lambda f: client.transport.abortConnection())
        return d

    def _lost(self, reason: Failure) -> None:
        if self._timed_out:
            self._ended(AppError(AppFailure.TIMEOUT, f"no reply in {self.reply_timeout} s"))
        elif self._quitting or self._owner_closed:
            self._ended(None)
        else:
            self._ended(app_error(reason))

    # -- errors -------------------------------------------------------------------------------

    def _require(self) -> _Pop3Client:
        if self._client is None or self.ended:
            raise RuntimeError(f"{self!r} is not open")
        return self._client

    def _raise(self, failure: Failure, action: str):
        raise self._error(failure, action)

    def _error(self, failure: Failure, action: str) -> AppError:
        cause = nested_cause(failure)
        if isinstance(cause, AppError):
            return cause
        greeted = self._client is not None and self._client.greeted
        if isinstance(cause, ServerErrorResponse):
            reply = self.last_reply
            if not greeted:
                return AppError(AppFailure.SERVER_NOT_READY, reply=reply)
            reason = {"user": AppFailure.USER_REJECTED,
                      "password": AppFailure.PASSWORD_REJECTED,
                      "message": AppFailure.NOT_FOUND}.get(action, AppFailure.PROTOCOL_ERROR)
            return AppError(reason, reply=reply)
        if self._timed_out:
            return AppError(AppFailure.TIMEOUT, f"no reply in {self.reply_timeout} s")
        error = app_error(cause)
        if self._owner_closed and error.reason in (AppFailure.CONNECTION_LOST,
                                                   AppFailure.RESET):
            return AppError(AppFailure.CLOSED, error.detail)
        if error.reason is AppFailure.CONNECTION_LOST and not greeted:
            return AppError(AppFailure.SERVER_NOT_READY, error.detail)
        return error


class _Retrieval:
    """The consumer of a RETR: each line (dot-unstuffed, without its CRLF) into the
    transfer."""

    def __init__(self, transfer: Transfer) -> None:
        self.transfer = transfer

    def __call__(self, line: bytes) -> None:
        self.transfer.deliver(line + b"\r\n")


class _PausingSource:
    """What a retrieval pauses: the connection, and the reply timer with it (a paused
    connection is the reader's doing, not the server's)."""

    def __init__(self, client: _Pop3Client) -> None:
        self.client = client

    def pauseProducing(self) -> None:  # noqa: N802 - IPushProducer
        self.client.paused = True
        self.client.disarm()
        if self.client.transport is not None:
            self.client.transport.pauseProducing()

    def resumeProducing(self) -> None:  # noqa: N802
        self.client.paused = False
        if self.client.transport is not None:
            self.client.transport.resumeProducing()
            if self.client._waiting is not None:
                self.client.arm()

    def stopProducing(self) -> None:  # noqa: N802
        pass


class _Pop3Client(AdvancedPOP3Client):
    timeout = 0  # the client.s own timer would also fire while idle: the session times

    def __init__(self, session: Pop3Session) -> None:
        self.session = session
        self.greeted = False
        self.paused = False
        self.lost = False
        self._reply_timer = None
        self._lost_reason: Failure | None = None
        self._greeting_waiters: list[defer.Deferred] = []

    def serverGreeting(self, greeting) -> None:  # noqa: N802 - POP3Client's name
        self.greeted = True
        waiters, self._greeting_waiters = self._greeting_waiters, []
        for d in waiters:
            d.callback(None)

    def when_greeted(self) -> defer.Deferred:
        """``Deferred[None]`` at the server's +OK greeting; fails with the reason the
        connection went if it goes first (a -ERR greeting closes it)."""
        if self.greeted:
            return defer.succeed(None)
        if self._lost_reason is not None:
            return defer.fail(self._lost_reason)
        d: defer.Deferred = defer.Deferred()
        self._greeting_waiters.append(d)
        return d

    # Status lines are the replies a dialect reports.
    def state_WELCOME(self, line):  # noqa: N802
        self.session.last_reply = Reply.from_line(line)
        return super().state_WELCOME(line)

    def state_SHORT(self, line):  # noqa: N802
        self.session.last_reply = Reply.from_line(line)
        return super().state_SHORT(line)

    def state_LONG_INITIAL(self, line):  # noqa: N802
        self.session.last_reply = Reply.from_line(line)
        retrieval = self._consumer
        state = super().state_LONG_INITIAL(line)
        if state == "LONG" and isinstance(retrieval, _Retrieval):
            retrieval.transfer.opened()
        return state

    # -- the reply timer ----------------------------------------------------------------------

    def connectionMade(self) -> None:
        super().connectionMade()
        self.arm()  # for the greeting

    def sendLine(self, line: bytes) -> None:
        super().sendLine(line)
        if not self.paused:
            self.arm()

    def lineReceived(self, line: bytes) -> None:
        super().lineReceived(line)
        if self._waiting is None or self.paused:
            self.disarm()
        elif self.transport is not None:
            self.arm()

    def arm(self) -> None:
        self.disarm()
        if self.lost:
            return  # a command sent from an errback of the lost connection goes nowhere
        self._reply_timer = self.session.clock.callLater(self.session.reply_timeout,
                                                         self._no_reply)

    def disarm(self) -> None:
        if self._reply_timer is not None and self._reply_timer.active():
            self._reply_timer.cancel()
        self._reply_timer = None

    def _no_reply(self) -> None:
        self._reply_timer = None
        self.session._timed_out = True
        self._timedOut = True
        self.transport.abortConnection()

    def connectionLost(self, reason) -> None:
        self.lost = True
        self._lost_reason = reason
        self.disarm()
        waiters, self._greeting_waiters = self._greeting_waiters, []
        for d in waiters:
            d.errback(reason)
        super().connectionLost(reason)
        self.session._lost(reason)
