"""The FTP lab service: ``twisted.protocols.ftp`` on a directory.

Users come from the scenario (``users: {name: password}``); without users every login is
accepted, ``anonymous`` included, and every session may read and write the root (a lab
server, not a public one).

Data connections follow the control connection.  A modem's session lives at the host's
virtual address, so its passive mode (PASV/EPSV) opens a data port *there* (a lab listener in
the router) and its active mode (PORT/EPRT) connects back through the network to the modem's
own listening socket, across the modem's link.  A session from a program on the host (the
real loopback port) gets real data ports, on loopback only, and may only point PORT at a
loopback address.
"""

from __future__ import annotations

import ipaddress
import tempfile
from pathlib import Path

from twisted.cred import checkers, credentials, portal
from twisted.cred import error as cred_error
from twisted.internet import defer, error, interfaces
from twisted.internet.address import IPv4Address
from twisted.protocols import ftp
from twisted.python.filepath import FilePath
from zope.interface import implementer

from simulator.logs import Logger
from simulator.network.errors import RouteError

log = Logger(namespace="atsim.network.lab.ftp")

WELCOME = "atsim lab FTP server"


class AsciiTransferWrapper:
    """ASCII-type RETR (RFC 959 §3.1.1.1): the file's LF line ends go out as CR LF.

    Twisted's own ``ASCIIConsumerWrapper`` replaces ``os.linesep`` (str) inside bytes and
    fails on every ASCII transfer on Linux; FTP clients of modems (WIP's default type is
    ASCII) use that mode first."""

    def __init__(self, consumer) -> None:
        self.consumer = consumer
        self.registerProducer = consumer.registerProducer
        self.unregisterProducer = consumer.unregisterProducer

    def write(self, data: bytes) -> None:
        self.consumer.write(data.replace(b"\n", b"\r\n"))


# ftp.FTP.ftp_RETR looks the wrapper up in its module at every ASCII transfer.
ftp.ASCIIConsumerWrapper = AsciiTransferWrapper


class LabDTP(ftp.DTP):
    """A data connection that serves one transfer (RFC 959 §3.2: in stream mode the end of
    the file closes it) and is ready for it from the start.

    Twisted's makes the buffer for data that arrives before STOR in ``connectionMade``, after
    firing the factory's Deferred; a STOR that came before the data connection waits on that
    Deferred and registers its consumer at once, so it found no buffer (``TypeError``, the
    upload answered 426).  Here the buffer exists from the start, and ``LabFTP`` refuses a
    transfer on a connection a transfer already had, or that broke, instead of registering
    a consumer on it."""

    def __init__(self) -> None:
        self._buffer = []
        self.used = False  # a transfer had this connection
        self.broken = False  # it ended otherwise than by the client's clean close

    def connectionMade(self) -> None:
        self.isConnected = True
        self.factory.deferred.callback(None)

    def connectionLost(self, reason) -> None:
        self.broken = not reason.check(error.ConnectionDone)
        super().connectionLost(reason)


# ftp.DTPFactory.buildProtocol looks DTP up in its module for every data connection, the
# lab's passive and active ones and those of sessions from the host alike.
ftp.DTP = LabDTP
#: The port active-mode data connections come from (RFC 959's L-1).
DATA_PORT = 20


@implementer(checkers.ICredentialsChecker)
class AnyLogin:
    """A lab server without a user list lets everyone in."""

    credentialInterfaces = (credentials.IUsernamePassword, credentials.IAnonymous)

    def requestAvatarId(self, creds):
        return defer.succeed(getattr(creds, "username", b"anonymous"))


@implementer(portal.IRealm)
class SharedRoot:
    """Every user works in the same directory, with full rights."""

    def __init__(self, root: Path) -> None:
        self.root = FilePath(str(root))

    def requestAvatar(self, avatar_id, mind, *wanted):
        if ftp.IFTPShell in wanted:
            return ftp.IFTPShell, ftp.FTPShell(self.root), lambda: None
        raise NotImplementedError("only IFTPShell")


