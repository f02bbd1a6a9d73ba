"""Network ports (raw TCP and RFC 2217): a listening Twisted endpoint with one host at a time.

The endpoint is any Twisted *server endpoint string* (``tcp:7000:interface=127.0.0.1``,
``tcp:0:interface=127.0.0.1`` for a free port, ``unix:/path`` ...).  What a connection does
with its bytes is the connection class's business: ``RawHostConnection`` here passes them
through, ``simulator.transport.rfc2217.protocol.Rfc2217HostConnection`` speaks telnet.
"""

from __future__ import annotations

from twisted.application import service
from twisted.internet import defer, protocol, tcp
from twisted.internet.error import CannotListenError
from twisted.internet.interfaces import IHalfCloseableProtocol
from twisted.python.failure import Failure
from zope.interface import implementer

from simulator.line import Channel, ModemSignals
from simulator.logs import Logger
from simulator.transport.errors import TransportError
from simulator.transport.hangupwatch import HangupWatch
from simulator.transport.hostgate import SingleHostGate
from simulator.transport.overflow import DropWhilePaused
from simulator.transport.quietport import listen_tcp
from simulator.transport.serverendpoint import plain_tcp, server_endpoint
from simulator.transport.socketreader import AVAILABLE as LEAN_AVAILABLE
from simulator.transport.socketreader import LeanServer

log = Logger()

#: How long a closing connection may take to flush its output before it is aborted.  A host
#: that is still reading gets everything in far less on any network atsim runs on; a host
#: that is gone (half-open, not reading) must not keep the connection alive forever.
CLOSE_TIMEOUT = 2.0


def describe_address(address) -> str:
    host = getattr(address, "host", None)
    port = getattr(address, "port", None)
    if host is not None and port is not None:
        return f"{host}:{port}"
    name = getattr(address, "name", None)
    return str(name) if name else str(address)


#: Connections whose socket ``write_now`` may send on directly: Twisted's plain TCP ones.
_PLAIN_TCP = (tcp.Server, LeanServer)


def write_now(transport, data: bytes) -> None:
    """Write ``data`` to a TCP connection, sending it at once when nothing waits before it.

    ``transport.write`` only queues: Twisted registers the socket for writing and sends on
    the reactor's next turn, which for a modem's answer of a few bytes costs two ``epoll``
    changes and a second dispatch, more than the send itself.  When Twisted holds nothing
    for this connection the bytes go to the socket now; what the kernel does not take, and
    anything while bytes are queued, TLS runs or the connection is closing, goes through
    ``transport.write`` as before, so the order and the back-pressure stay Twisted's."""
    if (
        type(transport) in _PLAIN_TCP
        and not transport.dataBuffer
        and not transport._tempDataLen
        and transport.connected
        and not transport.disconnecting
        and not transport._writeDisconnected
        and not transport.TLS
    ):
        try:
            sent = transport.socket.send(data)
        except OSError:  # full (EAGAIN), or broken: Twisted's own write finds out which
            sent = 0
        if sent == len(data):
            return
        data = data[sent:]
    transport.write(data)


