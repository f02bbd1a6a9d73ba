"""DLE/ETX transparency, sans-IO: bytes in, events out, no sockets, no reactor.

Several vendors carry a socket's or a file's bytes over the serial line this way (Wavecom
WIP continuous mode and file transfers, eDsoft's FTP/TCP/UDP sessions, GenPro): a lone ETX
marks the end of the data, and a DLE in front of a byte makes it ordinary data.

Host to module:

=================  ===========================================================
``DLE`` + escaped  that byte, as data (``DLE ETX`` is a 0x03, ``DLE DLE`` a 0x10)
``DLE`` + other    the DLE is dropped, the other byte is data
lone ``ETX``       ``END_OF_DATA``
=================  ===========================================================

Module to host: every escaped byte is sent preceded by a DLE (``Escaping.escape``); a
datagram is followed by a lone ETX (``Escaping.frame``).

    decoder = StreamDecoder()
    decoder.receive_data(b"ab\\x10\\x03c\\x03")
    decoder.next_event()  ->  Data(b"ab"), Data(b"\\x03"), Data(b"c"), END_OF_DATA, NEED_DATA

The escaped set is a parameter (``Escaping(b"\\x10\\x03")``, the default, is what every
vendor so far uses); it always holds DLE and ETX, or the host could not send them as data.
A DLE split from its partner by fragmentation waits for the next ``receive_data``: any
fragmentation gives the same events.
"""

from __future__ import annotations

import dataclasses
import re

DLE = 0x10
ETX = 0x03
#: The lone ETX that ends the data (a datagram, a file, a connection).
END_MARK = bytes([ETX])
#: Finds the next DLE or ETX, scanning no further than it: only these two mean anything
#: on the way in.
def _next_special(buffer: bytearray, pos: int) -> int:
    """Where the next ETX or DLE is from ``pos`` (the length if none): two ``find`` calls
    (memchr) scan a large read several times faster than a regular expression's class."""
    etx = buffer.find(b"\x03", pos)
    dle = buffer.find(b"\x10", pos, etx if etx >= 0 else len(buffer))
    if dle >= 0:
        return dle
    return etx if etx >= 0 else len(buffer)


@dataclasses.dataclass(frozen=True)
class Data:
    """Bytes for the network."""

    payload: bytes


@dataclasses.dataclass(frozen=True)
class Datagram:
    """One complete datagram for the network."""

    payload: bytes


class _Marker:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


#: A lone ETX from the host.
END_OF_DATA = _Marker("END_OF_DATA")
#: ``next_event`` has nothing more until ``receive_data`` gives it bytes.
NEED_DATA = _Marker("NEED_DATA")


class Escaping:
    """Which bytes travel behind a DLE."""

    def __init__(self, escaped: bytes = bytes([DLE, ETX])) -> None:
        if DLE not in escaped or ETX not in escaped:
            raise ValueError("DLE and ETX are always escaped")
        self.escaped = frozenset(escaped)
        self._plain = self.escaped == {DLE, ETX}
        self._pattern = re.compile(b"[" + b"".join(re.escape(bytes([b])) for b in sorted(
            self.escaped)) + b"]")

    def __repr__(self) -> str:
        return f"Escaping({bytes(sorted(self.escaped))!r})"

    def escape(self, payload: bytes) -> bytes:
        """Network bytes as they go to the host: a DLE before every escaped byte."""
        if self._plain:
            # DLEs first: the ETX escape adds DLEs that must not be doubled again.
            return payload.replace(b"\x10", b"\x10\x10").replace(b"\x03", b"\x10\x03")
        return self._pattern.sub(b"\x10\\g<0>", payload)

    def frame(self, payload: bytes) -> bytes:
        """A received datagram as it goes to the host: escaped, then a lone ETX."""
        return self.escape(payload) + END_MARK


#: DLE and ETX escaped, nothing else.
DLE_ETX = Escaping()
escape = DLE_ETX.escape
frame_datagram = DLE_ETX.frame


class StreamDecoder:
    """Host bytes of a stream (a TCP socket, a file upload) to ``Data`` and
    ``END_OF_DATA`` events."""

    def __init__(self, escaping: Escaping = DLE_ETX) -> None:
        self._escaped = escaping.escaped
        self._buffer = bytearray()
        self._pos = 0  # bytes of _buffer already turned into events
        self._after_dle = False

    @property
    def pending_dle(self) -> bool:
        """The last byte was a DLE whose meaning depends on the next one."""
        return self._after_dle

    def receive_data(self, data: bytes) -> None:
        if self._pos:
            del self._buffer[:self._pos]
            self._pos = 0
        self._buffer += data

    def next_event(self) -> Data | _Marker:
        buffer = self._buffer
        while True:
            pos = self._pos
            if self._after_dle:
                if pos == len(buffer):
                    return NEED_DATA
                byte = buffer[pos]
                self._after_dle = False
                if byte in self._escaped:
                    self._pos = pos + 1
                    return Data(bytes([byte]))
                # A lone DLE: dropped; the byte after it is ordinary data, read below.
            if pos == len(buffer):
                buffer.clear()
                self._pos = 0
                return NEED_DATA
            special = _next_special(buffer, pos)
            if special > pos:
                self._pos = special
                return Data(bytes(buffer[pos:special]))
            self._pos = pos + 1
            if buffer[pos] == ETX:
                return END_OF_DATA
            self._after_dle = True

    def events(self) -> list[Data | _Marker]:
        """Every event available now."""
        out = []
        while (event := self.next_event()) is not NEED_DATA:
            out.append(event)
        return out


class DatagramDecoder:
    """Host bytes of a datagram socket to ``Datagram`` events.

    A datagram ends at a lone ETX or when it reaches ``max_size`` bytes.  Nothing is sent
    for an ETX that ends an empty datagram (two ETX in a row, or one right after a datagram
    the size limit ended).
    """

    def __init__(self, max_size: int, escaping: Escaping = DLE_ETX) -> None:
        if max_size < 1:
            raise ValueError(f"a datagram holds at least one byte, not {max_size}")
        self._escaping = escaping
        self._stream = StreamDecoder(escaping)
        self._current = bytearray()
        self._max = max_size
        self._ready: list[Datagram] = []
        #: Lone ETX seen so far (a dialect may leave data mode on one).
        self.etx_seen = 0

    @property
    def collected(self) -> int:
        """Bytes of the datagram being collected."""
        return len(self._current)

    def receive_data(self, data: bytes) -> None:
        self._stream.receive_data(data)

    def next_event(self) -> Datagram | _Marker:
        while not self._ready:
            event = self._stream.next_event()
            if event is NEED_DATA:
                return NEED_DATA
            if event is END_OF_DATA:
                self.etx_seen += 1
                self._complete()
                continue
            assert isinstance(event, Data)
            payload = memoryview(event.payload)
            while payload:
                room = self._max - len(self._current)
                self._current += payload[:room]
                payload = payload[room:]
                if len(self._current) == self._max:
                    self._complete()
        return self._ready.pop(0)

    def events(self) -> list[Datagram]:
        out = []
        while (event := self.next_event()) is not NEED_DATA:
            out.append(event)
        return out

    def flush(self) -> list[Datagram]:
        """Data mode ends: every complete datagram, then what was collected as one more.
        A DLE still waiting for its partner is dropped."""
        out = self.events()
        self._stream = StreamDecoder(self._escaping)
        if self._current:
            out.append(Datagram(bytes(self._current)))
            self._current.clear()
        return out

    def _complete(self) -> None:
        if self._current:
            self._ready.append(Datagram(bytes(self._current)))
            self._current.clear()
