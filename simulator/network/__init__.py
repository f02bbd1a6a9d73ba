"""The simulated world around the modems: APNs and bearers, lab hosts and their services,
DNS, links, routing to real endpoints and between modems, CSD calls.  It knows nothing of AT
commands or vendor dialects: failures are enums the dialects map to their own codes.
"""

from simulator.network.apn import AddressPool, Bearer
from simulator.network.calls import Call, IncomingCall
from simulator.network.dialup import DialupBearer
from simulator.network.errors import (
    ActivationError,
    ActivationFailure,
    CallError,
    CallFailure,
    NetworkError,
    Reason,
    RouteError,
)
from simulator.network.expose import Exposure
from simulator.network.links import PRESETS, Link, LinkParams
from simulator.network.network import Network

__all__ = [
    "PRESETS",
    "ActivationError",
    "ActivationFailure",
    "AddressPool",
    "Bearer",
    "Call",
    "DialupBearer",
    "CallError",
    "CallFailure",
    "Exposure",
    "IncomingCall",
    "Link",
    "LinkParams",
    "Network",
    "NetworkError",
    "Reason",
    "RouteError",
]