@implementer(IHalfCloseableProtocol)
class HostConnectionBase(protocol.Protocol):
    """What every network host connection shares: registration with its port, bounded
    output, half-close, and a close that cannot hang."""

    def __init__(self, port: StreamPortService) -> None:
        self.port = port
        self.peer = "?"
        #: The port's channel while this connection is its host (``SingleHostGate``).
        self.attached_channel: Channel | None = None
        self._writer: DropWhilePaused | None = None
        self._abort_call = None
        self._hangup_watch: HangupWatch | None = None

    @property
    def label(self) -> str:
        return self.port.label

    def logPrefix(self) -> str:
        return self.port.label

    @property
    def attached(self) -> bool:
        return self.attached_channel is not None

    @property
    def dropped_output(self) -> int:
        return 0 if self._writer is None else self._writer.dropped

    def connectionMade(self) -> None:
        self.peer = describe_address(self.transport.getPeer())
        # A modem echoes each character as it comes; do not let Nagle hold echoes back.
        set_no_delay = getattr(self.transport, "setTcpNoDelay", None)
        if set_no_delay is not None:
            set_no_delay(True)
        self._writer = DropWhilePaused(self.transport, self.label)
        self.port.connection_made(self)

    def connectionLost(self, reason: Failure = protocol.connectionDone) -> None:
        if self._hangup_watch is not None:
            self._hangup_watch.stop()
        if self._abort_call is not None and self._abort_call.active():
            self._abort_call.cancel()
        self._abort_call = None
        self.port.connection_lost(self)

    # IHalfCloseableProtocol

    def readConnectionLost(self) -> None:
        """The host sent EOF.  A host that closed and one that only shut down its sending
        side (``printf 'AT\r' | socat - TCP:...``) look the same here, and the first is the
        usual case, so the host counts as gone at once.  Being half-closeable still matters:
        Twisted would otherwise discard output already queued for the host (the reply to
        its last command); ``disconnect`` delivers that first."""
        self.port.connection_lost(self, closed=False)
        self.disconnect()

    def writeConnectionLost(self) -> None:
        """We never half-close our side."""

    def write_to_host(self, data: bytes, at_once: bool = False) -> bool:
        """Write bytes to the host unless it is not reading; see ``DropWhilePaused``.
        ``at_once``: send now if nothing waits (``write_now``) rather than on the reactor's
        next turn."""
        if self._writer is None:
            return False
        return self._writer.write(data, self._send_now if at_once else None)

    def _send_now(self, data: bytes) -> None:
        write_now(self.transport, data)

    def hold_input(self, held: bool) -> None:
        """The modem's input FIFO is full: stop reading the socket until it has room.  The
        host's writes then block in TCP's own flow control, as behind a UART's RTS/CTS.
        While held, a host that closes or resets is still noticed at once (``HangupWatch``):
        what it typed and its dial go with it."""
        if held:
            self.transport.pauseProducing()
            if self._hangup_watch is None:
                self._hangup_watch = HangupWatch(self.port.reactor, self._hung_up_while_held,
                                                 self.label)
            fileno = getattr(self.transport, "fileno", None)  # none on a test transport
            if fileno is not None:
                self._hangup_watch.start(fileno())
        else:
            if self._hangup_watch is not None:
                self._hangup_watch.stop()
            self.transport.resumeProducing()

    def _hung_up_while_held(self) -> None:
        """The host closed while not being read: gone, as on EOF (``readConnectionLost``)."""
        log.info("{label}: the host hung up while its input was held", label=self.label)
        self.readConnectionLost()

    def write_control(self, data: bytes) -> None:
        """Protocol bytes (telnet replies) bypass the overrun drop: they are tiny, the host
        asked for them, and dropping a reply would break the host's protocol state."""
        self.transport.write(data)

    def disconnect(self) -> None:
        if self._abort_call is not None:
            return
        self.transport.loseConnection()
        abort = getattr(self.transport, "abortConnection", None)
        if abort is not None:
            self._abort_call = self.port.reactor.callLater(CLOSE_TIMEOUT, abort)


class RawHostConnection(HostConnectionBase):
    """Raw TCP: bytes both ways, untouched.  No signals travel over a plain socket."""

    def dataReceived(self, data: bytes) -> None:
        channel = self.attached_channel
        if channel is not None:
            channel.receive(data)

    def deliver(self, data: bytes) -> None:
        self.write_to_host(data)

    def deliver_now(self, data: bytes) -> None:
        """The modem's answer to what the host just sent: on the wire at once (as
        ``write_to_host(data, at_once=True)``, in fewer calls: one per command)."""
        writer = self._writer
        if writer is not None and not writer.paused:
            write_now(self.transport, data)
        else:
            self.write_to_host(data)  # dropped and counted while the host is not reading

    def modem_signals_changed(self, signals: ModemSignals) -> None:
        """A plain socket has no way to show DCD/RI/DSR/CTS."""


class _HostFactory(protocol.Factory):
    noisy = False

    def __init__(self, port: StreamPortService) -> None:
        self.port = port

    def logPrefix(self) -> str:
        return self.port.label

    def buildProtocol(self, addr):
        return self.port.connection_class(self.port)


