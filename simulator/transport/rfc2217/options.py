"""Telnet option negotiation by the Q method of RFC 1143 (without its queue bits): each option
has a state on each side, and the tables below say what a received WILL/WONT/DO/DONT does.
The Q method never answers an answer, so two peers cannot loop.

Sides: *local* options are ones the server performs (host says DO/DONT, we say WILL/WONT);
*remote* options are ones the host performs (host says WILL/WONT, we say DO/DONT).
"""

from __future__ import annotations

import enum

from simulator.transport.rfc2217.constants import Option, Telnet


class Q(enum.Enum):
    NO = "no"
    YES = "yes"
    WANTNO = "wantno"  # we asked to switch off, waiting for the answer
    WANTYES = "wantyes"  # we asked to switch on, waiting for the answer


#: Options the server agrees to perform.  ECHO is refused on purpose: the modem echoes
#: itself (ATE1), so a telnet-level echo would double every character.
LOCAL_SUPPORTED = frozenset({Option.BINARY, Option.SGA, Option.COM_PORT})

#: Options the server lets the host perform.
REMOTE_SUPPORTED = frozenset({Option.BINARY, Option.SGA, Option.COM_PORT})

#: Asked for as soon as a host connects: an 8-bit clean path both ways and no go-aheads.
#: COM-PORT is left to the host (RFC 2217 has the client offer it).
INITIAL_LOCAL = (Option.BINARY, Option.SGA)
INITIAL_REMOTE = (Option.BINARY, Option.SGA)

# What a received "yes" / "no" does, per current state: (new state, reply is "yes"/"no"/None).
# RFC 1143 section 7, with the WANTNO/WANTYES "opposite" queue bits left out.
_ON_YES = {
    Q.NO: None,  # depends on whether the option is supported; see receive()
    Q.YES: (Q.YES, None),
    Q.WANTNO: (Q.NO, None),  # the peer answered our "no" with "yes": an error, take "no"
    Q.WANTYES: (Q.YES, None),
}
_ON_NO = {
    Q.NO: (Q.NO, None),
    Q.YES: (Q.NO, "no"),
    Q.WANTNO: (Q.NO, None),
    Q.WANTYES: (Q.NO, None),
}

# For each received verb: which side it addresses, whether it means "yes", and the verbs we
# answer with for "yes" and "no".
_VERBS = {
    Telnet.DO: ("local", True),
    Telnet.DONT: ("local", False),
    Telnet.WILL: ("remote", True),
    Telnet.WONT: ("remote", False),
}
_REPLY_VERB = {
    ("local", "yes"): Telnet.WILL,
    ("local", "no"): Telnet.WONT,
    ("remote", "yes"): Telnet.DO,
    ("remote", "no"): Telnet.DONT,
}


class OptionNegotiator:
    """Option states for one connection.  ``receive`` and ``request`` return
    ``(replies, changes)``: ``replies`` are ``(verb, option)`` pairs to send; ``changes`` are
    ``(option, local, enabled)`` for every option whose effective state changed."""

    def __init__(self) -> None:
        self._state: dict[tuple[str, int], Q] = {}

    def enabled(self, option: int, *, local: bool) -> bool:
        return self._get("local" if local else "remote", option) is Q.YES

    def request(self, option: int, *, local: bool):
        """Ask for ``option`` to be switched on."""
        side = "local" if local else "remote"
        if self._get(side, option) is not Q.NO:
            return [], []
        self._state[side, option] = Q.WANTYES
        return [(_REPLY_VERB[side, "yes"], option)], []

    def receive(self, verb: int, option: int):
        side, yes = _VERBS[verb]
        supported = LOCAL_SUPPORTED if side == "local" else REMOTE_SUPPORTED
        before = self._get(side, option)
        if yes and before is Q.NO:
            after, reply = (Q.YES, "yes") if option in supported else (Q.NO, "no")
        else:
            after, reply = (_ON_YES if yes else _ON_NO)[before]
        self._state[side, option] = after
        replies = [] if reply is None else [(_REPLY_VERB[side, reply], option)]
        changes = []
        if (before is Q.YES) != (after is Q.YES):
            changes.append((option, side == "local", after is Q.YES))
        return replies, changes

    def _get(self, side: str, option: int) -> Q:
        return self._state.get((side, option), Q.NO)
