"""27.005 text mode (§3.1, §4): how a TPDU's fields appear in ``+CMGR``, ``+CMGL``,
``+CMT`` and ``+CDS`` lines, and how the text a host types becomes user data.

<data> (§3.1): GSM 7-bit text without a user-data header is shown in the channel's +CSCS
character set; 8-bit data, UCS2 text and any user data with a header are shown as the
hexadecimal of their octets (the header included).
"""

from __future__ import annotations

from datetime import datetime

from simulator.modem.charset import decode, encode
from simulator.modem.text import quote
from simulator.sms import PduError
from simulator.sms.address import Address
from simulator.sms.timestamp import RelativeValidity
from simulator.sms.tpdu import Deliver, StatusReport, Submit, Tpdu
from simulator.sms.userdata import Alphabet, UserData, dcs_alphabet

#: +CSMP <fo> bits (23.040 §9.2.3): the validity period format and the status report request.
VPF_SHIFT, VPF_MASK = 3, 0x03
VPF_RELATIVE = 2
SRR = 0x20
UDHI = 0x40


def timestamp(moment: datetime) -> str:
    """<scts>/<dt>: "yy/MM/dd,hh:mm:ss±zz", zz in quarters of an hour."""
    offset = moment.utcoffset()
    quarters = int(offset.total_seconds()) // 900 if offset is not None else 0
    return quote(moment.strftime("%y/%m/%d,%H:%M:%S") + f"{quarters:+03d}")


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


def deliver_header(tpdu: Deliver, charset: str, smsc: Address | None, detailed: bool,
                   length: int) -> str:
    """<oa>,[<alpha>],<scts>[,<tooa>,<fo>,<pid>,<dcs>,<sca>,<tosca>,<length>]"""
    line = f"{address(tpdu.originator, charset)},,{timestamp(tpdu.timestamp)}"
    if detailed:
        line += (f",{tpdu.originator.type_octet},{first_octet(tpdu)},{tpdu.pid},{tpdu.dcs},"
                 f"{_smsc(smsc, charset)},{length}")
    return line


def submit_header(tpdu: Submit, charset: str, smsc: Address | None, detailed: bool,
                  length: int) -> str:
    """<da>,[<alpha>][,<toda>,<fo>,<pid>,<dcs>,[<vp>],<sca>,<tosca>,<length>]"""
    line = f"{address(tpdu.destination, charset)},"
    if detailed:
        vp = tpdu.validity.code if isinstance(tpdu.validity, RelativeValidity) else ""
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


def user_data(typed: bytes, dcs: int, charset: str) -> UserData:
    """What the host typed after the prompt as user data for ``dcs``.  Raises ValueError
    (PduError included) when it is not text of the charset or not hexadecimal."""
    text = typed.decode("latin-1")
    alphabet = dcs_alphabet(dcs)
    if alphabet is Alphabet.GSM7:
        return UserData(decode(text, charset))
    octets = bytes.fromhex(text)
    if alphabet is Alphabet.DATA8:
        return UserData(octets)
    try:
        return UserData(octets.decode("utf-16-be"))
    except UnicodeDecodeError:
        raise PduError("UCS2 data is not UTF-16") from None


def validity(fo: int, vp: int) -> RelativeValidity | None:
    """TP-VP from +CSMP: <vp> is a relative period when <fo> says so (TP-VPF 10)."""
    if (fo >> VPF_SHIFT) & VPF_MASK == VPF_RELATIVE:
        return RelativeValidity(vp)
    return None
