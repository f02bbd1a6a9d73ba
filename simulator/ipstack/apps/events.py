"""What a transfer or a session tells its owner: small immutable events, handed to the
owner's ``listener(event)`` callable.  A dialect matches on the class and turns the event
into its own output (``CONNECT``, ``Ok_Info_DataBegin``, ``+WIPFILE: 5,...``, an ETX ...).

Events are delivered from the reactor, never from inside a call the owner made (``read``,
``write``, ``finish``): an owner may call back into the transfer from any event.
"""

from __future__ import annotations

import dataclasses

from simulator.ipstack.apps.errors import AppError, Reply


@dataclasses.dataclass(frozen=True)
class Opened:
    """The server is ready for the data: FTP 150/125 for RETR or STOR, SMTP 354 after DATA,
    POP3 +OK to RETR, HTTP the request going out (a body may be written, or the response
    will follow)."""


@dataclasses.dataclass(frozen=True)
class ResponseReceived:
    """HTTP: the status line and headers; the body follows as ``DataAvailable``."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class DataAvailable:
    """Bytes arrived: ``size`` is every byte now readable (``transfer.read``)."""

    size: int


@dataclasses.dataclass(frozen=True)
class Writable:
    """A ``write`` took less than it was offered earlier; there is room again."""


@dataclasses.dataclass(frozen=True)
class Finished:
    """The transfer is complete and every received byte has been read.  ``reply`` is the
    server's final answer (FTP 226, SMTP 250, HTTP status line, POP3 +OK)."""

    reply: Reply | None


@dataclasses.dataclass(frozen=True)
class Failed:
    """The transfer failed; bytes received before the failure were all read first."""

    error: AppError


@dataclasses.dataclass(frozen=True)
class Closed:
    """A session is over: ``error`` is None after the owner's ``close`` (QUIT answered),
    else why the server or the network ended it."""

    error: AppError | None


Event = Opened | ResponseReceived | DataAvailable | Writable | Finished | Failed | Closed