@implementer(checkers.ICredentialsChecker)
class UserTable:
    """The scenario's ``users: {name: password}``.  Protocols differ in what they hand over
    (FTP gives text, SMTP and POP3 bytes), so both are accepted."""

    credentialInterfaces = (credentials.IUsernamePassword,)

    def __init__(self, users) -> None:
        self.users = {name.encode(): password.encode() for name, password in users}

    def requestAvatarId(self, creds):
        name = creds.username
        name = name.encode() if isinstance(name, str) else name
        password = creds.password
        password = password.encode() if isinstance(password, str) else password
        if name in self.users and self.users[name] == password:
            return defer.succeed(name)
        return defer.fail(cred_error.UnauthorizedLogin())


def users_checker(users) -> checkers.ICredentialsChecker:
    return UserTable(users)


@implementer(interfaces.IListeningPort)
class _VirtualDataPort:
    """A passive data port at the host's virtual address, as ``cleanupDTP`` expects it."""

    def __init__(self, listening) -> None:
        self.listening = listening

    def startListening(self) -> None:
        pass

    def stopListening(self) -> None:
        self.listening.close()

    def getHost(self) -> IPv4Address:
        return IPv4Address("TCP", self.listening.address, self.listening.port)


@implementer(interfaces.IConnector)
class _VirtualConnector:
    """An active-mode data connection through the network, as ``cleanupDTP`` expects it."""

    def __init__(self, deferred: defer.Deferred, destination: tuple[str, int]) -> None:
        self.deferred = deferred
        self.destination = destination

    def stopConnecting(self) -> None:
        self.deferred.cancel()

    def disconnect(self) -> None:
        if not self.deferred.called:
            self.deferred.cancel()

    def connect(self) -> None:
        pass

    def getDestination(self) -> IPv4Address:
        return IPv4Address("TCP", *self.destination)


