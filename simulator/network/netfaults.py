"""Faults on one modem's connections, narrowed to a far host and/or port: what a remote
server or the path to it does wrong (Toxiproxy's vocabulary and more).

The router keeps one ``ConnectionFaults`` per modem (``Router.connection_faults``) and asks
it when a connection is attempted (``verdict``: a host down refuses or ignores the SYN) and
when one opens (``opened``: faults that last apply to new connections too).  Every rule acts
on the far end of a ``Pipe`` as a TCP peer would, so every dialect, and a PPP host's own
TCP, sees what a real socket sees.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Callable

from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure

from simulator.network.hosts import Hosts, normalise_name
from simulator.network.links import Link
from simulator.network.pipe import PipeEnd


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which connections: those whose far end is ``host`` (a name of the hosts table or an
    address) and/or ``port``; neither given: every connection of the modem."""

    host: str | None = None
    port: int | None = None

    def covers(self, hosts: Hosts, address: str, port: int | None) -> bool:
        """Whether this scope covers ``address:port`` (``port`` None: ICMP, which only a
        scope without a port covers)."""
        if self.port is not None and port != self.port:
            return False
        if self.host is None or self.host == address:
            return True
        host = hosts.by_address(address)
        return host is not None and normalise_name(self.host) in host.names


#: Starts a lasting fault on one connection end (the modem's); returns what undoes it there.
OnConnection = Callable[[PipeEnd], Callable[[], None]]


class ConnectionFaults:
    def __init__(self, hosts: Hosts) -> None:
        self.hosts = hosts
        self._refusals: list[tuple[Scope, str]] = []
        self._dns: list[tuple[str, str]] = []
        #: Paths to some hosts/ports with their own figures: a private ``Link`` each (its
        #: ``is_up`` False for a narrowed ``link_down``), crossed after the modem's own.
        self._paths: list[tuple[Scope, Link]] = []
        self._lasting: list[tuple[Scope, OnConnection, dict[PipeEnd, Callable[[], None]]]] = []
        self._ends: set[PipeEnd] = set()

    # -- the path to some hosts -----------------------------------------------------------------

    def narrow_path(self, scope: Scope, link: Link) -> Callable[[], None]:
        """Connections and datagrams to ``scope`` also cross ``link`` (after the modem's own
        link): its figures delay and pace them, its loss drops datagrams, and while it is
        down datagrams are lost, TCP bytes wait and SYNs go unanswered."""
        rule = (scope, link)
        self._paths.append(rule)
        undo_connections = self.lasting(scope, lambda end: _cross(end, link))

        def undo() -> None:
            self._paths.remove(rule)
            undo_connections()
        return undo

    @property
    def narrowed(self) -> bool:
        """Whether any path to a host/port has figures of its own."""
        return bool(self._paths)

    def paths(self, address: str, port: int | None) -> list[Link]:
        return [link for scope, link in self._paths if scope.covers(self.hosts, address, port)]

    def drops_datagram(self, address: str, port: int) -> bool:
        """Whether a datagram to or from ``address:port`` is lost on a narrowed path."""
        return any(not link.is_up or link.loses() for link in self.paths(address, port))

    # -- name lookups ---------------------------------------------------------------------------

    def fail_dns(self, names: str, how: str) -> Callable[[], None]:
        """Queries for names matching the glob ``names`` get SERVFAIL (``"servfail"``) or no
        answer (``"timeout"``) from the network's DNS servers."""
        rule = (names, how)
        self._dns.append(rule)
        return lambda: self._dns.remove(rule)

    def dns_verdict(self, name: str) -> str | None:
        name = normalise_name(name)
        for pattern, how in reversed(self._dns):
            if fnmatch.fnmatchcase(name, normalise_name(pattern)):
                return how
        return None

    # -- connection attempts --------------------------------------------------------------------

    def refuse(self, scope: Scope, how: str) -> Callable[[], None]:
        """SYNs to ``scope`` are refused (``"refuse"``: RST, the connect fails at once) or go
        unanswered (``"ignore"``: the connect times out)."""
        rule = (scope, how)
        self._refusals.append(rule)
        return lambda: self._refusals.remove(rule)

    def verdict(self, address: str, port: int) -> str | None:
        if any(not link.is_up for link in self.paths(address, port)):
            return "ignore"  # the SYN is lost on the way
        for scope, how in reversed(self._refusals):
            if scope.covers(self.hosts, address, port):
                return how
        return None

    # -- open connections -----------------------------------------------------------------------

    def opened(self, end: PipeEnd) -> None:
        """A connection of the modem is up: the lasting faults that cover it act on it."""
        self._ends.add(end)
        end.pipe.closed_callbacks.append(lambda: self._closed(end))
        for scope, start, undos in self._lasting:
            if scope.covers(self.hosts, *end.remote):
                undos[end] = start(end)

    def _closed(self, end: PipeEnd) -> None:
        self._ends.discard(end)
        for _, _, undos in self._lasting:
            undos.pop(end, None)

    def open_ends(self, scope: Scope, only: PipeEnd | None = None) -> list[PipeEnd]:
        """The modem's open connection ends ``scope`` covers (just ``only`` if given)."""
        ends = [only] if only is not None else sorted(self._ends, key=lambda e: e.local)
        return [end for end in ends if not end.disconnected
                and scope.covers(self.hosts, *end.remote)]

    def lasting(self, scope: Scope, start: OnConnection,
                only: PipeEnd | None = None) -> Callable[[], None]:
        """``start`` acts on every connection ``scope`` covers, open now or opened until the
        returned function is called, which undoes it on each (``only``: that connection)."""
        undos: dict[PipeEnd, Callable[[], None]] = {}
        for end in self.open_ends(scope, only):
            undos[end] = start(end)
        rule = (scope, start, undos)
        if only is None:
            self._lasting.append(rule)

        def undo() -> None:
            if rule in self._lasting:
                self._lasting.remove(rule)
            for end_undo in list(undos.values()):
                end_undo()
            undos.clear()

        return undo


