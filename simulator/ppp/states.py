"""The option negotiation automaton of RFC 1661 §4.1 as data: every (state, event) pair the
RFC's state transition table fills, with the actions to run and the next state.  Pairs the
table leaves empty ("-") cannot happen for a correct implementation and are ignored.

The table's 'r' (restart) and 'x' (crossed connection) marks are not modelled: they are
implementation options the RFC does not require; 'p' (passive) is the plain Stopped state.
"""

from __future__ import annotations

import enum


class State(enum.IntEnum):
    INITIAL = 0  # lower layer down, no Open yet
    STARTING = 1  # Open, waiting for the lower layer
    CLOSED = 2  # lower layer up, no Open
    STOPPED = 3  # negotiation given up or terminated; waits for the peer or a Close
    CLOSING = 4  # Terminate-Request sent after a Close
    STOPPING = 5  # Terminate-Request sent or answered, the layer will stop
    REQ_SENT = 6  # Configure-Request sent
    ACK_RCVD = 7  # our request acknowledged, the peer's not yet
    ACK_SENT = 8  # the peer's request acknowledged, ours not yet
    OPENED = 9


#: States in which the restart timer runs (RFC 1661 §4.6: Closing, Stopping, Req-Sent,
#: Ack-Rcvd, Ack-Sent).
TIMED_STATES = frozenset({State.CLOSING, State.STOPPING, State.REQ_SENT, State.ACK_RCVD,
                          State.ACK_SENT})
#: States in which a Configure-Request exchange is under way: a new scr keeps the options
#: negotiated so far instead of starting from our wishes again.
NEGOTIATING = frozenset({State.REQ_SENT, State.ACK_RCVD, State.ACK_SENT})


class Event(enum.Enum):
    UP = "Up"
    DOWN = "Down"
    OPEN = "Open"
    CLOSE = "Close"
    TO_PLUS = "TO+"  # restart timer expired, counter not exhausted
    TO_MINUS = "TO-"  # restart timer expired, counter exhausted
    RCR_PLUS = "RCR+"  # good Configure-Request
    RCR_MINUS = "RCR-"  # Configure-Request we Nak or Reject
    RCA = "RCA"
    RCN = "RCN"  # Configure-Nak or Configure-Reject
    RTR = "RTR"
    RTA = "RTA"
    RUC = "RUC"  # unknown code
    RXJ_PLUS = "RXJ+"  # permitted Code-Reject or Protocol-Reject
    RXJ_MINUS = "RXJ-"  # catastrophic one
    RXR = "RXR"  # Echo-Request, Echo-Reply, Discard-Request


class Action(enum.Enum):
    TLU = "tlu"  # this layer up
    TLD = "tld"  # this layer down
    TLS = "tls"  # this layer started
    TLF = "tlf"  # this layer finished
    IRC = "irc"  # initialize restart count
    ZRC = "zrc"  # zero restart count
    SCR = "scr"  # send Configure-Request
    SCA = "sca"  # send Configure-Ack
    SCN = "scn"  # send Configure-Nak or Configure-Reject
    STR = "str"  # send Terminate-Request
    STA = "sta"  # send Terminate-Ack
    SCJ = "scj"  # send Code-Reject
    SER = "ser"  # send Echo-Reply


S, E, A = State, Event, Action


def _row(event: Event, cells: dict[State, tuple[tuple[Action, ...], State]]):
    return {(state, event): cell for state, cell in cells.items()}


def _t(*actions_then_state):
    *actions, state = actions_then_state
    return tuple(actions), state


