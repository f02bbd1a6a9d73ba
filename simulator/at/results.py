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
"""

from __future__ import annotations

from simulator.at.commands import ResultCode
from simulator.at.session import Profile

#: 27.007 §9.2.1 (general) and §9.2.2 (GPRS) verbose texts for +CMEE=2.
CME_TEXTS: dict[int, str] = {
    0: "phone failure",
    1: "no connection to phone",
    2: "phone-adaptor link reserved",
    3: "operation not allowed",
    4: "operation not supported",
    5: "PH-SIM PIN required",
    6: "PH-FSIM PIN required",
    7: "PH-FSIM PUK required",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    14: "SIM busy",
    15: "SIM wrong",
    16: "incorrect password",
    17: "SIM PIN2 required",
    18: "SIM PUK2 required",
    20: "memory full",
    21: "invalid index",
    22: "not found",
    23: "memory failure",
    24: "text string too long",
    25: "invalid characters in text string",
    26: "dial string too long",
    27: "invalid characters in dial string",
    30: "no network service",
    31: "network timeout",
    32: "network not allowed - emergency calls only",
    40: "network personalization PIN required",
    41: "network personalization PUK required",
    42: "network subset personalization PIN required",
    43: "network subset personalization PUK required",
    44: "service provider personalization PIN required",
    45: "service provider personalization PUK required",
    46: "corporate personalization PIN required",
    47: "corporate personalization PUK required",
    48: "hidden key required",
    49: "EAP method not supported",
    50: "Incorrect parameters",
    100: "unknown",
    103: "Illegal MS",
    106: "Illegal ME",
    107: "GPRS services not allowed",
    111: "PLMN not allowed",
    112: "Location area not allowed",
    113: "Roaming not allowed in this location area",
    132: "service option not supported",
    133: "requested service option not subscribed",
    134: "service option temporarily out of order",
    148: "unspecified GPRS error",
    149: "PDP authentication failure",
    150: "invalid mobile class",
    533: "missing or unknown APN",
}

CRLF = b"\r\n"

# X level -> result codes it reports as themselves (V.250 §6.2.5); others become NO CARRIER.
_X_ALLOWS = {
    0: frozenset(),
    1: frozenset(),
    2: frozenset({ResultCode.NO_DIALTONE}),
    3: frozenset({ResultCode.BUSY}),
    4: frozenset({ResultCode.BUSY, ResultCode.NO_DIALTONE}),
}


def information(lines: list[str], profile: Profile) -> bytes:
    """One command's information text."""
    body = b"".join(line.encode("latin-1", "replace") + CRLF for line in lines)
    return (CRLF + body) if profile.verbose else body


def result(code: ResultCode, profile: Profile, text: str = "") -> bytes:
    """A final result code as this profile shows it; empty under ATQ1."""
    if profile.quiet:
        return b""
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


def extended_error(prefix: str, code: int, profile: Profile, texts: dict[int, str]) -> bytes:
    """``+CME ERROR: <n>`` (+CMEE=1) or with its text (+CMEE=2); ERROR when +CMEE=0."""
    if profile.cmee == 0:
        return result(ResultCode.ERROR, profile)
    if profile.quiet:
        return b""
    shown = texts.get(code, str(code)) if profile.cmee == 2 else str(code)
    line = f"{prefix}{shown}".encode("latin-1", "replace") + CRLF
    return (CRLF + line) if profile.verbose else line


def unsolicited(lines: list[str], profile: Profile) -> bytes:
    """An unsolicited result code (each line framed on its own)."""
    out = bytearray()
    for line in lines:
        encoded = line.encode("latin-1", "replace") + CRLF
        out += (CRLF + encoded) if profile.verbose else encoded
    return bytes(out)
