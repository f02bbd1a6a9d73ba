"""Receiving 27.010 frames from a byte stream, sans I/O: feed bytes with ``receive_data``,
drain events with ``next_event`` until it returns None.

Events are :class:`~simulator.cmux.frames.Frame`, :class:`~simulator.cmux.frames.UnknownFrame`
and :class:`Discarded` (octets that did not make a frame, with the reason).  Nothing a host
sends can raise here or make the decoder lose frames that follow:

* octets before an opening flag are garbage and dropped;
* a run of flags is idle fill (frames may share one flag, or send several);
* a candidate frame whose closing flag is missing, whose FCS is wrong, whose address has
  EA=0 or whose length exceeds the limit is discarded, and the search for an opening flag
  restarts *one octet after the candidate's opening flag* (basic option), so a frame hidden
  behind a corrupted header is still found;
* a candidate is dropped as soon as a complete valid frame is found starting at a later
  flag inside it, whether the candidate is still waiting for octets or complete (basic
  option; see ``_overtaken``);
* every decision looks only at octets the rule needs and takes the same way whenever they
  arrive, so how the stream is split into ``receive_data`` calls does not change the
  events: only a run of garbage may be reported in several ``Discarded`` pieces, as it
  arrives.

Basic option caveat (27.010 has no transparency there): like every basic-option receiver,
a candidate made of junk whose FCS and closing flag match by chance is taken as a frame, and
it may span frames that follow.  After the line has idled (flags) for one maximum frame
every following frame decodes again.
"""

from __future__ import annotations

import dataclasses

from construct import ConstructError, StreamError

from simulator.cmux.fcs import fcs_ok, header_fcs
from simulator.cmux.frames import (
    _KINDS,
    _UIH,
    ADVANCED_FLAG,
    BASIC_FLAG,
    MAX_BASIC_LENGTH,
    MAX_N1,
    PF,
    Frame,
    FrameKind,
    Option,
    UnknownFrame,
    fcs_covers_information,
    new_frame,
    parse_address,
    parse_basic_header,
    unescape,
)

#: Address, control, FCS: the shortest advanced-option frame content.
MIN_ADVANCED_CONTENT = 3


@dataclasses.dataclass(frozen=True)
class Discarded:
    """Octets that were not a frame.  ``reason``: ``garbage`` (outside any frame),
    ``bad fcs``, ``no closing flag``, ``bad address``, ``too long``, ``too short``,
    ``aborted``, ``overtaken by a later frame``."""

    reason: str
    octets: int

    def __str__(self) -> str:
        return f"discarded {self.octets} octets ({self.reason})"


Event = Frame | UnknownFrame | Discarded


def _frame(address: dict, control: int, information: bytes) -> Frame | UnknownFrame:
    kind = FrameKind.of(control)
    if kind is None:
        return UnknownFrame(address["dlci"], bool(address["cr"]), control, information)
    return Frame(kind, address["dlci"], bool(address["cr"]), bool(control & 0x10), information)


class _Counters:
    def __init__(self) -> None:
        self.frames = 0
        self.bad_fcs = 0
        self.discarded = 0  # candidates dropped for any reason, bad FCS included
        self.garbage_octets = 0


