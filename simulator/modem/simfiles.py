"""The SIM's elementary files a host reads with +CRSM (27.007 §8.18), as a GSM SIM holds them
(GSM 11.11 §10): their contents built from the scenario's card and network, and READ BINARY
with the status words the card answers.  Sans-IO: no AT here, see ``simaccess.py``."""

from __future__ import annotations

import dataclasses

from simulator.sms import gsm7

#: GSM 11.11 §9.4 status words (SW1, SW2).
OK = (0x90, 0x00)
FILE_NOT_FOUND = (0x94, 0x04)  # §9.4.4: file ID not found
OUT_OF_RANGE = (0x6B, 0x00)  # §9.4.6: incorrect parameter P1 or P2 (offset past the end)
WRONG_LENGTH = 0x67  # §9.4.6: incorrect parameter P3; SW2 then says the right length

#: File identifiers (GSM 11.11 §10.1.1, §10.3.18, §10.3.11).
EF_ICCID = 0x2FE2
EF_AD = 0x6FAD
EF_SPN = 0x6F46

SPN_OCTETS = 16


@dataclasses.dataclass(frozen=True)
class Answer:
    sw1: int
    sw2: int
    data: bytes = b""


def swapped_bcd(digits: str) -> bytes:
    """Digits two to an octet, the first in the low nibble, an odd count padded with F
    (GSM 11.11 §10.1.1 for EF_ICCID)."""
    text = digits.upper() + ("F" if len(digits) % 2 else "")
    return bytes(int(text[i + 1] + text[i], 16) for i in range(0, len(text), 2))


def spn_octets(name: str) -> bytes:
    """EF_SPN: display condition 0 (GSM 11.11 §10.3.11), then the name in the SMS default
    alphabet with bit 8 at 0 (UCS2 with the 0x80 prefix of Annex B where it does not fit),
    padded with FF to 16 octets."""
    if gsm7.encodable(name):
        body = bytes(gsm7.to_septets(name))
    else:
        body = b"\x80" + name.encode("utf-16-be")
    return b"\x00" + body[:SPN_OCTETS].ljust(SPN_OCTETS, b"\xff")


def card_files(iccid: str, mnc_length: int | None, spn: str | None) -> dict[int, bytes]:
    """The files of a card: EF_ICCID always; EF_AD with the MNC length in the IMSI and
    EF_SPN when the card belongs to a known home network."""
    files = {EF_ICCID: swapped_bcd(iccid)}
    if mnc_length is not None:
        # Normal operation, no additional information, the MNC's length (§10.3.18).
        files[EF_AD] = bytes((0x00, 0x00, 0x00, mnc_length))
    if spn is not None:
        files[EF_SPN] = spn_octets(spn)
    return files


def read_binary(files: dict[int, bytes], file_id: int, offset: int, length: int) -> Answer:
    """READ BINARY of ``length`` octets from ``offset`` (P3 = 0 asks for 256, §9.2.3)."""
    content = files.get(file_id)
    if content is None:
        return Answer(*FILE_NOT_FOUND)
    if offset >= len(content):
        return Answer(*OUT_OF_RANGE)
    wanted = length or 256
    if offset + wanted > len(content):
        return Answer(WRONG_LENGTH, len(content) - offset)
    return Answer(*OK, content[offset:offset + wanted])
