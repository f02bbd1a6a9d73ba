"""Formatting what the modem sends in command mode (V.250 §5.7, 27.007 §9.1, §9.2).

=============  ==========================  =========================
what           ATV1 (verbose)              ATV0 (numeric)
=============  ==========================  =========================
information    CR LF text CR LF            text CR LF
result code    CR LF verbose CR LF         number CR
+CME ERROR     CR LF +CME ERROR: n CR LF   +CME ERROR: n CR LF
URC            CR LF text CR LF            text CR LF
=============  ==========================  =========================

A command whose information text has several lines frames it as one block: the header only
before the first line (``CR LF a CR LF b CR LF``), as 27.007 modules print lists.
With ATQ1 no result code is sent (information text and URCs still are).

A failure (``AtError`` and its kinds) becomes its line in one place, ``error_text``, for the
channel's ``+CMEE`` and the dialect's traits; ``error_result`` frames it as a final result, and
a service reporting a failure later (an unsolicited error, the end of data mode) uses
``error_text`` too, so both show the same line.
"""

from __future__ import annotations

from typing import Any

from simulator.at.cme_texts import CME_TEXTS
from simulator.at.commands import (
    AtError,
    CmeError,
    CmsError,
    DialectError,
    ErrorFamily,
    ResultCode,
    ResultLine,
)
from simulator.at.session import Profile

__all__ = ["CME_TEXTS", "error_result", "error_text", "information", "result", "result_line",
           "unsolicited"]

CRLF = b"\r\n"

# X level -> result codes it reports as themselves (V.250 §6.2.5); others become NO CARRIER.
_X_ALLOWS = {
    0: frozenset(),
    1: frozenset(),
    2: frozenset({ResultCode.NO_DIALTONE}),
    3: frozenset({ResultCode.BUSY}),
    4: frozenset({ResultCode.BUSY, ResultCode.NO_DIALTONE}),
}


#: Read as a global: an Enum member read through its class is slow on CPython 3.11.
_OK = ResultCode.OK


def information(lines: list[str], profile: Profile) -> bytes:
    """One command's information text."""
    if len(lines) == 1:  # most commands answer one line
        body = lines[0].encode("latin-1", "replace") + CRLF
    else:
        body = b"".join(line.encode("latin-1", "replace") + CRLF for line in lines)
    return (CRLF + body) if profile.verbose else body


def result(code: ResultCode, profile: Profile, text: str = "") -> bytes:
    """A final result code as this profile shows it; empty under ATQ1."""
    if profile.quiet:
        return b""
    if code is _OK:  # most results of a run
        return b"\r\nOK\r\n" if profile.verbose else b"0\r"
    if code in (ResultCode.BUSY, ResultCode.NO_DIALTONE) and code not in _X_ALLOWS.get(
        profile.x, _X_ALLOWS[4]
    ):
        code = ResultCode.NO_CARRIER
    if not profile.verbose:
        return str(code.number).encode() + b"\r"
    verbose = code.verbose
    if code is ResultCode.CONNECT and text and profile.x > 0:
        verbose = f"{verbose} {text}"
    return CRLF + verbose.encode("latin-1", "replace") + CRLF


def result_line(line: ResultLine, profile: Profile) -> bytes:
    """A dialect's own result code, framed as the engine frames its own."""
    if profile.quiet:
        return b""
    if not profile.verbose:
        return str(line.number).encode() + b"\r"
    return CRLF + line.verbose.encode("latin-1", "replace") + CRLF


def error_text(error: AtError, session: Any) -> str | None:
    """The line ``error`` shows on a channel: ``+CME ERROR: <n>`` under ``+CMEE=1``, the code's
    verbose text under ``+CMEE=2`` (from the dialect's table), None where the channel shows
    plain ``ERROR`` (an ``AtError``, or ``+CMEE=0``).  ``session`` is the channel's
    ``simulator.at.session.Session``."""
    family = _family(error, session.traits)
    if family is None:
        return None
    cmee = session.profile.cmee
    if cmee == 0 and family.follows_cmee:
        return None
    code = error.code  # type: ignore[attr-defined]
    shown = family.texts.get(code, str(code)) if cmee == 2 else str(code)
    return f"{family.prefix}{shown}"


def error_result(error: AtError, session: Any) -> bytes:
    """``error`` as the final result of a command line."""
    profile = session.profile
    text = error_text(error, session)
    if text is None:
        return result(ResultCode.ERROR, profile)
    if profile.quiet:
        return b""
    line = text.encode("latin-1", "replace") + CRLF
    return (CRLF + line) if profile.verbose else line


def _family(error: AtError, traits: Any) -> ErrorFamily | None:
    if isinstance(error, DialectError):
        return error.family
    if isinstance(error, CmsError):
        return traits.cms_errors
    if isinstance(error, CmeError):
        return traits.cme_errors
    return None


def unsolicited(lines: list[str], profile: Profile) -> bytes:
    """An unsolicited result code (each line framed on its own)."""
    out = bytearray()
    for line in lines:
        encoded = line.encode("latin-1", "replace") + CRLF
        out += (CRLF + encoded) if profile.verbose else encoded
    return bytes(out)
