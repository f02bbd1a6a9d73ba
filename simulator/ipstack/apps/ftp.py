"""FTP client sessions: ``twisted.protocols.ftp.FTPClient`` over the modem's own TCP path.

    session = FtpSession(endpoints, "ftp.lab", user="user", password="secret")
    await session.open()                  # connected and logged in (WIP's +WIPCREATE=4)
    download = session.get("dir/file.bin")   # a Transfer: Opened, DataAvailable ..., Finished
    upload = session.put("new.bin")          # a Transfer: write(), finish(), Finished
    await session.size("file.bin"); await session.delete("file.bin")
    await session.close()                 # QUIT

Passive mode connects to the data port the server names at its own address; active mode
(``passive=False``) listens on a port of the bearer and sends PORT, so the server connects
back through the network and across the modem's link.  Only the server the session talks
to may connect to that port.

FTPClient logs in from its constructor and hides which step failed; a session logs in
itself, so a refused USER and a refused PASS are told apart (WIP 861/862, eDsoft
38080/38081).  Every command waits ``reply_timeout`` for its reply; a running transfer is
not timed (a slow reader legitimately holds it), its server's own timeouts apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from twisted.internet import defer, protocol
from twisted.protocols import ftp
from twisted.python.failure import Failure

from simulator.ipstack.apps.endpoints import BearerEndpoints
from simulator.ipstack.apps.errors import (
    AppError,
    AppFailure,
    Reply,
    app_error,
    nested_cause,
)
from simulator.ipstack.apps.session import ControlSession
from simulator.ipstack.apps.transfer import Transfer

DEFAULT_PORT = 21
#: Seconds a command (the greeting, USER, SIZE, the start of a transfer ...) may wait for
#: its reply before the session gives up on the server: longer than any lab round trip on
#: the slowest link preset (GSM, ~0.4 s), short enough for a host to notice a dead server.
REPLY_TIMEOUT = 30.0

_FINAL_REPLY = re.compile(r"\d{3} ")


class FtpSession(ControlSession):
    """One FTP control connection, logged in.  ``passive`` may be changed between
    transfers (WIP option 41); ``set_binary`` sends TYPE (WIP option 40).  ``listener``
    gets ``Closed`` when the session ends."""

    def __init__(self, endpoints: BearerEndpoints, host: str, port: int = DEFAULT_PORT,
                 user: str = "anonymous", password: str = "", *, account: str | None = None,
                 passive: bool = True, binary: bool = True,
                 reply_timeout: float = REPLY_TIMEOUT,
                 listener: Callable | None = None) -> None:
        self.user = user
        self.password = password
        self.account = account
        self.binary = binary
        super().__init__(endpoints, host, port, reply_timeout, listener)
        self.last_reply: Reply | None = None
        self._passive = passive
        self._control: _FtpControl | None = None
        self._fatal: AppError | None = None  # why the session was dropped from our side
        self._quitting = False
        #: Transfers before their 150, in order, with what starts them.
        self._awaiting_start: list[tuple[Transfer, Callable[[], None]]] = []

    @property
    def _connection(self) -> _FtpControl | None:
        return self._control

    def __repr__(self) -> str:
        return f"<FtpSession {self.user}@{self.host}:{self.port}>"

    @property
    def passive(self) -> bool:
        return self._passive

    @passive.setter
    def passive(self, value: bool) -> None:
        self._passive = bool(value)
        if self._control is not None:
            self._control.passive = int(self._passive)

    # -- opening ------------------------------------------------------------------------------

    def open(self) -> defer.Deferred:
        """Connect and log in: ``Deferred[FtpSession]``, or ``AppError`` (network reasons,
        ``SERVER_NOT_READY``, ``USER_REJECTED``, ``PASSWORD_REJECTED``, ``TIMEOUT``)."""
        return self._connect_and_login(_FtpControl(self))

    def _connected(self, connection: _FtpControl) -> None:
        self._control = connection

    async def _login(self) -> None:
        user_reply = await self._command(f"USER {self.user}", "user")
        if user_reply.code == 331:
            pass_reply = await self._command(f"PASS {self.password}", "password")
            if pass_reply.code == 332:
                await self._command(f"ACCT {self.account or ''}", "password")
        elif user_reply.code == 332:
            await self._command(f"ACCT {self.account or ''}", "password")
        await self._command("TYPE I" if self.binary else "TYPE A", "type")

    # -- commands -----------------------------------------------------------------------------

    def _command(self, text: str, action: str) -> defer.Deferred:
        """``Deferred[Reply]`` to one command; fails with the ``AppError`` for ``action``."""
        control = self._require()
        d = control.queueStringCommand(text)
        return d.addCallbacks(_final_reply, lambda f: self._raise(f, action))

    def size(self, path: str) -> defer.Deferred:
        """``Deferred[int]``: SIZE of ``path`` (``NOT_FOUND`` if there is none)."""
        def parse(reply: Reply) -> int:
            try:
                return int(reply.text[4:].strip())
            except ValueError:
                raise AppError(AppFailure.PROTOCOL_ERROR, reply=reply) from None

        return self._command(f"SIZE {path}", "file").addCallback(parse)

    def delete(self, path: str) -> defer.Deferred:
        """``Deferred[Reply]``: DELE ``path``."""
        return self._command(f"DELE {path}", "file")

    def cwd(self, path: str) -> defer.Deferred:
        """``Deferred[Reply]``: CWD ``path`` (eDsoft's FTPGETPATH, FTPPUTPATH)."""
        return self._command(f"CWD {path}", "file")

    def set_binary(self, binary: bool) -> defer.Deferred:
        """``Deferred[Reply]``: TYPE I or TYPE A for the next transfers.  Bytes are passed
        as they come either way; in ASCII the server may convert line ends."""
        self.binary = bool(binary)
        return self._command("TYPE I" if binary else "TYPE A", "type")

    # -- transfers ----------------------------------------------------------------------------

    def get(self, path: str, *, offset: int = 0) -> Transfer:
        """Download ``path`` (from ``offset``, with REST): a ``Transfer`` to read from."""
        control = self._require()
        transfer = Transfer(self.clock)
        receiver = _DataReceiver(transfer)
        transfer.abandon = receiver.abort
        self._awaiting_start.append((transfer, transfer.opened))
        d = control.retrieveFile(path, receiver, offset)
        d.addCallbacks(lambda result: self._transfer_done(transfer, result),
                       lambda f: self._transfer_failed(transfer, f, "file"))
        return transfer

    def put(self, path: str, *, offset: int = 0) -> Transfer:
        """Upload to ``path``: a ``Transfer`` to write to, then ``finish()``.  Bytes go once
        the server accepted STOR (150): the data connection may be up before that (the lab
        server connects back before it even answers PORT)."""
        control = self._require()
        transfer = Transfer(self.clock)
        connected, done = control.storeFile(path, offset)
        senders = []

        def send() -> None:
            if not senders or not transfer.is_open:
                return
            sender = senders[0]
            if transfer.closed:
                sender.transport.abortConnection()
                return
            sender.registerProducer(transfer, True)

            def drained() -> None:
                sender.unregisterProducer()
                sender.finish()

            transfer.abandon = sender.transport.abortConnection
            transfer.attach_consumer(sender, on_drained=drained)

        def started() -> None:
            transfer.opened()
            send()

        def data_connection(sender) -> None:
            senders.append(sender)
            send()

        self._awaiting_start.append((transfer, started))
        connected.addCallback(data_connection)
        done.addCallbacks(lambda result: self._transfer_done(transfer, result),
                          lambda f: self._transfer_failed(transfer, f, "upload"))
        return transfer

    def _transfer_done(self, transfer: Transfer, result) -> None:
        self._started(transfer)
        # FTPClient fires with [commands' results, PASV or PORT result, data connection];
        # the reply to RETR or STOR (226) is the last line of the first.
        transfer.complete(_last_line_reply(result[0] if result else None))

    def _transfer_failed(self, transfer: Transfer, failure: Failure, action: str) -> None:
        self._started(transfer)
        transfer.fail(self._error(failure, action))

    def _started(self, transfer: Transfer) -> None:
        self._awaiting_start = [entry for entry in self._awaiting_start
                                if entry[0] is not transfer]

    def _preliminary_reply(self) -> None:
        """A 1xx reply: the oldest transfer waiting for its start has started."""
        if self._awaiting_start:
            _, start = self._awaiting_start.pop(0)
            start()

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> defer.Deferred:
        """QUIT, then the server closes: ``Deferred[None]`` once the connection is gone.
        A session that is not connected is just dropped."""
        d = self._wait_for_end()
        if d.called:
            return d
        control = self._control
        if control is None:
            self.abort()
            return d
        if self._quitting:
            return d
        self._quitting = True
        control.quit().addErrback(lambda f: control.transport.abortConnection())
        return d

    def _control_lost(self, reason: Failure) -> None:
        if self._fatal is not None:
            self._ended(self._fatal)
        elif self._quitting or self._owner_closed:
            self._ended(None)
        else:
            self._ended(app_error(reason))

    def _fail_pending(self, failure: AppError) -> None:
        for transfer, _ in self._awaiting_start:
            transfer.fail(failure)
        self._awaiting_start.clear()

    # -- errors -------------------------------------------------------------------------------

    def _require(self) -> _FtpControl:
        if self._control is None or self.ended:
            raise RuntimeError(f"{self!r} is not open")
        return self._control

    def _raise(self, failure: Failure, action: str):
        raise self._error(failure, action)

    def _error(self, failure: Failure, action: str) -> AppError:
        """The ``AppError`` for ``failure`` of ``action`` (open, user, password, type, file,
        upload)."""
        if self._fatal is not None:
            return self._fatal
        cause = nested_cause(failure)
        if isinstance(cause, ftp.CommandFailed) and cause.args and cause.args[0]:
            reply = Reply.from_line(cause.args[0][-1])
            return AppError(_refusal(reply, action, self._greeted()), reply=reply)
        if isinstance(cause, (ftp.BadResponse, ftp.UnexpectedResponse)):
            lines = cause.args[0] if cause.args else []
            reply = Reply.from_line(lines[-1]) if lines else None
            return AppError(AppFailure.PROTOCOL_ERROR, reply=reply)
        error = app_error(cause)
        lost = error.reason in (AppFailure.CONNECTION_LOST, AppFailure.RESET)
        if lost and self._owner_closed:
            return AppError(AppFailure.CLOSED, error.detail)
        if error.reason is AppFailure.CONNECTION_LOST and not self._greeted():
            return AppError(AppFailure.SERVER_NOT_READY, error.detail)
        return error

    def _greeted(self) -> bool:
        return self._control is not None and self._control.greeting is not None

    def _timed_out(self) -> None:
        self._fatal = AppError(AppFailure.TIMEOUT, f"no reply in {self.reply_timeout} s")
        if self._control is not None and self._control.transport is not None:
            self._control.transport.abortConnection()


def _refusal(reply: Reply, action: str, greeted: bool) -> AppFailure:
    """Which ``AppFailure`` a negative reply to ``action`` is."""
    if not greeted:
        return AppFailure.SERVER_NOT_READY  # 421 or another refusal as the greeting
    if action == "user":
        return AppFailure.USER_REJECTED
    if action == "password":
        return AppFailure.PASSWORD_REJECTED
    if reply.code == 530:
        return AppFailure.AUTH_FAILED  # not logged in
    if action == "file" and reply.code in (450, 550):
        return AppFailure.NOT_FOUND  # file unavailable (RFC 959)
    return AppFailure.PROTOCOL_ERROR


def _final_reply(lines) -> Reply:
    return Reply.from_line(lines[-1])


def _last_line_reply(result) -> Reply | None:
    """The last reply line inside what FTPClient's transfer Deferreds fire with (lists of
    (success, value) pairs around the commands' response lines)."""
    if isinstance(result, str):
        return Reply.from_line(result) if _FINAL_REPLY.match(result) else None
    if isinstance(result, (list, tuple)):
        for item in reversed(result):
            found = _last_line_reply(item)
            if found is not None:
                return found
    return None


class _DataReceiver(protocol.Protocol):
    """The download side of a data connection: bytes into the transfer, whose reader's pace
    pauses the connection."""

    def __init__(self, transfer: Transfer) -> None:
        self.transfer = transfer
        self.abandoned = False

    def connectionMade(self) -> None:
        if self.abandoned:
            self.transport.abortConnection()
            return
        self.transfer.set_source(self.transport)

    def dataReceived(self, data: bytes) -> None:
        self.transfer.deliver(data)

    def abort(self) -> None:
        self.abandoned = True
        if self.transport is not None:
            self.transport.abortConnection()


class _DataConnector:
    """A passive-mode data connection through the bearer, as FTPClient's ``connectFactory``
    returns it (it only ever calls ``disconnect``)."""

    def __init__(self, endpoint, factory) -> None:
        self.factory = factory
        self.proto = None
        self.connecting = endpoint.connect(factory)
        self.connecting.addCallbacks(self._connected, self._failed)

    def _connected(self, proto) -> None:
        self.proto = proto

    def _failed(self, failure: Failure) -> None:
        if not failure.check(defer.CancelledError):
            self.factory.clientConnectionFailed(self, failure)

    def disconnect(self) -> None:
        if not self.connecting.called:
            self.connecting.cancel()
        elif self.proto is not None and self.proto.transport is not None:
            self.proto.transport.loseConnection()


class _FtpControl(ftp.FTPClient):
    """FTPClient whose data connections go through the bearer, with a reply timeout and the
    session told about replies."""

    def __init__(self, session: FtpSession) -> None:
        self.session = session
        self._reply_timer = None
        self._lost = False
        super().__init__(passive=int(session.passive))

    def queueLogin(self, username, password) -> None:
        """The session logs in itself (see the module docstring)."""

    # -- data connections ---------------------------------------------------------------------

    def connectFactory(self, host, port, factory):  # noqa: N802 - FTPClient's name
        return _DataConnector(self.session.endpoints.endpoint(host, port), factory)

    def generatePortCommand(self, portCmd):  # noqa: N802, N803 - FTPClient's names
        server = self.transport.getPeer().host
        proto = portCmd.protocol

        def accept(peer: tuple[str, int]):
            if peer[0] != server:
                return None  # only the server of this session may connect back
            listening.close()
            return proto

        try:
            listening = self.session.endpoints.listen(accept)
        except AppError as e:
            self.session._fatal = e
            self.transport.abortConnection()
            portCmd.text = None  # sendLine(None) sends nothing; the abort fails the command
            return

        def fail(error):
            listening.close()
            return error

        portCmd.fail = fail
        portCmd.text = "PORT " + ftp.encodeHostPort(self.transport.getHost().host,
                                                    listening.port)

    # -- replies ------------------------------------------------------------------------------

    def connectionMade(self) -> None:
        super().connectionMade()
        self._arm()  # the greeting is a reply too

    def sendLine(self, line) -> None:
        if line is not None:
            self._arm()
        super().sendLine(line)

    def lineReceived(self, line: bytes) -> None:
        text = line.decode(self._encoding, "replace")
        if _FINAL_REPLY.match(text):
            self._disarm()  # a 1xx starts a transfer, which is not timed
            if text.startswith("1"):
                self.session._preliminary_reply()
            else:
                self.session.last_reply = Reply.from_line(text)
        super().lineReceived(line)

    def _arm(self) -> None:
        self._disarm()
        if self._lost:
            return  # FTPClient may still send what was queued while its connection went
        self._reply_timer = self.session.clock.callLater(self.session.reply_timeout,
                                                         self.session._timed_out)

    def _disarm(self) -> None:
        if self._reply_timer is not None and self._reply_timer.active():
            self._reply_timer.cancel()
        self._reply_timer = None

    def connectionLost(self, reason) -> None:
        self._lost = True
        self._disarm()
        super().connectionLost(reason)
        self.session._control_lost(reason)
