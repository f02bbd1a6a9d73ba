"""The TE character set of +CSCS (27.007 §5.5): how text values (operator names, addresses)
are written to and read from the host.

* ``IRA``: ITU-T T.50 (ASCII); characters outside it are shown as ``?``.
* ``GSM``: the GSM 7-bit default alphabet (3GPP TS 23.038 §6.2.1), one byte per character.
* ``UCS2``: 16-bit code units, four upper-case hex digits each ("0041" is "A").
"""

from __future__ import annotations

from simulator.sms.gsm7 import ALPHABET, ESCAPE

# The GSM 7-bit default alphabet (TS 23.038 §6.2.1), one byte per character; the escape to
# the extension table has no character of its own here.
_TO_GSM = {ch: chr(code) for code, ch in enumerate(ALPHABET) if code != ESCAPE}
_FROM_GSM = {v: k for k, v in _TO_GSM.items()}

#: The per-channel session variable holding the channel's character set.
SESSION_KEY = "config.cscs"


def encode(text: str, charset: str) -> str:
    """Text as the host sees it in ``charset``."""
    if charset == "UCS2":
        return text.encode("utf-16-be", "replace").hex().upper()
    if charset == "GSM":
        return "".join(_TO_GSM.get(ch, "?") for ch in text)
    return "".join(ch if ord(ch) < 0x80 else "?" for ch in text)


def decode(text: str, charset: str) -> str:
    """Text the host wrote in ``charset``.  Raises ValueError if it is not valid there."""
    if charset == "UCS2":
        if len(text) % 4:
            raise ValueError("UCS2 text is four hex digits per character")
        return bytes.fromhex(text).decode("utf-16-be")
    if charset == "GSM":
        return "".join(_FROM_GSM[ch] if ch in _FROM_GSM else _invalid(ch) for ch in text)
    if not text.isascii():
        raise ValueError("IRA text is ASCII")
    return text


def _invalid(ch: str) -> str:
    raise ValueError(f"{ch!r} is not in the GSM default alphabet")


def session_charset(session, default: str) -> str:
    return session.vars.get(SESSION_KEY, default)
