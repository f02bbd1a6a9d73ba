"""Multiplexer control messages (27.010 §5.4.6), carried in the information field of UIH
(or UI) frames on DLC 0::

    type (EA-extended) | length (EA-extended) | value octets ...

Type octet: bit 1 EA, bit 2 C/R (1 = command, 0 = response, whichever side sends it), bits
3-8 the message type.  A frame may carry several messages back to back.

Multi-octet type and length fields are read with the first octet most significant, as Linux
n_gsm and gsm0710muxd do (real hosts never send lengths above 127 here anyway).
"""

from __future__ import annotations

import dataclasses
import enum

from construct import (
    BitsInteger,
    BitStruct,
    Bytes,
    Construct,
    Default,
    Flag,
    GreedyRange,
    Int8ub,
    Int16ul,
    Optional,
    Padding,
    Rebuild,
    SizeofError,
    Struct,
    len_,
    stream_read,
    stream_write,
    this,
)


class MessageType(enum.Enum):
    """Bits 3-8 of the type octet (§5.4.6.3)."""

    PN = 0x20  # DLC parameter negotiation
    PSC = 0x10  # power saving control
    CLD = 0x30  # multiplexer close down
    TEST = 0x08  # test: echo the values
    FCON = 0x28  # flow control on (aggregate)
    FCOFF = 0x18  # flow control off (aggregate)
    MSC = 0x38  # modem status command (V.24 signals of one DLC)
    NSC = 0x04  # non supported command response
    RPN = 0x24  # remote port negotiation
    RLS = 0x14  # remote line status
    SNC = 0x34  # service negotiation


class _EaInteger(Construct):
    """An EA-extended field: seven bits per octet, the octet with EA=1 ends it."""

    #: More octets than any real field has; stops a stream of EA=0 octets early.
    MAX_OCTETS = 4

    def _parse(self, stream, context, path):
        value = 0
        for _ in range(self.MAX_OCTETS):
            octet = stream_read(stream, 1, path)[0]
            value = (value << 7) | (octet >> 1)
            if octet & 1:
                return value
        raise SizeofError("EA field longer than 4 octets", path=path)

    def _build(self, obj, stream, context, path):
        rest = obj
        groups = [rest & 0x7F]
        rest >>= 7
        while rest:
            groups.append(rest & 0x7F)
            rest >>= 7
        groups.reverse()
        octets = bytes((g << 1) | (1 if i == len(groups) - 1 else 0)
                       for i, g in enumerate(groups))
        stream_write(stream, octets, len(octets), path)
        return obj

    def _sizeof(self, context, path):
        raise SizeofError("variable", path=path)


EaInteger = _EaInteger()

#: One message.  ``type`` is the EA field's value: for a one-octet type, (code << 1) | C/R.
ControlMessage = Struct(
    "type" / EaInteger,
    "length" / Rebuild(EaInteger, len_(this.values)),
    "values" / Bytes(this.length),
)
ControlMessages = GreedyRange(ControlMessage)


@dataclasses.dataclass(frozen=True)
class Message:
    """One control message.  ``code`` is a :class:`MessageType` value or an unknown code;
    ``type_octets`` keeps the type field exactly as received (NSC echoes it)."""

    code: int
    command: bool
    values: bytes = b""
    type_octets: bytes = b""

    @property
    def kind(self) -> MessageType | None:
        try:
            return MessageType(self.code)
        except ValueError:
            return None

    def encode(self) -> bytes:
        type_value = (self.code << 1) | int(self.command)
        return ControlMessage.build({"type": type_value, "values": self.values})

    def reply(self, values: bytes | None = None) -> Message:
        """The response to this command: same type, C/R cleared, ``values`` (default: the
        command's own values, which is what TEST, MSC, FCon/FCoff, PSC, CLD and RLS answer)."""
        return Message(self.code, False, self.values if values is None else values)

    def __str__(self) -> str:
        name = self.kind.name if self.kind else f"type 0x{self.code:02X}"
        role = "cmd" if self.command else "rsp"
        return f"{name} {role} {self.values.hex(' ')}".rstrip()


def command(kind: MessageType, values: bytes = b"") -> Message:
    return Message(kind.value, True, values)


def response(kind: MessageType, values: bytes = b"") -> Message:
    return Message(kind.value, False, values)


def parse_messages(information: bytes) -> tuple[list[Message], bytes]:
    """The messages of a DLC 0 frame, and what is left over (a truncated last message)."""
    parsed = ControlMessages.parse(information)
    messages = []
    used = 0
    for item in parsed:
        type_size = len(EaInteger.build(item.type))
        length_size = len(EaInteger.build(item.length))
        type_octets = information[used : used + type_size]
        used += type_size + length_size + item.length
        messages.append(Message(item.type >> 1, bool(item.type & 1), item["values"], type_octets))
    return messages, information[used:]


def encode_messages(messages: list[Message]) -> bytes:
    return b"".join(message.encode() for message in messages)


# -- value layouts -----------------------------------------------------------------------------

#: The DLCI octet of MSC, RPN and RLS (§5.4.6.3.7): EA=1, bit 2 = 1, DLCI.
DlciOctet = BitStruct(
    "dlci" / BitsInteger(6),
    "one" / Default(Flag, True),
    "ea" / Default(Flag, True),
)


