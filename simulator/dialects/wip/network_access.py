"""Where the WIP stack finds the simulated network (``simulator.network.Network``).

The one place that knows how a modem is wired to the network: a modem without one (a bench
that does not need IP) gets bearers that fail to connect, with the manuals' codes.
"""

from __future__ import annotations

from typing import Any


def network_of(modem: Any):
    """The ``Network`` the modem is attached to, or None."""
    return getattr(modem, "ip_network", None)
