"""One host at a time on a network port, and what happens when a second one connects.

Policy: **the newest connection wins** (ser2net calls it ``kickolduser``).  The old host is
detached from the channel and its connection closed; the new one is attached.  Why not refuse
the newcomer instead: a host that crashed, a laptop that went to sleep or a cable pulled
between two switches leaves a half-open connection behind that the simulator cannot tell from
a live one, and refusing would lock the modem until TCP keep-alive gives up (hours).  A test
suite that closes and at once reopens a port races its own FIN the same way.  Kicking is
logged as a warning with both peers, so two hosts fighting over one port show up in the log.
"""

from __future__ import annotations

from typing import Protocol

from simulator.line import Channel, HostEnd
from simulator.logs import Logger

log = Logger()


class HostConnection(HostEnd, Protocol):
    """A network connection that can be a channel's host end."""

    peer: str
    #: The channel while this connection is its host (set by the gate), else None.
    attached_channel: Channel | None

    def disconnect(self) -> None:
        """Close the connection (it reports ``host_disconnected`` itself later, or not)."""


class SingleHostGate:
    """Attaches one connection at a time to a channel.

    ``drives_signals``: the transport carries the host's DTR/RTS (RFC 2217).  Then connecting
    raises both and disconnecting drops both before the channel is detached, as opening and
    closing a real serial port does (Linux raises DTR/RTS on open and drops them on close,
    ``HUPCL``): a modem set to ``&D2`` hangs up a call whose host went away.  A transport
    without signals (raw TCP) leaves them on, as a PTY does.
    """

    def __init__(self, channel: Channel, label: str, *, drives_signals: bool = False) -> None:
        self.channel = channel
        self.label = label
        self.drives_signals = drives_signals
        self.current: HostConnection | None = None
        #: Connections closed because a newer one arrived.
        self.kicked = 0

    def host_connected(self, connection: HostConnection) -> None:
        old = self.current
        if old is not None:
            self.kicked += 1
            log.warn(
                "{label}: host {new} connected; disconnecting {old} (one host per port)",
                label=self.label,
                new=connection.peer,
                old=old.peer,
            )
            self._release(old)
            old.disconnect()
        else:
            log.info("{label}: host {peer} connected", label=self.label, peer=connection.peer)
        self.current = connection
        connection.attached_channel = self.channel
        if self.drives_signals:
            self.channel.set_host_signals(dtr=True, rts=True)
        self.channel.attach_host(connection)

    def host_disconnected(self, connection: HostConnection) -> None:
        if connection is not self.current:
            return  # a kicked connection finishing its close
        log.info("{label}: host {peer} disconnected", label=self.label, peer=connection.peer)
        self._release(connection)

    def _release(self, connection: HostConnection) -> None:
        self.current = None
        connection.attached_channel = None
        if self.drives_signals:
            self.channel.set_host_signals(dtr=False, rts=False)
        self.channel.detach_host()
