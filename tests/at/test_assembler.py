from hypothesis import given
from hypothesis import strategies as st

from simulator.at.assembler import CommandLine, LineAssembler, RepeatLastLine, TextCollector


def run(data: bytes, chunks: list[int] | None = None, max_line: int = 64):
    """Feed ``data`` (optionally split at the given sizes); collect echo and events."""
    assembler = LineAssembler(max_line)
    echo, events = bytearray(), []
    pieces = []
    if chunks:
        i = 0
        for size in chunks:
            pieces.append(data[i : i + size])
            i += size
        pieces.append(data[i:])
    else:
        pieces = [data]
    for piece in pieces:
        while piece:
            used, out, event = assembler.feed(piece)
            echo += out
            piece = piece[used:]
            if event is not None:
                events.append(event)
    return bytes(echo), events


def test_line_after_at_prefix():
    echo, events = run(b"ATE0\r")
    assert echo == b"ATE0\r"
    assert events == [CommandLine("E0")]


def test_lower_case_prefix_and_leading_garbage():
    _, events = run(b"xx\x00\nat+cgmi\r")
    assert events == [CommandLine("+cgmi")]


def test_backspace_edits_but_keeps_prefix():
    _, events = run(b"ATE1\x08\x080\r")
    assert events == [CommandLine("0")]
    _, events = run(b"AT\x08\x08\x08I\r")
    assert events == [CommandLine("I")]


def test_escape_and_ctrl_z_are_neither_echoed_nor_kept():
    echo, events = run(b"\x1b\rAT\x1a+CSQ\r")
    assert echo == b"\rAT+CSQ\r"
    assert events == [CommandLine("+CSQ")]


def test_control_characters_inside_a_line_are_ignored():
    _, events = run(b"AT+C\nS\x00Q\r")
    assert events == [CommandLine("+CSQ")]


def test_repeat_needs_no_cr():
    _, events = run(b"A/")
    assert events == [RepeatLastLine()]


def test_over_long_line_is_flagged_and_consumed_to_cr():
    _, events = run(b"AT" + b"X" * 100 + b"\rAT\r", max_line=10)
    assert events == [CommandLine("X" * 10, too_long=True), CommandLine("")]


def test_a_line_one_channel_took_whole_is_too_long_for_a_shorter_limit():
    """Plain lines are remembered for every channel; each channel's own limit still holds."""
    line = b"AT+CGDCONT=1,\"IP\",\"internet\"\r"
    whole = CommandLine('+CGDCONT=1,"IP","internet"')
    assert LineAssembler(64).feed(line) == (len(line), line, whole)
    used, _, event = LineAssembler(10).feed(line)
    assert (used, event) == (len(line), CommandLine("+CGDCONT=1", too_long=True))


def test_custom_s3():
    assembler = LineAssembler(64)
    used, _, event = assembler.feed(b"ATI!rest", s3=ord("!"))
    assert (used, event) == (4, CommandLine("I"))


stream = st.lists(
    st.sampled_from([b"AT", b"at", b"E0", b"+CSQ", b"\r", b"\n", b"\x08", b"\x1b", b"A/",
                     b"\x00", b'"a,b"', b";", b" ", b"\xff", b"A"]),
    max_size=40,
).map(b"".join)


@given(stream, st.lists(st.integers(min_value=0, max_value=7), max_size=30))
def test_any_fragmentation_gives_the_same_result(data, chunks):
    assert run(data, chunks) == run(data)


@given(stream, st.integers(min_value=1, max_value=12), st.sampled_from([8, 0x7F, ord("#")]))
def test_the_shortcut_for_plain_lines_agrees_with_the_byte_loop(data, max_line, s5):
    """``feed`` takes a whole plain line at once; ``feed_bytewise`` applies every rule to
    every byte.  Both must consume, echo and report the same, line after line."""
    fast, slow = LineAssembler(max_line), LineAssembler(max_line)
    rest_fast = rest_slow = data
    while rest_fast or rest_slow:
        used, echo, event = fast.feed(rest_fast, 13, s5)
        assert (used, echo, event) == slow.feed_bytewise(rest_slow, 13, s5)
        assert fast.in_line == slow.in_line
        rest_fast, rest_slow = rest_fast[used:], rest_slow[used:]


@given(st.binary(max_size=300))
def test_garbage_never_raises(data):
    run(data)


def test_text_collector_submit_cancel_and_backspace():
    collector = TextCollector()
    used, echo, outcome = collector.feed(b"hel\x08llo\x1arest")
    assert (used, outcome, bytes(collector.text)) == (8, "submit", b"hello")
    assert echo == b"hel\x08llo"
    collector = TextCollector()
    assert collector.feed(b"abc\x1b")[2] == "cancel"