@dataclasses.dataclass(frozen=True)
class V24Signals:
    """The control-signal octet of MSC (§5.4.6.3.7).

    ===  ======  =========================  =========================
    bit  name    DTE -> DCE (host)          DCE -> DTE (modem)
    ===  ======  =========================  =========================
    2    FC      host cannot take frames on this DLC (both directions)
    3    RTC     DTR (108/2)                DSR (107)
    4    RTR     RTS (105)                  CTS (106)
    7    IC      (ignored)                  RI (125)
    8    DV      (ignored)                  DCD (109)
    ===  ======  =========================  =========================
    """

    fc: bool = False
    rtc: bool = True
    rtr: bool = True
    ic: bool = False
    dv: bool = False

    def __str__(self) -> str:
        names = [n.upper() for n in ("fc", "rtc", "rtr", "ic", "dv") if getattr(self, n)]
        return " ".join(names) or "none"


SignalsOctet = BitStruct(
    "dv" / Flag,
    "ic" / Flag,
    Padding(2),
    "rtr" / Flag,
    "rtc" / Flag,
    "fc" / Flag,
    "ea" / Default(Flag, True),
)

MscValues = Struct(
    "address" / DlciOctet,
    "signals" / SignalsOctet,
    "brk" / Optional(Int8ub),  # break signal octet, rarely sent
)


def msc_values(dlci: int, signals: V24Signals) -> bytes:
    return MscValues.build({
        "address": {"dlci": dlci},
        "signals": dataclasses.asdict(signals),
        "brk": None,
    })


def parse_msc(values: bytes) -> tuple[int, V24Signals]:
    parsed = MscValues.parse(values)
    s = parsed.signals
    return parsed.address.dlci, V24Signals(fc=s.fc, rtc=s.rtc, rtr=s.rtr, ic=s.ic, dv=s.dv)


class ConvergenceLayer(enum.IntEnum):
    """PN CL1-CL4 (§5.4.6.3.1), values as the four bits read least significant first."""

    TYPE1 = 0  # unstructured octet stream (what atsim speaks)
    TYPE2 = 1  # octet stream with a V.24 status octet in each frame
    TYPE3 = 2
    TYPE4 = 3


class PnFrameType(enum.IntEnum):
    """PN I1-I4: the frame type a DLC carries its data in."""

    UIH = 0
    UI = 1
    I = 2  # noqa: E741 -- the standard's name (error-recovery mode)


#: PN values (§5.4.6.3.1), eight octets.
PnValues = Struct(
    "dlci" / BitStruct(Padding(2), "dlci" / BitsInteger(6)),
    "kinds" / BitStruct("cl" / BitsInteger(4), "frame_type" / BitsInteger(4)),
    "priority" / BitStruct(Padding(2), "priority" / BitsInteger(6)),
    "t1" / Int8ub,  # acknowledgement timer, units of 10 ms
    "n1" / Int16ul,  # maximum frame size (information field)
    "n2" / Int8ub,  # maximum number of retransmissions
    "k" / BitStruct(Padding(5), "k" / BitsInteger(3)),  # window size (error recovery)
)


@dataclasses.dataclass(frozen=True)
class DlcParameters:
    dlci: int
    frame_type: int = PnFrameType.UIH
    convergence_layer: int = ConvergenceLayer.TYPE1
    priority: int = 0
    t1: int = 10
    n1: int = 31
    n2: int = 3
    k: int = 2

    def encode(self) -> bytes:
        return PnValues.build({
            "dlci": {"dlci": self.dlci},
            "kinds": {"cl": self.convergence_layer, "frame_type": self.frame_type},
            "priority": {"priority": self.priority},
            "t1": self.t1,
            "n1": self.n1,
            "n2": self.n2,
            "k": {"k": self.k},
        })

    @classmethod
    def parse(cls, values: bytes) -> DlcParameters:
        p = PnValues.parse(values)
        return cls(dlci=p.dlci.dlci, frame_type=p.kinds.frame_type,
                   convergence_layer=p.kinds.cl, priority=p.priority.priority, t1=p.t1,
                   n1=p.n1, n2=p.n2, k=p.k.k)


#: RPN port values (§5.4.6.3.9) after the DLCI octet: seven octets, defaults 9600 bit/s,
#: 8 data bits, 1 stop bit, no parity, no flow control, XON 0x11, XOFF 0x13.
RpnSettings = Struct(
    "baud" / Int8ub,  # 0 2400, 1 4800, 2 7200, 3 9600, 4 19200, 5 38400, 6 57600, ...
    "line" / BitStruct(
        Padding(2),
        "parity_type" / BitsInteger(2),  # 0 odd, 1 even, 2 mark, 3 space
        "parity" / Flag,
        "stop" / Flag,  # 0: 1 stop bit, 1: 1.5
        "data_bits" / BitsInteger(2),  # data bits - 5
    ),
    "flow" / Int8ub,  # XON/XOFF and RTR/RTC flow-control bits, input and output
    "xon" / Int8ub,
    "xoff" / Int8ub,
    "mask" / Int16ul,  # which of the above the sender means
)

RPN_BAUD_RATES = (2400, 4800, 7200, 9600, 19200, 38400, 57600, 115200, 230400)
#: Every parameter bit of the RPN mask (bits 1-7 and 9-14).
RPN_MASK_ALL = 0x3F7F
RPN_DEFAULTS = {
    "baud": RPN_BAUD_RATES.index(9600),
    "line": {"parity_type": 0, "parity": False, "stop": False, "data_bits": 3},
    "flow": 0,
    "xon": 0x11,
    "xoff": 0x13,
    "mask": RPN_MASK_ALL,
}

RlsValues = Struct(
    "address" / DlciOctet,
    "status" / Int8ub,  # bit 1: an error follows in bits 2-4 (overrun, parity, framing)
)
