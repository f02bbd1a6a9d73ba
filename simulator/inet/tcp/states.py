"""The connection states of RFC 9293 §3.3.2 and the close-side transitions between them.

The transitions a FIN causes are a table, not code: which state the application's close, the
peer's FIN and the acknowledgment of our FIN each lead to.  The handshake's transitions live in
the connection, because each needs checks on the segment.
"""

from __future__ import annotations

import enum


class State(enum.Enum):
    CLOSED = "CLOSED"
    LISTEN = "LISTEN"
    SYN_SENT = "SYN-SENT"
    SYN_RECEIVED = "SYN-RECEIVED"
    ESTABLISHED = "ESTABLISHED"
    FIN_WAIT_1 = "FIN-WAIT-1"
    FIN_WAIT_2 = "FIN-WAIT-2"
    CLOSE_WAIT = "CLOSE-WAIT"
    CLOSING = "CLOSING"
    LAST_ACK = "LAST-ACK"
    TIME_WAIT = "TIME-WAIT"

    # Members are singletons compared by identity: hash them by identity too, in C (``Enum``
    # hashes the name in Python, and the state sets below are looked up for every segment).
    __hash__ = object.__hash__


#: The application closes its side: our FIN is queued behind the data.
ON_CLOSE = {
    State.ESTABLISHED: State.FIN_WAIT_1,
    State.CLOSE_WAIT: State.LAST_ACK,
}

#: The peer's FIN arrives in sequence.
ON_FIN_RECEIVED = {
    State.ESTABLISHED: State.CLOSE_WAIT,
    State.FIN_WAIT_1: State.CLOSING,  # ours is not acknowledged yet: simultaneous close
    State.FIN_WAIT_2: State.TIME_WAIT,
}

#: The peer acknowledges our FIN.
ON_FIN_ACKED = {
    State.FIN_WAIT_1: State.FIN_WAIT_2,
    State.CLOSING: State.TIME_WAIT,
    State.LAST_ACK: State.CLOSED,
}

#: States in which both sides' initial sequence numbers are known.
SYNCHRONIZED = frozenset(State) - {State.CLOSED, State.LISTEN, State.SYN_SENT}

#: States in which the peer may still send data we deliver.
RECEIVING = frozenset({State.ESTABLISHED, State.FIN_WAIT_1, State.FIN_WAIT_2})

#: States in which the application may still send.
SENDING = frozenset({State.SYN_SENT, State.SYN_RECEIVED, State.ESTABLISHED, State.CLOSE_WAIT})
