"""What every dialect's IP stack shares: the modem's sockets (TCP client and server, UDP) with
buffers, flow control and events, and its resolver.  No AT syntax here: the dialects turn the
events into their own URCs.  ``simulator.ipstack.sockets`` has the tour; the package exports
the same names."""

from simulator.ipstack.sockets import *  # noqa: F403
from simulator.ipstack.sockets import __all__  # noqa: F401
