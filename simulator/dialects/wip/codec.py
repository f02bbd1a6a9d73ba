"""The DLE/ETX codec of WIP's continuous mode (+WIPDATA mode 1, 001 §6.2.2) and of
+WIPFILE transfers (001 §6.1.2, §6.1.3), sans-IO: bytes in, events out, no sockets, no
reactor.

Host to network (the mapped UART's bytes):

=================  ===========================================================
``DLE ETX``        a data byte 0x03
``DLE DLE``        a data byte 0x10
``DLE`` + other    the DLE is dropped ("A single [DLE] character which is not
                   preceded by a [DLE] character will not be transmitted")
lone ``ETX``       ``EndOfData``: TCP shuts its sending side down, UDP ends the datagram
=================  ===========================================================

Network to host: every 0x03 and 0x10 is sent preceded by a DLE (``escape``); a UDP datagram
is followed by a lone ETX (``frame_datagram``).

    decoder = StreamDecoder()
    decoder.receive_data(b"ab\\x10\\x03c\\x03")
    decoder.next_event()  ->  Data(b"ab"), Data(b"\\x03"), Data(b"c"), END_OF_DATA, NEED_DATA

``DatagramDecoder`` collects a UDP datagram up to the lone ETX or up to ``MAX_DATAGRAM``
bytes, whichever comes first (001 §6.2.2.2).  A DLE split from its partner by fragmentation
waits for the next ``receive_data``: any fragmentation gives the same events.
"""

from __future__ import annotations

import dataclasses
import re

DLE = 0x10
ETX = 0x03
_SPECIAL = (DLE, ETX)
#: Finds the next DLE or ETX, scanning no further than it.
_NEXT_SPECIAL = re.compile(b"[\x03\x10]")

#: "Maximum size of an UDP datagram has been fixed to 5840 Bytes" (001 §6.2.2.2): data
#: written on a UDP socket is sent as one datagram at the lone ETX or at this size.
MAX_DATAGRAM = 5840

#: Shown on the mapped UART when the TCP peer shut its sending side down (001 §6.2.2.1,
#: §6.2.11.1); v2.01 sends a lone ETX instead (000 §7.2.1.1).
SHUTDOWN_INDICATION = b"\r\nSHUTDOWN\r\n"
END_MARK = bytes([ETX])


@dataclasses.dataclass(frozen=True)
class Data:
    """Bytes for the network."""

    payload: bytes


@dataclasses.dataclass(frozen=True)
class Datagram:
    """One complete UDP datagram for the network."""

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


def escape(payload: bytes) -> bytes:
    """Network bytes as they go to the host: DLE before every DLE and ETX.  (DLEs first:
    the ETX escape adds DLEs that must not be doubled again.)"""
    return payload.replace(b"\x10", b"\x10\x10").replace(b"\x03", b"\x10\x03")


def frame_datagram(payload: bytes) -> bytes:
    """A received UDP datagram as it goes to the host: escaped, then a lone ETX."""
    return escape(payload) + END_MARK


class StreamDecoder:
    """Host bytes of a continuous-mode TCP socket (or a +WIPFILE upload) to ``Data`` and
    ``END_OF_DATA`` events."""

    def __init__(self) -> None:
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
                if byte in _SPECIAL:
                    self._pos = pos + 1
                    return Data(bytes([byte]))
                # A lone DLE: dropped; the byte after it is ordinary data, read below.
            if pos == len(buffer):
                buffer.clear()
                self._pos = 0
                return NEED_DATA
            match = _NEXT_SPECIAL.search(buffer, pos)
            special = match.start() if match else len(buffer)
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
    """Host bytes of a continuous-mode UDP socket to ``Datagram`` events.

    A datagram ends at a lone ETX or when it reaches ``MAX_DATAGRAM`` bytes.  Nothing is
    sent for an ETX that ends an empty datagram (two ETX in a row, or one right after a
    datagram the size limit ended).
    """

    def __init__(self, max_size: int = MAX_DATAGRAM) -> None:
        self._stream = StreamDecoder()
        self._current = bytearray()
        self._max = max_size
        self._ready: list[Datagram] = []
        #: Lone ETX seen so far (v2.01 leaves data mode on one).
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
        """Data mode ends (``+++``, unmap): every complete datagram, then "the currently
        unsent data are sent as a single datagram" (001 §6.2.2.2).  A DLE still waiting
        for its partner is dropped."""
        out = self.events()
        self._stream = StreamDecoder()
        if self._current:
            out.append(Datagram(bytes(self._current)))
            self._current.clear()
        return out

    def _complete(self) -> None:
        if self._current:
            self._ready.append(Datagram(bytes(self._current)))
            self._current.clear()
