"""IPv4 reassembly (RFC 791 §3.2, "reassembly"; the hole bookkeeping of RFC 815 done with a
sorted list of pieces): ``Reassembler.add(fragment, now)`` gives the whole packet once every
piece of it arrived, else None.  ``fragment(packet, mtu)`` is the other half, for a sender
whose link takes smaller packets than it has to send (a PPP peer that asked for a small MRU).

A router forwards fragments; the host gateway terminates the host's TCP and UDP in user
space, so it reassembles, as a host does.  Pieces that overlap with different octets (the
attack of RFC 1858) discard the whole datagram; so does one that would pass 65535 octets.
A datagram that does not complete within ``timeout`` seconds is forgotten the next time a
fragment comes (RFC 1122 §3.3.2 lets a host pick 60-120 s; Linux keeps 30 s, as here); at
most ``limit`` datagrams wait, the oldest going first.
"""

from __future__ import annotations

import dataclasses

from simulator.inet.ipv4 import MAX_PACKET_LENGTH, MIN_HEADER_LENGTH, Ipv4Packet

TIMEOUT = 30.0
LIMIT = 64


@dataclasses.dataclass
class _Datagram:
    first_seen: float
    pieces: dict[int, bytes] = dataclasses.field(default_factory=dict)  # offset -> octets
    #: The payload's length, known once the last fragment (MF clear) came.
    length: int | None = None
    #: The first fragment (offset 0): its header is the whole packet's.
    head: Ipv4Packet | None = None


class Reassembler:
    def __init__(self, timeout: float = TIMEOUT, limit: int = LIMIT) -> None:
        self.timeout = timeout
        self.limit = limit
        self._waiting: dict[tuple, _Datagram] = {}
        #: Datagrams given up: overlapping or oversized pieces, timed out, pushed out.
        self.discarded = 0

    def __len__(self) -> int:
        return len(self._waiting)

    def add(self, fragment: Ipv4Packet, now: float) -> Ipv4Packet | None:
        self._expire(now)
        key = (fragment.src, fragment.dst, fragment.protocol, fragment.identification)
        datagram = self._waiting.get(key)
        if datagram is None:
            if len(self._waiting) >= self.limit:
                del self._waiting[next(iter(self._waiting))]
                self.discarded += 1
            datagram = self._waiting[key] = _Datagram(now)
        start = fragment.fragment_offset * 8
        end = start + len(fragment.payload)
        if (end + MIN_HEADER_LENGTH > MAX_PACKET_LENGTH
                or (fragment.more_fragments and len(fragment.payload) % 8)
                or not self._fits(datagram, start, fragment.payload)):
            return self._discard(key)
        if not fragment.more_fragments:
            if datagram.length is not None and datagram.length != end:
                return self._discard(key)
            datagram.length = end
        if start == 0:
            datagram.head = fragment
        datagram.pieces[start] = fragment.payload
        return self._complete(key, datagram)

    def _fits(self, datagram: _Datagram, start: int, octets: bytes) -> bool:
        """The piece agrees with what came before (the same octets where they overlap) and
        lies within the datagram's known end."""
        end = start + len(octets)
        if datagram.length is not None and end > datagram.length:
            return False
        for offset, piece in datagram.pieces.items():
            lo, hi = max(start, offset), min(end, offset + len(piece))
            if lo < hi and octets[lo - start:hi - start] != piece[lo - offset:hi - offset]:
                return False
        return True

    def _complete(self, key: tuple, datagram: _Datagram) -> Ipv4Packet | None:
        if datagram.length is None or datagram.head is None:
            return None
        payload = bytearray(datagram.length)
        covered = 0
        for offset in sorted(datagram.pieces):
            if offset > covered:
                return None  # a hole
            piece = datagram.pieces[offset]
            payload[offset:offset + len(piece)] = piece
            covered = max(covered, offset + len(piece))
        if covered < datagram.length:
            return None
        del self._waiting[key]
        return dataclasses.replace(datagram.head, payload=bytes(payload), more_fragments=False,
                                   fragment_offset=0)

    def _discard(self, key: tuple) -> None:
        self._waiting.pop(key, None)
        self.discarded += 1
        return None

    def _expire(self, now: float) -> None:
        for key in [k for k, d in self._waiting.items() if now - d.first_seen > self.timeout]:
            self._discard(key)


def _copied_options(options: bytes) -> bytes:
    """The options RFC 791 copies into every fragment (the copied flag, 0x80 of the type),
    padded to whole words."""
    kept, i = bytearray(), 0
    while i < len(options):
        kind = options[i]
        if kind == 0:  # end of option list
            break
        if kind == 1:  # no operation
            i += 1
            continue
        length = options[i + 1] if i + 1 < len(options) else 0
        if length < 2:
            break  # malformed: nothing more can be read
        if kind & 0x80:
            kept += options[i:i + length]
        i += length
    return bytes(kept + bytes(-len(kept) % 4))


def fragment(packet: Ipv4Packet, mtu: int) -> list[Ipv4Packet]:
    """``packet`` as fragments of at most ``mtu`` octets each (RFC 791 §3.2, "fragmentation"):
    every piece but the last carries a multiple of 8 payload octets and MF; the first keeps all
    options, the others those with the copied flag.  A packet that fits is returned as it is.
    The caller decides about DF: fragmenting here is what a sending host does for its own
    interface, the pieces have DF clear."""
    header = MIN_HEADER_LENGTH + len(packet.options)
    if header + len(packet.payload) <= mtu:
        return [packet]
    later_options = _copied_options(packet.options)
    pieces, start, payload = [], 0, packet.payload
    while start < len(payload):
        options = packet.options if start == 0 else later_options
        room = (mtu - MIN_HEADER_LENGTH - len(options)) // 8 * 8
        if room <= 0:
            raise ValueError(f"an MTU of {mtu} octets leaves no room for a fragment")
        end = min(start + room, len(payload))
        last = end == len(payload)
        pieces.append(dataclasses.replace(
            packet, payload=payload[start:end], options=options, dont_fragment=False,
            more_fragments=packet.more_fragments if last else True,
            fragment_offset=packet.fragment_offset + start // 8))
        start = end
    return pieces
