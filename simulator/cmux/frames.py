"""27.010 frames: what they are, how their fields are laid out (``construct``), and how one is
encoded for the basic option (§5.2.6) or the advanced option (§5.2.7).

Basic option::

    F9 | address | control | length (1 or 2 octets) | information | FCS | F9

Advanced option (no length; HDLC control-octet transparency, §5.2.7)::

    7E | address | control | information | FCS | 7E     (7D-escaped between the flags)

The FCS covers address, control and (basic) length for UIH frames, and the information too
for every other frame type (§5.2.1.6).
"""

from __future__ import annotations

import dataclasses
import enum

from construct import (
    Bit,
    BitsInteger,
    BitStruct,
    Const,
    ConstError,
    Construct,
    Flag,
    Int8ub,
    SizeofError,
    StreamError,
    Struct,
    stream_read,
    stream_write,
)

from simulator.cmux.fcs import fcs, header_fcs

BASIC_FLAG = 0xF9
ADVANCED_FLAG = 0x7E
#: Advanced option control escape: the next octet had bit 6 complemented (XOR 0x20).
CONTROL_ESCAPE = 0x7D
ESCAPE_MASK = 0x20
#: Octets the advanced option escapes when sending.  27.010 §5.2.7 requires the flag and the
#: escape itself; XON/XOFF and their complements are escaped too because a host UART with
#: software flow control would swallow them (gsm0710muxd escapes the same six).  A receiver
#: unescapes any octet after 0x7D, so escaping more is always safe.
ESCAPED_ON_SEND = frozenset({ADVANCED_FLAG, CONTROL_ESCAPE, 0x11, 0x13, 0x91, 0x93})

#: The poll/final bit of the control field (§5.2.1.3).
PF = 0x10
#: Highest DLCI the 6-bit address field can carry.
MAX_DLCI = 63
#: Longest information field a basic-option length indicator can express: 15 bits (§5.2.1.5).
MAX_BASIC_LENGTH = 0x7FFF
#: Longest information field any +CMUX <N1> allows (27.007 §5.7).
MAX_N1 = 32768
#: Longest information field a basic-option frame can have with a one-octet length.
MAX_SHORT_LENGTH = 127


class Option(enum.Enum):
    """The +CMUX <mode>: how frames are delimited."""

    BASIC = 0
    ADVANCED = 1

    @property
    def flag(self) -> int:
        return BASIC_FLAG if self is Option.BASIC else ADVANCED_FLAG


class FrameKind(enum.Enum):
    """Frame types by their control field with the P/F bit cleared (§5.2.1.3)."""

    SABM = 0x2F  # set asynchronous balanced mode: open a DLC
    UA = 0x63  # unnumbered acknowledgement
    DM = 0x0F  # disconnected mode: refusal, or "this DLC is not open"
    DISC = 0x43  # disconnect: close a DLC
    UIH = 0xEF  # unnumbered information, FCS over the header only
    UI = 0x03  # unnumbered information, FCS over the information too

    @classmethod
    def of(cls, control: int) -> FrameKind | None:
        return _KINDS.get(control & ~PF)


#: The frame types by control value: a dict lookup, where calling the enum raises for
#: unknown values and costs a microsecond for known ones.
_KINDS = {kind.value: kind for kind in FrameKind}
_UIH = FrameKind.UIH.value


@dataclasses.dataclass(frozen=True)
class Frame:
    """One frame.  ``cr`` is the address field's command/response bit as sent (§5.2.1.2):
    commands from the initiator (the host, which opened DLC 0) and responses from the
    responder (the modem) carry 1."""

    kind: FrameKind
    dlci: int
    cr: bool
    pf: bool = False
    information: bytes = b""

    @property
    def control(self) -> int:
        return self.kind.value | (PF if self.pf else 0)

    def __str__(self) -> str:
        # UA and DM are only ever responses (F); the other types are commands (P).
        mark = ("(F)" if self.kind in (FrameKind.UA, FrameKind.DM) else "(P)") if self.pf else ""
        text = f"{self.kind.name}{mark} DLC{self.dlci}"
        if self.information:
            text += f" {len(self.information)} octets"
        return text


_new = object.__new__


