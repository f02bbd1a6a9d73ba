"""Time stamps (TS 23.040 §9.2.3.11) and validity periods (§9.2.3.12).

A time stamp is seven swapped-BCD octets, year to second, then the offset from UTC in
quarter hours with its sign in bit 3 of the tens digit.  The year has two digits:
this codec reads them as 2000–2099.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .errors import PduError

TIMESTAMP_OCTETS = 7
#: BCD quarter hours with the tens digit's top bit taken by the sign.
MAX_QUARTERS = 79


def _bcd(value: int) -> int:
    """Two decimal digits as one swapped-BCD octet."""
    return (value % 10) << 4 | value // 10


def _from_bcd(octet: int) -> int:
    low, high = octet & 0x0F, octet >> 4
    if low > 9 or high > 9:
        raise PduError(f"octet {octet:02X} is not two decimal digits")
    return low * 10 + high


def encode_timestamp(moment: datetime) -> bytes:
    """``moment`` (aware, seconds precision, year 2000–2099) as seven octets."""
    offset = moment.utcoffset()
    if offset is None:
        raise PduError("a time stamp needs a time zone")
    quarters, rest = divmod(int(offset.total_seconds()), 15 * 60)
    if rest or abs(quarters) > MAX_QUARTERS:
        raise PduError(f"offset {offset} is not a whole number of quarter hours in range")
    if not 2000 <= moment.year <= 2099:
        raise PduError(f"year {moment.year} outside 2000-2099")
    zone = _bcd(abs(quarters)) | (0x08 if quarters < 0 else 0)
    return bytes((_bcd(moment.year - 2000), _bcd(moment.month), _bcd(moment.day),
                  _bcd(moment.hour), _bcd(moment.minute), _bcd(moment.second), zone))


def decode_timestamp(data: bytes, offset: int = 0) -> datetime:
    """The time stamp at ``offset``.  Raises PduError if it is short or not a date."""
    raw = data[offset:offset + TIMESTAMP_OCTETS]
    if len(raw) < TIMESTAMP_OCTETS:
        raise PduError("time stamp truncated")
    fields = [_from_bcd(octet) for octet in raw[:6]]
    negative = bool(raw[6] & 0x08)
    quarters = _from_bcd(raw[6] & ~0x08)
    zone = timezone(timedelta(minutes=15 * (-quarters if negative else quarters)))
    try:
        return datetime(2000 + fields[0], *fields[1:], tzinfo=zone)
    except ValueError as error:
        raise PduError(f"time stamp is not a date: {error}") from None


@dataclass(frozen=True)
class RelativeValidity:
    """TP-VP in relative format (TP-VPF 10): one octet, coarser as it grows."""

    code: int

    def __post_init__(self):
        if not 0 <= self.code <= 255:
            raise PduError(f"relative validity {self.code} is not an octet")

    @property
    def duration(self) -> timedelta:
        code = self.code
        if code <= 143:
            return timedelta(minutes=5 * (code + 1))
        if code <= 167:
            return timedelta(hours=12, minutes=30 * (code - 143))
        if code <= 196:
            return timedelta(days=code - 166)
        return timedelta(weeks=code - 192)

    @classmethod
    def at_least(cls, duration: timedelta) -> RelativeValidity:
        """The shortest period not shorter than ``duration`` (63 weeks at most)."""
        for code in range(256):
            if cls(code).duration >= duration:
                return cls(code)
        return cls(255)


@dataclass(frozen=True)
class AbsoluteValidity:
    """TP-VP in absolute format (TP-VPF 11): the moment the message expires."""

    expires: datetime


@dataclass(frozen=True)
class EnhancedValidity:
    """TP-VP in enhanced format (TP-VPF 01, §9.2.3.12.3): a functionality indicator
    and up to six octets.

    ``form`` 0 is no period, 1 a relative code as above, 2 seconds (0–255), 3 hours,
    minutes and seconds in semi-octets; ``value`` is the code, or the seconds.
    Other forms are reserved and kept as their raw octets.
    """

    form: int = 0
    value: int = 0
    single_shot: bool = False
    raw: bytes = b""

    @property
    def duration(self) -> timedelta | None:
        if self.form == 1:
            return RelativeValidity(self.value).duration
        if self.form in (2, 3):
            return timedelta(seconds=self.value)
        return None

    def encode(self) -> bytes:
        indicator = (0x40 if self.single_shot else 0) | (self.form & 0x07)
        if self.form == 0:
            body = b""
        elif self.form in (1, 2):
            if not 0 <= self.value <= 255:
                raise PduError(f"enhanced validity {self.value} is not an octet")
            body = bytes((self.value,))
        elif self.form == 3:
            hours, rest = divmod(self.value, 3600)
            if not 0 <= hours <= 99:
                raise PduError(f"enhanced validity of {self.value} s is out of range")
            body = bytes((_bcd(hours), _bcd(rest // 60), _bcd(rest % 60)))
        else:
            body = self.raw[:6]
        return (bytes((indicator,)) + body).ljust(7, b"\x00")

    @classmethod
    def decode(cls, octets: bytes) -> EnhancedValidity:
        indicator, body = octets[0], octets[1:7]
        if indicator & 0x80:
            raise PduError("extended functionality indicators are not supported")
        form, single_shot = indicator & 0x07, bool(indicator & 0x40)
        if form == 0:
            return cls(0, 0, single_shot)
        if form in (1, 2):
            return cls(form, body[0], single_shot)
        if form == 3:
            hours, minutes, seconds = (_from_bcd(octet) for octet in body[:3])
            return cls(3, hours * 3600 + minutes * 60 + seconds, single_shot)
        return cls(form, 0, single_shot, bytes(body))


Validity = RelativeValidity | AbsoluteValidity | EnhancedValidity | None

#: TP-VPF (bits 4–3 of an SMS-SUBMIT's first octet) for each kind of validity.
VPF_NONE, VPF_ENHANCED, VPF_RELATIVE, VPF_ABSOLUTE = 0, 1, 2, 3


def validity_format(validity: Validity) -> int:
    if isinstance(validity, RelativeValidity):
        return VPF_RELATIVE
    if isinstance(validity, AbsoluteValidity):
        return VPF_ABSOLUTE
    if isinstance(validity, EnhancedValidity):
        return VPF_ENHANCED
    return VPF_NONE


def encode_validity(validity: Validity) -> bytes:
    if isinstance(validity, RelativeValidity):
        return bytes((validity.code,))
    if isinstance(validity, AbsoluteValidity):
        return encode_timestamp(validity.expires)
    if isinstance(validity, EnhancedValidity):
        return validity.encode()
    return b""


def decode_validity(vpf: int, data: bytes, offset: int) -> tuple[Validity, int]:
    """The TP-VP of format ``vpf`` at ``offset`` and the offset after it."""
    if vpf == VPF_NONE:
        return None, offset
    if vpf == VPF_RELATIVE:
        if offset >= len(data):
            raise PduError("validity period truncated")
        return RelativeValidity(data[offset]), offset + 1
    if offset + 7 > len(data):
        raise PduError("validity period truncated")
    if vpf == VPF_ABSOLUTE:
        return AbsoluteValidity(decode_timestamp(data, offset)), offset + 7
    return EnhancedValidity.decode(data[offset:offset + 7]), offset + 7
