from hypothesis import given
from hypothesis import strategies as st

from simulator.at.escape import EscapeDetector

GUARD = 1.0

chunks = st.lists(
    st.tuples(
        st.sampled_from([0.0, 0.1, 0.5, 0.99, 1.0, 1.5, 3.0]),  # silence before the chunk
        st.sampled_from([b"+", b"++", b"+++", b"++++", b"a", b"a+", b"+a", b"\x00+\xff"]),
    ),
    max_size=25,
)


def simulate(stream):
    """Feed chunks at their times, firing the detector's deadline as a timer would."""
    detector = EscapeDetector(0.0, GUARD)
    now, out, escapes = 0.0, bytearray(), 0
    for silence, data in stream:
        deadline = detector.deadline()
        if deadline is not None and deadline <= now + silence:
            escaped, released = detector.expire(deadline)
            escapes += escaped
            out += released
        now += silence
        out += detector.feed(data, now)
    deadline = detector.deadline()
    if deadline is not None:
        escaped, released = detector.expire(deadline)
        escapes += escaped
        out += released
    return bytes(out), escapes


@given(chunks)
def test_nothing_is_lost_or_reordered(stream):
    sent = b"".join(data for _, data in stream)
    out, escapes = simulate(stream)
    # Each escape consumed exactly three '+'; everything else came out in order.
    assert len(out) + 3 * escapes == len(sent)
    if escapes == 0:
        assert out == sent


def test_an_escape_needs_silence_on_both_sides():
    assert simulate([(1.0, b"+++")]) == (b"", 1)
    assert simulate([(0.5, b"+++")]) == (b"+++", 0)
    assert simulate([(1.0, b"+++"), (0.5, b"a")]) == (b"+++a", 0)
    assert simulate([(1.0, b"+"), (0.5, b"+"), (0.5, b"+")]) == (b"", 1)
    assert simulate([(1.0, b"+"), (1.0, b"+"), (0.5, b"+")]) == (b"+++", 0)


@given(st.binary(max_size=200).filter(lambda b: b"+" not in b))
def test_data_without_escape_characters_passes_straight_through(data):
    detector = EscapeDetector(0.0, GUARD)
    assert detector.feed(data, 5.0) == data
    assert detector.deadline() is None


@given(chunks, st.sampled_from([0.0, 0.5, 1.0]))
def test_feed_agrees_with_the_byte_loop(stream, guard):
    """``feed`` stops looking at a read once no escape character is held; the byte loop
    looks at every byte.  Chunk after chunk, with expiries between, both give the same."""
    fast, slow = EscapeDetector(0.0, guard), EscapeDetector(0.0, guard)
    now = 0.0
    for silence, data in stream:
        deadline = fast.deadline()
        assert deadline == slow.deadline()
        if deadline is not None and deadline <= now + silence:
            assert fast.expire(deadline) == slow.expire(deadline)
        now += silence
        assert fast.feed(data, now) == slow.feed_bytewise(data, now)
        assert fast.holding == slow.holding
