"""Events of the modems' network side that no modem service reports itself: their TCP
connections, TCP listeners and UDP ports opening and closing (``socket``) and their circuit
calls (``call``), told to each modem's observers like its own events, and counted for
``/metrics`` (the connections).

It watches the simulated network's router and each modem's call service; a run without the
control API or a recording does not build it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from twisted.application.service import Service

from simulator.modem.calls import CallService
from simulator.modem.modem import Modem


class NetworkEvents(Service):
    name = "network events"

    def __init__(self, modems: Sequence[Modem], router) -> None:
        self.modems = {modem.name: modem for modem in modems}
        self.router = router
        # Bytes of the connections closed already; open ones are read from their lanes'
        # own counts when asked, not counted segment by segment.
        self._closed_bytes: Counter[tuple[str, str]] = Counter()
        #: (dialect, end) of each TCP connection open now.
        self._open_ends: dict[int, tuple[str, object]] = {}
        #: dialect -> connections opened; and open now.
        self.sockets_opened: Counter[str] = Counter()
        self.sockets_open: Counter[str] = Counter()
        self._calls_watched = False
        #: modem -> its sockets open now: TCP connections as ``{"protocol", "local",
        #: "remote"}``, TCP listeners as ``{"protocol": "tcp", "local", "listening": True}``,
        #: UDP ports as ``{"protocol": "udp", "local"}``.
        self.connections: dict[str, list[dict]] = {}
        #: id of a UDP port's entry in ``connections`` -> the port (its counts, read live).
        self._udp_ports: dict[int, object] = {}

    @property
    def socket_bytes(self) -> Counter[tuple[str, str]]:
        """(dialect, direction) -> bytes of the modems' TCP connections (``up``: sent by
        the modem and received by its peer, ``down``: received by the modem)."""
        counts = Counter(self._closed_bytes)
        for dialect, end in self._open_ends.values():
            counts[(dialect, "up")] += end.lane_out.delivered
            counts[(dialect, "down")] += end.lane_in.delivered
        return +counts  # as counted before: a direction shows once a byte moved

    def startService(self) -> None:
        self.router.connection_observers.append(self._connection)
        self.router.socket_observers.append(self._socket)
        if not self._calls_watched:  # call services keep their observers for good
            self._calls_watched = True
            for modem in self.modems.values():
                try:
                    calls = modem.service(CallService)
                except LookupError:
                    continue
                calls.on_call_event(lambda event, m=modem: self._call(m, event))
        Service.startService(self)

    def stopService(self):
        if self._connection in self.router.connection_observers:
            self.router.connection_observers.remove(self._connection)
        if self._socket in self.router.socket_observers:
            self.router.socket_observers.remove(self._socket)
        return Service.stopService(self)

    def _connection(self, bearer, end, pipe) -> None:
        modem = self.modems.get(bearer.modem)
        if modem is None:
            return
        dialect = modem.dialect.name
        local, remote = f"{end.local[0]}:{end.local[1]}", f"{end.remote[0]}:{end.remote[1]}"
        self.sockets_opened[dialect] += 1
        self.sockets_open[dialect] += 1
        modem.notify("socket", state="open", protocol="tcp", local=local, remote=remote)
        shown = {"protocol": "tcp", "local": local, "remote": remote}
        self.connections.setdefault(modem.name, []).append(shown)
        self._open_ends[id(end)] = (dialect, end)

        def closed() -> None:
            if self._open_ends.pop(id(end), None) is not None:
                self._closed_bytes[(dialect, "up")] += end.lane_out.delivered
                self._closed_bytes[(dialect, "down")] += end.lane_in.delivered
            self.sockets_open[dialect] -= 1
            open_now = self.connections.get(modem.name, [])
            if shown in open_now:
                open_now.remove(shown)
            modem.notify("socket", state="closed", protocol="tcp", local=local,
                         remote=remote, sent=end.bytes_acked, received=end.peer.bytes_acked)

        pipe.closed_callbacks.append(closed)

    def sockets_of(self, modem: str) -> list[dict]:
        """The modem's sockets open now, each UDP port with its datagram and byte counts
        as they stand."""
        shown = []
        for entry in self.connections.get(modem, []):
            endpoint = self._udp_ports.get(id(entry))
            shown.append(entry if endpoint is None else {**entry, **endpoint.counts()})
        return shown

    def _socket(self, bearer, state: str, protocol: str, port: int, endpoint=None) -> None:
        """A UDP port or a TCP listener of a modem opened or closed."""
        modem = self.modems.get(bearer.modem)
        if modem is None:
            return
        shown = {"protocol": protocol, "local": f"{bearer.address}:{port}"}
        if protocol == "tcp":
            shown["listening"] = True
        open_now = self.connections.setdefault(modem.name, [])
        if state == "open":
            open_now.append(shown)
            if endpoint is not None:
                self._udp_ports[id(shown)] = endpoint
        else:
            for entry in open_now:
                if entry == shown:
                    open_now.remove(entry)
                    self._udp_ports.pop(id(entry), None)
                    break
        counts = endpoint.counts() if endpoint is not None and state == "closed" else {}
        modem.notify("socket", state=state, **shown, **counts)

    def _call(self, modem: Modem, event) -> None:
        fields = {"edge": event.kind, "remote": event.remote}
        if event.caller is not None:
            fields["caller"] = event.caller
        modem.notify("call", **fields)
