"""Cell broadcast pages (3GPP TS 23.041 §9.4.1.2, the GSM CBS message as 27.005 §3.1's
``+CBM`` PDU carries it): 88 octets, a 6-octet header and 82 octets of content.

Only what atsim broadcasts is encoded: text in the GSM 7-bit default alphabet (TP-DCS-like
CBS data coding 0x0F, "language unspecified") or UCS2 (0x48), split over up to 15 pages,
the GSM text padded with CR as 23.038 §6.1.2.3.1 pads a page.  Raises PduError.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.sms import gsm7
from simulator.sms.errors import PduError

PAGE_OCTETS = 88
CONTENT_OCTETS = 82
#: 82 octets hold 93 septets.
PAGE_SEPTETS = CONTENT_OCTETS * 8 // 7
MAX_PAGES = 15
#: CBS data coding schemes (23.038 §5): GSM 7-bit, language unspecified; UCS2.
DCS_GSM7, DCS_UCS2 = 0x0F, 0x48
CR = 0x0D


@dataclass(frozen=True)
class CbPage:
    """One page of a cell broadcast message; ``text`` is this page's text, padding
    removed."""

    serial: int  # geographical scope, message code and update number (16 bits)
    message_id: int
    dcs: int
    page: int
    pages: int
    text: str

    def encode(self) -> bytes:
        """The 88 octets of the page."""
        if not (0 <= self.serial <= 0xFFFF and 0 <= self.message_id <= 0xFFFF
                and 1 <= self.page <= self.pages <= MAX_PAGES):
            raise PduError("cell broadcast header out of range")
        header = bytes((self.serial >> 8, self.serial & 0xFF, self.message_id >> 8,
                        self.message_id & 0xFF, self.dcs, (self.page << 4) | self.pages))
        if self.dcs == DCS_UCS2:
            content = self.text.encode("utf-16-be")
            if len(content) > CONTENT_OCTETS:
                raise PduError("cell broadcast page text too long")
            content = content.ljust(CONTENT_OCTETS, b"\x00")
        else:
            septets = gsm7.to_septets(self.text)
            if len(septets) > PAGE_SEPTETS:
                raise PduError("cell broadcast page text too long")
            septets += [CR] * (PAGE_SEPTETS - len(septets))
            content = gsm7.pack(septets)[:CONTENT_OCTETS]
        return header + content


def pages(text: str, message_id: int, serial: int = 0) -> list[CbPage]:
    """``text`` as cell broadcast pages: GSM 7-bit when the default alphabet holds it,
    else UCS2.  PduError when it needs more than 15 pages, or holds what UCS2 cannot
    carry (a lone surrogate)."""
    if gsm7.encodable(text):
        dcs, limit = DCS_GSM7, PAGE_SEPTETS
        chunks, current, used = [], "", 0
        for ch in text:
            size = len(gsm7.char_septets(ch))
            if used + size > limit:
                chunks.append(current)
                current, used = "", 0
            current += ch
            used += size
        chunks.append(current)
    else:
        dcs, per_page = DCS_UCS2, CONTENT_OCTETS // 2
        try:
            units = text.encode("utf-16-be")
        except UnicodeEncodeError as error:  # a lone surrogate (JSON can carry one)
            raise PduError(f"text is not UCS2: {error}") from None
        chunks, start = [], 0
        while True:
            end = min(start + per_page * 2, len(units))
            if end < len(units) and 0xD8 <= units[end - 2] <= 0xDB:
                end -= 2  # never split a surrogate pair
            chunks.append(units[start:end].decode("utf-16-be"))
            start = end
            if start >= len(units):
                break
    if len(chunks) > MAX_PAGES:
        raise PduError(f"a cell broadcast message has at most {MAX_PAGES} pages")
    return [CbPage(serial, message_id, dcs, number, len(chunks), chunk)
            for number, chunk in enumerate(chunks, 1)]
