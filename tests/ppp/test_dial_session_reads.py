"""atsim-dial's session reads what its port has in one go (a PTY gives 4 KiB a read) and
writes what the TUN queued in one go; an end of the port after some data is seen next time."""

from __future__ import annotations

import pytest

from simulator.dial import dialer
from simulator.dial.dialer import Session
from simulator.ppp import PeerConfig


class FakePort:
    """A port whose reads hand out ``chunks`` in order: b"" means nothing there now, an
    exception is raised."""

    fd = -1

    def __init__(self, chunks) -> None:
        self.chunks = list(chunks)
        self.written: list[bytes] = []

    def read(self) -> bytes:
        item = self.chunks.pop(0) if self.chunks else b""
        if isinstance(item, Exception):
            raise item
        return item

    def write(self, data: bytes) -> None:
        self.written.append(data)


def session(port, tun=None) -> Session:
    return Session(port, tun, PeerConfig.client(None, None), on_up=lambda e: None,
                   say=lambda text: None)


def test_what_the_port_has_is_read_in_one_go():
    port = FakePort([b"a" * 4095, b"b" * 4095, b"c", b"", b"later"])
    assert session(port)._read_port() == b"a" * 4095 + b"b" * 4095 + b"c"
    assert port.chunks == [b"later"]


def test_an_end_after_data_is_seen_on_the_next_read():
    port = FakePort([b"data", EOFError("port closed"), EOFError("port closed")])
    s = session(port)
    assert s._read_port() == b"data"
    with pytest.raises(EOFError):
        s._read_port()


def test_the_packets_the_tun_queued_go_out_in_one_write(monkeypatch):
    queued = [b"p1", b"p2", b"p3"]

    def read(fd, size):  # the TUN: one packet a read, then nothing
        if not queued:
            raise BlockingIOError
        return queued.pop(0)

    monkeypatch.setattr(dialer.os, "read", read)
    port = FakePort([])
    s = session(port, tun=99)
    s.peer.send_ip = lambda packet: s.peer._out.extend(b"<" + packet + b">") or True
    s._from_tun()
    assert port.written == [b"<p1><p2><p3>"]
