"""Shared pieces of the socket tests."""

from __future__ import annotations

from twisted.internet import task

from simulator.ipstack.events import SocketListener
from simulator.network import Network
from tests.network.helpers import advance, result_of, spec


class Events(SocketListener):
    """Records every event as a tuple; ``read_all`` reads on data_available when set."""

    def __init__(self, read_all: bool = False) -> None:
        self.events: list[tuple] = []
        self.read_all = read_all
        self.received = bytearray()
        self.children: list = []

    def names(self) -> list[str]:
        return [e[0] for e in self.events]

    def connected(self, sock):
        self.events.append(("connected", sock))

    def data_available(self, sock, n):
        self.events.append(("data_available", sock, n))
        if self.read_all:
            self.received += sock.read()

    def peer_closed(self, sock):
        self.events.append(("peer_closed", sock))

    def error(self, sock, reason):
        self.events.append(("error", sock, reason))

    def accepted(self, server, child):
        self.events.append(("accepted", server, child))
        self.children.append(child)

    def writable(self, sock):
        self.events.append(("writable", sock))

    def buffer_full(self, sock):
        self.events.append(("buffer_full", sock))


def network(*hosts, link="ideal", **kw):
    clock = task.Clock()
    return Network(spec(hosts=hosts, link=link, **kw), clock=clock), clock


def bearer(net, clock, modem="lab-1"):
    d = net.activate(modem, "internet")
    clock.advance(0)
    return result_of(d)


__all__ = ["Events", "advance", "bearer", "network", "result_of"]
