"""What the RFC 2217 server connection reports, one small immutable class per kind.

Values are already translated into atsim's vocabulary (parity ``"N"``, stop bits ``1.5``).
A request that only asks for a current value produces no event: the connection answers it
by itself.
"""

from __future__ import annotations

import dataclasses


class Event:
    """Base class of everything ``ComPortServer.next_event`` returns."""


@dataclasses.dataclass(frozen=True)
class DataReceived(Event):
    """Payload bytes from the host, with telnet escaping already removed."""

    data: bytes


@dataclasses.dataclass(frozen=True)
class OptionChanged(Event):
    """A telnet option was switched on or off.  ``local``: the server performs it (we said
    WILL); otherwise the host does (we said DO)."""

    option: int
    local: bool
    enabled: bool


@dataclasses.dataclass(frozen=True)
class CommandReceived(Event):
    """A bare telnet command (``IAC BRK``, ``IAC AYT``, ``IAC NOP`` ...)."""

    command: int


@dataclasses.dataclass(frozen=True)
class SignatureReceived(Event):
    """The host told us its name (SIGNATURE with text)."""

    text: bytes


@dataclasses.dataclass(frozen=True)
class BaudrateSet(Event):
    baudrate: int


@dataclasses.dataclass(frozen=True)
class DataSizeSet(Event):
    bytesize: int


@dataclasses.dataclass(frozen=True)
class ParitySet(Event):
    parity: str  # "N", "O", "E", "M", "S"


@dataclasses.dataclass(frozen=True)
class StopSizeSet(Event):
    stopbits: float  # 1, 1.5, 2


@dataclasses.dataclass(frozen=True)
class FlowControlSet(Event):
    """``direction``: ``"outbound"`` (also "both" in RFC 2217) or ``"inbound"``;
    ``mode``: ``"none"``, ``"xonxoff"``, ``"hardware"``, ``"dcd"``, ``"dtr"``, ``"dsr"``."""

    direction: str
    mode: str


@dataclasses.dataclass(frozen=True)
class BreakSet(Event):
    on: bool


@dataclasses.dataclass(frozen=True)
class DtrSet(Event):
    on: bool


@dataclasses.dataclass(frozen=True)
class RtsSet(Event):
    on: bool


@dataclasses.dataclass(frozen=True)
class PurgeRequested(Event):
    """``to_host``: drop modem output not yet sent (RFC: purge the access server's receive
    buffer); ``to_modem``: drop host input not yet given to the modem (transmit buffer)."""

    to_host: bool
    to_modem: bool


@dataclasses.dataclass(frozen=True)
class FlowSuspended(Event):
    """The host asked us to stop sending (FLOWCONTROL-SUSPEND); output is held."""


@dataclasses.dataclass(frozen=True)
class FlowResumed(Event):
    """FLOWCONTROL-RESUME: held output is released."""


@dataclasses.dataclass(frozen=True)
class MaskSet(Event):
    """SET-LINESTATE-MASK (``which="linestate"``) or SET-MODEMSTATE-MASK (``"modemstate"``)."""

    which: str
    mask: int


@dataclasses.dataclass(frozen=True)
class Ignored(Event):
    """Input that was not understood or not valid, skipped without an answer.  ``raw`` is the
    offending sequence (or its start) for the log."""

    reason: str
    raw: bytes
