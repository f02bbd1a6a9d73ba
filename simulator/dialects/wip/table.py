"""The open sockets and sessions of one modem's WIP stack, by (protocol, index), with the
indexes they hold (``IndexTable``): what creates, looks up and closes them shares this one
table, and nothing else of the stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from simulator.dialects.wip import cfg_options as cfg
from simulator.dialects.wip import service_options as so
from simulator.dialects.wip.indexes import IndexTable

if TYPE_CHECKING:
    from simulator.dialects.wip.stack import StackConfig

Key = tuple[int, int]


class SocketTable:
    def __init__(self, stack: StackConfig) -> None:
        self._stack = stack
        #: The open sockets and sessions by (protocol, index); the same dict for the
        #: table's whole life.
        self.sockets: dict[Key, Any] = {}
        self.indexes = IndexTable()

    def get(self, key: Key) -> Any:
        return self.sockets.get(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self.sockets.values()))

    @property
    def cap(self) -> int:
        """How many sockets the stack takes (+WIPCFG option 6)."""
        return self._stack.effective(cfg.SOCKET_MAX)

    def adopt(self, sock: Any, *, first: int = 0, last: int = 0) -> None:
        """A socket takes its index."""
        self.sockets[sock.key] = sock
        if sock.protocol == so.UDP:
            self.indexes.udp.add(sock.index)
        elif sock.protocol == so.TCP_CLIENT:
            self.indexes.tcp.add(sock.index)
        elif sock.protocol == so.TCP_SERVER:
            self.indexes.add_server(sock.index, first, last)
        else:
            self.indexes.sessions.add(sock.key)

    def forget(self, sock: Any) -> None:
        """The socket is gone: its index is free (a server's range once its sockets are)."""
        if self.sockets.get(sock.key) is not sock:
            return
        del self.sockets[sock.key]
        if sock.protocol == so.UDP:
            self.indexes.udp.discard(sock.index)
        elif sock.protocol == so.TCP_CLIENT:
            self.indexes.close_tcp(sock.index)
        elif sock.protocol == so.TCP_SERVER:
            self.indexes.close_server(sock.index)
        else:
            self.indexes.sessions.discard(sock.key)

    def spawn_index(self, server: int) -> int | None:
        return self.indexes.spawn_index(server, self.cap)

    def close(self, sock: Any):
        """``+WIPCLOSE``: a port mapping it goes back to AT mode first (with nothing more
        announced about the socket).  A session answers a Deferred firing once it is
        closed."""
        closing = _closed(sock)
        self.forget(sock)
        return closing

    def close_all(self) -> None:
        """Everything goes with the stack or with the bearer the sockets live on (their
        connections failed as the network released the bearer, and were reported then)."""
        for sock in self:
            closing = _closed(sock)
            if closing is not None:
                closing.addErrback(lambda f: None)  # gone with the stack either way
        self.sockets.clear()
        self.indexes.clear()


def _closed(sock: Any):
    sock.closed = True
    if sock.sink is not None:
        sock.sink.release()
    return sock.close()
