"""One transfer between a server and the dialect: a file, a mail, an HTTP body, with flow
control both ways and events for the owner.

The owner (a dialect) reads what arrives and writes what goes:

    transfer.listener = on_event          # Opened, DataAvailable, Writable, Finished, Failed
    transfer.read(n)                      # after DataAvailable
    transfer.write(data) -> bytes taken   # the rest did not fit: wait for Writable
    transfer.finish()                     # no more bytes to send (the host's ETX)
    transfer.close()                      # abandon it: no more events

Incoming bytes wait in a small buffer; once it holds ``incoming_limit`` bytes the transfer
pauses its source (the data connection, the HTTP response), which stops reading from the
network: the server's TCP window fills and the server stops sending, so a slow UART slows
the server down and nothing is lost.  Reading below half the limit resumes the source.

Outgoing bytes wait in a buffer of ``outgoing_limit`` bytes until the connection for them
exists and has room (the transfer is a streaming producer registered with it), so a writer
that outruns the network is told to wait rather than buffered without bound.

``Finished`` or ``Failed`` comes last, once the outcome is known *and* every received byte
has been read: data received before a failure is delivered first, as a modem prints it
before its error.
"""

from __future__ import annotations

from collections.abc import Callable

from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime
from twisted.web.iweb import UNKNOWN_LENGTH, IBodyProducer
from zope.interface import implementer

from simulator.ipstack.apps.errors import AppError, AppFailure, Reply
from simulator.ipstack.apps.events import (
    DataAvailable,
    Failed,
    Finished,
    Opened,
    ResponseReceived,
    Writable,
)
from simulator.ipstack.buffers import ReceiveBuffer, SendBuffer

#: Bytes held for the reader before the source is paused.  A modem's UART drains a few
#: KiB/s; a couple of TCP segments ahead of it is enough, and what is not read stays in the
#: server's TCP window, where a real modem would leave it too.
INCOMING_LIMIT = 8192
#: Bytes a writer may queue ahead of the connection; ``write`` takes no more than that.
OUTGOING_LIMIT = 8192
#: ``Writable`` comes once this much room is back, not for every byte that leaves (as a
#: socket's low-water mark, WIP_COPT_SND_LOWAT).
OUTGOING_LOW_WATER = 2048
#: Bytes handed to the connection per write: about one TCP segment on a 1500-byte MTU.
SEGMENT = 1460


def _ignore(event) -> None:
    pass


