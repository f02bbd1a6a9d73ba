"""SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT (TS 23.040 §9.2.2) and the PDU of
27.005's PDU mode: the service centre's RP address, then the TPDU (27.005 §3.1,
``<length>`` counting the TPDU's octets only).

TP-MTI (bits 1–0 of the first octet) tells the three apart: 00 a DELIVER, 01 a SUBMIT,
10 a STATUS-REPORT, as a mobile station stores and reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import timestamp
from .address import Address, decode_rp, decode_tp
from .errors import PduError
from .timestamp import Validity
from .userdata import Alphabet, UserData, dcs_alphabet

MTI_DELIVER, MTI_SUBMIT, MTI_STATUS_REPORT = 0, 1, 2

_UDHI = 0x40
_REPLY_PATH = 0x80


def _octet(data: bytes, offset: int, what: str) -> int:
    if offset >= len(data):
        raise PduError(f"{what} truncated")
    return data[offset]


def _octets(*values: int) -> bytes:
    """Header fields as octets; a value that is not one is the caller's PduError."""
    if not all(0 <= value <= 255 for value in values):
        raise PduError(f"{values} are not all octets")
    return bytes(values)


def _user_data(dcs: int, udl: int, data: bytes, offset: int, has_header: bool) -> UserData:
    return UserData.decode(dcs_alphabet(dcs), udl, data[offset:], has_header)


@dataclass(frozen=True)
class Deliver:
    """SMS-DELIVER (§9.2.2.1): a message from the service centre to the station."""

    originator: Address
    user_data: UserData
    timestamp: datetime
    dcs: int = 0
    pid: int = 0
    more_messages: bool = False       # TP-MMS 1 means no more are waiting
    loop_prevention: bool = False
    status_report_indication: bool = False
    reply_path: bool = False

    def encode(self) -> bytes:
        first = (MTI_DELIVER | (0 if self.more_messages else 0x04)
                 | (0x08 if self.loop_prevention else 0)
                 | (0x20 if self.status_report_indication else 0)
                 | (_UDHI if self.user_data.header else 0)
                 | (_REPLY_PATH if self.reply_path else 0))
        udl, body = self.user_data.encode(dcs_alphabet(self.dcs))
        return (bytes((first,)) + self.originator.encode_tp()
                + _octets(self.pid, self.dcs) + timestamp.encode_timestamp(self.timestamp)
                + bytes((udl,)) + body)

    @classmethod
    def decode(cls, data: bytes) -> Deliver:
        first = _octet(data, 0, "first octet")
        originator, offset = decode_tp(data, 1)
        pid = _octet(data, offset, "TP-PID")
        dcs = _octet(data, offset + 1, "TP-DCS")
        stamp = timestamp.decode_timestamp(data, offset + 2)
        udl = _octet(data, offset + 9, "TP-UDL")
        user_data = _user_data(dcs, udl, data, offset + 10, bool(first & _UDHI))
        return cls(originator, user_data, stamp, dcs, pid,
                   more_messages=not first & 0x04, loop_prevention=bool(first & 0x08),
                   status_report_indication=bool(first & 0x20),
                   reply_path=bool(first & _REPLY_PATH))


@dataclass(frozen=True)
class Submit:
    """SMS-SUBMIT (§9.2.2.2): a message from the station to the service centre."""

    destination: Address
    user_data: UserData
    reference: int = 0                # TP-MR
    dcs: int = 0
    pid: int = 0
    validity: Validity = None
    reject_duplicates: bool = False
    status_report_request: bool = False
    reply_path: bool = False

    def encode(self) -> bytes:
        first = (MTI_SUBMIT | (0x04 if self.reject_duplicates else 0)
                 | timestamp.validity_format(self.validity) << 3
                 | (0x20 if self.status_report_request else 0)
                 | (_UDHI if self.user_data.header else 0)
                 | (_REPLY_PATH if self.reply_path else 0))
        udl, body = self.user_data.encode(dcs_alphabet(self.dcs))
        return (_octets(first, self.reference) + self.destination.encode_tp()
                + _octets(self.pid, self.dcs) + timestamp.encode_validity(self.validity)
                + bytes((udl,)) + body)

    @classmethod
    def decode(cls, data: bytes) -> Submit:
        first = _octet(data, 0, "first octet")
        reference = _octet(data, 1, "TP-MR")
        destination, offset = decode_tp(data, 2)
        pid = _octet(data, offset, "TP-PID")
        dcs = _octet(data, offset + 1, "TP-DCS")
        validity, offset = timestamp.decode_validity((first >> 3) & 0x03, data, offset + 2)
        udl = _octet(data, offset, "TP-UDL")
        user_data = _user_data(dcs, udl, data, offset + 1, bool(first & _UDHI))
        return cls(destination, user_data, reference, dcs, pid, validity,
                   reject_duplicates=bool(first & 0x04),
                   status_report_request=bool(first & 0x20),
                   reply_path=bool(first & _REPLY_PATH))