#: (state, event) -> (actions, next state), RFC 1661 §4.1, row by row.
TRANSITIONS: dict[tuple[State, Event], tuple[tuple[Action, ...], State]] = {
    **_row(E.UP, {S.INITIAL: _t(S.CLOSED), S.STARTING: _t(A.IRC, A.SCR, S.REQ_SENT)}),
    **_row(E.DOWN, {
        S.CLOSED: _t(S.INITIAL), S.STOPPED: _t(A.TLS, S.STARTING), S.CLOSING: _t(S.INITIAL),
        S.STOPPING: _t(S.STARTING), S.REQ_SENT: _t(S.STARTING), S.ACK_RCVD: _t(S.STARTING),
        S.ACK_SENT: _t(S.STARTING), S.OPENED: _t(A.TLD, S.STARTING)}),
    **_row(E.OPEN, {
        S.INITIAL: _t(A.TLS, S.STARTING), S.STARTING: _t(S.STARTING),
        S.CLOSED: _t(A.IRC, A.SCR, S.REQ_SENT), S.STOPPED: _t(S.STOPPED),
        S.CLOSING: _t(S.STOPPING), S.STOPPING: _t(S.STOPPING), S.REQ_SENT: _t(S.REQ_SENT),
        S.ACK_RCVD: _t(S.ACK_RCVD), S.ACK_SENT: _t(S.ACK_SENT), S.OPENED: _t(S.OPENED)}),
    **_row(E.CLOSE, {
        S.INITIAL: _t(S.INITIAL), S.STARTING: _t(A.TLF, S.INITIAL), S.CLOSED: _t(S.CLOSED),
        S.STOPPED: _t(S.CLOSED), S.CLOSING: _t(S.CLOSING), S.STOPPING: _t(S.CLOSING),
        S.REQ_SENT: _t(A.IRC, A.STR, S.CLOSING), S.ACK_RCVD: _t(A.IRC, A.STR, S.CLOSING),
        S.ACK_SENT: _t(A.IRC, A.STR, S.CLOSING),
        S.OPENED: _t(A.TLD, A.IRC, A.STR, S.CLOSING)}),
    **_row(E.TO_PLUS, {
        S.CLOSING: _t(A.STR, S.CLOSING), S.STOPPING: _t(A.STR, S.STOPPING),
        S.REQ_SENT: _t(A.SCR, S.REQ_SENT), S.ACK_RCVD: _t(A.SCR, S.REQ_SENT),
        S.ACK_SENT: _t(A.SCR, S.ACK_SENT)}),
    **_row(E.TO_MINUS, {
        S.CLOSING: _t(A.TLF, S.CLOSED), S.STOPPING: _t(A.TLF, S.STOPPED),
        S.REQ_SENT: _t(A.TLF, S.STOPPED), S.ACK_RCVD: _t(A.TLF, S.STOPPED),
        S.ACK_SENT: _t(A.TLF, S.STOPPED)}),
    **_row(E.RCR_PLUS, {
        S.CLOSED: _t(A.STA, S.CLOSED), S.STOPPED: _t(A.IRC, A.SCR, A.SCA, S.ACK_SENT),
        S.CLOSING: _t(S.CLOSING), S.STOPPING: _t(S.STOPPING),
        S.REQ_SENT: _t(A.SCA, S.ACK_SENT), S.ACK_RCVD: _t(A.SCA, A.TLU, S.OPENED),
        S.ACK_SENT: _t(A.SCA, S.ACK_SENT), S.OPENED: _t(A.TLD, A.SCR, A.SCA, S.ACK_SENT)}),
    **_row(E.RCR_MINUS, {
        S.CLOSED: _t(A.STA, S.CLOSED), S.STOPPED: _t(A.IRC, A.SCR, A.SCN, S.REQ_SENT),
        S.CLOSING: _t(S.CLOSING), S.STOPPING: _t(S.STOPPING),
        S.REQ_SENT: _t(A.SCN, S.REQ_SENT), S.ACK_RCVD: _t(A.SCN, S.ACK_RCVD),
        S.ACK_SENT: _t(A.SCN, S.REQ_SENT), S.OPENED: _t(A.TLD, A.SCR, A.SCN, S.REQ_SENT)}),
    **_row(E.RCA, {
        S.CLOSED: _t(A.STA, S.CLOSED), S.STOPPED: _t(A.STA, S.STOPPED),
        S.CLOSING: _t(S.CLOSING), S.STOPPING: _t(S.STOPPING),
        S.REQ_SENT: _t(A.IRC, S.ACK_RCVD), S.ACK_RCVD: _t(A.SCR, S.REQ_SENT),
        S.ACK_SENT: _t(A.IRC, A.TLU, S.OPENED), S.OPENED: _t(A.TLD, A.SCR, S.REQ_SENT)}),
    **_row(E.RCN, {
        S.CLOSED: _t(A.STA, S.CLOSED), S.STOPPED: _t(A.STA, S.STOPPED),
        S.CLOSING: _t(S.CLOSING), S.STOPPING: _t(S.STOPPING),
        S.REQ_SENT: _t(A.IRC, A.SCR, S.REQ_SENT), S.ACK_RCVD: _t(A.SCR, S.REQ_SENT),
        S.ACK_SENT: _t(A.IRC, A.SCR, S.ACK_SENT), S.OPENED: _t(A.TLD, A.SCR, S.REQ_SENT)}),
    **_row(E.RTR, {
        S.CLOSED: _t(A.STA, S.CLOSED), S.STOPPED: _t(A.STA, S.STOPPED),
        S.CLOSING: _t(A.STA, S.CLOSING), S.STOPPING: _t(A.STA, S.STOPPING),
        S.REQ_SENT: _t(A.STA, S.REQ_SENT), S.ACK_RCVD: _t(A.STA, S.REQ_SENT),
        S.ACK_SENT: _t(A.STA, S.REQ_SENT), S.OPENED: _t(A.TLD, A.ZRC, A.STA, S.STOPPING)}),
    **_row(E.RTA, {
        S.CLOSED: _t(S.CLOSED), S.STOPPED: _t(S.STOPPED), S.CLOSING: _t(A.TLF, S.CLOSED),
        S.STOPPING: _t(A.TLF, S.STOPPED), S.REQ_SENT: _t(S.REQ_SENT),
        S.ACK_RCVD: _t(S.REQ_SENT), S.ACK_SENT: _t(S.ACK_SENT),
        S.OPENED: _t(A.TLD, A.SCR, S.REQ_SENT)}),
    **_row(E.RUC, {state: _t(A.SCJ, state) for state in State
                   if state not in (S.INITIAL, S.STARTING)}),
    **_row(E.RXJ_PLUS, {
        S.CLOSED: _t(S.CLOSED), S.STOPPED: _t(S.STOPPED), S.CLOSING: _t(S.CLOSING),
        S.STOPPING: _t(S.STOPPING), S.REQ_SENT: _t(S.REQ_SENT), S.ACK_RCVD: _t(S.REQ_SENT),
        S.ACK_SENT: _t(S.ACK_SENT), S.OPENED: _t(S.OPENED)}),
    **_row(E.RXJ_MINUS, {
        S.CLOSED: _t(A.TLF, S.CLOSED), S.STOPPED: _t(A.TLF, S.STOPPED),
        S.CLOSING: _t(A.TLF, S.CLOSED), S.STOPPING: _t(A.TLF, S.STOPPED),
        S.REQ_SENT: _t(A.TLF, S.STOPPED), S.ACK_RCVD: _t(A.TLF, S.STOPPED),
        S.ACK_SENT: _t(A.TLF, S.STOPPED), S.OPENED: _t(A.TLD, A.IRC, A.STR, S.STOPPING)}),
    **_row(E.RXR, {
        S.CLOSED: _t(S.CLOSED), S.STOPPED: _t(S.STOPPED), S.CLOSING: _t(S.CLOSING),
        S.STOPPING: _t(S.STOPPING), S.REQ_SENT: _t(S.REQ_SENT), S.ACK_RCVD: _t(S.ACK_RCVD),
        S.ACK_SENT: _t(S.ACK_SENT), S.OPENED: _t(A.SER, S.OPENED)}),
}
