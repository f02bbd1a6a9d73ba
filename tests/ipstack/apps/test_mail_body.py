"""MailBodyEncoder: what a host writes, made ready for SMTP DATA, whatever the chunks."""

import re

from hypothesis import given
from hypothesis import strategies as st

from simulator.ipstack.apps import MailBodyEncoder


def reference(text: bytes) -> bytes:
    """The encoding done line by line on the whole text at once."""
    lines = re.split(rb"\r\n|\r|\n", text)
    ends_with_line_end = len(lines) > 1 and lines[-1] == b""
    if ends_with_line_end:
        lines.pop()
    body = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n"
                    for line in lines) if text else b""
    return body + b".\r\n"


def encode(chunks) -> bytes:
    encoder = MailBodyEncoder()
    return b"".join(encoder.feed(chunk) for chunk in chunks) + encoder.end()


def test_line_ends_dots_and_the_end():
    assert encode([b".a\nb\r.c\r\n.\r\nd"]) == b"..a\r\nb\r\n..c\r\n..\r\nd\r\n.\r\n"
    assert encode([b"ends with a line end\r\n"]) == b"ends with a line end\r\n.\r\n"
    assert encode([]) == b".\r\n"


def test_a_crlf_cut_between_chunks_stays_one_line_end():
    assert encode([b"a\r", b"\n.b"]) == b"a\r\n..b\r\n.\r\n"
    assert encode([b"a\r", b"", b"\r"]) == b"a\r\n\r\n.\r\n"


pieces = st.lists(st.sampled_from([b"\r", b"\n", b".", b"a", b"\x10\x03", b"\r\n", b".."]),
                  max_size=30).map(b"".join)


@given(pieces, st.lists(st.integers(0, 40), max_size=8))
def test_any_chunking_gives_the_reference_encoding(text, cuts):
    cuts = sorted(min(c, len(text)) for c in cuts)
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert encode(chunks) == reference(text)