#: TP-ST values (§9.2.3.15) a service centre reports most.
ST_DELIVERED = 0x00
ST_TRYING_CONGESTION = 0x20
ST_PERMANENT_ERROR = 0x40
ST_VALIDITY_EXPIRED = 0x46
ST_TEMPORARY_ERROR = 0x60

_PI_PID, _PI_DCS, _PI_UDL = 0x01, 0x02, 0x04


@dataclass(frozen=True)
class StatusReport:
    """SMS-STATUS-REPORT (§9.2.2.3): what became of a submitted message.

    The optional tail (TP-PI, then TP-PID, TP-DCS, TP-UDL and TP-UD) is present when
    ``pid``, ``dcs`` or ``user_data`` is not None.
    """

    reference: int                    # the TP-MR of the SUBMIT
    recipient: Address
    timestamp: datetime               # TP-SCTS: when the centre received the SUBMIT
    discharge: datetime               # TP-DT: when it was delivered, or the attempt
    status: int = ST_DELIVERED
    more_messages: bool = False
    loop_prevention: bool = False
    qualifier_command: bool = False   # TP-SRQ: the report answers an SMS-COMMAND
    pid: int | None = None
    dcs: int | None = None
    user_data: UserData | None = field(default=None)

    def encode(self) -> bytes:
        has_header = self.user_data is not None and bool(self.user_data.header)
        first = (MTI_STATUS_REPORT | (0 if self.more_messages else 0x04)
                 | (0x08 if self.loop_prevention else 0)
                 | (0x20 if self.qualifier_command else 0)
                 | (_UDHI if has_header else 0))
        out = (_octets(first, self.reference) + self.recipient.encode_tp()
               + timestamp.encode_timestamp(self.timestamp)
               + timestamp.encode_timestamp(self.discharge) + _octets(self.status))
        indicator = ((_PI_PID if self.pid is not None else 0)
                     | (_PI_DCS if self.dcs is not None else 0)
                     | (_PI_UDL if self.user_data is not None else 0))
        if not indicator:
            return out
        out += bytes((indicator,))
        if self.pid is not None:
            out += _octets(self.pid)
        if self.dcs is not None:
            out += _octets(self.dcs)
        if self.user_data is not None:
            udl, body = self.user_data.encode(dcs_alphabet(self.dcs or 0))
            out += bytes((udl,)) + body
        return out

    @classmethod
    def decode(cls, data: bytes) -> StatusReport:
        first = _octet(data, 0, "first octet")
        reference = _octet(data, 1, "TP-MR")
        recipient, offset = decode_tp(data, 2)
        stamp = timestamp.decode_timestamp(data, offset)
        discharge = timestamp.decode_timestamp(data, offset + 7)
        status = _octet(data, offset + 14, "TP-ST")
        offset += 15
        pid = dcs = user_data = None
        if offset < len(data):
            indicator = data[offset]
            offset += 1
            if indicator & 0x80:
                raise PduError("extended TP-PI is not supported")
            if indicator & _PI_PID:
                pid = _octet(data, offset, "TP-PID")
                offset += 1
            if indicator & _PI_DCS:
                dcs = _octet(data, offset, "TP-DCS")
                offset += 1
            if indicator & _PI_UDL:
                udl = _octet(data, offset, "TP-UDL")
                user_data = _user_data(dcs or 0, udl, data, offset + 1, bool(first & _UDHI))
            elif offset != len(data):
                raise PduError("octets after the status report")
        return cls(reference, recipient, stamp, discharge, status,
                   more_messages=not first & 0x04, loop_prevention=bool(first & 0x08),
                   qualifier_command=bool(first & 0x20), pid=pid, dcs=dcs,
                   user_data=user_data)