class LabFTP(ftp.FTP):
    """``ftp.FTP`` whose data connections stay inside the simulated network for modems."""

    router = None
    virtual_address: str = ""
    clock = None

    def _from_a_modem(self) -> bool:
        return self.transport.getHost().host == self.virtual_address

    # -- a session that outlives its connection -----------------------------------------------

    def connectionLost(self, reason) -> None:
        # Twisted's sets ``disconnected`` only at QUIT; a command that finishes later would
        # resume reading from no transport.
        self.disconnected = True
        super().connectionLost(reason)

    def sendLine(self, line) -> None:
        # The answer to a command that finished after the connection went (a transfer the
        # network cut) goes nowhere.
        if self.transport is not None:
            super().sendLine(line)

    def setTimeout(self, period):  # noqa: N802 - TimeoutMixin's name
        # ftp_STOR and ftp_RETR put the idle timer back when their transfer ends, even once
        # the connection is gone: it would fire on a dead session.
        if self.disconnected:
            period = None
        return super().setTimeout(period)

    # -- one command at a time, on the network's clock ----------------------------------------

    # Twisted's ``lineReceived`` stops reading at each command and reads on once its Deferred
    # fired, by a ``callLater(0)`` on the global reactor.  A modem's session runs on the
    # network's clock, which need not be that reactor (a task.Clock under test): the session
    # stopped reading after its first command until the reactor happened to turn, and that
    # late resume could come in the middle of a later command.  Here the command's own end
    # resumes a modem's session, one turn of the network's clock after its reply, and the
    # reactor's call is ignored.  A session from the host is on a real socket: Twisted's way.

    def processCommand(self, cmd, *params):
        d = defer.maybeDeferred(super().processCommand, cmd, *params)
        if not self._from_a_modem():
            return d
        self._command = command = object()

        def done(result):
            # Added first, so it runs before the reply is sent; reading resumes after it.
            self.clock.callLater(0, self._command_done, command)
            return result

        return d.addBoth(done)

    def _command_done(self, command) -> None:
        if command is self._command and not self.disconnected:
            super().resumeProducing()

    def resumeProducing(self) -> None:
        if self.transport is None or not self._from_a_modem():
            super().resumeProducing()
        # else only ``_command_done`` resumes reading (see above)

    # -- one transfer per data connection -----------------------------------------------------

    def _data_connection_refusal(self, *, upload: bool):
        """The reply refusing a transfer on the current data connection, or None to go on
        (and the connection counts as used)."""
        dtp = self.dtpInstance
        if not isinstance(dtp, LabDTP):
            return None  # none yet: Twisted answers that PASV or PORT is needed
        if dtp.used:
            return (ftp.CANT_OPEN_DATA_CNX,)
        if dtp.broken or (not upload and not dtp.isConnected):
            return (ftp.CNX_CLOSED_TXFR_ABORTED,)
        dtp.used = True
        return None

    def ftp_STOR(self, path):
        # An upload may find its connection closed already: the client sent the whole file
        # and closed before STOR was read; what it sent is stored.
        return self._data_connection_refusal(upload=True) or super().ftp_STOR(path)

    def ftp_RETR(self, path):
        refusal = self._data_connection_refusal(upload=False)
        if refusal is not None or self.dtpInstance is None:
            return refusal or super().ftp_RETR(path)  # (Twisted's asks for PASV or PORT)
        # As Twisted's, except that a download the client or the network cut is an ordinary
        # 426, not an error logged with its traceback.
        try:
            segments = ftp.toSegments(self.workingDirectory, path)
        except ftp.InvalidPath:
            return defer.fail(ftp.FileNotFoundError(path))
        dtp = self.dtpInstance
        consumer = dtp if self.binary else AsciiTransferWrapper(dtp)

        def opened(file):
            self.reply(ftp.DATA_CNX_ALREADY_OPEN_START_XFR if dtp.isConnected
                       else ftp.FILE_STATUS_OK_OPEN_DATA_CNX)
            return file.send(consumer).addCallbacks(lambda _: (ftp.TXFR_COMPLETE_OK,), cut)

        def cut(failure):
            log.info("lab ftp: download of {path} cut: {why}", path=path,
                     why=failure.getErrorMessage())
            return (ftp.CNX_CLOSED_TXFR_ABORTED,)

        def not_opened(failure):
            code = (failure.value.errorCode if failure.check(ftp.FTPCmdError)
                    else ftp.FILE_NOT_FOUND)
            return (code, "/".join(segments))

        self.setTimeout(None)  # a transfer is not idleness
        d = self.shell.openForReading(segments).addCallbacks(opened, not_opened)
        return d.addBoth(self._idle_again)

    def _idle_again(self, result):
        self.setTimeout(self.factory.timeOut)
        return result

    def ftp_LIST(self, path=""):
        return self._data_connection_refusal(upload=False) or super().ftp_LIST(path)

    def ftp_NLST(self, path):
        return self._data_connection_refusal(upload=False) or super().ftp_NLST(path)

    # -- passive ------------------------------------------------------------------------------

    def getDTPPort(self, factory, interface=""):
        # Real sessions (from the host): data ports on loopback only, never on every interface.
        return super().getDTPPort(factory, interface="127.0.0.1")

    def _virtual_passive(self) -> int:
        if self.dtpFactory is not None:
            self.cleanupDTP()
        self.dtpFactory = ftp.DTPFactory(pi=self, reactor=self.clock)
        self.dtpFactory.setTimeout(self.dtpTimeout)
        factory = self.dtpFactory

        def accept(peer):
            return factory.buildProtocol(IPv4Address("TCP", *peer))

        self.dtpPort = _VirtualDataPort(self.router.listen_lab(self.virtual_address, 0, accept))
        return self.dtpPort.getHost().port

    def ftp_PASV(self):
        if not self._from_a_modem():
            return super().ftp_PASV()
        if self._epsvAll:
            return defer.fail(ftp.BadCmdSequenceError("may not send PASV after EPSV ALL"))
        port = self._virtual_passive()
        self.reply(ftp.ENTERING_PASV_MODE, ftp.encodeHostPort(self.virtual_address, port))
        return self.dtpFactory.deferred.addCallback(lambda _: None)

    def ftp_EPSV(self, protocol=""):
        if not self._from_a_modem() or protocol == "ALL":
            return super().ftp_EPSV(protocol)
        if protocol and protocol != "1":
            return defer.fail(ftp.UnsupportedNetworkProtocolError("1"))
        port = self._virtual_passive()
        self.reply(ftp.ENTERING_EPSV_MODE, port)
        return self.dtpFactory.deferred.addCallback(lambda _: None)

    # -- active -------------------------------------------------------------------------------

    def ftp_PORT(self, address):
        numbers = tuple(map(int, address.split(",")))
        host = ".".join(str(n) for n in numbers[:4])
        port = numbers[4] << 8 | numbers[5]
        return self._active(host, port, lambda: super(LabFTP, self).ftp_PORT(address))

    def ftp_EPRT(self, extendedAddress):
        delimiter = extendedAddress[:1]
        fields = extendedAddress.split(delimiter)
        if len(fields) < 4:
            return defer.fail(ftp.CmdArgSyntaxError(extendedAddress))
        host, port = fields[2], int(fields[3])
        return self._active(host, port, lambda: super(LabFTP, self).ftp_EPRT(extendedAddress))

    def _active(self, host: str, port: int, real):
        if self._epsvAll:
            return defer.fail(ftp.BadCmdSequenceError("may not send PORT after EPSV ALL"))
        if not self._from_a_modem():
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:  # a real session may not make the server connect elsewhere
                return defer.succeed(ftp.CANT_OPEN_DATA_CNX)
            return real()
        if self.dtpFactory is not None:
            self.cleanupDTP()
        self.dtpFactory = ftp.DTPFactory(pi=self, peerHost=self.transport.getPeer().host,
                                         reactor=self.clock)
        self.dtpFactory.setTimeout(self.dtpTimeout)
        factory = self.dtpFactory

        def refused(failure):
            failure.trap(ftp.PortConnectionError)
            return ftp.CANT_OPEN_DATA_CNX

        # Taken now: a connect that fails at once consumes the factory's Deferred.
        answer = factory.deferred.addCallbacks(lambda _: ftp.ENTERING_PORT_MODE, refused)
        d = self.router.connect_from_lab((self.virtual_address, DATA_PORT), (host, port),
                                         factory.buildProtocol)
        self.dtpPort = _VirtualConnector(d, (host, port))

        def failed(failure):
            failure.trap(RouteError, defer.CancelledError)
            factory.clientConnectionFailed(self.dtpPort, failure)

        d.addErrback(failed)
        return answer