def _cross(end: PipeEnd, link: Link) -> Callable[[], None]:
    """The connection's lanes cross ``link`` too (up: its uplink; down: its downlink)."""
    crossed = ((end.lane_out, link.uplink), (end.lane_in, link.downlink))
    for lane, stage in crossed:
        lane.stages = (*lane.stages, stage)
    link.carry(end.pipe)

    def undo() -> None:
        link.drop(end.pipe)
        for lane, stage in crossed:
            lane.stages = tuple(s for s in lane.stages if s is not stage)
            lane.pump()
    return undo


# -- what the far end does ----------------------------------------------------------------------


def peer_close(end: PipeEnd) -> None:
    """The server closes the connection in order (FIN after what it sent)."""
    end.peer.loseConnection()


def reset_peer(end: PipeEnd) -> None:
    """The server resets the connection: the modem learns it one trip later."""
    end.peer.abortConnection()


def hold(end: PipeEnd) -> Callable[[], None]:
    """Data stops both ways and nothing closes; undone, the bytes that waited move."""
    lanes = (end.lane_out, end.lane_in)
    for lane in lanes:
        lane.held += 1

    def release() -> None:
        for lane in lanes:
            lane.held -= 1
            lane.pump()

    return release


def vanish(end: PipeEnd) -> Callable[[], None]:
    """Half-open: the server is gone without a word (a crash, a NAT that forgot the
    connection).  The modem sees nothing; what it sends waits unanswered.  Undone, the path
    is back and the first bytes that reach the server's side get a reset, as a real stack
    answers a segment for a connection it does not know."""
    far = end.peer
    if not far.disconnected:
        far._read_closed = far._write_closed = True
        far.disconnected = True
        far.connected = False
        protocol = far.protocol
        if protocol is not None:
            protocol.connectionLost(Failure(ConnectionLost("the modem side went silent")))
    return hold(end)


def limit_data(limit: int) -> OnConnection:
    """After ``limit`` bytes have moved on the connection (both ways, from the moment the
    fault covers it), the server closes it."""

    def start(end: PipeEnd) -> Callable[[], None]:
        base = end.lane_in.delivered + end.lane_out.delivered
        lanes = (end.lane_in, end.lane_out)

        def delivered(size: int) -> None:
            if end.lane_in.delivered + end.lane_out.delivered - base >= limit:
                stop()
                peer_close(end)

        def stop() -> None:
            for lane in lanes:
                if delivered in lane.on_delivered:
                    lane.on_delivered.remove(delivered)

        for lane in lanes:
            lane.on_delivered.append(delivered)
        if limit == 0:
            stop()
            peer_close(end)
        return stop

    return start


def slicer(size: int, delay: float) -> OnConnection:
    """The server's writes reach the modem cut into ``size``-byte segments ``delay`` apart."""

    def start(end: PipeEnd) -> Callable[[], None]:
        lane = end.lane_in
        before, lane.slice = lane.slice, (size, delay)

        def undo() -> None:
            lane.slice = before

        return undo

    return start


def slow_close(delay: float) -> OnConnection:
    """The server's FIN comes ``delay`` after its last byte."""

    def start(end: PipeEnd) -> Callable[[], None]:
        lane = end.lane_in
        before, lane.fin_delay = lane.fin_delay, delay

        def undo() -> None:
            lane.fin_delay = before

        return undo

    return start