def new_frame(kind: FrameKind, dlci: int, cr: bool, pf: bool, information: bytes) -> Frame:
    """``Frame(kind, dlci, cr, pf, information)`` for the decoder's every frame: the same
    frozen value, its fields set directly rather than by the dataclass's ``__init__`` (one
    ``object.__setattr__`` call each), a third of the time."""
    frame = _new(Frame)
    fields = frame.__dict__
    fields["kind"] = kind
    fields["dlci"] = dlci
    fields["cr"] = cr
    fields["pf"] = pf
    fields["information"] = information
    return frame


@dataclasses.dataclass(frozen=True)
class UnknownFrame:
    """A frame with a good FCS whose control field is no 27.010 unnumbered type (an I frame
    of the error-recovery mode, or a host bug such as gsm0710muxd's 0xC3 "close" frame)."""

    dlci: int
    cr: bool
    control: int
    information: bytes = b""

    def __str__(self) -> str:
        return f"control 0x{self.control:02X} DLC{self.dlci} {len(self.information)} octets"


# -- field layouts -----------------------------------------------------------------------------

#: §5.2.1.2: EA (always 1: one-octet addresses), C/R, DLCI.  BitStruct lists the most
#: significant bit first; 27.010 numbers bit 1 as the least significant, sent first.
Address = BitStruct(
    "dlci" / BitsInteger(6),
    "cr" / Flag,
    "ea" / Const(1, Bit),
)


class _LengthIndicator(Construct):
    """§5.2.1.5: one octet (EA=1, seven bits of length) or two (EA=0, then eight more bits,
    most significant)."""

    def _parse(self, stream, context, path):
        first = stream_read(stream, 1, path)[0]
        if first & 1:
            return first >> 1
        second = stream_read(stream, 1, path)[0]
        return (first >> 1) | (second << 7)

    def _build(self, obj, stream, context, path):
        if not 0 <= obj <= MAX_BASIC_LENGTH:
            raise StreamError(f"length {obj} does not fit the length indicator", path=path)
        if obj <= MAX_SHORT_LENGTH:
            stream_write(stream, bytes([(obj << 1) | 1]), 1, path)
        else:
            stream_write(stream, bytes([(obj & 0x7F) << 1, obj >> 7]), 2, path)
        return obj

    def _sizeof(self, context, path):
        raise SizeofError("one or two octets", path=path)


LengthIndicator = _LengthIndicator()

#: What follows the opening flag of a basic-option frame, up to the information field.
BasicHeader = Struct(
    "address" / Address,
    "control" / Int8ub,
    "length" / LengthIndicator,
)


# The same layouts read and written octet by octet: ``construct`` documents them and the tests
# check the two agree, but it costs tens of microseconds a frame, most of the multiplexer's
# work at thousands of frames a second.


def address_octet(dlci: int, cr: bool) -> int:
    """``Address.build({"dlci": dlci, "cr": cr, "ea": 1})[0]``."""
    return (dlci << 2) | (2 if cr else 0) | 1


def length_octets(length: int) -> bytes:
    """``LengthIndicator.build(length)``."""
    if 0 <= length <= MAX_SHORT_LENGTH:
        return bytes([(length << 1) | 1])
    if length <= MAX_BASIC_LENGTH:
        return bytes([(length & 0x7F) << 1, length >> 7])
    raise StreamError(f"length {length} does not fit the length indicator")


def parse_address(octet: int) -> dict:
    """``Address.parse(bytes([octet]))`` as a plain dict; ``ConstError`` for EA=0."""
    if not octet & 1:
        raise ConstError("address with EA=0")
    return {"dlci": octet >> 2, "cr": bool(octet & 2), "ea": 1}


@dataclasses.dataclass(frozen=True)
class BasicFields:
    address: dict
    control: int
    length: int


def parse_basic_header(data: bytes | bytearray, start: int = 0) -> BasicFields:
    """``BasicHeader.parse(data[start:start + 4])``: ``StreamError`` while octets are
    missing, ``ConstError`` for a bad address, in the order ``construct`` finds them."""
    end = len(data)
    if start >= end:
        raise StreamError("no address")
    address = parse_address(data[start])
    if start + 2 >= end:
        raise StreamError("no control or length")
    first = data[start + 2]
    if first & 1:
        return BasicFields(address, data[start + 1], first >> 1)
    if start + 3 >= end:
        raise StreamError("second length octet missing")
    return BasicFields(address, data[start + 1], (first >> 1) | (data[start + 3] << 7))


