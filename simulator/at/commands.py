"""What a command handler sees and may answer: the public API between the V.250 engine and the
modem services and vendor dialects.

A handler is a callable ``handler(call) -> outcome``:

* it writes information text with ``call.info(line)``;
* it returns ``None`` for ``OK``, a :class:`ResultCode` for another final result (``BUSY``,
  ``NO CARRIER`` ...), a :class:`ResultLine` for a final result of the dialect's own, a
  :class:`Connect` to hand the channel to a data sink, a :class:`Prompt` to collect text up
  to Ctrl-Z, a :class:`TakeOver` to give the channel to another protocol,
  or a ``Deferred`` firing with any of these;
* it raises :class:`AtError` (plain ``ERROR``), :class:`CmeError` (``+CME ERROR: <n>``,
  subject to ``+CMEE``), :class:`CmsError` or a dialect's :class:`DialectError` when the
  command fails; a Deferred may fail with them too.  How each is shown on a channel is
  ``simulator.at.results.error_text``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Protocol


class Form(enum.Enum):
    """The four forms of a command (V.250 §5.3 and §5.4)."""

    EXEC = "exec"  # AT+CGMI, ATE1, ATD123
    SET = "set"  # AT+CMEE=1
    READ = "read"  # AT+CMEE?
    TEST = "test"  # AT+CMEE=?


@dataclasses.dataclass(frozen=True)
class Param:
    """One parameter of an extended command as typed: its text and whether it was quoted.

    Quoted text is kept exactly (case and spaces); unquoted text is upper-cased with spaces
    removed, as V.250 §5.1 treats everything outside quotes."""

    text: str
    quoted: bool = False
    #: The text with the case the host typed (unquoted text is upper-cased in ``text``),
    #: for values where case matters (an e-mail address typed without quotes).
    typed: str | None = dataclasses.field(default=None, compare=False)

    @property
    def as_typed(self) -> str:
        return self.text if self.typed is None else self.typed


@dataclasses.dataclass(frozen=True)
class Command:
    """One command of a command line.

    ``name`` is upper case with its prefix: ``"+CGMI"``, ``"#CONNECTIONSTART"``, ``"E"``,
    ``"&D"``, ``"S"`` (S-registers, with ``register``), ``"D"`` (with ``dial``).
    Basic commands carry their number in ``value`` (``ATE1`` -> 1, ``ATE`` -> None).
    Extended set commands carry ``params``; an empty parameter (``AT+X=1,,3``) is ``None``.
    """

    name: str
    form: Form = Form.EXEC
    params: tuple[Param | None, ...] = ()
    value: int | None = None
    register: int | None = None
    dial: str = ""


class ResultCode(enum.Enum):
    """Final result codes with their numeric (ATV0) values, V.250 §5.7.1 table 1."""

    OK = (0, "OK")
    CONNECT = (1, "CONNECT")
    RING = (2, "RING")
    NO_CARRIER = (3, "NO CARRIER")
    ERROR = (4, "ERROR")
    NO_DIALTONE = (6, "NO DIALTONE")
    BUSY = (7, "BUSY")
    NO_ANSWER = (8, "NO ANSWER")

    def __init__(self, number: int, verbose: str) -> None:
        self.number = number
        self.verbose = verbose


class AtError(Exception):
    """The command fails with the plain ``ERROR`` result code (syntax errors, unknown
    commands, anything a modem does not report through +CME)."""


class CmeError(AtError):
    """The command fails with ``+CME ERROR: <code>`` (``+CMEE=1``), the verbose text
    (``+CMEE=2``) or plain ``ERROR`` (``+CMEE=0``).  Codes are 27.007 §9.2 unless a dialect's
    error table says otherwise."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = int(code)


