"""Reading a dial string (V.250 §6.3.1, 27.007 §10.2.1): is it a packet-domain request, and
for which context?"""

from __future__ import annotations

import dataclasses
import re

#: D*<GPRS_SC>[*[<called_address>][*[<L2P>][*[<cid>]]]]#  (GPRS_SC 99, §10.2.1.1) and
#: D*<GPRS_SC_IP>[*<cid>[,<cid>...]]#  (GPRS_SC_IP 98, §10.2.1.2).
_PPP_DIAL = re.compile(r"\*99(?:\*([^*#]*)(?:\*([^*#]*)(?:\*([^*#]*))?)?)?#")
_IP_DIAL = re.compile(r"\*98(?:\*([0-9,]*))?#")
#: Layer-2 protocols a packet dial may name; PPP is the only one a module of this kind runs.
PPP_NAMES = ("", "PPP", "1")


@dataclasses.dataclass(frozen=True)
class PacketDial:
    cid: int | None  # None: the MT chooses
    l2p: str  # "PPP", or "" for the IP service (*98#)


class BadPacketDial(ValueError):
    """A packet-domain dial string with a field the MT cannot use."""


def packet_dial(dial: str) -> PacketDial | None:
    """The packet-domain request in ``dial``, or None if it is another kind of number."""
    text = dial.replace(" ", "").upper()
    match = _PPP_DIAL.fullmatch(text)
    if match:
        _address, l2p, cid = match.groups()
        if (l2p or "") not in PPP_NAMES:
            raise BadPacketDial(f"layer-2 protocol {l2p!r}")
        return PacketDial(_cid(cid), "PPP")
    match = _IP_DIAL.fullmatch(text)
    if match:
        cids = (match.group(1) or "").split(",")
        return PacketDial(_cid(cids[0]), "")
    return None


def _cid(text: str | None) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise BadPacketDial(f"cid {text!r}")
    return int(text)


#: Characters of a called number (V.250 §6.3.1: digits, * # A B C D; 27.007 adds +).
NUMBER_CHARS = frozenset("0123456789*#+ABCD")
#: Dial modifiers a module accepts and that change nothing here: T P (tone/pulse), W ,
#: (waits), ! (flash), @ (quiet answer), and 27.007's I i (CLIR) and G g (CUG).
IGNORED_MODIFIERS = frozenset("TPW,!@IG")


@dataclasses.dataclass(frozen=True)
class CircuitDial:
    number: str
    voice: bool  # a trailing ';' (27.007 §6.2): a voice call, back to command mode


def circuit_dial(dial: str) -> CircuitDial | None:
    """The called number of ``ATD<dial>`` for a circuit-switched call, or None if the dial
    string holds something a module refuses (a letter that is not a modifier, no digits)."""
    text = dial.replace(" ", "").upper()
    voice = text.endswith(";")
    if voice:
        text = text[:-1]
    number = []
    for ch in text:
        if ch in NUMBER_CHARS:
            number.append(ch)
        elif ch not in IGNORED_MODIFIERS:
            return None
    digits = "".join(number)
    if not digits or "+" in digits[1:]:
        return None
    return CircuitDial(digits, voice)
