"""The receive buffer keeps segments as they came and joins them only when read: the same
bytes, reads and fill state as one growing byte string."""

from hypothesis import given
from hypothesis import strategies as st

from simulator.ipstack.buffers import ReceiveBuffer

operations = st.lists(st.one_of(
    st.tuples(st.just("put"), st.binary(max_size=40)),
    st.tuples(st.just("read"), st.one_of(st.none(), st.integers(0, 120))),
    st.tuples(st.just("peek"), st.one_of(st.none(), st.integers(0, 120))),
), max_size=30)


@given(operations)
def test_the_receive_buffer_behaves_as_one_byte_string(ops):
    buffer, model = ReceiveBuffer(100), bytearray()
    for op, arg in ops:
        if op == "put":
            buffer.put(arg)
            model += arg
        elif op == "read":
            expected = bytes(model if arg is None else model[:arg])
            assert buffer.read(arg) == expected
            del model[:len(expected)]
        else:
            assert buffer.peek(arg) == bytes(model if arg is None else model[:arg])
        assert len(buffer) == len(model) and buffer.full == (len(model) >= 100)


def test_a_segment_read_alone_is_handed_back_as_it_came():
    buffer = ReceiveBuffer(100)
    segment = b"x" * 50
    buffer.put(segment)
    assert buffer.read() is segment
