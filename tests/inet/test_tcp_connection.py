"""The TCP endpoint one transition at a time, fed hand-made segments."""

from __future__ import annotations

import random

import pytest

from simulator.inet.tcp import (
    Closed,
    Connected,
    DataReceived,
    PeerClosed,
    Reset,
    State,
    TcpConfig,
    TcpConnection,
    TcpStateError,
    TimedOut,
    Writable,
    reset_reply,
)
from simulator.inet.tcp.seqnum import seq_add
from simulator.inet.tcpsegment import TcpFlags, TcpSegment, mss_option

A, S, F, R, P = TcpFlags.ACK, TcpFlags.SYN, TcpFlags.FIN, TcpFlags.RST, TcpFlags.PSH
PEER_ISS = 0xFFFFFF00  # close to the wrap, so every test also crosses 2**32


def segment(seq, ack=0, flags=A, window=65535, payload=b"", mss=None):
    options = (mss_option(mss),) if mss is not None else ()
    return TcpSegment(80, 40000, seq % 2**32, ack % 2**32, flags, window, payload,
                      options=options)


def new(**config) -> TcpConnection:
    return TcpConnection(40000, 80, random.Random(7), TcpConfig(**config))


def established(window=65535, mss=1000, **config) -> TcpConnection:
    """An actively opened connection; the peer's next sequence number is PEER_ISS + 1."""
    conn = new(**config)
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    conn.receive_segment(segment(PEER_ISS, syn.seq + 1, S | A, window, mss=mss), 0.1)
    conn.take_segments()
    assert conn.take_events() == [Connected()]
    return conn


def peer_seq(offset=0):
    return seq_add(PEER_ISS, 1 + offset)


# --- opening --------------------------------------------------------------------------------

def test_active_open_sends_syn_with_mss_and_completes_on_syn_ack():
    conn = new(mss=1400)
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    assert conn.state is State.SYN_SENT
    assert syn.flags == S and syn.mss == 1400 and syn.seq == conn.iss
    conn.receive_segment(segment(PEER_ISS, syn.seq + 1, S | A, 30000, mss=536), 0.05)
    (ack,) = conn.take_segments()
    assert conn.state is State.ESTABLISHED and conn.take_events() == [Connected()]
    assert (ack.flags, ack.seq, ack.ack) == (A, syn.seq + 1, peer_seq())
    assert conn.send_mss == 536 and conn.snd_wnd == 30000


def test_the_isn_comes_from_the_injected_random():
    first = TcpConnection(1, 2, random.Random(3))
    second = TcpConnection(1, 2, random.Random(3))
    other = TcpConnection(1, 2, random.Random(4))
    assert first.iss == second.iss != other.iss


def test_syn_is_retransmitted_with_backoff_then_given_up():
    conn = new(syn_retries=2)
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    assert conn.next_deadline() == pytest.approx(1.0)
    conn.timer_expired(1.0)
    assert conn.take_segments() == [syn]
    assert conn.next_deadline() == pytest.approx(3.0)  # 1 s, then 2 s
    conn.timer_expired(3.0)
    assert conn.take_segments() == [syn]
    conn.timer_expired(conn.next_deadline())
    assert conn.take_events() == [TimedOut(), Closed()]
    assert conn.state is State.CLOSED and conn.next_deadline() is None


def test_after_a_resent_syn_the_rto_starts_at_three_seconds():
    """RFC 6298 §5.7; the SYN-ACK answers the resent SYN, so it gives no sample (Karn)."""
    conn = new()
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    conn.timer_expired(1.0)
    conn.take_segments()
    conn.receive_segment(segment(PEER_ISS, syn.seq + 1, S | A), 1.1)
    conn.take_segments()
    conn.send(b"x", 2.0)
    assert conn.next_deadline() == pytest.approx(5.0)


def test_rst_to_our_syn_means_refused():
    conn = new()
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    conn.receive_segment(segment(0, syn.seq + 1, R | A), 0.1)
    assert conn.take_events() == [Reset(), Closed()]


def test_syn_sent_answers_a_bad_ack_with_rst():
    conn = new()
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    conn.receive_segment(segment(PEER_ISS, syn.seq + 5, S | A), 0.1)
    (rst,) = conn.take_segments()
    assert rst.flags == R and rst.seq == seq_add(syn.seq, 5)
    assert conn.state is State.SYN_SENT


def test_passive_open():
    conn = new()
    conn.listen()
    conn.receive_segment(segment(PEER_ISS, 0, S, 8000, mss=1200), 0.0)
    (syn_ack,) = conn.take_segments()
    assert conn.state is State.SYN_RECEIVED
    assert syn_ack.flags == S | A and syn_ack.ack == peer_seq() and syn_ack.mss == 1460
    conn.receive_segment(segment(peer_seq(), syn_ack.seq + 1, A, 8000), 0.1)
    assert conn.state is State.ESTABLISHED and conn.take_events() == [Connected()]
    assert conn.send_mss == 1200 and conn.snd_wnd == 8000


def test_listen_resets_a_stray_ack_and_ignores_rst():
    conn = new()
    conn.listen()
    conn.receive_segment(segment(10, 1234, A), 0.0)
    assert conn.take_segments() == [TcpSegment(40000, 80, 1234, flags=R)]
    conn.receive_segment(segment(10, 1234, R), 0.0)
    assert conn.take_segments() == [] and conn.state is State.LISTEN


def test_a_repeated_syn_gets_the_syn_ack_again():
    conn = new()
    conn.listen()
    conn.receive_segment(segment(PEER_ISS, 0, S), 0.0)
    first = conn.take_segments()
    conn.receive_segment(segment(PEER_ISS, 0, S), 0.5)
    assert conn.take_segments() == first


def test_simultaneous_open():
    conn = new()
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    conn.receive_segment(segment(PEER_ISS, 0, S), 0.1)
    (syn_ack,) = conn.take_segments()
    assert conn.state is State.SYN_RECEIVED
    assert (syn_ack.flags, syn_ack.seq, syn_ack.ack) == (S | A, syn.seq, peer_seq())
    conn.receive_segment(segment(PEER_ISS, syn.seq + 1, S | A), 0.2)
    conn.receive_segment(segment(peer_seq(), syn.seq + 1, A), 0.2)
    assert conn.state is State.ESTABLISHED and Connected() in conn.take_events()


# --- sending --------------------------------------------------------------------------------

def test_data_goes_in_mss_sized_segments_within_the_peer_window():
    conn = established(window=2500, mss=1000)
    assert conn.send(b"x" * 4000, 1.0) == 4000
    sent = conn.take_segments()
    # The last 500 bytes of the window wait: a small segment while others are in flight
    # would only make the next ones small too (sender-side silly window avoidance).
    assert [len(s.payload) for s in sent] == [1000, 1000]
    assert all(P in s.flags and s.ack == peer_seq() for s in sent)
    conn.receive_segment(segment(peer_seq(), sent[0].seq + 1000, A, 2500), 1.1)
    assert [len(s.payload) for s in conn.take_segments()] == [1000]


def test_send_buffer_is_bounded_and_says_when_writable_again():
    conn = established(window=100, send_buffer=1000)
    assert conn.send(b"a" * 1500, 1.0) == 1000
    (first,) = conn.take_segments()
    conn.receive_segment(segment(peer_seq(), first.seq + 100, A, 1000), 1.1)
    assert Writable() not in conn.take_events()  # only 100 bytes free
    conn.take_segments()
    conn.receive_segment(segment(peer_seq(), first.seq + 600, A, 1000), 1.2)
    assert conn.take_events() == [Writable()]


def test_a_zero_window_is_probed_until_it_opens():
    conn = established(window=0)
    conn.send(b"hello", 1.0)
    assert conn.take_segments() == []  # nothing fits
    probe_at = conn.next_deadline()
    assert probe_at is not None
    conn.timer_expired(probe_at)
    (probe,) = conn.take_segments()
    # Just before the window: the peer answers with its current window whatever it is.
    assert probe.payload == b"" and probe.seq == seq_add(conn.snd_una, -1)
    assert conn.next_deadline() - probe_at > probe_at - 1.0  # backed off
    conn.receive_segment(segment(peer_seq(), conn.snd_una, A, 0), probe_at + 0.1)
    assert conn.take_segments() == []
    conn.receive_segment(segment(peer_seq(), conn.snd_una, A, 1000), probe_at + 0.2)
    (data,) = conn.take_segments()
    assert data.payload == b"hello"


def test_retransmission_timeout_follows_rfc_6298():
    conn = established()
    # The handshake took 0.1 s: SRTT 0.1, RTTVAR 0.05, RTO = max(0.2, 0.1 + 4 * 0.05) = 0.3.
    conn.send(b"a" * 10, 1.0)
    (first,) = conn.take_segments()
    assert conn.next_deadline() == pytest.approx(1.3)
    conn.timer_expired(1.3)
    assert conn.take_segments() == [first]
    assert conn.next_deadline() == pytest.approx(1.9)  # doubled
    # Karn: the ACK of a retransmitted segment gives no sample, and RFC 6298 §5 keeps the
    # backed-off timeout until "a new RTT measurement is obtained" collapses it.
    conn.receive_segment(segment(peer_seq(), first.seq + 10, A), 5.0)
    conn.send(b"b", 5.0)
    (second,) = conn.take_segments()
    assert conn.next_deadline() == pytest.approx(5.6)
    conn.receive_segment(segment(peer_seq(), second.seq + 1, A), 5.1)  # a sample: 0.1 s
    conn.send(b"c", 6.0)
    conn.take_segments()
    # RTTVAR 3/4 * 0.05 + 1/4 * 0 = 0.0375, SRTT 0.1: RTO = 0.1 + 4 * 0.0375 = 0.25.
    assert conn.next_deadline() == pytest.approx(6.25)


def test_give_up_after_max_retransmissions():
    conn = established(max_retransmissions=2)
    conn.send(b"a", 1.0)
    for _ in range(3):
        conn.timer_expired(conn.next_deadline())
    assert conn.take_events() == [TimedOut(), Closed()]


def test_three_duplicate_acks_resend_at_once():
    conn = established(window=10000)
    conn.send(b"z" * 5000, 1.0)
    sent = conn.take_segments()
    assert len(sent) == 5
    duplicate = segment(peer_seq(), sent[0].seq, A, 10000)
    for _ in range(2):
        conn.receive_segment(duplicate, 1.1)
    assert conn.take_segments() == []
    conn.receive_segment(duplicate, 1.1)
    assert conn.take_segments() == [sent[0]]


# --- receiving ------------------------------------------------------------------------------

def test_out_of_order_data_waits_for_the_gap():
    conn = established()
    conn.receive_segment(segment(peer_seq(3), conn.snd_nxt, A, payload=b"def"), 1.0)
    (dup_ack,) = conn.take_segments()
    assert dup_ack.ack == peer_seq() and conn.take_events() == []
    conn.receive_segment(segment(peer_seq(), conn.snd_nxt, A, payload=b"abc"), 1.1)
    assert conn.take_events() == [DataReceived(b"abcdef")]
    assert conn.take_segments()[-1].ack == peer_seq(6)


def test_duplicate_and_overlapping_data_is_delivered_once():
    conn = established()
    conn.receive_segment(segment(peer_seq(), conn.snd_nxt, A, payload=b"abcd"), 1.0)
    conn.receive_segment(segment(peer_seq(2), conn.snd_nxt, A, payload=b"cdef"), 1.1)
    conn.receive_segment(segment(peer_seq(), conn.snd_nxt, A, payload=b"abcd"), 1.2)
    assert conn.take_events() == [DataReceived(b"abcd"), DataReceived(b"ef")]


def test_the_receive_window_is_the_unconsumed_buffer():
    conn = established(receive_buffer=4000, mss=1000)
    conn.receive_segment(segment(peer_seq(), conn.snd_nxt, A, payload=b"x" * 3000), 1.0)
    (ack,) = conn.take_segments()
    assert ack.window == 1000
    # Beyond the window: cut off.
    conn.receive_segment(segment(peer_seq(3000), conn.snd_nxt, A, payload=b"y" * 1500), 1.1)
    assert conn.take_events() == [DataReceived(b"x" * 3000), DataReceived(b"y" * 1000)]
    (ack,) = conn.take_segments()
    assert (ack.ack, ack.window) == (peer_seq(4000), 0)
    conn.consumed(500, 1.2)  # less than a segment: no update (silly window avoidance)
    assert conn.take_segments() == []
    conn.consumed(1500, 1.3)
    (update,) = conn.take_segments()
    assert (update.ack, update.window) == (peer_seq(4000), 2000)


