"""Where the WIP stack finds the simulated network: the modem's ``ip_network`` (a
``simulator.network.Network``, given by ``twistd atsim``'s service builder).  A modem built
without one (a bench that needs no IP) gets bearers that fail to connect with the manuals'
codes.
"""

from __future__ import annotations

from typing import Any


def network_of(modem: Any):
    """The ``Network`` the modem is attached to, or None."""
    return getattr(modem, "ip_network", None)