class BasicDecoder(_Counters):
    """Basic option (§5.2.6): flag 0xF9, a length field, no transparency."""

    option = Option.BASIC

    def __init__(self, max_information: int = MAX_BASIC_LENGTH) -> None:
        super().__init__()
        #: Longest information field accepted.  Bounds how long a false start (a flag octet
        #: in garbage) can hold up the frames behind it, so set it to what the link allows.
        self.max_information = min(max_information, MAX_BASIC_LENGTH)
        self._buffer = bytearray()

    @property
    def trailing_data(self) -> bytes:
        """Received octets not yet consumed by an event."""
        return bytes(self._buffer)

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    #: Take a plain frame at the head by ``_head_frame`` before the general rules (the
    #: property tests turn it off to compare with them).
    fast_path = True

    def next_event(self) -> Event | None:
        if self.fast_path:
            frame = self._head_frame()
            if frame is not None:
                return frame
        buf = self._buffer
        start = buf.find(BASIC_FLAG)
        if start < 0:
            return self._garbage(len(buf)) if buf else None
        if start > 0:
            return self._garbage(start)
        # Idle fill: keep only the last flag of a run as the opening flag.
        fill = 0
        while fill + 1 < len(buf) and buf[fill + 1] == BASIC_FLAG:
            fill += 1
        if fill:
            del buf[:fill]
        if len(buf) < 2:
            return None
        try:
            header = parse_basic_header(buf, 1)
        except StreamError:
            return None  # the header is not complete yet
        except ConstructError:
            return self._false_start("bad address")
        if header.length > self.max_information:
            return self._false_start("too long")
        header_size = 3 if buf[3] & 1 else 4
        fcs_at = 1 + header_size + header.length
        complete = len(buf) >= fcs_at + 2
        # Checked on complete candidates too: were it checked only while octets are
        # missing, the same stream would decode differently depending on where it was split.
        if self._overtaken(fcs_at + 1 if complete else len(buf) - 1):
            return self._false_start("overtaken by a later frame")
        if not complete:
            return None
        if buf[fcs_at + 1] != BASIC_FLAG:
            return self._false_start("no closing flag")
        covered_end = fcs_at if fcs_covers_information(header.control) else 1 + header_size
        if not fcs_ok(buf[1:covered_end], buf[fcs_at]):
            self.bad_fcs += 1
            return self._false_start("bad fcs")
        information = bytes(buf[1 + header_size : fcs_at])
        del buf[: fcs_at + 1]  # the closing flag may open the next frame
        self.frames += 1
        return _frame(header.address, header.control, information)

    def _head_frame(self) -> Frame | None:
        """The commonest case, decided in a few octet reads: the buffer starts with an
        opening flag, one-octet address (EA=1) and length, a known frame type, within
        ``max_information``, complete with its closing flag, no flag octet inside (so no
        later frame can overtake it) and a good FCS.  Exactly what the general rules in
        ``next_event`` make of it; None for anything else, which they then decide."""
        buf = self._buffer
        if len(buf) < 6 or buf[0] != BASIC_FLAG:
            return None
        if buf[1] == BASIC_FLAG:  # idle fill, as in ``next_event``: the last flag opens
            fill = 1
            while fill + 1 < len(buf) and buf[fill + 1] == BASIC_FLAG:
                fill += 1
            del buf[:fill]
        size = len(buf)
        if size < 6:
            return None
        address, control, first = buf[1], buf[2], buf[3]
        if not (address & first & 1):
            return None
        length = first >> 1
        fcs_at = 4 + length
        if (size < fcs_at + 2 or buf[fcs_at + 1] != BASIC_FLAG or length > self.max_information
                or buf.find(BASIC_FLAG, 1, fcs_at + 1) >= 0):
            return None
        kind = _KINDS.get(control & ~PF)
        if kind is None:
            return None
        if control & ~PF == _UIH:
            if header_fcs(bytes(buf[1:4])) != buf[fcs_at]:
                return None
        elif not fcs_ok(buf[1:fcs_at], buf[fcs_at]):
            return None
        information = bytes(buf[4:fcs_at])
        del buf[: fcs_at + 1]  # the closing flag may open the next frame
        self.frames += 1
        return new_frame(kind, address >> 2, bool(address & 2), bool(control & PF),
                         information)

    def _overtaken(self, last: int) -> bool:
        """Does a complete, valid frame start at a later flag inside the candidate at the
        head, with its closing flag at index ``last`` at the latest (the candidate's own
        closing flag, or the end of what has arrived)?  Then the candidate was junk
        (typically the previous frame's closing flag followed by line noise), and waiting
        for the octets it claims would hold that frame, on a quiet line for ever.

        The inner frame wins whether or not the candidate is complete: a candidate still
        waiting is dropped when the inner frame arrives, so a complete one must be dropped
        too, or the outcome would depend on how the octets were split.  A real frame whose
        information hides a complete valid frame (flag, known control, right FCS and
        closing flag) is the only casualty; that takes about 1 in 10^9 octets."""
        buf = self._buffer
        at = buf.find(BASIC_FLAG, 1, last)
        while at >= 0:
            if self._valid_frame_at(at, last):
                return True
            at = buf.find(BASIC_FLAG, at + 1, last)
        return False

    def _valid_frame_at(self, at: int, last: int) -> bool:
        buf = self._buffer
        try:
            header = parse_basic_header(buf, at + 1)
        except ConstructError:  # incomplete or a bad address
            return False
        if FrameKind.of(header.control) is None or header.length > self.max_information:
            return False
        header_end = at + (4 if buf[at + 3] & 1 else 5)
        fcs_at = header_end + header.length
        if fcs_at + 1 > last or buf[fcs_at + 1] != BASIC_FLAG:
            return False
        covered_end = fcs_at if fcs_covers_information(header.control) else header_end
        return fcs_ok(buf[at + 1 : covered_end], buf[fcs_at])

    def _garbage(self, count: int) -> Discarded:
        del self._buffer[:count]
        self.garbage_octets += count
        return Discarded("garbage", count)

    def _false_start(self, reason: str) -> Discarded:
        """Drop the opening flag only: the next flag inside the candidate may start a real
        frame (the candidate's length is not to be trusted)."""
        del self._buffer[:1]
        self.discarded += 1
        return Discarded(reason, 1)