#: TP-CT (§9.2.3.19): what an SMS-COMMAND asks about a message submitted before.
CT_ENQUIRY, CT_CANCEL_REPORT, CT_DELETE, CT_ENABLE_REPORT = 0, 1, 2, 3


@dataclass(frozen=True)
class Command:
    """SMS-COMMAND (§9.2.2.4): from the station to the centre, about the message it
    submitted as ``message_number`` (its TP-MR) to ``destination``.  Its TP-MTI (10) is a
    STATUS-REPORT's in the other direction, so it is decoded only where the direction is
    known (``Pdu.decode_command``)."""

    command_type: int
    message_number: int
    destination: Address
    reference: int = 0
    pid: int = 0
    status_report_request: bool = False
    data: bytes = b""

    def encode(self) -> bytes:
        if len(self.data) > 156:
            raise PduError("TP-CD longer than 156 octets")
        first = MTI_STATUS_REPORT | (0x20 if self.status_report_request else 0)
        return (_octets(first, self.reference, self.pid, self.command_type,
                        self.message_number) + self.destination.encode_tp()
                + _octets(len(self.data)) + self.data)

    @classmethod
    def decode(cls, data: bytes) -> Command:
        first = _octet(data, 0, "first octet")
        if first & 0x03 != MTI_STATUS_REPORT:
            raise PduError("not an SMS-COMMAND")
        reference, pid, kind, number = (_octet(data, i, "SMS-COMMAND header")
                                        for i in range(1, 5))
        destination, offset = decode_tp(data, 5)
        cdl = _octet(data, offset, "TP-CDL")
        if len(data) != offset + 1 + cdl:
            raise PduError("TP-CDL does not match the octets")
        return cls(kind, number, destination, reference, pid, bool(first & 0x20),
                   bytes(data[offset + 1:]))


Tpdu = Deliver | Submit | StatusReport

_BY_MTI = {MTI_DELIVER: Deliver, MTI_SUBMIT: Submit, MTI_STATUS_REPORT: StatusReport}


def decode_tpdu(data: bytes) -> Tpdu:
    """A TPDU by its TP-MTI.  Raises PduError for anything else."""
    kind = _BY_MTI.get(_octet(data, 0, "first octet") & 0x03)
    if kind is None:
        raise PduError("TP-MTI 11 is reserved")
    return kind.decode(bytes(data))


@dataclass(frozen=True)
class Pdu:
    """A 27.005 PDU: the service centre address (None for "use +CSCA") and the TPDU."""

    tpdu: Tpdu
    smsc: Address | None = None

    def encode(self) -> tuple[str, int]:
        """The hex string a host writes or reads, and 27.005's ``<length>``."""
        tpdu = self.tpdu.encode()
        smsc = self.smsc.encode_rp() if self.smsc is not None else b"\x00"
        return (smsc + tpdu).hex().upper(), len(tpdu)

    @classmethod
    def decode(cls, text: str, length: int | None = None) -> Pdu:
        """A PDU from its hex string; with ``length``, checked against the TPDU."""
        smsc, tpdu = _split(text, length)
        return cls(decode_tpdu(tpdu), smsc)

    @staticmethod
    def decode_command(text: str,
                       length: int | None = None) -> tuple[Command, Address | None]:
        """An SMS-COMMAND as a host writes it after ``+CMGC=<length>``, and its SMSC."""
        smsc, tpdu = _split(text, length)
        return Command.decode(tpdu), smsc


def _split(text: str, length: int | None) -> tuple[Address | None, bytes]:
    try:
        data = bytes.fromhex(text)
    except ValueError:
        raise PduError("a PDU is an even number of hex digits") from None
    if not text.isascii() or any(ch.isspace() for ch in text):
        raise PduError("a PDU is an even number of hex digits")
    smsc, offset = decode_rp(data)
    if length is not None and length != len(data) - offset:
        raise PduError(f"<length> {length} but the TPDU has {len(data) - offset} octets")
    return smsc, data[offset:]


__all__ = ["Alphabet", "Command", "Deliver", "Pdu", "StatusReport", "Submit", "Tpdu",
           "decode_tpdu"]
