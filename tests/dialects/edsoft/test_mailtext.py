"""The mail text between host and module, sans-IO: the ``AT#PUTMAIL`` body's end mark and
``AT#GETMAIL``'s rendering (002 §3.2.2, §3.4.2; decision E88), and the 50 s inactivity of
``AT#PUTMAIL`` on a task.Clock (E89)."""

from __future__ import annotations

import itertools

from hypothesis import assume, given
from hypothesis import strategies as st
from twisted.internet.task import Clock

from simulator.at.commands import ResultCode
from simulator.dialects.edsoft.mail import PUTMAIL_INACTIVITY, BodySink
from simulator.dialects.edsoft.mailtext import TERMINATOR, BodyReader, MailWriter
from simulator.ipstack.apps import Transfer

#: Bytes that make the end mark and its near misses likely.
MAIL_BYTES = st.binary(max_size=60) | st.lists(
    st.sampled_from([b"\r", b"\n", b".", b"\r\n", b"a", b"\r\n.", b".\r\n"]),
    max_size=30).map(b"".join)


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    """``data`` cut at ``cuts``."""
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    return [data[start:end] for start, end in itertools.pairwise(points)]


def feed_in_chunks(data: bytes, cuts: list[int]) -> tuple[bytes, bool]:
    reader = BodyReader()
    body = b"".join(reader.feed(chunk) for chunk in chunks(data, cuts))
    return body, reader.ended


def reference_body(data: bytes) -> tuple[bytes, bool]:
    """The body by the definition: up to the first CRLF . CRLF, the start counting as a
    line start."""
    marked = b"\r\n" + data
    end = marked.find(TERMINATOR)
    if end < 0:
        return None, False
    return marked[2:end + 2], True


@given(MAIL_BYTES, st.lists(st.integers(0, 80), max_size=10))
def test_the_body_ends_at_the_first_end_mark_however_the_bytes_come(data, cuts):
    expected, ended = reference_body(data)
    body, reader_ended = feed_in_chunks(data, cuts)
    assert reader_ended == ended
    if ended:
        assert body == expected
    else:  # all but what could still start an end mark
        held = data[len(body):]
        assert data.startswith(body) and len(held) < len(TERMINATOR)
        # (the line start before the first byte may be the start of that end mark)
        assert any(TERMINATOR[skip:].startswith(held) for skip in (0, 2))


@given(MAIL_BYTES, st.binary(max_size=20))
def test_nothing_after_the_end_mark_is_body(body, rest):
    text = body if body.endswith(b"\r\n") or not body else body + b"\r\n"
    assume(TERMINATOR not in b"\r\n" + text)  # a body the host can send
    got, ended = feed_in_chunks(text + b".\r\n" + rest, [1, 5, 9])
    assert ended and got == text


def test_an_end_mark_first_is_an_empty_body():
    reader = BodyReader()
    assert reader.feed(b".\r\nmore") == b"" and reader.ended


@given(st.lists(st.text(alphabet="ab. \t", max_size=8), max_size=8),
       st.lists(st.integers(0, 200), max_size=6))
def test_getmail_output_ends_once_and_gives_the_lines_back(lines, cuts):
    message = b"Subject: s\r\n\r\n" + b"".join(line.encode() + b"\r\n" for line in lines)
    writer = MailWriter(header=False)
    out = b"".join(writer.feed(chunk) for chunk in chunks(message, cuts)) + writer.end()
    # The host reads up to the first end mark: it is the last thing written.
    assert (b"\r\n" + bytes(out)).find(TERMINATOR) == len(out) - 3
    shown = bytes(out[:-3]).split(b"\r\n")[:-1]
    assert [s[1:] if s.startswith(b".") else s for s in shown] == [
        line.encode() for line in lines]


def test_the_header_shows_from_cc_subject_then_an_empty_line():
    writer = MailWriter(header=True)
    message = (b"Received: x\r\nSubject: Hi\r\n there\r\nTo: t@x\r\nFrom: a@x\r\n"
               b"Cc: c@x\r\n\r\nbody\r\n")
    assert writer.feed(message) + writer.end() == (
        b"From: a@x\r\nCc: c@x\r\nSubject: Hi there\r\n\r\nbody\r\n.\r\n")


# -- AT#PUTMAIL's inactivity ------------------------------------------------------------------


class _Endpoints:
    def __init__(self, clock):
        self.clock = clock


class _Job:
    def __init__(self, clock):
        self.endpoints = _Endpoints(clock)
        self.ended = False
        self.active = 0

    def activity(self):
        self.active += 1

    def end(self):
        self.ended = True


class _Smtp:
    def __init__(self):
        self.aborted = False

    def abort(self):
        self.aborted = True


class _Session:
    class profile:  # noqa: N801 - the shape of simulator.at.session.Profile
        cmee = 1
        verbose = True
        quiet = False

    traits = None


class _Link:
    def __init__(self):
        self.written = bytearray()
        self.result = "running"

    def write(self, data):
        self.written += data

    def end(self, result):
        self.result = result


def test_putmail_gives_up_after_50_seconds_without_a_byte():
    clock = Clock()
    job, smtp, mail, link = _Job(clock), _Smtp(), Transfer(clock), _Link()
    sink = BodySink(job, smtp, mail, _Session())
    sink.attach(link)
    clock.advance(PUTMAIL_INACTIVITY - 1)
    sink.data_received(b"a byte resets the time")
    clock.advance(PUTMAIL_INACTIVITY - 1)
    assert link.result == "running"
    clock.advance(1)
    assert link.result == "#CME ERROR: 38017"
    assert smtp.aborted and mail.closed and job.ended


def test_putmail_waits_for_the_server_not_the_host_once_the_body_ended():
    clock = Clock()
    job, smtp, mail, link = _Job(clock), _Smtp(), Transfer(clock), _Link()
    sink = BodySink(job, smtp, mail, _Session())
    sink.attach(link)
    sink.data_received(b"body\r\n.\r\n")
    clock.advance(PUTMAIL_INACTIVITY * 3)
    assert link.result == "running" and not smtp.aborted
    assert link.written == b""  # not echoed
    assert job.active == 1  # the body is activity on the link (PHYTIMEOUT)
    assert ResultCode.OK  # the OK comes with the server's 250 (test_mail.py)