class LabFTPFactory(ftp.FTPFactory):
    protocol = LabFTP
    welcomeMessage = WELCOME

    def __init__(self, portal_, router, virtual_address: str, clock) -> None:
        super().__init__(portal_)
        self.router = router
        self.virtual_address = virtual_address
        self.clock = clock
        self.noisy = False

    def buildProtocol(self, addr):
        wrapper = super().buildProtocol(addr)
        if wrapper is not None:
            pi = wrapper.wrappedProtocol
            pi.router = self.router
            pi.virtual_address = self.virtual_address
            pi.clock = self.clock
            pi.callLater = self.clock.callLater  # its idle timeout runs on our clock
        return wrapper


class Ftp:
    """One host's FTP server."""

    def __init__(self, spec, context) -> None:
        root = spec.root
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="atsim-ftp-"))
            log.info("lab ftp on {host}: no root given, serving {root}",
                     host=context.host.label, root=str(root))
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        checker = users_checker(spec.users) if spec.users else AnyLogin()
        self.portal = portal.Portal(SharedRoot(root), [checker])
        self.factory = LabFTPFactory(self.portal, context.router, str(context.host.address),
                                     context.clock)
        self.factory.allowAnonymous = not spec.users

    def tcp_factory(self, port: int):
        return self.factory
