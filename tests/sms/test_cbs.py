"""Cell broadcast pages: any text splits into pages that encode to 88 octets each and
whose contents give the text back; what cannot be a page raises PduError only."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.sms import PduError, gsm7
from simulator.sms.cbs import (
    CONTENT_OCTETS,
    DCS_GSM7,
    DCS_UCS2,
    PAGE_OCTETS,
    PAGE_SEPTETS,
    CbPage,
    pages,
)

GSM_TEXT = st.text(st.sampled_from(sorted(set(
    "".join(ch for ch in map(chr, range(0x20, 0x7F)) if gsm7.encodable(ch)) + "€{}[]é"))),
    max_size=600)


def content_text(octets: bytes, dcs: int) -> str:
    content = octets[6:]
    if dcs == DCS_UCS2:
        return content.decode("utf-16-be").rstrip("\x00")
    septets = gsm7.unpack(content, PAGE_SEPTETS)
    while septets and septets[-1] == 0x0D:
        septets.pop()
    return gsm7.from_septets(septets)


@given(st.one_of(GSM_TEXT, st.text(st.characters(blacklist_characters="\x00"), max_size=300)),
       st.integers(0, 0xFFFF),
       st.integers(0, 0xFFFF))
def test_any_text_splits_into_pages_that_give_it_back(text, mid, serial):
    if any("\ud800" <= ch <= "\udfff" for ch in text):  # not text UCS2 can carry
        with pytest.raises(PduError):
            pages(text, mid, serial)
        return
    split = pages(text, mid, serial)  # short enough for 15 pages
    assert [p.page for p in split] == list(range(1, len(split) + 1))
    rebuilt = ""
    for page in split:
        octets = page.encode()
        assert len(octets) == PAGE_OCTETS
        assert octets[:6] == bytes((serial >> 8, serial & 0xFF, mid >> 8, mid & 0xFF,
                                    page.dcs, page.page << 4 | len(split)))
        assert content_text(octets, page.dcs) == page.text
        rebuilt += page.text
    assert rebuilt == text


def test_a_full_gsm_page_and_the_ucs2_limit():
    (page,) = pages("x" * PAGE_SEPTETS, 1)
    assert content_text(page.encode(), DCS_GSM7) == "x" * PAGE_SEPTETS
    assert len(pages("x" * (PAGE_SEPTETS + 1), 1)) == 2
    assert len(pages("я" * (CONTENT_OCTETS // 2), 1)) == 1
    assert len(pages("я" * (CONTENT_OCTETS // 2 + 1), 1)) == 2
    assert pages("😀" * 41, 1)[0].text == "😀" * 20  # a surrogate pair is never split


@pytest.mark.parametrize("page", [
    CbPage(0, 70000, DCS_GSM7, 1, 1, "x"),
    CbPage(0, 1, DCS_GSM7, 2, 1, "x"),
    CbPage(0, 1, DCS_GSM7, 1, 16, "x"),
    CbPage(0, 1, DCS_GSM7, 1, 1, "x" * 94),
    CbPage(0, 1, DCS_UCS2, 1, 1, "я" * 42),
])
def test_what_is_no_page_raises_pdu_error(page):
    with pytest.raises(PduError):
        page.encode()


def test_too_many_pages():
    with pytest.raises(PduError):
        pages("x" * (PAGE_SEPTETS * 15 + 1), 1)


def test_a_lone_surrogate_is_refused_not_raised_as_an_encoding_error():
    # JSON can carry "\ud800" (a control API broadcast body): the centre answers 400 with this.
    with pytest.raises(PduError, match="not UCS2"):
        pages("storm \ud800", 50)
