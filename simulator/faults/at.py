"""Faults seen on the modem's AT channels: an injected line, and the engine answering wrong
(``reply``, ``delay_reply``, ``drop_final``, ``cme_storm``, ``garble``).

The engine faults hook every channel of the modem through ``Modem.line_hooks``,
``final_hooks`` and ``output_hooks`` (``simulator.at.interpreter``): a line hook sees each
command line as the host sent it (``AT+CGACT=1,1``) and may take it; a final hook sees each
final result code; an output hook every write outside data mode.  ``match`` is a glob of the
command line without regard to case (``AT+CGACT*``); a fault that a ``when: {command: ...}``
entry started matches that very line unless it names its own.
"""

from __future__ import annotations

import fnmatch
import random
from collections.abc import Callable

from simulator.at import results
from simulator.at.commands import CmeError, ResultCode
from simulator.faults.model import REGISTRY, Arg, FaultKind, Target, Undo


def _urc(target: Target, args) -> None:
    line = args["line"]
    target.modem.emit_urc(lambda session: line)


URC = REGISTRY.add(FaultKind(
    name="urc",
    summary="an unsolicited line on every AT channel of the modem, framed as its URCs are",
    start=_urc,
    args={"line": Arg("text", "the line, without CR LF")},
    scalar="line",
    event=True,
))

MATCH = Arg("text", "a glob of the command lines it acts on (AT+CGACT*); every line if not "
                    "given, or the line that triggered it", default=None)
TIMES = Arg("integer", "how many matching lines it acts on, then it is over; no limit if not "
                       "given (1 when a command line triggered it)", default=None, minimum=1)


class _Matcher:
    """Which lines a fault acts on, and how many more times."""

    def __init__(self, target: Target, args) -> None:
        line = (target.event or {}).get("line")
        pattern = args["match"] or line or "*"
        self.pattern = pattern.upper().strip()
        self.left = args["times"] if args["times"] is not None else (1 if line else None)
        self.finished = target.finished

    def take(self, line: str) -> bool:
        """Whether the fault acts on ``line`` (and counts it)."""
        if self.left == 0 or not fnmatch.fnmatchcase(line.upper().strip(), self.pattern):
            return False
        if self.left is not None:
            self.left -= 1
        return True

    def used(self) -> None:
        """After acting: a fault whose ``times`` are used up is over."""
        if self.left == 0:
            self.finished()


def _hook(modem, kind: str, hook) -> Undo:
    modem.add_hook(kind, hook)

    def undo() -> None:
        modem.remove_hook(kind, hook)
    return undo


_RESULTS = {code.verbose: code for code in ResultCode}


def reply_bytes(text: str, interpreter) -> tuple[bytes, bool]:
    """``text`` as the answer to a line on this channel: a result code name (``ERROR``,
    ``NO CARRIER``) as that result code (numeric under ``ATV0``); a ``+CME ERROR: n`` /
    ``+CMS ERROR: n`` line framed as a final error; anything else as information text
    followed by ``OK``."""
    profile = interpreter.profile
    upper = text.strip().upper()
    if upper in _RESULTS:
        code = _RESULTS[upper]
        return results.result(code, profile), code is ResultCode.ERROR
    if upper.startswith(("+CME ERROR", "+CMS ERROR")):
        if profile.quiet:
            return b"", True
        line = text.encode("latin-1", "replace") + results.CRLF
        return (results.CRLF + line if profile.verbose else line), True
    return results.information([text], profile) + results.result(ResultCode.OK, profile), False


def _reply(target: Target, args) -> Undo:
    matcher = _Matcher(target, args)
    text = args["text"]

    def hook(interpreter, line: str) -> bool:
        if not matcher.take(line):
            return False
        data, error = reply_bytes(text, interpreter)
        interpreter.answer_line(data, error)
        matcher.used()
        return True

    return _hook(target.modem, "line_hooks", hook)


