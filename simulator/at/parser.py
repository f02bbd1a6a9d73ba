"""Splitting a command line into commands (V.250 §5.3 and §5.4).

The text after ``AT`` may hold:

* basic commands, concatenated with or without spaces: ``E0 V1``, ``E0V1Q0``, ``&C1&D2``,
  an optional number after each (``ATE`` is ``E`` with no value);
* S-register commands: ``S7=30``, ``S7?``;
* the dial command ``D``, which takes the rest of the line as its dial string;
* extended commands, a prefix character then a name: ``+CMEE=1``, ``#CONNECTIONSTART``, each
  in exec, set (``=...``), read (``?``) or test (``=?``) form, separated by ``;``; an extended
  command may follow basic ones without ``;`` (``ATE0+CMEE=1``).

Outside double quotes, spaces are ignored and letters are upper-cased; inside quotes text is
kept exactly.  A parameter also keeps the case it was typed in (``Param.typed``), for the
vendor values where it matters (an e-mail address typed without quotes).  Anything else is
a syntax error: the whole line answers ``ERROR`` and nothing of it is executed (V.250 §5.6).
"""

from __future__ import annotations

from simulator.at.commands import AtError, Command, Form, Param

#: Characters allowed in an extended command name after its prefix (V.250 §5.4.1).
NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!%-./:_")


class SyntaxError_(AtError):
    """The command line is malformed."""


def normalise(text: str) -> str:
    """Upper-case and drop spaces outside double quotes.  Raises on an unterminated quote."""
    return _without_spaces(text).upper_outside_quotes()


class _Line:
    """A command line without the spaces outside quotes, as typed (``kept``); the two
    spellings have the same length, so one index serves both."""

    def __init__(self, kept: str) -> None:
        self.kept = kept

    def upper_outside_quotes(self) -> str:
        out, quoted = [], False
        for ch in self.kept:
            if ch == '"':
                quoted = not quoted
            out.append(ch if quoted else ch.upper())
        return "".join(out)


def _without_spaces(text: str) -> _Line:
    out = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if quoted or ch != " ":
            out.append(ch)
    if quoted:
        raise SyntaxError_("unterminated string")
    return _Line("".join(out))


#: Lines parsed before, by text and prefixes: a fleet of hosts sends the same few lines again
#: and again.  The commands are frozen values, so one parse serves every channel.  Bounded:
#: emptied when full (dial strings and parameters make most lines of a long run unique).
_PARSED: dict[tuple[str, str], tuple[Command, ...]] = {}
PARSED_LIMIT = 4096


def parse_line(text: str, extended_prefixes: str = "+#$%^*@!") -> list[Command]:
    """The commands of one line (the text after ``AT``), in order."""
    key = (text, extended_prefixes)
    commands = _PARSED.get(key)
    if commands is None:
        commands = tuple(_parse(text, extended_prefixes))
        if len(_PARSED) >= PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = commands
    return list(commands)


def _parse(text: str, extended_prefixes: str) -> list[Command]:
    typed = _without_spaces(text)
    line = typed.upper_outside_quotes()
    commands: list[Command] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch == ";":
            i += 1  # a stray or doubled separator is harmless
            continue
        if ch in extended_prefixes:
            command, i = _extended(line, i, typed.kept)
        elif ch == "D":
            commands.append(Command("D", dial=line[i + 1 :]))
            break
        elif ch == "S" and i + 1 < n and _is_digit(line[i + 1]):
            command, i = _s_register(line, i)
        elif "A" <= ch <= "Z" or ch in "&\\":
            command, i = _basic(line, i)
        else:
            raise SyntaxError_(f"unexpected {ch!r}")
        commands.append(command)
    return commands


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _digits(line: str, i: int) -> tuple[int | None, int]:
    start = i
    while i < len(line) and _is_digit(line[i]):
        i += 1
    return (int(line[start:i]) if i > start else None), i


def _basic(line: str, i: int) -> tuple[Command, int]:
    if line[i] in "&\\":
        if i + 1 >= len(line) or not "A" <= line[i + 1] <= "Z":
            raise SyntaxError_("incomplete & command")
        name, i = line[i : i + 2], i + 2
    else:
        name, i = line[i], i + 1
    if i < len(line) and line[i] == "?":
        return Command(name, Form.READ), i + 1
    value, i = _digits(line, i)
    return Command(name, Form.EXEC, value=value), i


def _s_register(line: str, i: int) -> tuple[Command, int]:
    register, i = _digits(line, i + 1)
    if i < len(line) and line[i] == "?":
        return Command("S", Form.READ, register=register), i + 1
    if i < len(line) and line[i] == "=":
        value, i = _digits(line, i + 1)
        # "ATS7=" sets the register to 0, as V.250 §6.1.1 reads an omitted value as 0.
        return Command("S", Form.SET, register=register, value=value or 0), i
    raise SyntaxError_("S-register without = or ?")


def _extended(line: str, i: int, typed: str) -> tuple[Command, int]:
    start = i
    i += 1
    while i < len(line) and line[i] in NAME_CHARS:
        i += 1
    name = line[start:i]
    if len(name) < 2:
        raise SyntaxError_("empty extended command name")
    rest = line[i : i + 2]
    if rest == "=?":
        form, i = Form.TEST, i + 2
    elif rest[:1] == "?":
        form, i = Form.READ, i + 1
    elif rest[:1] == "=":
        end = _end_of_parameters(line, i + 1)
        params = split_params(line[i + 1 : end], typed[i + 1 : end])
        return Command(name, Form.SET, params=params), end
    else:
        form = Form.EXEC
    if i < len(line) and line[i] != ";":
        raise SyntaxError_(f"garbage after {name}")
    return Command(name, form), i


def _end_of_parameters(line: str, i: int) -> int:
    quoted = False
    while i < len(line):
        ch = line[i]
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            break
        i += 1
    return i


def split_params(text: str, typed: str | None = None) -> tuple[Param | None, ...]:
    """``1,"a,b",,3`` -> (Param('1'), Param('a,b', quoted), None, Param('3')).

    Text that has already been through :func:`normalise`; ``typed`` is the same text with
    the case the host typed.  A parameter that mixes quoted and unquoted text (``1"x"``) is
    a syntax error."""
    if text == "":
        return ()
    typed_pieces = _split_commas(typed) if typed is not None else None
    params: list[Param | None] = []
    for n, piece in enumerate(_split_commas(text)):
        if piece == "":
            params.append(None)
        elif piece[0] == '"':
            if len(piece) < 2 or piece[-1] != '"' or '"' in piece[1:-1]:
                raise SyntaxError_("malformed string parameter")
            params.append(Param(piece[1:-1], quoted=True))
        elif '"' in piece:
            raise SyntaxError_("malformed parameter")
        else:
            as_typed = typed_pieces[n] if typed_pieces is not None else None
            params.append(Param(piece, typed=as_typed))
    return tuple(params)


def _split_commas(text: str) -> list[str]:
    pieces, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces
