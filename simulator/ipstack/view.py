"""A read-only view of one of a dialect's sockets, the same for every dialect: the number the
host knows it by, the protocol, the two ends, and its state.  A dialect service lists its
table as these (``socket_views()``); whoever shows a modem's state reads only this."""

from __future__ import annotations

import dataclasses
from typing import Any

from simulator.ipstack.tcp import TcpServer, TcpSocket
from simulator.ipstack.udp import UdpSocket


@dataclasses.dataclass(frozen=True)
class SocketView:
    #: The host's number for it: ``3`` (MIP, AT#), ``"2,1"`` (WIP <protocol>,<index>).
    id: int | str
    #: ``tcp``, ``tcp-server``, ``udp``, or the dialect's own word for a session (``ftp``).
    protocol: str
    local: str | None
    remote: str | None
    #: ``idle``, ``connecting``, ``connected``, ``listening``, ``open``, ``closed``.
    state: str

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def view(number: int | str, endpoint: Any, protocol: str | None = None) -> SocketView:
    """``endpoint`` (a ``TcpSocket``, ``TcpServer``, ``UdpSocket`` or None: not open yet) as
    the view of socket ``number``; ``protocol`` overrides the one read from the endpoint."""
    if isinstance(endpoint, TcpSocket):
        return SocketView(number, protocol or "tcp", _address(endpoint.local),
                          _address(endpoint.peer),
                          "closed" if endpoint.released else endpoint.state.value)
    if isinstance(endpoint, TcpServer):
        return SocketView(number, protocol or "tcp-server",
                          _address((endpoint.address, endpoint.port)), None,
                          "closed" if endpoint.closed else "listening")
    if isinstance(endpoint, UdpSocket):
        return SocketView(number, protocol or "udp", _address(endpoint.local),
                          _address(endpoint.peer),
                          "closed" if endpoint.closed else
                          "open" if endpoint.local is not None else "idle")
    return SocketView(number, protocol or "unknown", None, None, "idle")


def _address(pair: tuple[str, int] | None) -> str | None:
    return None if pair is None else f"{pair[0]}:{pair[1]}"