class AdvancedDecoder(_Counters):
    """Advanced option (§5.2.7): flag 0x7E, control-octet transparency, no length field."""

    option = Option.ADVANCED

    def __init__(self, max_information: int = MAX_N1) -> None:
        super().__init__()
        #: Longest information field accepted; a frame longer than this is dropped (and
        #: the buffer with it) without waiting for its closing flag.
        self.max_information = max_information
        self._buffer = bytearray()

    @property
    def _max_raw(self) -> int:
        # Every octet of address, control, information and FCS may be escaped.
        return 2 * (self.max_information + MIN_ADVANCED_CONTENT)

    @property
    def trailing_data(self) -> bytes:
        return bytes(self._buffer)

    def receive_data(self, data: bytes) -> None:
        self._buffer += data

    def next_event(self) -> Event | None:
        buf = self._buffer
        while True:
            start = buf.find(ADVANCED_FLAG)
            if start < 0:
                return self._garbage(len(buf)) if buf else None
            if start > 0:
                return self._garbage(start)
            # A closing flag further than _max_raw octets away cannot end a frame: look no
            # further, so the decision (and the octets it reports) is the same whether the
            # flag has already arrived or not.
            end = buf.find(ADVANCED_FLAG, 1, self._max_raw + 2)
            if end < 0:
                if len(buf) > self._max_raw + 1:
                    # Too long to be a frame: the rest up to the next flag is garbage.
                    del buf[: self._max_raw + 2]
                    self.discarded += 1
                    return Discarded("too long", self._max_raw + 2)
                return None
            raw = bytes(buf[1:end])
            del buf[:end]  # the closing flag may open the next frame
            if not raw:
                continue  # idle fill
            event = self._decode(raw)
            if event is not None:
                return event

    def _decode(self, raw: bytes) -> Event:
        content = unescape(raw)
        if content is None:
            return self._discard("aborted", raw)
        if len(content) < MIN_ADVANCED_CONTENT:
            return self._discard("too short", raw)
        if len(content) - MIN_ADVANCED_CONTENT > self.max_information:
            return self._discard("too long", raw)
        try:
            address = parse_address(content[0])
        except ConstructError:
            return self._discard("bad address", raw)
        control = content[1]
        covered = content[:-1] if fcs_covers_information(control) else content[:2]
        if not fcs_ok(covered, content[-1]):
            self.bad_fcs += 1
            return self._discard("bad fcs", raw)
        self.frames += 1
        return _frame(address, control, content[2:-1])

    def _garbage(self, count: int) -> Discarded:
        del self._buffer[:count]
        self.garbage_octets += count
        return Discarded("garbage", count)

    def _discard(self, reason: str, raw: bytes) -> Discarded:
        self.discarded += 1
        return Discarded(reason, len(raw))


def decoder_for(option: Option, max_information: int) -> BasicDecoder | AdvancedDecoder:
    if option is Option.BASIC:
        return BasicDecoder(max_information)
    return AdvancedDecoder(max_information)
