"""Typed access to the parameters of a set command, answering the dialect's own error for
anything of the wrong type, out of range or missing.

    p = call.params            # a Params bound to this command and this dialect's error
    p.at_most(2)
    mode = p.int(0, 0, 2)
    fmt = p.int(1, 0, 2, default=0)
    oper = p.str(2, maxlen=16, default=None)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from simulator.at.commands import Param

REQUIRED: Any = object()


class Params:
    def __init__(self, params: tuple[Param | None, ...], error: Callable[[], Exception]):
        self._params = params
        self._error = error

    def __len__(self) -> int:
        return len(self._params)

    def bad(self) -> Exception:
        """The exception to raise for a bad parameter in this dialect."""
        return self._error()

    def present(self, i: int) -> bool:
        return i < len(self._params) and self._params[i] is not None

    def raw(self, i: int) -> Param | None:
        return self._params[i] if i < len(self._params) else None

    def at_most(self, n: int) -> None:
        if len(self._params) > n:
            raise self._error()

    def at_least(self, n: int) -> None:
        if sum(1 for p in self._params[:n] if p is not None) < n:
            raise self._error()

    def int(
        self,
        i: int,
        lo: int | None = None,
        hi: int | None = None,
        *,
        default: Any = REQUIRED,
        choices: Iterable[int] | None = None,
        quoted_ok: bool = False,
    ) -> Any:
        param = self.raw(i)
        if param is None:
            if default is REQUIRED:
                raise self._error()
            return default
        if param.quoted and not quoted_ok:
            raise self._error()
        value = parse_number(param.text)
        if value is None:
            raise self._error()
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self._error()
        if choices is not None and value not in set(choices):
            raise self._error()
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
    ) -> Any:
        param = self.raw(i)
        if param is None:
            if default is REQUIRED:
                raise self._error()
            return default
        if not param.quoted and not unquoted_ok:
            raise self._error()
        text = param.text
        if maxlen is not None and len(text) > maxlen:
            raise self._error()
        if choices is not None:
            table = {c.upper() if casefold else c: c for c in choices}
            key = text.upper() if casefold else text
            if key not in table:
                raise self._error()
            return table[key]
        return text


def parse_number(text: str) -> int | None:
    """A V.250 numeric constant (decimal digits).  None if the text is not one."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    return int(text)
