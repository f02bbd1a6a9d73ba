"""What the FTP, mail and ping commands share: a command that holds the stack while it runs
(002 §1.6, E32), needs the link (E31), ends when the link goes, and shows a failure as
``#CME ERROR: <code>``.

    class AtSharpFtp(ServiceCommands):
        resource = Resource.FTP

        def commands(self):      # the service's JobCommands, registered by ``register``
            return (FtpGet(self.context, self), FtpPut(self.context, self))

    job = self.begin()          # 35867 without a link, 37122 while the stack is busy
    ...                         # job.bearer, job.endpoints, job.read(parameter)
    job.end()                   # the stack is free again

While a job runs, the link going down calls ``job.lost(code)``: the command's own ending
(an ETX and the error in data mode, the error as the final result otherwise).
An error that ends data mode is shown as the sockets show theirs
(``datamode.error_result``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet import defer

from simulator.dialects.atsharp.command import AtSharpCommand, AtSharpContext, CommandGroup
from simulator.dialects.atsharp.dns import endpoints
from simulator.dialects.atsharp.link import NO_LINK, Resource
from simulator.ipstack.apps import (
    AppError,
    AppFailure,
    DataAvailable,
    Failed,
    Finished,
    Opened,
    Writable,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable


class Job:
    def __init__(self, owner: ServiceCommands) -> None:
        context = owner.context
        self.owner = owner
        self.bearer = context.link.require()
        self._claim = context.resources.claim(owner.resource)
        self.read: Callable[[str], Any] = context.flash.get
        self.endpoints = endpoints(self.bearer, self.read, context.tables.dns_parameters)
        self.ended = False
        #: The code of the link's loss, once it went while the job ran.
        self.lost_code: int | None = None
        #: What the command does when the link goes (``on_lost(code)``).
        self.on_lost: Callable[[int], None] | None = None

    def activity(self) -> None:
        """Data moved on the link (PHYTIMEOUT counts from the last)."""
        self.owner.context.link.activity()

    def end(self) -> None:
        if self.ended:
            return
        self.ended = True
        self._claim.release()
        if self.owner.job is self:
            self.owner.job = None

    def lost(self, code: int) -> None:
        self.lost_code = code
        if not self.ended and self.on_lost is not None:
            self.on_lost(code)
        self.end()


class ServiceCommands(CommandGroup):
    """One service (FTP, mail, ping) and its commands: at most one job of ``resource`` at a
    time."""

    resource: Resource

    def __init__(self, context: AtSharpContext) -> None:
        super().__init__(context)
        self.job: Job | None = None
        context.link.on_down(self._link_down)

    def begin(self) -> Job:
        job = Job(self)
        self.job = job
        return job

    def _link_down(self, code: int | None) -> None:
        if self.job is not None:
            self.job.lost(code if code is not None else NO_LINK)


class JobCommand(AtSharpCommand):
    """A command of one service: ``AT#<C>`` alone, the other forms refused (E7); it runs
    ``run`` as a job of the service."""

    service: ServiceCommands

    def exec(self, call) -> defer.Deferred:
        job = self.service.begin()
        return defer.Deferred.fromCoroutine(self.run(job, call))

    def run(self, job: Job, call) -> Awaitable[Any]:
        raise NotImplementedError


class TransferSink:
    """The port in data mode on one transfer (a file, a mail): ``start`` waits until the
    server accepted it (the command's error otherwise, before any data mode); its end is
    kept until the port is attached.  A subclass moves the bytes (``_deliver``, ``_push``),
    ends (``_finish``) and gives up (``escaped``)."""

    def __init__(self) -> None:
        self.transfer: Any = None
        self.link: Any = None
        self._opened: defer.Deferred | None = None
        self._outcome: Finished | Failed | None = None

    def start(self, transfer) -> defer.Deferred:
        """Fires once the server accepted the transfer; fails with its ``AppError``."""
        self.transfer = transfer
        self._opened = defer.Deferred()
        transfer.listener = self._event
        return self._opened

    def _event(self, event) -> None:
        opening = self._opened is not None and not self._opened.called
        if isinstance(event, Opened):
            if opening:
                self._opened.callback(None)
        elif isinstance(event, DataAvailable):
            self._deliver()
        elif isinstance(event, Writable):
            self._push()
        elif isinstance(event, (Finished, Failed)):
            if opening:
                self._opened.errback(event.error if isinstance(event, Failed) else AppError(
                    AppFailure.PROTOCOL_ERROR, "ended before it started"))
            elif self.link is None:
                self._outcome = event
            else:
                self._finish(event)

    def _deliver(self) -> None:
        """Bytes received for the host."""

    def _push(self) -> None:
        """Room again for the host's bytes."""

    def _finish(self, event: Finished | Failed) -> None:
        raise NotImplementedError

    # -- DataSink -------------------------------------------------------------------------

    def attach(self, link: Any) -> None:
        self.link = link
        self._deliver()
        if self._outcome is not None:
            self._finish(self._outcome)

    def escaped(self) -> bool:
        raise NotImplementedError

    def hangup(self) -> None:
        self.escaped()

    def resumed(self) -> None:
        pass
