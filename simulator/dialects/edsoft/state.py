"""The connection state ``AT#VSTATE`` reports (002 §8.2): an attribute of the application
that the connection, call and PPP code moves; without radio service the module answers
``#NO SERVICE`` whatever the state.
"""

from __future__ import annotations

import enum


class ConnectionState(enum.Enum):
    IDLE = "IDLE"
    CHECKING = "CHECKING"  # setting up an outgoing session or answering a call
    DIALING = "DIALING"  # dialling the ISP (GSM)
    AUTHENTICATING = "AUTHENTICATING"  # connected, PPP not yet negotiated
    CONNECTED = "CONNECTED"  # an IP address is attributed
    DISCONNECTING = "DISCONNECTING"


NO_SERVICE_LINE = "#NO SERVICE"


def state_line(state: ConnectionState, in_service: bool) -> str:
    """What AT#VSTATE shows (decision E17 for the spacing and the final OK)."""
    if not in_service:
        return NO_SERVICE_LINE
    return f'#STATE: "{state.value}"'