class StreamPortService(service.Service):
    """Listens on ``endpoint`` while running; one host connection at a time (see
    ``simulator.transport.hostgate`` for the policy)."""

    def __init__(
        self,
        endpoint: str,
        channel: Channel,
        reactor,
        label: str,
        *,
        connection_class: type[HostConnectionBase] = RawHostConnection,
        drives_signals: bool = False,
        scheme: str = "socket",
        baudrate: int = 115200,
    ) -> None:
        self.endpoint = endpoint
        self.channel = channel
        self.reactor = reactor
        self.label = label
        self.connection_class = connection_class
        self.scheme = scheme
        self.baudrate = baudrate
        self.gate = SingleHostGate(channel, label, drives_signals=drives_signals)
        #: The bound address (``IPv4Address``, ``.host``/``.port``) once listening.
        self.address = None
        self._listening_port = None
        self._connections: dict[HostConnectionBase, defer.Deferred] = {}
        self.setName(label)

    @property
    def connections(self) -> list[HostConnectionBase]:
        """Open connections: the attached one, and kicked ones still closing."""
        return list(self._connections)

    def startService(self) -> None:
        self._listening_port = self._listen()
        self.address = self._listening_port.getHost()
        # The rate a host finds before it sets one (RFC 2217 hosts usually do at once).
        self.channel.set_line_settings(baudrate=self.baudrate)
        if self.gate.drives_signals:
            # No host: DTR and RTS are off, as on a serial port nobody has opened.
            self.channel.set_host_signals(dtr=False, rts=False)
        address = describe_address(self.address)
        # Formatted here, not by the logger: one line per port of a fleet at start.
        text = f"{self.label}: listening on {address} (host opens {self.scheme}://{address})"
        log.info(text.replace("{", "{{").replace("}", "}}"), label=self.label,
                 address=address, scheme=self.scheme)
        service.Service.startService(self)

    def _listen(self):
        """The listening port, open now, or ``TransportError`` saying why not."""
        factory = _HostFactory(self)
        plain = plain_tcp(self.endpoint)
        if plain is not None:  # what scenarios use most: without Twisted's per-port lines
            try:
                # Raw hosts only: they are the many, and RFC 2217's telnet keeps Twisted's
                # own connections.
                raw = issubclass(self.connection_class, RawHostConnection)
                lean = LeanServer if raw and LEAN_AVAILABLE else None
                return listen_tcp(self.reactor, plain[0], factory, interface=plain[1],
                                  transport=lean)
            except CannotListenError as e:
                raise TransportError(
                    f"{self.label}: cannot listen on {self.endpoint!r}: {e}") from e
        try:
            endpoint = server_endpoint(self.reactor, self.endpoint)
        except (ValueError, TypeError, KeyError) as e:
            raise TransportError(f"{self.label}: invalid endpoint {self.endpoint!r}: {e}") from e
        outcome: list = []
        endpoint.listen(factory).addBoth(outcome.append)
        # Every stock Twisted server endpoint listens synchronously on a real reactor, which
        # lets a port that cannot open stop the simulator from starting half-configured.
        if not outcome:
            raise TransportError(
                f"{self.label}: endpoint {self.endpoint!r} did not start listening at once"
            )
        if isinstance(outcome[0], Failure):
            raise TransportError(
                f"{self.label}: cannot listen on {self.endpoint!r}: {outcome[0].getErrorMessage()}"
            ) from outcome[0].value
        return outcome[0]

    def stopService(self) -> defer.Deferred:
        service.Service.stopService(self)
        waits = []
        if self._listening_port is not None:
            waits.append(defer.maybeDeferred(self._listening_port.stopListening))
            self._listening_port = None
        current = self.gate.current
        if current is not None:
            self.gate.host_disconnected(current)
        for connection, closed in list(self._connections.items()):
            waits.append(closed)
            connection.disconnect()
        log.info("{label}: closed", label=self.label)
        return defer.gatherResults(waits, consumeErrors=True).addCallback(lambda _: None)

    # -- called by connections --------------------------------------------------------------

    def connection_made(self, connection: HostConnectionBase) -> None:
        if not self.running:
            connection.disconnect()
            return
        self._connections[connection] = defer.Deferred()
        self.gate.host_connected(connection)

    def connection_lost(self, connection: HostConnectionBase, *, closed: bool = True) -> None:
        """The host went away; ``closed``: the connection is closed, not just finishing."""
        self.gate.host_disconnected(connection)
        if not closed:
            return
        waiter = self._connections.pop(connection, None)
        if waiter is not None:
            waiter.callback(None)
