"""The AT interpreter of one channel: the thin stateful glue between a ``Channel``, the sans-IO
pieces (line assembler, parser, escape detector, result formatting) and the modem's command
table.

Modes:

``command``   bytes are assembled into command lines; each line's commands run in order;
``executing`` a line is running (a handler returned a Deferred): input waits, in order, and
              URCs wait until the final result code;
``prompt``    a handler asked for text (``> ``) up to Ctrl-Z / ESC;
``data``      the channel belongs to a data sink; ``+++`` with guard times, DTR (``&D``) or
              the sink ending give it back.  While a sink is suspended (online command
              state) the channel is in ``command`` mode and ``ATO`` resumes the sink.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from simulator.at import results
from simulator.at.assembler import CommandLine, LineAssembler, TextCollector
from simulator.at.commands import (
    AtError,
    CmeError,
    Command,
    Connect,
    DataSink,
    Prompt,
    ResultCode,
    ResultLine,
    TakeOver,
)
from simulator.at.escape import EscapeDetector
from simulator.at.params import Params
from simulator.at.parser import parse_line
from simulator.at.session import Profile, Session
from simulator.line import HostSignals
from simulator.logs import Logger, debugging

if TYPE_CHECKING:
    from simulator.line import Channel
    from simulator.modem.modem import Modem

log = Logger(namespace="atsim.at")

#: URCs kept while they cannot be shown (data mode, a long command).  A real module's URC
#: buffer is small; beyond this the oldest are dropped (and counted) rather than growing.
URC_QUEUE_LIMIT = 256

#: Sink output kept while the channel is in online command state, until ATO.
SUSPENDED_OUTPUT_LIMIT = 1024 * 1024

#: V.250 §5.6.1: a command that takes time may be aborted by any character from the DTE
#: where its description says so, and §6.3.1 (D) and §6.3.5 (A) do.  Characters in the
#: first 125 ms after the line's S3 do not abort (the DTE may append a LF).
ABORTABLE = frozenset(("D", "A"))
ABORT_GUARD = 0.125

#: Host bytes waiting behind a running command, as in a UART's receive FIFO with flow
#: control: past INPUT_HOLD the port stops reading from the host (and CTS drops), below
#: INPUT_RESUME it reads again.  A port that cannot stop its host keeps at most INPUT_LIMIT
#: bytes; the rest is lost and counted (``input_overrun``), as on an overrun UART.
INPUT_HOLD = 4096
INPUT_RESUME = 1024
INPUT_LIMIT = 256 * 1024
#: Command lines run in one reactor turn before the rest waits for the next
#: (``callLater(0)``): a host with a long backlog cannot hold the reactor from other modems.
LINES_PER_TURN = 64


class Mode(enum.Enum):
    COMMAND = "command"
    EXECUTING = "executing"
    PROMPT = "prompt"
    DATA = "data"
    TAKEN_OVER = "taken over"  # another protocol (CMUX) owns the channel


# Read on every command line, so read as module globals: on CPython 3.11 an Enum member
# read through its class goes through ``EnumType.__getattr__``'s slot hook, about 0.17 µs
# each, which was a fifth of atsim's own time per command.
_COMMAND, _EXECUTING, _PROMPT, _DATA, _TAKEN_OVER = (
    Mode.COMMAND, Mode.EXECUTING, Mode.PROMPT, Mode.DATA, Mode.TAKEN_OVER)
_OK, _ERROR = ResultCode.OK, ResultCode.ERROR


class _Running:
    """The command line being executed, and what it waits for."""

    __slots__ = ("waiting", "command", "since", "abandoned")

    def __init__(self) -> None:
        self.waiting: Deferred | None = None  # the Deferred a handler returned
        self.command = ""  # the name of the command that returned it
        self.since = 0.0  # when it did
        #: Aborted, or its host left: whatever it still gives is dropped.
        self.abandoned = False


class _Call:
    """What a handler sees (see ``simulator.at.commands.Call``)."""

    __slots__ = ("command", "session", "modem", "interpreter", "line", "_info")

    def __init__(self, interpreter: Interpreter, command: Command) -> None:
        self.command = command
        self.interpreter = interpreter
        self.session = interpreter.session
        self.modem = interpreter.modem
        self.line = interpreter._running
        self._info: list[str] = []

    @property
    def params(self) -> Params:
        code = self.session.traits.bad_parameter
        return Params(self.command.params, lambda: CmeError(code))

    def info(self, line: str) -> None:
        self._info.append(line)

    def raw(self, data: bytes) -> None:
        self.flush()
        self.interpreter.write(data)

    def flush(self) -> None:
        data = self.take_information()
        if data:
            self.interpreter.write(data)

    def take_information(self) -> bytes:
        """The information text written so far, framed, and no longer kept here (empty if
        the host that typed the line is gone)."""
        lines, self._info = self._info, []
        if not lines or (self.line is not None and self.line.abandoned):
            return b""
        return results.information(lines, self.session.profile)


class _Link:
    """The data sink's way back to the host (``simulator.at.commands.DataLink``)."""

    def __init__(self, interpreter: Interpreter, sink: DataSink) -> None:
        self._interpreter = interpreter
        self._sink = sink

    @property
    def current(self) -> bool:
        return self._interpreter._sink is self._sink

    def write(self, data: bytes) -> None:
        interpreter = self._interpreter
        if interpreter._sink is self._sink:
            if interpreter.mode is _DATA:
                # ``Interpreter.write`` in data mode: output hooks apply to command mode only.
                interpreter.channel.write(data)
            else:
                interpreter._sink_output(data)

    def end(self, result: ResultCode | str | bytes | None = ResultCode.NO_CARRIER) -> None:
        if self.current:
            self._interpreter._sink_ended(result)


