"""27.005 text mode (§3.1, §4): how a TPDU's fields appear in ``+CMGR``, ``+CMGL``,
``+CMT`` and ``+CDS`` lines, and how the text a host types becomes user data.

<data> (§3.1): GSM 7-bit text without a user-data header is shown in the channel's +CSCS
character set; 8-bit data, UCS2 text and any user data with a header are shown as the
hexadecimal of their octets (the header included).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from simulator.modem.charset import decode, encode
from simulator.modem.text import quote
from simulator.sms import PduError
from simulator.sms.address import Address
from simulator.sms.timestamp import (
    AbsoluteValidity,
    EnhancedValidity,
    RelativeValidity,
    Validity,
)
from simulator.sms.tpdu import Deliver, StatusReport, Submit, Tpdu
from simulator.sms.userdata import Alphabet, UserData, dcs_alphabet

#: +CSMP <fo> bits (23.040 §9.2.3): the validity period format and the status report request.
VPF_SHIFT, VPF_MASK = 3, 0x03
VPF_NONE, VPF_ENHANCED, VPF_RELATIVE, VPF_ABSOLUTE = 0, 1, 2, 3
SRR = 0x20
UDHI = 0x40


def timestamp(moment: datetime) -> str:
    """<scts>/<dt>: "yy/MM/dd,hh:mm:ss±zz", zz in quarters of an hour."""
    offset = moment.utcoffset()
    quarters = int(offset.total_seconds()) // 900 if offset is not None else 0
    return quote(moment.strftime("%y/%m/%d,%H:%M:%S") + f"{quarters:+03d}")


#: <dt>/<scts> as a host writes it (27.005 §3.1): "yy/MM/dd,hh:mm:ss±zz".
TIME_STRING = re.compile(r"(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d\d)")
#: The largest time-zone offset a TP-SCTS/TP-VP semi-octet carries, in quarters of an hour.
ZONE_LIMIT = 79
#: An enhanced <vp>: its seven octets as 14 hexadecimal characters (27.005 §3.3.2).
ENHANCED_VP = re.compile(r"[0-9A-Fa-f]{14}")


def parse_time(text: str) -> datetime:
    """A "yy/MM/dd,hh:mm:ss±zz" time string; ValueError if it is not one."""
    match = TIME_STRING.fullmatch(text)
    if match is None:
        raise ValueError(f"not a time string: {text!r}")
    yy, mo, dd, hh, mi, ss, zz = (int(g) for g in match.groups())
    if abs(zz) > ZONE_LIMIT:
        raise ValueError(f"time zone {zz} out of range")
    zone = timezone(timedelta(minutes=15 * zz))
    return datetime(2000 + yy, mo, dd, hh, mi, ss, tzinfo=zone)


def address(value: Address, charset: str) -> str:
    return quote(encode(value.text, charset))


def data(tpdu: Deliver | Submit, charset: str) -> tuple[str, int]:
    """<data> and its <length> (characters of text, else octets)."""
    user_data = tpdu.user_data
    alphabet = dcs_alphabet(tpdu.dcs)
    if alphabet is Alphabet.GSM7 and not user_data.header:
        return encode(user_data.payload, charset), len(user_data.payload)
    udl, octets = user_data.encode(alphabet)
    if alphabet is Alphabet.GSM7:
        return octets.hex().upper(), udl
    return octets.hex().upper(), len(octets)


def first_octet(tpdu: Tpdu) -> int:
    return tpdu.encode()[0]


def alpha(name: str | None, charset: str) -> str:
    """<alpha>: the phone book's text for an address, empty when it has none."""
    return quote(encode(name, charset)) if name else ""


def deliver_header(tpdu: Deliver, charset: str, smsc: Address | None, detailed: bool,
                   length: int, name: str | None = None) -> str:
    """<oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]"""
    line = (f"{address(tpdu.originator, charset)},{alpha(name, charset)},"
            f"{timestamp(tpdu.timestamp)}")
    if detailed:
        line += (f",{tpdu.originator.type_octet},{first_octet(tpdu)},{tpdu.pid},{tpdu.dcs},"
                 f"{_smsc(smsc, charset)},{length}")
    return line


