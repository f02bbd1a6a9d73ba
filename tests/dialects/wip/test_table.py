"""The socket table on its own: a socket takes and frees its index, closing releases the
port mapping it, and the stack's teardown closes everything and swallows late failures."""

from __future__ import annotations

from twisted.internet import defer

from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.revisions import DEFAULT_REVISION, REVISIONS
from simulator.dialects.wip.stack import StackConfig
from simulator.dialects.wip.table import SocketTable
from simulator.modem.storage import NVStore


class Sink:
    released = False

    def release(self) -> None:
        self.released = True


class Sock:
    def __init__(self, protocol: int, index: int, closing=None) -> None:
        self.protocol, self.index = protocol, index
        self.key = (protocol, index)
        self.sink: Sink | None = None
        self.closed = False
        self.close_calls = 0
        self._closing = closing

    def close(self):
        self.close_calls += 1
        return self._closing


def table() -> SocketTable:
    stack = StackConfig(REVISIONS[DEFAULT_REVISION], NVStore(None))
    stack.start()
    return SocketTable(stack)


def test_adopt_and_forget_hold_and_free_the_index():
    t = table()
    udp, server = Sock(so.UDP, 1), Sock(so.TCP_SERVER, 1)
    t.adopt(udp)
    t.adopt(server, first=3, last=4)
    assert t.get((so.UDP, 1)) is udp
    assert t.indexes.udp == {1}
    assert t.spawn_index(1) == 3
    t.forget(udp)
    t.forget(Sock(so.TCP_SERVER, 1))  # not the one in the table: nothing happens
    assert t.get((so.UDP, 1)) is None
    assert t.indexes.udp == set()
    assert t.indexes.servers == {1}
    assert list(t) == [server]


def test_close_releases_the_mapping_and_frees_the_index():
    t = table()
    closing = defer.Deferred()
    session = Sock(so.FTP, 1, closing)
    session.sink = Sink()
    t.adopt(session)
    assert t.close(session) is closing
    assert session.closed and session.sink.released and session.close_calls == 1
    assert t.sockets == {} and t.indexes.sessions == set()


def test_close_all_empties_the_table_and_swallows_late_failures():
    t = table()
    closing = defer.Deferred()
    tcp, session = Sock(so.TCP_CLIENT, 2), Sock(so.FTP, 1, closing)
    t.adopt(tcp)
    t.adopt(session)
    sockets = t.sockets
    t.close_all()
    assert tcp.closed and session.closed
    assert t.sockets is sockets and sockets == {}
    assert t.indexes.tcp == set() and t.indexes.sessions == set()
    closing.errback(RuntimeError("gone"))  # no unhandled error left in the Deferred
    assert closing.result is None
