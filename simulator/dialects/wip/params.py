"""Reading the parameters of a +WIP command the way the manuals split the blame (001 §2.2):

* the line does not have the command's *syntax* — a parameter missing, one too many, text
  where a number belongs — and the answer is plain ``ERROR`` whatever ``+CMEE`` says;
* the syntax is right but a *value* is wrong, and the answer is the ``+CME ERROR`` code the
  command's own table names for it (800 invalid option, 801 invalid option value, 830 bad
  index ...), which the caller passes in.

Numbers may be quoted: the manual's own SMTP example gives the port as ``"587"``
(001 §5.1.6).  An empty field (``,,`` or ``, ,``) is an omitted optional parameter.
"""

from __future__ import annotations

from simulator.at.commands import AtError, Param
from simulator.at.params import parse_number
from simulator.dialects.wip.errors import WipError


class WipParams:
    def __init__(self, params: tuple[Param | None, ...]) -> None:
        self._params = params

    def __len__(self) -> int:
        return len(self._params)

    def count(self, lo: int, hi: int) -> None:
        """Between ``lo`` and ``hi`` parameters were given (trailing empty ones count)."""
        if not lo <= len(self._params) <= hi:
            raise AtError("wrong number of parameters")

    def present(self, i: int) -> bool:
        return i < len(self._params) and self._params[i] is not None

    def quoted(self, i: int) -> bool:
        param = self._params[i] if i < len(self._params) else None
        return param is not None and param.quoted

    def number(self, i: int, default: int | None = None) -> int:
        """A whole number; ``default`` when omitted (no default: the syntax needs it)."""
        param = self._params[i] if i < len(self._params) else None
        if param is None:
            if default is None:
                raise AtError(f"parameter {i} missing")
            return default
        value = parse_number(param.text.strip())
        if value is None:
            raise AtError(f"parameter {i} is not a number")
        return value

    def ranged(self, i: int, lo: int, hi: int, code: int, default: int | None = None) -> int:
        """A whole number from ``lo`` to ``hi``; outside it the command fails with ``code``."""
        value = self.number(i, default)
        if not lo <= value <= hi:
            raise WipError(code)
        return value

    def text(self, i: int, default: str | None = None, *, maxlen: int | None = None,
             code: int = 801) -> str:
        """A quoted string (an unquoted word is taken as written: hosts type both)."""
        param = self._params[i] if i < len(self._params) else None
        if param is None:
            if default is None:
                raise AtError(f"parameter {i} missing")
            return default
        if maxlen is not None and len(param.text) > maxlen:
            raise WipError(code)
        return param.text