def submit_header(tpdu: Submit, charset: str, smsc: Address | None, detailed: bool,
                  length: int, name: str | None = None) -> str:
    """<da>,[<alpha>][,<toda>,<fo>,<pid>,<dcs>,[<vp>],<sca>,<tosca>,<length>]"""
    line = f"{address(tpdu.destination, charset)},{alpha(name, charset)}"
    if detailed:
        vp = vp_text(tpdu.validity)
        line += (f",{tpdu.destination.type_octet},{first_octet(tpdu)},{tpdu.pid},{tpdu.dcs},"
                 f"{vp},{_smsc(smsc, charset)},{length}")
    return line


def report_fields(tpdu: StatusReport, charset: str) -> str:
    """<fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>"""
    return (f"{first_octet(tpdu)},{tpdu.reference},{address(tpdu.recipient, charset)},"
            f"{tpdu.recipient.type_octet},{timestamp(tpdu.timestamp)},"
            f"{timestamp(tpdu.discharge)},{tpdu.status}")


def _smsc(smsc: Address | None, charset: str) -> str:
    if smsc is None:
        return ","
    return f"{address(smsc, charset)},{smsc.type_octet}"


def user_data(typed: bytes, dcs: int, charset: str, header: bool = False) -> UserData:
    """What the host typed after the prompt as user data for ``dcs``; with ``header``
    (TP-UDHI in +CSMP's <fo>) the hexadecimal of the whole TP-UD, header first (27.005
    §3.5.1).  Raises ValueError (PduError included) when it is not text of the charset or
    not hexadecimal."""
    text = typed.decode("latin-1")
    alphabet = dcs_alphabet(dcs)
    if header:
        return _with_header(bytes.fromhex(text), alphabet)
    if alphabet is Alphabet.GSM7:
        return UserData(decode(text, charset))
    octets = bytes.fromhex(text)
    if alphabet is Alphabet.DATA8:
        return UserData(octets)
    try:
        return UserData(octets.decode("utf-16-be"))
    except UnicodeDecodeError:
        raise PduError("UCS2 data is not UTF-16") from None


def vp_format(fo: int) -> int:
    """TP-VPF of a +CSMP first octet."""
    return (fo >> VPF_SHIFT) & VPF_MASK


def check_vp(fo: int, vp: int | str) -> None:
    """ValueError unless ``vp`` is a <vp> of the format ``fo`` names (27.005 §3.3.2): an
    integer for relative (or none), a time string for absolute, 14 hexadecimal characters
    for enhanced."""
    validity(fo, vp)


def validity(fo: int, vp: int | str) -> Validity:
    """TP-VP from +CSMP (27.005 §3.3.2): <vp> is a relative code (TP-VPF 10), a time string
    (11, absolute) or the hexadecimal of the seven octets (01, enhanced); TP-VPF 00 sends no
    period.  ValueError (PduError included) when <vp> is not of that format."""
    vpf = vp_format(fo)
    if vpf == VPF_NONE:
        return None
    if vpf == VPF_RELATIVE:
        if not isinstance(vp, int):
            raise ValueError("a relative <vp> is an integer")
        return RelativeValidity(vp)
    if not isinstance(vp, str):
        raise ValueError("an absolute or enhanced <vp> is a string")
    if vpf == VPF_ABSOLUTE:
        return AbsoluteValidity(parse_time(vp))
    if ENHANCED_VP.fullmatch(vp) is None:
        raise ValueError("an enhanced <vp> is 14 hexadecimal characters")
    return EnhancedValidity.decode(bytes.fromhex(vp))


def vp_text(validity: Validity) -> str:
    """<vp> of a stored SUBMIT as +CMGR shows it (empty without a period)."""
    if isinstance(validity, RelativeValidity):
        return str(validity.code)
    if isinstance(validity, AbsoluteValidity):
        return timestamp(validity.expires)
    if isinstance(validity, EnhancedValidity):
        return quote(validity.encode().hex().upper())
    return ""


def _with_header(octets: bytes, alphabet: Alphabet) -> UserData:
    """TP-UD typed as octets, its header first.  For the GSM alphabet TP-UDL counts the
    septets the octets hold; when they end on an octet boundary (a multiple of 7 octets)
    a last septet of 0 is taken for the fill of 7 bits, not for "@"."""
    if not octets:
        raise PduError("a user-data header needs at least its length octet")
    if alphabet is not Alphabet.GSM7:
        return UserData.decode(alphabet, len(octets), octets, True)
    udl = len(octets) * 8 // 7
    if len(octets) % 7 == 0 and octets[-1] >> 1 == 0:
        udl -= 1
    return UserData.decode(alphabet, udl, octets, True)
