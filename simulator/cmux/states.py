"""What the responding station (the modem) does with each frame in each DLC state: the
transition table of 27.010 §5.4.1 (DLC establishment), §5.4.2 (DLC release) and §5.4.3
(information transfer), as atsim applies it.

The modem never opens a DLC itself (the host, which opened DLC 0, is the initiating
station), and closes one only when a fault tells it to (``DceMultiplexer.disconnect``, at
once, without waiting for the UA), so a DLC has two states and the modem never waits for
UA or DM.
DLC 0 follows the same table: opening it starts the multiplexer, DISC on it ends it.
"""

from __future__ import annotations

import enum

from simulator.cmux.frames import FrameKind


class DlcState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"


class Action(enum.Enum):
    OPEN = "answer UA and open the DLC (DM if it is not offered)"
    DUPLICATE_SABM = "ignore: the UA was already sent and a second one means 'closed'"
    CLOSE = "answer UA and close the DLC"
    ANSWER_DM = "answer DM: the DLC is not open"
    DM_IF_POLL = "answer DM if P is set, else drop: information for a DLC that is not open"
    DELIVER = "deliver the information (DLC 0: control messages)"
    IGNORE = "ignore: a response to a command the modem never sends"


TRANSITIONS: dict[tuple[DlcState, FrameKind], Action] = {
    (DlcState.CLOSED, FrameKind.SABM): Action.OPEN,
    (DlcState.OPEN, FrameKind.SABM): Action.DUPLICATE_SABM,
    (DlcState.CLOSED, FrameKind.DISC): Action.ANSWER_DM,
    (DlcState.OPEN, FrameKind.DISC): Action.CLOSE,
    (DlcState.CLOSED, FrameKind.UIH): Action.DM_IF_POLL,
    (DlcState.OPEN, FrameKind.UIH): Action.DELIVER,
    (DlcState.CLOSED, FrameKind.UI): Action.DM_IF_POLL,
    (DlcState.OPEN, FrameKind.UI): Action.DELIVER,
    (DlcState.CLOSED, FrameKind.UA): Action.IGNORE,
    (DlcState.OPEN, FrameKind.UA): Action.IGNORE,
    (DlcState.CLOSED, FrameKind.DM): Action.IGNORE,
    (DlcState.OPEN, FrameKind.DM): Action.IGNORE,
}