class CmsError(AtError):
    """``+CMS ERROR: <code>`` (27.005 §3.2.5), for the message service."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = int(code)


@dataclasses.dataclass(frozen=True)
class ErrorFamily:
    """How one family of numbered errors is shown: the prefix of its line and the verbose
    texts ``+CMEE=2`` shows instead of the numbers (a code without a text shows its number).
    """

    prefix: str
    texts: Mapping[int, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    #: ``+CMEE=0`` turns the line into plain ``ERROR`` (as it does ``+CME ERROR``); False for a
    #: family the modem shows whatever ``+CMEE`` says.
    follows_cmee: bool = True


class DialectError(AtError):
    """A failure in a dialect's own error family (a prefix other than ``+CME ERROR: `` and a
    table of its own), declared by a subclass::

        class AtSharpError(DialectError):
            family = ErrorFamily("#CME ERROR: ", EDSOFT_TEXTS)
    """

    family: ClassVar[ErrorFamily]

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = int(code)


class DataLink(Protocol):
    """What the engine gives a data sink: the way back to the host."""

    def write(self, data: bytes) -> None:
        """Send bytes to the host (held while the channel is in online command state)."""

    def end(self, result: ResultCode | str | bytes | None = ResultCode.NO_CARRIER) -> None:
        """The sink is finished (peer closed, call cleared): leave data mode and show
        ``result`` (``None``: no result code, e.g. when a dialect prints its own; ``bytes``:
        a dialect's own lines, framed already)."""


class DataSink(Protocol):
    """Something that takes over a channel in data mode: a CSD call, a socket, PPP, ..."""

    def attach(self, link: DataLink) -> None:
        """Data mode starts; keep ``link`` to send to the host and to end."""

    def data_received(self, data: bytes) -> None:
        """Bytes from the host (after escape detection)."""

    def escaped(self) -> bool:
        """The host left data mode (``+++`` or DTR with ``&D1``).  Return True to stay
        connected in online command state (``ATO`` resumes), False to be released."""

    def resumed(self) -> None:
        """``ATO``: data mode again."""

    def hangup(self) -> None:
        """``ATH``, DTR drop with ``&D2``, or the host closed the port: clear down."""


@dataclasses.dataclass(frozen=True)
class ResultLine:
    """A result code of a dialect's own, with its number: ``verbose`` under ATV1,
    ``number`` under ATV0, nothing under ATQ1 (eDsoft's ``Ok_Info_Ppp``, 3077).  Returned
    by a handler it is the command's final result instead of ``OK``; a command that prints
    progress before its end writes one with ``results.result_line``."""

    verbose: str
    number: int


@dataclasses.dataclass
class Connect:
    """Outcome: show ``CONNECT[ <text>]`` and hand the channel to ``sink``.  ``shown``
    replaces the CONNECT line with a dialect's own announcement, framed already (eDsoft's
    ``Ok_Info_WaitingForData``)."""

    sink: DataSink
    text: str = ""
    shown: bytes | None = None


@dataclasses.dataclass
class Prompt:
    """Outcome: show ``prompt`` and collect what the host types up to Ctrl-Z (submit) or ESC
    (cancel).  ``on_submit(text) -> outcome`` gives the final result; a cancel answers
    ``on_cancel()`` (default ``OK``)."""

    on_submit: Callable[[bytes], Any]
    prompt: bytes = b"> "
    on_cancel: Callable[[], Any] | None = None
    #: What collects the input: ``TextCollector`` (text, S5 edits, ESC cancels) by default;
    #: ``DataCollector`` for a payload (``simulator.at.assembler``).
    collector: Callable[[], Any] | None = None
    #: Seconds after the prompt at which what was typed is submitted as it is (None: never).
    timeout: float | None = None
    #: Show the prompt again after every CR typed into the text (27.005 text mode).
    prompt_after_cr: bool = False


@dataclasses.dataclass
class TakeOver:
    """Outcome: show ``OK``, then give the whole channel to another device (the CMUX
    multiplexer) built by ``make_device(give_back)``.  The device calls ``give_back()`` when
    it is done (CLD, DISC of DLC 0 ...); the channel then returns to AT command mode with a
    fresh line assembler.  Bytes that followed the command line go to the new device."""

    make_device: Callable[[Callable[[], None]], Any]


class Call(Protocol):
    """What a handler receives (implemented by the interpreter)."""

    command: Command
    session: Any  # simulator.at.session.Session: this channel's settings
    modem: Any  # the modem the channel belongs to

    def info(self, line: str) -> None:
        """Emit one line of information text."""

    def raw(self, data: bytes) -> None:
        """Emit bytes exactly (no CR LF framing)."""


Handler = Callable[[Call], Any]


@dataclasses.dataclass(slots=True)
class Entry:
    """The handlers of one command name, by form.  A missing form answers as the modem
    answers an unsupported form (the dialect's ``unsupported_form`` error)."""

    exec: Handler | None = None
    set: Handler | None = None
    read: Handler | None = None
    test: Handler | None = None

    def handler(self, form: Form) -> Handler | None:
        return getattr(self, form._value_)  # not ``value``: a property, on every command


class CommandTable:
    """Command names to handlers.  Later registrations override earlier ones form by form, so
    a dialect registered after the generic services replaces only what differs."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._fallbacks: dict[str, Entry] = {}

    def add(
        self,
        name: str,
        *,
        exec: Handler | None = None,
        set: Handler | None = None,
        read: Handler | None = None,
        test: Handler | None = None,
    ) -> None:
        # Every modem registers some seventy commands at start-up: no loop over the forms.
        key = name.upper()
        entry = self._entries.get(key)
        if entry is None:
            self._entries[key] = Entry(exec, set, read, test)
            return
        if exec is not None:
            entry.exec = exec
        if set is not None:
            entry.set = set
        if read is not None:
            entry.read = read
        if test is not None:
            entry.test = test

    def add_fallback(self, prefix: str, entry: Entry) -> None:
        """Handlers for every command beginning with ``prefix`` that has no entry of its own:
        an embedded application that reads all of its prefix's commands itself and answers
        an unknown one with its own error."""
        self._fallbacks[prefix.upper()] = entry

    def remove(self, name: str) -> None:
        self._entries.pop(name.upper(), None)

    def get(self, name: str) -> Entry | None:
        entry = self._entries.get(name)
        if entry is None:
            for prefix, fallback in self._fallbacks.items():
                if name.startswith(prefix):
                    return fallback
        return entry

    def names(self) -> list[str]:
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries
