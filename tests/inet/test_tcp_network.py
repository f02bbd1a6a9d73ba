"""Two endpoints through a network that loses, duplicates, reorders, corrupts and
re-segments: both byte streams arrive whole and in order, and both ends close cleanly, for
any seed hypothesis picks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.inet.tcp import Reset, TcpConfig, TimedOut
from tests.inet.lossy import Impairments, Network

#: Patient endpoints: on a network this bad, ten tries can all be lost.
PATIENT = dict(syn_retries=40, max_retransmissions=40)

impairments = st.builds(
    Impairments,
    loss=st.floats(0, 0.3), duplicate=st.floats(0, 0.2), corrupt=st.floats(0, 0.05),
    split=st.floats(0, 0.5), delay=st.floats(0.001, 0.3), jitter=st.floats(0, 0.5))



def stream(size: int) -> bytes:
    """``size`` bytes in which a lost, repeated or misplaced run shows."""
    return bytes(i * 7 % 251 for i in range(size))


sizes = st.integers(0, 30_000)


def assert_clean(network: Network, client_data: bytes, server_data: bytes) -> None:
    client, server = network.apps["client"], network.apps["server"]
    assert bytes(server.received) == client_data
    assert bytes(client.received) == server_data
    for app in (client, server):
        assert app.peer_closed
        assert not any(isinstance(e, (Reset, TimedOut)) for e in app.events), app.events
        assert app.events[-1] == app.events[-1].__class__() and app.closed


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), impairments=impairments, client_size=sizes,
       server_size=sizes, close_after_peer=st.booleans(),
       mss=st.integers(40, 1460), receive_buffer=st.integers(500, 65535))
def test_streams_arrive_whole_over_a_bad_network(seed, impairments, client_size, server_size,
                                                  close_after_peer, mss, receive_buffer):
    client_data, server_data = stream(client_size), stream(server_size)
    config = TcpConfig(mss=mss, receive_buffer=receive_buffer, send_buffer=8192, **PATIENT)
    network = Network(seed, impairments, client_data, server_data, client_config=config,
                      server_config=TcpConfig(**PATIENT), close_after_peer=close_after_peer)
    network.run()
    assert_clean(network, client_data, server_data)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), loss=st.floats(0, 0.2),
       size=st.integers(20_000, 60_000), read_chunk=st.integers(1, 3000),
       read_period=st.floats(0.01, 2.0))
def test_a_slow_reader_closes_the_window_and_loses_nothing(seed, loss, size, read_chunk,
                                                           read_period):
    """The server reads slowly from a small buffer: the client stalls on a zero window, probes
    it, and resumes when the reader catches up."""
    data = stream(size)
    network = Network(seed, Impairments(loss=loss, delay=0.02), data, b"",
                      client_config=TcpConfig(**PATIENT),
                      server_config=TcpConfig(receive_buffer=4000, **PATIENT),
                      read_period=read_period, read_chunk=read_chunk)
    network.run()
    assert_clean(network, data, b"")
