"""Reading the parameters of a set command, with the blame split the way modems split it:

* the line does not have the command's *syntax* — a required parameter missing, one too
  many, text where a number belongs — and the command fails with the caller's
  ``syntax_error()``;
* the syntax is right but a *value* is wrong (out of range, not one of the choices, too
  long) and it fails with ``value_error(code)``: the code the command names for that value,
  or ``None`` for the dialect's default bad-parameter error.

A 27.007 command answers its dialect's bad-parameter ``+CME ERROR`` for both (``call.params``
binds both to it); the +WIP commands answer plain ``ERROR`` for the first and their own code
for the second; a dialect with its own error family raises its syntax and argument-value
codes.  Who uses which is the caller's (``simulator.dialects.command``)::

    p = call.params            # a Params bound to this command and this dialect's error
    p.at_most(2)
    mode = p.int(0, 0, 2)
    fmt = p.int(1, 0, 2, default=0)
    oper = p.str(2, maxlen=16, default=None)
    port = p.int(3, 1, 65535, code=832)   # this value's own code

How lenient the syntax is belongs to the command family too: ``quoted_numbers`` accepts
``"587"`` where a number belongs (spaces inside the quotes ignored), ``unquoted_text`` a bare
word where a string belongs, and ``keep_case`` reads a bare word with the case the host
typed it in (``Param.as_typed``) instead of upper-cased as V.250 treats it.  An empty field
(``,,``) is an omitted parameter either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from simulator.at.commands import Param

REQUIRED: Any = object()

SyntaxErrorFactory = Callable[[], Exception]
ValueErrorFactory = Callable[[Any], Exception]  # (code | None) -> the exception


class Params:
    def __init__(
        self,
        params: tuple[Param | None, ...],
        syntax_error: SyntaxErrorFactory,
        value_error: ValueErrorFactory | None = None,
        *,
        quoted_numbers: bool = False,
        unquoted_text: bool = False,
        keep_case: bool = False,
    ) -> None:
        self._params = params
        self._syntax_error = syntax_error
        self._value_error = value_error or (lambda code: syntax_error())
        self._quoted_numbers = quoted_numbers
        self._unquoted_text = unquoted_text
        self._keep_case = keep_case

    def __len__(self) -> int:
        return len(self._params)

    # -- the two kinds of failure ---------------------------------------------------------

    def syntax(self) -> Exception:
        """The exception for a line without the command's syntax."""
        return self._syntax_error()

    def bad(self, code: int | None = None) -> Exception:
        """The exception for a bad value: ``code``, or the default bad-parameter error."""
        return self._value_error(code)

    # -- shape ----------------------------------------------------------------------------

    def present(self, i: int) -> bool:
        return i < len(self._params) and self._params[i] is not None

    def quoted(self, i: int) -> bool:
        param = self.raw(i)
        return param is not None and param.quoted

    def raw(self, i: int) -> Param | None:
        return self._params[i] if i < len(self._params) else None

    def count(self, lo: int, hi: int) -> None:
        """Between ``lo`` and ``hi`` parameters were given (trailing empty ones count)."""
        if not lo <= len(self._params) <= hi:
            raise self.syntax()

    def at_most(self, n: int) -> None:
        if len(self._params) > n:
            raise self.syntax()

    def at_least(self, n: int) -> None:
        """The first ``n`` parameters are all given."""
        if sum(1 for p in self._params[:n] if p is not None) < n:
            raise self.syntax()

    # -- values ---------------------------------------------------------------------------

    def int(
        self,
        i: int,
        lo: int | None = None,
        hi: int | None = None,
        *,
        default: Any = REQUIRED,
        choices: Iterable[int] | None = None,
        quoted_ok: bool = False,
        code: int | None = None,
    ) -> Any:
        """A whole number; ``default`` when omitted (none: the syntax needs it).  Outside
        ``lo``..``hi`` or ``choices`` it fails with ``bad(code)``."""
        param = self.raw(i)
        if param is None:
            if default is REQUIRED:
                raise self.syntax()
            return default
        text = param.text
        if param.quoted:
            if not (quoted_ok or self._quoted_numbers):
                raise self.syntax()
            if self._quoted_numbers:
                text = text.strip()
        value = parse_number(text)
        if value is None:
            raise self.syntax()
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.bad(code)
        if choices is not None and value not in set(choices):
            raise self.bad(code)
        return value

    def str(
        self,
        i: int,
        *,
        default: Any = REQUIRED,
        maxlen: int | None = None,
        choices: Iterable[str] | None = None,
        unquoted_ok: bool = False,
        casefold: bool = False,
        code: int | None = None,
    ) -> Any:
        """A string; ``default`` when omitted (none: the syntax needs it).  Longer than
        ``maxlen`` or not one of ``choices``, it fails with ``bad(code)``."""
        param = self.raw(i)
        if param is None:
            if default is REQUIRED:
                raise self.syntax()
            return default
        if not param.quoted and not (unquoted_ok or self._unquoted_text):
            raise self.syntax()
        text = param.as_typed if self._keep_case else param.text
        if maxlen is not None and len(text) > maxlen:
            raise self.bad(code)
        if choices is not None:
            table = {c.upper() if casefold else c: c for c in choices}
            key = text.upper() if casefold else text
            if key not in table:
                raise self.bad(code)
            return table[key]
        return text


def parse_number(text: str) -> int | None:
    """A V.250 numeric constant (decimal digits).  None if the text is not one."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)
