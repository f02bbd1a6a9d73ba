"""Two PPP peers back to back, sans-IO (``Pair``) or on a ``task.Clock`` through
``PppLink`` (``linked``)."""

from __future__ import annotations

import random

from twisted.internet import task

from simulator.ppp import PeerConfig, PppPeer
from simulator.ppp.config import AuthProtocol
from simulator.ppp.link import PppLink
from tests.ppp.wire import Wire

CLIENT_ADDRESS, SERVER_ADDRESS, DNS = "10.112.0.2", "10.112.0.1", ("10.112.0.53", "10.112.0.54")


def client_config(login="user", password="secret", **more) -> PeerConfig:
    return PeerConfig.client(login, password, **more)


def server_config(secrets=None, require=(AuthProtocol.CHAP, AuthProtocol.PAP),
                  **more) -> PeerConfig:
    return PeerConfig.server(SERVER_ADDRESS, CLIENT_ADDRESS,
                             secrets={"user": "secret"} if secrets is None else secrets,
                             require_auth=require, dns=DNS, **more)


class Pair:
    """Two sans-IO peers; ``run`` moves octets and time until nothing happens."""

    def __init__(self, client: PeerConfig, server: PeerConfig, *, seed: int = 0) -> None:
        self.client = PppPeer(client, random.Random(seed))
        self.server = PppPeer(server, random.Random(seed + 1))
        self.events: dict[str, list] = {"client": [], "server": []}
        self.now = 0.0

    def start(self) -> Pair:
        for peer in (self.client, self.server):
            peer.lower_up(self.now)
            peer.open(self.now)
        return self

    def exchange(self) -> bool:
        moved = False
        for source, target in ((self.client, self.server), (self.server, self.client)):
            data = source.data_to_send()
            if data:
                moved = True
                target.receive_data(data, self.now)
        for name, peer in (("client", self.client), ("server", self.server)):
            while (event := peer.next_event()) is not None:
                self.events[name].append(event)
        return moved

    def run(self, until: float = 120.0) -> Pair:
        while self.now <= until:
            if self.exchange():
                continue
            timers = [t for t in (self.client.get_timer(), self.server.get_timer())
                      if t is not None]
            if not timers:
                break
            self.now = max(self.now, min(timers))
            self.client.handle_timer(self.now)
            self.server.handle_timer(self.now)
        return self

    def kinds(self, name: str) -> list[str]:
        return [type(e).__name__ for e in self.events[name]]


def linked(client: PeerConfig, server: PeerConfig, *, delay: float = 0.05, drop=None,
           seed: int = 0):
    """PppLinks on a task.Clock joined by a Wire; returns (clock, client link, server link,
    events by side, wire)."""
    clock = task.Clock()
    events: dict[str, list] = {"client": [], "server": []}
    a = PppLink(PppPeer(client, random.Random(seed)), clock, events["client"].append,
                name="client")
    b = PppLink(PppPeer(server, random.Random(seed + 1)), clock, events["server"].append,
                name="server")
    wire = Wire(clock, a, b, delay=delay, drop=drop)
    wire.connect()
    return clock, a, b, events, wire


def advance(clock: task.Clock, seconds: float, step: float = 0.01) -> None:
    for _ in range(int(seconds / step)):
        clock.advance(step)