@implementer(IBodyProducer)
class Transfer:
    """See the module docstring.  The methods in the second group (``opened`` ...
    ``fail``) are for the protocol clients that feed a transfer, not for its owner."""

    #: IBodyProducer: an HTTP request with a known body size sets it (Content-Length);
    #: unknown, the body is sent chunked.
    length = UNKNOWN_LENGTH

    def __init__(self, clock: IReactorTime, *, incoming_limit: int = INCOMING_LIMIT,
                 outgoing_limit: int = OUTGOING_LIMIT, low_water: int = OUTGOING_LOW_WATER,
                 listener: Callable | None = None) -> None:
        self.clock = clock
        self.listener: Callable = listener or _ignore
        self._incoming = ReceiveBuffer(incoming_limit)
        self._outgoing = SendBuffer(outgoing_limit, low_water)
        self._source = None  # IPushProducer of the incoming bytes
        self._source_paused = False
        self._resume_pending = False
        self._consumer = None  # where outgoing bytes go
        self._consumer_paused = False
        self._encode: Callable[[bytes], bytes] | None = None
        self._on_drained: Callable[[], None] | None = None
        self._pumping = False
        self._pump_again = False
        self._writing_finished = False  # the owner called finish()
        self._drained = False
        self._outcome: Finished | Failed | None = None
        self._waiters: list[defer.Deferred] = []
        #: What closing an unfinished transfer does to its connection (set by the client).
        self.abandon: Callable[[], None] | None = None
        self.ended = False  # Finished or Failed was delivered
        self.closed = False  # the owner closed it
        self.is_open = False  # Opened was delivered
        self.bytes_received = 0
        self.bytes_sent = 0

    def __repr__(self) -> str:
        state = "closed" if self.closed else "ended" if self.ended else "running"
        return (f"<Transfer {state} in={self.bytes_received} out={self.bytes_sent} "
                f"available={self.available}>")

    # -- the owner: reading -------------------------------------------------------------------

    @property
    def available(self) -> int:
        return len(self._incoming)

    def read(self, n: int | None = None) -> bytes:
        """Up to ``n`` received bytes (all if None); b"" when there are none."""
        data = self._incoming.read(n)
        if (self._source_paused and not self._resume_pending
                and len(self._incoming) <= self._incoming.capacity // 2):
            # Later, not from inside read(): resuming delivers bytes, and their events must
            # not nest inside the owner's call.
            self._resume_pending = True
            self.clock.callLater(0, self._resume_source)
        if not len(self._incoming) and self._outcome is not None:
            self.clock.callLater(0, self._settle)
        return data

    # -- the owner: writing -------------------------------------------------------------------

    @property
    def send_free(self) -> int:
        return self._outgoing.free

    @property
    def unsent(self) -> int:
        """Bytes written by the owner that have not gone to the connection yet."""
        return len(self._outgoing)

    def write(self, data: bytes) -> int:
        """Queue ``data`` for the server; how many bytes were taken (the rest did not fit:
        ``Writable`` follows once there is room)."""
        if self._writing_finished or self.closed or self._outcome is not None:
            raise RuntimeError(f"{self!r}: write after finish, close or the end")
        taken = self._outgoing.offer(bytes(data))
        self._pump()
        return taken

    def finish(self) -> None:
        """Nothing more to send: the server is told once the queued bytes are gone."""
        if self._writing_finished or self.closed:
            return
        self._writing_finished = True
        self._pump()

    # -- the owner: the end -------------------------------------------------------------------

    def when_done(self) -> defer.Deferred:
        """``Deferred[Reply | None]`` firing with the final event, or failing with its
        ``AppError`` (``CLOSED`` if the owner closes the transfer first)."""
        if self.ended:
            outcome = self._outcome
            if isinstance(outcome, Failed):
                return defer.fail(outcome.error)
            return defer.succeed(outcome.reply)
        if self.closed:
            return defer.fail(AppError(AppFailure.CLOSED))
        d: defer.Deferred = defer.Deferred()
        self._waiters.append(d)
        return d

    def close(self) -> None:
        """Abandon the transfer: no more events; what the connection does depends on the
        protocol (an FTP data connection is aborted, a POP3 message is read to its end and
        dropped ...)."""
        if self.closed:
            return
        self.closed = True
        self.listener = _ignore
        self._incoming.read()
        self._outgoing.clear()
        waiters, self._waiters = self._waiters, []
        for d in waiters:
            d.errback(AppError(AppFailure.CLOSED))
        if not self.ended and self.abandon is not None:
            self.abandon()
        self._resume_source()

    # -- the clients: incoming ----------------------------------------------------------------

    def set_source(self, producer) -> None:
        """``producer`` (an IPushProducer) is paused while the reader lags behind."""
        self._source = producer
        if self._incoming.full and not self._source_paused:
            self._source_paused = True
            producer.pauseProducing()

    def opened(self) -> None:
        if not self.is_open and not self.closed:
            self.is_open = True
            self._emit(Opened())

    def response(self, status: int, reason: str, headers: tuple[tuple[str, str], ...]) -> None:
        self._emit(ResponseReceived(status, reason, headers))

    def deliver(self, data: bytes) -> None:
        if self.closed or not data:
            return  # an abandoned transfer drops what still arrives
        self._incoming.put(data)
        self.bytes_received += len(data)
        if self._incoming.full and not self._source_paused and self._source is not None:
            self._source_paused = True
            self._source.pauseProducing()
        self._emit(DataAvailable(len(self._incoming)))

    def _resume_source(self) -> None:
        self._resume_pending = False
        if self._source_paused and (self.closed or not self._incoming.full):
            self._source_paused = False
            if self._source is not None:
                self._source.resumeProducing()

    # -- the clients: outgoing ----------------------------------------------------------------

    def attach_consumer(self, consumer, *, encode: Callable[[bytes], bytes] | None = None,
                        on_drained: Callable[[], None] | None = None) -> None:
        """Send the queued bytes to ``consumer`` (through ``encode``), as fast as it takes
        them; ``on_drained()`` once the owner finished and everything went.  The client
        registers the transfer as a streaming producer with the consumer's transport."""
        self._consumer = consumer
        self._encode = encode
        self._on_drained = on_drained
        self._consumer_paused = False
        self._pump()

    def detach_consumer(self) -> None:
        self._consumer = None

    def _pump(self) -> None:
        if self._pumping:  # a consumer write resumed us: one more round, not a recursion
            self._pump_again = True
            return
        self._pumping = True
        try:
            while True:
                self._pump_again = False
                self._pump_once()
                if not self._pump_again:
                    break
        finally:
            self._pumping = False

    def _pump_once(self) -> None:
        consumer = self._consumer
        if consumer is None or self.closed:
            return
        while len(self._outgoing) and not self._consumer_paused:
            chunk = self._outgoing.take(SEGMENT)
            self.bytes_sent += len(chunk)
            consumer.write(self._encode(chunk) if self._encode is not None else chunk)
        if self._outgoing.writable_again():
            self.clock.callLater(0, self._emit, Writable())
        if self._writing_finished and not len(self._outgoing) and not self._drained:
            self._drained = True
            if self._on_drained is not None:
                self.clock.callLater(0, self._on_drained)

    # IPushProducer / IBodyProducer: the connection pausing its writer.

    def startProducing(self, consumer) -> defer.Deferred:
        """IBodyProducer (HTTP): fires once the owner finished and the body went."""
        d: defer.Deferred = defer.Deferred()
        self.attach_consumer(consumer, on_drained=lambda: d.called or d.callback(None))
        self.opened()
        return d

    def pauseProducing(self) -> None:
        self._consumer_paused = True

    def resumeProducing(self) -> None:
        self._consumer_paused = False
        self._pump()

    def stopProducing(self) -> None:
        self._consumer = None

    # -- the clients: the end -----------------------------------------------------------------

    def complete(self, reply: Reply | None) -> None:
        if self._outcome is None:
            self._outcome = Finished(reply)
            self._settle()

    def fail(self, error: AppError) -> None:
        if self._outcome is None:
            self._outcome = Failed(error)
            self._settle()

    @property
    def outcome(self) -> Finished | Failed | None:
        """How the transfer ended or will end once the reader caught up (None: running)."""
        return self._outcome

    def _settle(self) -> None:
        if self.ended or self.closed or self._outcome is None or len(self._incoming):
            return
        self.ended = True
        outcome = self._outcome
        self._emit(outcome)
        waiters, self._waiters = self._waiters, []
        for d in waiters:
            if isinstance(outcome, Failed):
                d.errback(outcome.error)
            else:
                d.callback(outcome.reply)

    def _emit(self, event) -> None:
        if not self.closed:
            self.listener(event)