class Interpreter:
    """Implements ``simulator.line.Device`` for one AT channel of a modem."""

    def __init__(self, modem: Modem, channel: Channel, port: str) -> None:
        self.modem = modem
        self.channel = channel
        self.port = port
        traits = modem.traits
        self.session = Session(traits, self._power_on_profile())
        self.session.vars["port"] = port
        self.mode = _COMMAND
        self._assembler = LineAssembler(traits.max_line)
        self._pending = bytearray()  # host bytes not yet consumed
        self._running: _Running | None = None
        self._next_turn = None  # the callLater that goes on with a long backlog
        self._holding = False  # the host is held (and CTS off) for a full input FIFO
        #: Host bytes lost because the port could not stop its host in time.
        self.input_overrun = 0
        self._urcs: list[bytes] = []
        self.urcs_dropped = 0
        #: Whether unsolicited result codes are shown on this channel (CMUX routing may
        #: keep them to some DLCs).
        self.receives_urcs = True
        self._last_line: str | None = None
        self._prompt: tuple[Prompt, Any, _Call, list[Command], int] | None = None
        self._prompt_timer = None
        # Data mode
        self._sink: DataSink | None = None
        self._escape: EscapeDetector | None = None
        self._escape_timer: Any = None
        self._suspended_output = bytearray()
        self._pumping = False
        #: Bytes a service listens for between command lines -> what it does with them.
        self._idle_bytes: dict[int, Callable[[], ResultCode | None]] = {}
        self._update_dcd()

    def __repr__(self) -> str:
        return f"<Interpreter {self.modem.name} {self.port} {self.mode.value}>"

    @property
    def clock(self):
        return self.modem.clock

    @property
    def profile(self) -> Profile:
        return self.session.profile

    @property
    def online(self) -> bool:
        """A data sink is attached (in data mode or suspended in online command state)."""
        return self._sink is not None

    # -- profiles -----------------------------------------------------------------------------

    def _power_on_profile(self) -> Profile:
        index = self.modem.store.get("power_on_profile", 0)
        return self.stored_profile(index) or self.modem.traits.factory_profile.copy()

    def stored_profile(self, index: int) -> Profile | None:
        stored = (self.modem.store.get("profiles") or {}).get(str(index))
        if not isinstance(stored, dict):
            return None
        return Profile.from_json(stored, self.modem.traits.factory_profile)

    def store_profile(self, index: int) -> None:
        profiles = dict(self.modem.store.get("profiles") or {})
        profiles[str(index)] = self.profile.to_json()
        self.modem.store.put("profiles", profiles)

    def set_profile(self, profile: Profile) -> None:
        self.session.profile = profile
        self._update_dcd()

    # -- output ---------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if self.modem.output_hooks and self.mode is not _DATA:
            for hook in self.modem.output_hooks:
                data = hook(self, data)
        self.channel.write(data)

    def urc(self, lines: str | list[str] | tuple[str, ...] | bytes | None) -> None:
        """Show an unsolicited result code now, or when the channel can show it.  Bytes are
        shown exactly as given (received data a dialect outputs without framing)."""
        if not lines or not self.receives_urcs or self.mode is _TAKEN_OVER:
            # Taken over, the port's URCs go to the multiplexer's own channels.
            return
        if isinstance(lines, bytes):
            data = lines
        else:
            if isinstance(lines, str):
                lines = [lines]
            data = results.unsolicited(list(lines), self.profile)
        if debugging():
            log.debug("{modem} {port} URC {lines!r}", modem=self.modem.name, port=self.port,
                      lines=lines)
        if self.modem.observers or self.modem.meters:
            shown = [lines.decode("latin-1")] if isinstance(lines, bytes) else list(lines)
            self.modem.notify("urc", self.port, lines=shown)
        if self.mode is _COMMAND:
            self.write(data)
            return
        if len(self._urcs) >= URC_QUEUE_LIMIT:
            del self._urcs[0]
            self.urcs_dropped += 1
        self._urcs.append(data)

    def _flush_urcs(self) -> None:
        while self._urcs and self.mode is _COMMAND:
            self.write(self._urcs.pop(0))

    # -- Device: host side events ---------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        mode = self.mode
        if mode is _DATA:
            self._data_from_host(data)
            return
        if mode is _EXECUTING and self._abortable():
            data = data[1:]  # the aborting character is consumed
            self._abort(quietly=False)
        room = INPUT_LIMIT - len(self._pending)
        if len(data) > room:
            self.input_overrun += len(data) - max(room, 0)
            data = data[:max(room, 0)]
        self._pending += data
        self._pump()
        if self._pumping or self._next_turn is not None:
            self._update_input_hold()  # the pump did not run to its end

    def host_opened(self) -> None:
        log.debug("{modem} {port} host opened the port", modem=self.modem.name, port=self.port)

    def host_closed(self) -> None:
        """Closing a serial port drops DTR (HUPCL): a call is cleared, a half-typed line and
        an open prompt are forgotten.  The host takes what it typed with it: a dial or an
        answer in progress is cancelled, lines still waiting are discarded, and the answer
        of a command that runs on is not shown to the next host."""
        running = self._running
        if self.mode is _EXECUTING and running is not None and not running.abandoned:
            if self._abortable(guard=0.0):
                self._abort(quietly=True)
            else:
                running.abandoned = True
        self._pending.clear()
        self._update_input_hold()
        if self.online:
            self._hangup(result=None)
        self._assembler.reset()
        if self.mode is _PROMPT:
            self._cancel_prompt_timer()
            self._prompt = None
            self.mode = _COMMAND
            self._flush_urcs()

    def host_signals_changed(self, old: HostSignals, new: HostSignals) -> None:
        if old.dtr and not new.dtr:
            self._dtr_dropped()

    def _dtr_dropped(self) -> None:
        mode = self.profile.dtr_mode
        if mode == 2 and self.mode is _EXECUTING and self._abortable(guard=0.0):
            # &D2: "orderly cleardown of the call" (V.250 §6.2.9), a call still being set
            # up included.  What the DTE typed behind the dial goes with it (an RFC 2217
            # or serial host that leaves drops DTR first).
            self._pending.clear()
            self._update_input_hold()
            self._abort(quietly=False)
            return
        if mode == 0 or not self.online:
            return
        log.info("{modem} {port} DTR dropped (&D{mode})", modem=self.modem.name,
                 port=self.port, mode=mode)
        if mode == 1:
            if self.mode is _DATA:
                self._escape_to_command()
        else:
            self._hangup(result=ResultCode.NO_CARRIER)

    # -- aborting a command, holding input -------------------------------------------------------

    def _abortable(self, guard: float = ABORT_GUARD) -> bool:
        """A D or A waits, and the 125 ms after its line ended are over."""
        running = self._running
        return (running is not None and running.waiting is not None
                and running.command in ABORTABLE and not running.abandoned
                and self.clock.seconds() - running.since >= guard)

    def _abort(self, *, quietly: bool) -> None:
        """Cancel the dial (or answer) in progress: the network lets go of the call, and
        whatever the handler still gives is dropped (a call it connected is hung up).  The
        DTE sees NO CARRIER (V.250 §6.3.1: the connection cannot be established), unless it
        left."""
        running = self._running
        assert running is not None and running.waiting is not None
        waiting, running.waiting = running.waiting, None
        running.abandoned = True
        self._running = None
        log.info("{modem} {port} AT{name} aborted ({why})", modem=self.modem.name,
                 port=self.port, name=running.command,
                 why="the host left" if quietly else "a character from the host")
        waiting.cancel()
        if quietly:
            self.mode = _COMMAND
            self._flush_urcs()
        else:
            self._final(ResultCode.NO_CARRIER)

    def _stale_outcome(self, line: _Running, outcome: Any) -> None:
        """What an abandoned line's command gave in the end: nobody is waiting for it."""
        if isinstance(outcome, Connect):
            try:
                outcome.sink.hangup()
            except Exception:
                log.failure("{modem} {port} hanging up an abandoned call failed",
                            modem=self.modem.name, port=self.port)
        if self._running is line:  # its host left while it ran: the port is free now
            self._running = None
            if self.mode is _EXECUTING:
                self.mode = _COMMAND
                self._flush_urcs()
                if self._pending:
                    self._pump()

    def _update_input_hold(self) -> None:
        """Stop the host past INPUT_HOLD waiting bytes, let it go on below INPUT_RESUME."""
        size = len(self._pending)
        holding = size > INPUT_RESUME if self._holding else size >= INPUT_HOLD
        if holding != self._holding:
            self._holding = holding
            # Stop reading before CTS drops, raise CTS before reading again: on a CMUX DLC
            # both go into one MSC each way.
            if holding:
                self.channel.hold_input(True)
                self.channel.set_modem_signals(cts=False)
            else:
                self.channel.set_modem_signals(cts=True)
                self.channel.hold_input(False)

    def _next_turn_due(self) -> None:
        self._next_turn = None
        self._pump()
        self._update_input_hold()

    # -- command mode ---------------------------------------------------------------------------

    def _pump(self) -> None:
        """Consume pending input while the channel can take it, LINES_PER_TURN lines at most
        in one reactor turn."""
        if self._pumping or self._next_turn is not None:
            return
        self._pumping = True
        lines = 0
        pending = self._pending  # the one bytearray of the channel's life
        feed = self._assembler.feed
        try:
            while pending:
                mode = self.mode
                if mode is not _COMMAND and mode is not _PROMPT:
                    break
                if lines >= LINES_PER_TURN:
                    self._next_turn = self.clock.callLater(0, self._next_turn_due)
                    break
                if mode is _PROMPT:
                    self._pump_prompt()
                    continue
                if self._idle_bytes and self._take_idle_byte():
                    continue
                profile = self.session.profile
                regs = profile.sregs
                used, echo, event = feed(bytes(pending), regs[3], regs[5])
                del pending[:used]
                if echo and profile.echo:
                    self.write(echo)
                if event is None:
                    continue
                lines += 1
                if type(event) is CommandLine:
                    if event.too_long:
                        self._final(_ERROR)
                        continue
                    self._last_line = event.text
                    self._run_line(event.text)
                elif self._last_line is not None:
                    self._run_line(self._last_line)
                else:
                    self._final(_OK)
        finally:
            self._pumping = False
            if self._holding or len(pending) >= INPUT_HOLD:
                self._update_input_hold()

    def on_idle_byte(self, byte: int, action: Callable[[], ResultCode | None] | None) -> None:
        """Call ``action()`` when the host types ``byte`` between command lines, where the
        engine would ignore it (eDsoft's ETX that aborts a listen, 002 §5.2.1); the result
        code it returns, if any, is shown.  ``None`` stops listening."""
        if action is None:
            self._idle_bytes.pop(byte, None)
        else:
            self._idle_bytes[byte] = action

    def _take_idle_byte(self) -> bool:
        """A byte a service listens for comes before the next line: consume up to it (the
        assembler would skip those bytes) and act."""
        if self._assembler.in_line:
            return False
        pending = self._pending
        line_start = min((i for i in (pending.find(b"A"), pending.find(b"a")) if i >= 0),
                         default=len(pending))
        hits = [i for i in (pending.find(bytes([b]), 0, line_start) for b in self._idle_bytes)
                if i >= 0]
        if not hits:
            return False
        hit = min(hits)
        action = self._idle_bytes[pending[hit]]
        del pending[:hit + 1]
        result = action()
        if result is not None:
            self._final(result)
        return True

    def _run_line(self, text: str) -> None:
        if debugging():
            log.debug("{modem} {port} <- AT{text}", modem=self.modem.name, port=self.port,
                      text=text)
        modem = self.modem
        for meter in modem.meters:
            meter.line(modem, self.port, text)
        if modem.observers:
            modem.notify("command", self.port, line=f"AT{text}")
        if self.modem.line_hooks:
            for hook in self.modem.line_hooks:
                if hook(self, f"AT{text}"):
                    return  # the hook answers the line (``answer_line``, ``run_line``)
        self.run_line(text)

    def run_line(self, text: str) -> None:
        """Run a command line (without ``AT``) as if the host had just sent it."""
        try:
            commands = parse_line(text, self.session.traits.extended_prefixes)
        except AtError:
            self._final(_ERROR)
            return
        self.mode = _EXECUTING
        self._running = _Running()
        self._run_commands(commands, 0)

    def _run_commands(self, commands: list[Command], index: int) -> None:
        count = len(commands)
        while index < count:
            command = commands[index]
            call = _Call(self, command)
            try:
                outcome = self._dispatch(call)
            except AtError as error:
                call.flush()
                self._fail(error)
                return
            except Exception:
                call.flush()
                log.failure("{modem} {port} AT{name} failed", modem=self.modem.name,
                            port=self.port, name=command.name)
                self._final(_ERROR)
                return
            index += 1
            if outcome is None:  # most handlers: OK, go on (``_handle_outcome`` in short)
                if call._info:
                    if index == count:
                        # The line's last command: its text and the OK in one write.
                        self._finish_line(results.result(_OK, self.profile),
                                          information=call.take_information())
                        return
                    call.flush()
                continue
            # Deferred is generic, so its isinstance is an ABC's: not for None above.
            if isinstance(outcome, Deferred):
                call.flush()  # what the command printed before it waits is shown now
                self._waiting_on(call, outcome)
                outcome.addCallbacks(
                    self._deferred_outcome, self._deferred_failure,
                    callbackArgs=(call, commands, index), errbackArgs=(call,),
                )
                return
            if not self._handle_outcome(call, outcome, commands, index):
                return
        self._final(_OK)

    def _waiting_on(self, call: _Call, outcome: Deferred) -> None:
        line = call.line
        if line is not None:
            line.waiting = outcome
            line.command = call.command.name
            line.since = self.clock.seconds()

    def _deferred_outcome(self, outcome: Any, call: _Call, commands, index: int) -> None:
        line = call.line
        if line is not None:
            if line.abandoned:
                self._stale_outcome(line, outcome)
                return
            line.waiting = None
        if self._handle_outcome(call, outcome, commands, index):
            self._run_commands(commands, index)

    def _deferred_failure(self, failure: Failure, call: _Call) -> None:
        line = call.line
        if line is not None:
            if line.abandoned:
                self._stale_outcome(line, None)
                return None
            line.waiting = None
        call.flush()
        if failure.check(AtError):
            self._fail(failure.value)
        else:
            log.failure("{modem} {port} AT{name} failed", failure, modem=self.modem.name,
                        port=self.port, name=call.command.name)
            self._final(_ERROR)

    def _handle_outcome(self, call: _Call, outcome: Any, commands, index: int) -> bool:
        """Show what a handler returned.  True: go on with the next command of the line."""
        call.flush()
        if outcome is None or outcome is _OK:
            return True
        if isinstance(outcome, ResultCode):
            self._final(outcome)
            return False
        if isinstance(outcome, ResultLine):
            self._finish_line(results.result_line(outcome, self.profile))
            return False
        if isinstance(outcome, Connect):
            self._enter_data_mode(outcome.sink, outcome.text, outcome.shown)
            return False
        if outcome is _RESUMED:
            return False
        if isinstance(outcome, TakeOver):
            self._take_over(outcome)
            return False
        if isinstance(outcome, Prompt):
            collector = (outcome.collector() if outcome.collector
                         else TextCollector(outcome.prompt_after_cr))
            self._prompt = (outcome, collector, call, commands, index)
            self.mode = _PROMPT
            self.write(outcome.prompt)
            if outcome.timeout is not None:
                self._prompt_timer = self.modem.clock.callLater(outcome.timeout,
                                                                self._prompt_timed_out)
            return False
        raise TypeError(f"handler returned {outcome!r}")

    def _dispatch(self, call: _Call) -> Any:
        command = call.command
        entry = self.modem.commands.get(command.name)
        if entry is None:
            # V.250 §5.6: a command the DCE does not recognise gives ERROR.
            raise AtError(command.name)
        handler = entry.handler(command.form)
        if handler is None:
            if command.name[0].isalpha() or command.name[0] in "&\\":
                raise AtError(command.name)
            raise CmeError(self.session.traits.unsupported_form)
        return handler(call)

    def _fail(self, error: AtError) -> None:
        self._finish_line(results.error_result(error, self.session), error=True)

    def _final(self, code: ResultCode, text: str = "") -> None:
        self._finish_line(results.result(code, self.profile, text),
                          error=code is _ERROR)

    def hold_line(self) -> None:
        """A line hook keeps the line waiting: input and URCs queue as while a command runs."""
        self.mode = _EXECUTING

    def answer_line(self, data: bytes, error: bool = False) -> None:
        """A line hook's own final answer to the line it holds (or took)."""
        self.mode = _EXECUTING
        self._finish_line(data, error)

    def _finish_line(self, data: bytes, error: bool = False, information: bytes = b"") -> None:
        """End the running line with the final result ``data``, after the last command's
        ``information`` text if it is given here rather than written already."""
        modem = self.modem
        if modem.final_hooks:
            for hook in modem.final_hooks:
                data = hook(self, data)
        if data and (modem.meters or modem.observers):
            self._report_result(data, error)
        self.write(information + data if information else data)
        self.mode = _COMMAND
        self._running = None
        if self._urcs:
            self._flush_urcs()
        if self._pending and not self._pumping:
            self._pump()

    # -- prompt ---------------------------------------------------------------------------------

    def _pump_prompt(self) -> None:
        assert self._prompt is not None
        prompt, collector, call, commands, index = self._prompt
        used, echo, outcome = collector.feed(bytes(self._pending), self.session.sregs[5])
        del self._pending[:used]
        if echo and self.profile.echo:
            self.write(echo)
        if outcome == "line":
            self.write(prompt.prompt)
        elif outcome is not None:
            self._end_prompt(outcome)

    def _prompt_timed_out(self) -> None:
        self._prompt_timer = None
        if self.mode is _PROMPT and self._prompt is not None:
            self._end_prompt("submit")
            if self._pending and not self._pumping:
                self._pump()

    def _cancel_prompt_timer(self) -> None:
        if self._prompt_timer is not None and self._prompt_timer.active():
            self._prompt_timer.cancel()
        self._prompt_timer = None

    def _end_prompt(self, outcome: str) -> None:
        prompt, collector, call, commands, index = self._prompt
        self._cancel_prompt_timer()
        self._prompt = None
        self.mode = _EXECUTING
        try:
            if outcome == "submit":
                result = prompt.on_submit(bytes(collector.text))
            else:
                result = prompt.on_cancel() if prompt.on_cancel else None
        except AtError as error:
            self._fail(error)
            return
        except Exception:
            log.failure("{modem} {port} prompt handler failed", modem=self.modem.name,
                        port=self.port)
            self._final(_ERROR)
            return
        if isinstance(result, Deferred):
            self._waiting_on(call, result)
            result.addCallbacks(self._deferred_outcome, self._deferred_failure,
                                callbackArgs=(call, commands, index), errbackArgs=(call,))
        elif self._handle_outcome(call, result, commands, index):
            self._run_commands(commands, index)

    # -- data mode ------------------------------------------------------------------------------

    def _enter_data_mode(self, sink: DataSink, text: str, shown: bytes | None = None) -> None:
        if shown is None:
            self._final_connect(text)
        else:
            self.write(shown)
        self._sink = sink
        self._suspended_output.clear()
        self._start_data_mode()
        log.info("{modem} {port} data mode ({sink})", modem=self.modem.name, port=self.port,
                 sink=type(sink).__name__)
        sink.attach(_Link(self, sink))

    @property
    def free_for_connect(self) -> bool:
        """Whether ``connect_unsolicited`` would enter data mode now: in command mode, not
        online, no command line half typed."""
        return self.mode is _COMMAND and not self.online and not self._assembler.in_line

    def connect_unsolicited(self, sink: DataSink, text: str = "",
                            shown: bytes | None = None) -> bool:
        """Enter data mode without a command (automatic answer after S0 rings): shows
        ``CONNECT <text>`` as if ATA had been typed, or ``shown`` (a dialect's own
        announcement, framed).  False if the channel is busy (a command running, a prompt
        open, already online)."""
        if not self.free_for_connect:
            return False
        self._enter_data_mode(sink, text, shown)
        return True

    def _final_connect(self, text: str) -> None:
        # CONNECT is a result code: shown now, but the channel goes to data mode, not idle.
        data = results.result(ResultCode.CONNECT, self.profile, text)
        self._report_result(data, error=False)
        self.write(data)

    def _report_result(self, data: bytes, error: bool) -> None:
        if not data:
            return
        modem = self.modem
        for meter in modem.meters:
            meter.result(modem, self.port, data, error)
        if modem.observers:
            modem.notify("result", self.port, text=data.decode("latin-1").strip(),
                         error=error)

    def _start_data_mode(self) -> None:
        self.mode = _DATA
        regs = self.session.sregs
        self._escape = EscapeDetector(self.clock.seconds(), regs[12] * 0.02, regs[2])
        self._update_dcd()
        # Bytes that followed the command line in the same write are data already.
        if self._pending:
            data = bytes(self._pending)
            self._pending.clear()
            self._update_input_hold()
            self._data_from_host(data)

    def _data_from_host(self, data: bytes) -> None:
        assert self._escape is not None and self._sink is not None
        passed = self._escape.feed(data, self.clock.seconds())
        if passed:
            self._sink.data_received(passed)
        self._arm_escape_timer()

    def _arm_escape_timer(self) -> None:
        if self._escape_timer is not None and self._escape_timer.active():
            self._escape_timer.cancel()
        self._escape_timer = None
        deadline = self._escape.deadline() if self._escape else None
        if deadline is not None:
            delay = max(0.0, deadline - self.clock.seconds())
            self._escape_timer = self.clock.callLater(delay, self._escape_expired)

    def _escape_expired(self) -> None:
        self._escape_timer = None
        if self.mode is not _DATA or self._escape is None:
            return
        escaped, released = self._escape.expire(self.clock.seconds())
        if released and self._sink is not None:
            self._sink.data_received(released)
        if escaped:
            self._escape_to_command()
        else:
            self._arm_escape_timer()

    def _escape_to_command(self) -> None:
        """``+++`` or DTR with &D1: online command state, or release the sink."""
        sink = self._sink
        assert sink is not None
        self._cancel_escape_timer()
        stays = sink.escaped()
        if not stays:
            self._sink = None
        log.info("{modem} {port} escaped from data mode", modem=self.modem.name,
                 port=self.port)
        self._update_dcd()
        self._final(_OK)

    def _sink_output(self, data: bytes) -> None:
        if self.mode is _DATA:
            self.write(data)
        elif len(self._suspended_output) + len(data) <= SUSPENDED_OUTPUT_LIMIT:
            self._suspended_output += data

    def _sink_ended(self, result: ResultCode | str | bytes | None) -> None:
        was_data = self.mode is _DATA
        self._sink = None
        self._cancel_escape_timer()
        self._suspended_output.clear()
        self._update_dcd()
        log.info("{modem} {port} data connection ended", modem=self.modem.name,
                 port=self.port)
        if was_data or self.mode is _COMMAND:
            # In online command state the loss is reported at once, like a URC.
            self.mode = _EXECUTING
            self._finish_line(self._end_text(result))
        else:
            self._urcs.append(self._end_text(result))

    def _end_text(self, result: ResultCode | str | bytes | None) -> bytes:
        if isinstance(result, bytes):
            return result
        if isinstance(result, ResultCode):
            return results.result(result, self.profile)
        if isinstance(result, str):
            return results.unsolicited([result], self.profile)
        return b""

    def _cancel_escape_timer(self) -> None:
        if self._escape_timer is not None and self._escape_timer.active():
            self._escape_timer.cancel()
        self._escape_timer = None
        self._escape = None

    def _hangup(self, result: ResultCode | None) -> None:
        sink = self._sink
        if sink is None:
            return
        was_data = self.mode is _DATA
        self._sink = None
        self._cancel_escape_timer()
        self._suspended_output.clear()
        sink.hangup()
        self._update_dcd()
        if was_data:
            self.mode = _EXECUTING
            if result is None:
                self._finish_line(b"")
            else:
                self._final(result)

    # -- another protocol on the channel ------------------------------------------------------

    def _take_over(self, outcome: TakeOver) -> None:
        rest = bytes(self._pending)
        self._pending.clear()
        self.write(results.result(_OK, self.profile))
        self.mode = _TAKEN_OVER
        self._assembler.reset()
        self._update_input_hold()
        device = outcome.make_device(self._give_back)
        log.info("{modem} {port} channel taken over by {device}", modem=self.modem.name,
                 port=self.port, device=type(device).__name__)
        self.channel.attach_device(device)
        if rest:
            device.data_received(rest)

    def _give_back(self) -> None:
        if self.mode is not _TAKEN_OVER:
            return
        log.info("{modem} {port} back to AT command mode", modem=self.modem.name,
                 port=self.port)
        self.mode = _COMMAND
        self._assembler.reset()
        self.channel.attach_device(self)
        self._flush_urcs()

    # -- the module restarting -----------------------------------------------------------------

    def restart(self) -> None:
        """The module went through a power cycle: the channel starts again from its power-on
        profile (``&Y``), without the settings the services keep per channel (``+CREG=<n>``),
        a half-typed line, waiting input or queued URCs.  A channel still in another mode
        (a command waiting on the network, data mode, a multiplexer) is left to end it."""
        if self.mode is not _COMMAND or self.online:
            return
        self.session = Session(self.modem.traits, self._power_on_profile())
        self.session.vars["port"] = self.port
        self._assembler.reset()
        self._pending.clear()
        self._update_input_hold()
        self._urcs.clear()
        self._update_dcd()

    # -- used by the engine's own commands ------------------------------------------------------

    def hangup_for_command(self) -> None:
        """``ATH`` / ``ATZ``: clear the call held in online command state."""
        sink = self._sink
        if sink is not None:
            self._sink = None
            self._suspended_output.clear()
            sink.hangup()
            self._update_dcd()

    def resume(self, call: _Call) -> Any:
        """``ATO``: back to data mode with the suspended sink."""
        sink = self._sink
        if sink is None:
            return ResultCode.NO_CARRIER
        call.flush()
        self._final_connect("")
        self._start_data_mode_after_resume(sink)
        return _RESUMED

    def _start_data_mode_after_resume(self, sink: DataSink) -> None:
        output, self._suspended_output = bytes(self._suspended_output), bytearray()
        self._start_data_mode()
        sink.resumed()
        if output:
            self.write(output)

    def _update_dcd(self) -> None:
        dcd = self.profile.dcd_mode == 0 or self._sink is not None
        self.channel.set_modem_signals(dcd=dcd)


class _Resumed:
    """Outcome of ATO: data mode was entered by the handler itself."""


_RESUMED = _Resumed()