def test_segment_outside_the_window_is_answered_with_an_ack():
    conn = established()
    conn.receive_segment(segment(peer_seq(100_000), conn.snd_nxt, A, payload=b"far"), 1.0)
    (ack,) = conn.take_segments()
    assert ack.ack == peer_seq() and conn.take_events() == []


# --- closing --------------------------------------------------------------------------------

def test_active_close_then_time_wait():
    conn = established(msl=1.0)
    conn.send(b"bye", 1.0)
    conn.close(1.0)
    data, fin = conn.take_segments()
    assert (data.flags, data.payload, fin.flags) == (A | P, b"bye", A | F)
    assert conn.state is State.FIN_WAIT_1
    conn.receive_segment(segment(peer_seq(), fin.seq + 1, A), 1.1)
    assert conn.state is State.FIN_WAIT_2
    conn.receive_segment(segment(peer_seq(), fin.seq + 1, A | F), 1.2)
    assert conn.state is State.TIME_WAIT and conn.take_events() == [PeerClosed()]
    assert conn.take_segments()[-1].ack == peer_seq(1)
    assert conn.next_deadline() == pytest.approx(3.2)  # 2 MSL
    # The peer did not get our ACK and sends FIN again: ACK again, restart the 2 MSL.
    conn.receive_segment(segment(peer_seq(), fin.seq + 1, A | F), 2.0)
    assert conn.take_segments()[-1].ack == peer_seq(1)
    assert conn.next_deadline() == pytest.approx(4.0)
    conn.timer_expired(4.0)
    assert conn.state is State.CLOSED and conn.take_events() == [Closed()]


def test_passive_close():
    conn = established()
    conn.receive_segment(segment(peer_seq(), conn.snd_nxt, A | F, payload=b"end"), 1.0)
    assert conn.state is State.CLOSE_WAIT
    assert conn.take_events() == [DataReceived(b"end"), PeerClosed()]
    conn.take_segments()
    conn.send(b"reply", 1.1)
    conn.close(1.1)
    *_, fin = conn.take_segments()
    assert F in fin.flags and conn.state is State.LAST_ACK
    conn.receive_segment(segment(peer_seq(4), fin.seq + 1, A), 1.2)
    assert conn.state is State.CLOSED and conn.take_events() == [Closed()]


def test_simultaneous_close():
    conn = established(msl=1.0)
    conn.close(1.0)
    (fin,) = conn.take_segments()
    conn.receive_segment(segment(peer_seq(), fin.seq, A | F), 1.1)  # theirs, not acking ours
    assert conn.state is State.CLOSING
    conn.receive_segment(segment(peer_seq(1), fin.seq + 1, A), 1.2)
    assert conn.state is State.TIME_WAIT
    conn.timer_expired(conn.next_deadline())
    assert conn.take_events()[-1] == Closed()


def test_fin_acked_and_received_in_one_segment():
    conn = established()
    conn.close(1.0)
    (fin,) = conn.take_segments()
    conn.receive_segment(segment(peer_seq(), fin.seq + 1, A | F), 1.1)
    assert conn.state is State.TIME_WAIT


def test_fin_out_of_order_waits_for_the_data_before_it():
    conn = established()
    conn.receive_segment(segment(peer_seq(2), conn.snd_nxt, A | F, payload=b"cd"), 1.0)
    assert conn.state is State.ESTABLISHED and conn.take_events() == []
    conn.receive_segment(segment(peer_seq(), conn.snd_nxt, A, payload=b"ab"), 1.1)
    assert conn.take_events() == [DataReceived(b"abcd"), PeerClosed()]
    assert conn.state is State.CLOSE_WAIT


def test_close_before_the_handshake_completes_sends_fin_after_it():
    conn = new()
    conn.connect(0.0)
    (syn,) = conn.take_segments()
    conn.send(b"early", 0.0)
    conn.close(0.0)
    conn.receive_segment(segment(PEER_ISS, syn.seq + 1, S | A), 0.1)
    (data,) = conn.take_segments()
    assert data.payload == b"early" and F in data.flags and conn.state is State.FIN_WAIT_1