REPLY = REGISTRY.add(FaultKind(
    name="reply",
    summary="the answer to matching command lines is replaced: a result code, a +CME ERROR "
            "line, or a line of information text and OK; the command does not run",
    start=_reply,
    args={"text": Arg("text", "the answer: OK, ERROR, NO CARRIER, +CME ERROR: 148, or an "
                              "information line"),
          "match": MATCH, "times": TIMES},
    scalar="text",
))


def _delay_reply(target: Target, args) -> Undo:
    matcher = _Matcher(target, args)
    clock = target.modem.clock
    delay = args["delay"]

    def hook(interpreter, line: str) -> bool:
        if not matcher.take(line):
            return False
        interpreter.hold_line()
        clock.callLater(delay, interpreter.run_line, line[2:])
        matcher.used()
        return True

    return _hook(target.modem, "line_hooks", hook)


DELAY_REPLY = REGISTRY.add(FaultKind(
    name="delay_reply",
    summary="matching command lines run this much later: the host waits for the answer "
            "(and for its URCs) as for a slow module",
    start=_delay_reply,
    args={"delay": Arg("duration", "how late"), "match": MATCH, "times": TIMES},
    scalar="delay",
))


def _drop_final(target: Target, args) -> Undo:
    matcher = _Matcher(target, args)
    modem = target.modem
    waiting: set = set()

    def line_hook(interpreter, line: str) -> bool:
        if matcher.take(line):
            waiting.add(interpreter)
        return False  # the command runs

    def final_hook(interpreter, data: bytes) -> bytes:
        if interpreter not in waiting:
            return data
        waiting.discard(interpreter)
        matcher.used()
        return b""

    undo_line = _hook(modem, "line_hooks", line_hook)
    undo_final = _hook(modem, "final_hooks", final_hook)

    def undo() -> None:
        undo_line()
        undo_final()
    return undo


DROP_FINAL = REGISTRY.add(FaultKind(
    name="drop_final",
    summary="matching command lines run and show their information text, but no final "
            "result code",
    start=_drop_final,
    args={"match": MATCH, "times": TIMES},
))


def _cme_storm(target: Target, args) -> Undo:
    matcher = _Matcher(target, args)
    code = args["code"]

    def hook(interpreter, line: str) -> bool:
        if not matcher.take(line):
            return False
        error = CmeError(code)
        interpreter.answer_line(results.error_result(error, interpreter.session), True)
        matcher.used()
        return True

    return _hook(target.modem, "line_hooks", hook)


CME_STORM = REGISTRY.add(FaultKind(
    name="cme_storm",
    summary="every (matching) command answers +CME ERROR: <code>, shown as the channel's "
            "+CMEE says (ERROR under +CMEE=0, the text under +CMEE=2)",
    start=_cme_storm,
    args={"code": Arg("integer", "the +CME ERROR code", minimum=0, maximum=65535),
          "match": MATCH, "times": TIMES},
    scalar="code",
))

#: What garbled bytes become: printable noise, as a UART at the wrong speed shows.
_NOISE = bytes(range(0x21, 0x7F))


def corrupter(rate: float, rng: random.Random) -> Callable[[bytes], bytes]:
    """Each byte is replaced by a different random one with chance ``rate``."""

    def corrupt(data: bytes) -> bytes:
        out = bytearray(data)
        for i in range(len(out)):
            if rng.random() < rate:
                noise = rng.choice(_NOISE)
                out[i] = noise if noise != out[i] else noise ^ 0x01
        return bytes(out)
    return corrupt


def fault_rng(target: Target, kind: str) -> random.Random:
    """A generator for one fault's draws, from the modem's seeded generator: the same seed
    and the same faults give the same bytes."""
    return random.Random(f"{kind}:{target.modem.rng.random()}")


def _garble(target: Target, args) -> Undo:
    corrupt = corrupter(args["rate"], fault_rng(target, "garble"))
    return _hook(target.modem, "output_hooks", lambda interpreter, data: corrupt(data))


GARBLE = REGISTRY.add(FaultKind(
    name="garble",
    summary="what the AT engine writes (echo, answers, result codes, URCs; not data mode) "
            "has bytes replaced by noise",
    start=_garble,
    args={"rate": Arg("probability", "the chance each byte is replaced", default=0.1)},
    scalar="rate",
))