def fcs_covers_information(control: int) -> bool:
    """UIH frames protect only their header; every other type protects the information too."""
    return (control & ~PF) != _UIH


# -- encoding ----------------------------------------------------------------------------------


def encode(frame: Frame, option: Option, bad_fcs: bool = False) -> bytes:
    """The octets of ``frame`` on the line, opening and closing flag included.  ``bad_fcs``:
    with every bit of the FCS inverted, as a frame damaged on the line (an injected fault).

    Every frame carries both its flags even though 27.010 lets frames share one:
    gsm0710muxd's advanced-option receiver consumes the closing flag and then hunts for a
    new opening flag, so it would lose the second of two frames sharing a flag."""
    info = frame.information
    if option is Option.BASIC and frame.kind is FrameKind.UIH and not bad_fcs:
        return encode_uih_basic(frame.dlci, frame.cr, info, frame.pf)
    if not 0 <= frame.dlci <= MAX_DLCI:
        raise ValueError(f"DLCI {frame.dlci} out of range")
    if option is Option.BASIC:
        header = bytes([address_octet(frame.dlci, frame.cr), frame.control]) + length_octets(
            len(info))
        if fcs_covers_information(frame.control):
            check = fcs(header + info)
        else:
            check = header_fcs(header)  # UIH: the same few headers again and again
        check ^= 0xFF if bad_fcs else 0
        return bytes([BASIC_FLAG]) + header + info + bytes([check, BASIC_FLAG])
    header = bytes([address_octet(frame.dlci, frame.cr), frame.control])
    check = fcs(header + info) if fcs_covers_information(frame.control) else header_fcs(header)
    content = header + info + bytes([check ^ (0xFF if bad_fcs else 0)])
    return bytes([ADVANCED_FLAG]) + escape(content) + bytes([ADVANCED_FLAG])


#: ``encode_uih_basic``'s frame ends, (flag and header, FCS and flag), by DLC, C/R, P/F
#: and information length.
_UIH_ENDS: dict[tuple[int, bool, bool, int], tuple[bytes, bytes]] = {}
_UIH_ENDS_LIMIT = 4096


def encode_uih_basic(dlci: int, cr: bool, info: bytes, pf: bool = False) -> bytes:
    """``encode(Frame(FrameKind.UIH, dlci, cr, pf, info), Option.BASIC)``: the header and
    FCS of a UIH frame depend only on the DLC, the bits and the length, so each combination
    is built once (the information frames of a session are a handful of these)."""
    key = (dlci, cr, pf, len(info))
    ends = _UIH_ENDS.get(key)
    if ends is None:
        if len(_UIH_ENDS) >= _UIH_ENDS_LIMIT:
            _UIH_ENDS.clear()
        # Built in full the general way (which checks the DLCI); its FCS inverted back.
        whole = encode(Frame(FrameKind.UIH, dlci, cr, pf, info), Option.BASIC, bad_fcs=True)
        cut = len(whole) - len(info) - 2
        ends = _UIH_ENDS[key] = (whole[:cut], bytes([whole[-2] ^ 0xFF, BASIC_FLAG]))
    return ends[0] + info + ends[1]


def escape(content: bytes) -> bytes:
    """Advanced-option transparency for the octets between the flags."""
    if not ESCAPED_ON_SEND.intersection(content):
        return content
    out = bytearray()
    for octet in content:
        if octet in ESCAPED_ON_SEND:
            out += bytes([CONTROL_ESCAPE, octet ^ ESCAPE_MASK])
        else:
            out.append(octet)
    return bytes(out)


def unescape(raw: bytes) -> bytes | None:
    """Undo advanced-option transparency.  None when the content ends with a lone escape
    octet: the sender aborted the frame (7D 7E, as in HDLC)."""
    if CONTROL_ESCAPE not in raw:
        return raw
    out = bytearray()
    escaped = False
    for octet in raw:
        if escaped:
            out.append(octet ^ ESCAPE_MASK)
            escaped = False
        elif octet == CONTROL_ESCAPE:
            escaped = True
        else:
            out.append(octet)
    return None if escaped else bytes(out)