def test_sending_after_close_is_a_caller_error():
    conn = established()
    conn.close(1.0)
    with pytest.raises(TcpStateError):
        conn.send(b"late", 1.0)


# --- resets ---------------------------------------------------------------------------------

def test_rst_at_the_expected_sequence_resets():
    conn = established()
    conn.receive_segment(segment(peer_seq(), 0, R), 1.0)
    assert conn.take_events() == [Reset(), Closed()] and conn.state is State.CLOSED


def test_rst_elsewhere_in_the_window_gets_a_challenge_ack():
    conn = established()
    conn.receive_segment(segment(peer_seq(10), 0, R), 1.0)
    (challenge,) = conn.take_segments()
    assert challenge.flags == A and challenge.ack == peer_seq()
    assert conn.state is State.ESTABLISHED


def test_rst_outside_the_window_is_ignored():
    conn = established()
    conn.receive_segment(segment(peer_seq(-10), 0, R), 1.0)
    assert conn.take_segments() == [] and conn.state is State.ESTABLISHED


def test_syn_on_an_established_connection_gets_a_challenge_ack():
    conn = established()
    conn.receive_segment(segment(peer_seq(), 0, S), 1.0)
    (challenge,) = conn.take_segments()
    assert challenge.flags == A and conn.state is State.ESTABLISHED


def test_abort_sends_rst_and_closes():
    conn = established()
    conn.abort()
    (rst,) = conn.take_segments()
    assert rst.flags == R and rst.seq == conn.snd_max
    assert conn.take_events() == [Closed()]


def test_reset_reply_for_a_segment_without_connection():
    assert reset_reply(segment(100, 0, S, payload=b"ab")) == TcpSegment(
        40000, 80, 0, 103, R | A)
    assert reset_reply(segment(100, 777, A)) == TcpSegment(40000, 80, 777, flags=R)
    assert reset_reply(segment(100, 777, R)) is None


# --- segments fed together (reply=False) ----------------------------------------------------

def test_segments_fed_without_reply_are_answered_by_one_ack_on_flush():
    conn = established()
    for n in range(3):
        conn.receive_segment(segment(peer_seq(1000 * n), conn.snd_nxt, payload=bytes(1000)),
                             1.0, reply=False)
    assert conn.take_segments() == []
    assert [e.data for e in conn.take_events()] == [bytes(1000)] * 3
    conn.consumed(3000, 1.0, reply=False)
    assert conn.take_segments() == []
    conn.flush(1.0)
    (ack,) = conn.take_segments()
    assert ack.ack == peer_seq(3000) and ack.window == 65535  # the window after consumption


def test_flush_due_answers_every_second_data_segment():
    conn = established()
    acks = []
    for n in range(5):
        conn.receive_segment(segment(peer_seq(100 * n), conn.snd_nxt, payload=bytes(100)),
                             1.0, reply=False)
        conn.flush_due(1.0)
        acks += [s.ack for s in conn.take_segments()]
    assert acks == [peer_seq(200), peer_seq(400)]
    conn.flush(1.0)
    assert [s.ack for s in conn.take_segments()] == [peer_seq(500)]


def test_an_ack_fed_without_reply_lets_data_out_on_flush():
    conn = established(window=1000, mss=1000)
    conn.send(bytes(3000), 1.0)
    (first,) = conn.take_segments()
    conn.receive_segment(segment(peer_seq(), first.seq + 1000, window=2000), 1.1, reply=False)
    assert conn.take_segments() == []
    conn.flush(1.1)
    assert [len(s.payload) for s in conn.take_segments()] == [1000, 1000]


def test_flush_due_answers_out_of_order_segments_and_the_one_filling_the_gap_at_once():
    conn = established()
    acks = []
    for offset in (100, 200, 300, 0):  # the first 100 bytes lost, then resent
        conn.receive_segment(segment(peer_seq(offset), conn.snd_nxt, payload=bytes(100)),
                             1.0, reply=False)
        conn.flush_due(1.0)
        acks += [s.ack for s in conn.take_segments()]
    # three duplicate ACKs (the sender's fast retransmit), then the one for everything
    assert acks == [peer_seq(0)] * 3 + [peer_seq(400)]
