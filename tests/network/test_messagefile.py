"""Message files (the SMS centre's folders) as a codec: what is written reads back the same,
and anything else is a MessageFileError, never another exception."""

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.network.messagefile import MessageFile, MessageFileError, parse

names = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1,
                max_size=20).filter(lambda t: ":" not in t)
bodies = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=400)


@given(names, names, bodies | st.binary(max_size=300))
def test_what_is_written_reads_back(recipient, sender, body):
    message = MessageFile(recipient, sender, body,
                          datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc))
    read = parse(message.render())
    assert (read.recipient, read.sender) == (recipient, sender)
    if isinstance(body, str):  # CR LF reads as LF; the final line break is the editor's
        body = body.replace("\r\n", "\n")
        body = body[:-1] if body.endswith("\n") else body
    assert read.body == body


@given(st.text(max_size=300))
def test_anything_else_is_a_message_file_error(text):
    try:
        parse(text)
    except MessageFileError:
        pass


def test_the_documented_form():
    read = parse("From: +33700000000\nto: sms-2\n\nHello\nfrom the lab.\n")
    assert read == MessageFile("sms-2", "+33700000000", "Hello\nfrom the lab.")
    assert parse("To: a\n\n").sender == "atsim"
    assert parse("To: a\nCoding: 8bit\n\n00FF\n").body == b"\x00\xff"
    for bad, words in [("Subject: x\n\nhi", "not one of the headers"),
                       ("From: a\n\nhi", "To:"), ("To: a\nTo: b\n\n", "twice"),
                       ("To: a\nCoding: 8bit\n\nxyz", "hexadecimal"),
                       ("To: a\nCoding: 7bit\n\n", "text or 8bit")]:
        with pytest.raises(MessageFileError, match=words):
            parse(bad)
