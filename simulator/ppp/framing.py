"""RFC 1662 HDLC-like framing, sans-IO: ``encode_frame`` turns a protocol number and its
information into the octets for the line, ``FrameDecoder`` is fed line octets in any pieces
and yields the frames whose FCS checks, counting everything it throws away.

    flag 0x7E | address 0xFF | control 0x03 | protocol (1-2) | information | FCS (2) | flag

Between the flags, 0x7E, 0x7D and every control character the peer's ACCM names are sent as
0x7D followed by the octet XOR 0x20.  Address/control compression (ACFC) drops the 0xFF 0x03;
protocol field compression (PFC) sends protocols below 0x100 in one octet.  The decoder
accepts both forms whatever was negotiated, as RFC 1661 §6.5-6.6 recommend to receivers.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator

from simulator.ppp.fcs import FCS_GOOD, fcs16, fcs_trailer

FLAG = 0x7E
ESCAPE = 0x7D
#: What an escaped octet is XORed with (RFC 1662 §4.2).
ESCAPE_BIT = 0x20
ALL_STATIONS = 0xFF  # the address field: PPP never assigns station addresses
UNNUMBERED_INFORMATION = 0x03  # the control field
HEADER = bytes((ALL_STATIONS, UNNUMBERED_INFORMATION))
#: Every control character escaped: the ACCM both sides use until LCP agrees on another, and
#: the one LCP packets always go out with (RFC 1662 §7.1).
DEFAULT_ACCM = 0xFFFFFFFF
#: Largest frame the decoder collects, header and FCS included, before calling it too long.
#: RFC 1661 lets a peer negotiate an MRU up to 65535; a 9600 bit/s line never needs that
#: much, and 8 KiB keeps a stream of garbage without flags from growing a buffer for ever.
MAX_FRAME_OCTETS = 8192
#: Shortest frame that can be valid: a compressed protocol octet and the two FCS octets.
MIN_FRAME_OCTETS = 3


@dataclasses.dataclass(frozen=True)
class Frame:
    protocol: int
    information: bytes


@dataclasses.dataclass
class FramingStats:
    """What the decoder saw; every octet between two flags ends up in exactly one count."""

    frames: int = 0  # good frames delivered
    bad_fcs: int = 0
    too_long: int = 0  # more than MAX_FRAME_OCTETS before the closing flag
    too_short: int = 0  # fewer octets than any valid frame
    aborted: int = 0  # 0x7D 0x7E: the sender abandoned the frame (RFC 1662 §4.4)
    bad_header: int = 0  # FCS good, but no valid address/control or protocol field
    dropped_control: int = 0  # unescaped control characters our ACCM says to ignore


@functools.lru_cache(maxsize=64)
def _escaping(accm: int):
    """What ``escape`` runs for ``accm``: a compiled class of the octets to stuff and the
    replacement of each."""
    octets = [FLAG, ESCAPE] + [c for c in range(0x20) if accm >> c & 1]
    pattern = re.compile(b"[" + b"".join(re.escape(bytes((c,))) for c in octets) + b"]")
    replacement = {bytes((c,)): bytes((ESCAPE, c ^ ESCAPE_BIT)) for c in octets}
    return pattern, replacement


def escape(data: bytes, accm: int = DEFAULT_ACCM) -> bytes:
    """Octet stuffing for the frame body (everything between the flags)."""
    if not accm:
        return bytes(data).replace(b"\x7d", b"\x7d\x5d").replace(b"\x7e", b"\x7d\x5e")
    pattern, replacement = _escaping(accm)
    return pattern.sub(lambda match: replacement[match[0]], bytes(data))


def escape_octetwise(data: bytes, accm: int = DEFAULT_ACCM) -> bytes:
    """``escape`` one octet at a time: the reference the tests compare it with."""
    out = bytearray()
    for byte in data:
        if byte in (FLAG, ESCAPE) or (byte < 0x20 and accm >> byte & 1):
            out += bytes((ESCAPE, byte ^ ESCAPE_BIT))
        else:
            out.append(byte)
    return bytes(out)


def protocol_field(protocol: int, compress: bool) -> bytes:
    """Two octets, or one when compression was agreed and the protocol's high octet is 0
    (RFC 1661 §6.5: only protocols below 0x100 can be compressed)."""
    if compress and protocol < 0x100:
        return bytes((protocol,))
    return protocol.to_bytes(2, "big")


def encode_frame(protocol: int, information: bytes, *, accm: int = DEFAULT_ACCM,
                 acfc: bool = False, pfc: bool = False) -> bytes:
    """One frame, opening and closing flag included (an idle line may get both; a receiver
    ignores the empty frame two adjacent flags make)."""
    body = (b"" if acfc else HEADER) + protocol_field(protocol, pfc) + information
    return bytes((FLAG,)) + escape(body + fcs_trailer(body), accm) + bytes((FLAG,))


@functools.lru_cache(maxsize=64)
def _unescaping(accm: int) -> re.Pattern:
    """Escapes and the octet after them, or a control character ``accm`` says to drop."""
    controls = b"".join(re.escape(bytes((c,))) for c in range(0x20) if accm >> c & 1)
    return re.compile(b"\x7d+[\x00-\xff]" + (b"|[" + controls + b"]" if controls else b""),
                      re.DOTALL)


#: Each octet as the one its escape stood for.
_UNESCAPED = tuple(bytes((octet ^ ESCAPE_BIT,)) for octet in range(0x100))


def _unescape_all(octets: bytes) -> bytes:
    """Undo the escapes in ``octets``, which does not end with one: the octet after each
    run of 0x7D is XORed with 0x20 (a repeated 0x7D is absorbed, as in ``_unescaping``)."""
    parts = octets.split(b"\x7d")
    out = [parts[0]]
    for part in parts[1:]:
        if part:  # empty: the 0x7D was followed by another
            out.append(_UNESCAPED[part[0]])
            out.append(part[1:])
    return b"".join(out)


class FrameDecoder:
    """Line octets in, frames out.  Never raises on input; ``stats`` counts what was lost.

    ``accm`` is the receive map: unescaped control characters it names were inserted by
    something on the line (a DCE's flow control) and are dropped (RFC 1662 §7.1).
    """

    def __init__(self, *, accm: int = DEFAULT_ACCM, max_frame: int = MAX_FRAME_OCTETS) -> None:
        self.accm = accm
        self.max_frame = max_frame
        self.stats = FramingStats()
        self._buffer = bytearray()
        self._escaped = False
        self._overflow = False  # discarding up to the next flag

    def feed(self, data: bytes) -> list[Frame]:
        """Take ``data``; return the frames it completed, in order."""
        return list(self.frames(data))

    def frames(self, data: bytes) -> Iterator[Frame]:
        """Take ``data`` lazily: each frame is yielded as soon as its closing flag is read,
        so a caller can change ``accm`` before the octets that follow it are looked at (the
        first frames after LCP opens already use the new map)."""
        data = bytes(data)
        start = 0
        while start <= len(data):
            end = data.find(b"\x7e", start)
            self._take(data[start:] if end < 0 else data[start:end])
            if end < 0:
                return
            frame = self._end_of_frame()
            if frame is not None:
                yield frame
            start = end + 1

    def _take(self, octets: bytes) -> None:
        """Octets between flags (none of them a flag) into the frame being collected."""
        if not octets or self._overflow:
            return
        if len(self._buffer) + len(octets) > self.max_frame:
            self._take_octetwise(octets)  # it may overflow here: count exactly where
            return
        # An escape applies to the next octet that is not itself an escape (a repeated 0x7D,
        # which no sender makes, is absorbed), whatever that octet is.
        if self._escaped:
            octets = octets.lstrip(b"\x7d")
            if not octets:
                return
            self._escaped = False
            self._buffer.append(octets[0] ^ ESCAPE_BIT)
            octets = octets[1:]
        stripped = octets.rstrip(b"\x7d")
        if len(stripped) != len(octets):  # the escaped octet comes with the next data
            self._escaped = True
            octets = stripped
        if not self.accm:  # no control characters to drop: only escapes to undo
            if b"\x7d" in octets:
                octets = _unescape_all(octets)
            self._buffer += octets
            return
        pattern = _unescaping(self.accm)
        dropped = 0

        def replace(match) -> bytes:
            nonlocal dropped
            found = match[0]
            if found[0] == ESCAPE:
                return bytes((found[-1] ^ ESCAPE_BIT,))
            dropped += 1
            return b""

        self._buffer += pattern.sub(replace, octets)
        self.stats.dropped_control += dropped

    def _take_octetwise(self, data: bytes) -> None:
        for byte in data:
            if self._overflow:
                return
            elif byte == ESCAPE:
                self._escaped = True
            elif byte < 0x20 and self.accm >> byte & 1 and not self._escaped:
                self.stats.dropped_control += 1
            else:
                if self._escaped:
                    byte ^= ESCAPE_BIT
                    self._escaped = False
                self._buffer.append(byte)
                if len(self._buffer) > self.max_frame:
                    self.stats.too_long += 1
                    self._overflow = True
                    self._buffer.clear()

    def _end_of_frame(self) -> Frame | None:
        buffer, self._buffer = bytes(self._buffer), bytearray()
        escaped, self._escaped = self._escaped, False
        if self._overflow:
            self._overflow = False
            return None
        if escaped:
            self.stats.aborted += 1
            return None
        if not buffer:
            return None  # two flags in a row: inter-frame fill
        if len(buffer) < MIN_FRAME_OCTETS:
            self.stats.too_short += 1
            return None
        if fcs16(buffer) != FCS_GOOD:
            self.stats.bad_fcs += 1
            return None
        frame = parse_frame(buffer[:-2])
        if frame is None:
            self.stats.bad_header += 1
            return None
        self.stats.frames += 1
        return frame


def parse_frame(body: bytes) -> Frame | None:
    """Address, control and protocol fields of an unescaped frame body without its FCS."""
    if body[:1] == bytes((ALL_STATIONS,)):
        if body[1:2] != bytes((UNNUMBERED_INFORMATION,)):
            return None
        body = body[2:]
    if not body:
        return None
    # RFC 1661 §2: protocol numbers have an even high octet and an odd low octet, so the
    # first octet's low bit tells a compressed (odd) field from a full one.
    if body[0] & 1:
        return Frame(body[0], body[1:])
    if len(body) < 2 or not body[1] & 1:
        return None
    return Frame(int.from_bytes(body[:2], "big"), body[2:])
