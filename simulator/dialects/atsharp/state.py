"""The connection state ``AT#VSTATE`` reports (002 §8.2): an attribute of the application
that the connection, call and PPP code moves; without radio service the module answers its
``no_service_line`` whatever the state (``AtSharpTables``).
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
