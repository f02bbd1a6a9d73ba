"""The TCP endpoint's parts on their own: sequence arithmetic, the RTO estimator, the
reassembly queue, and the package's place in the layers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.inet.tcp.reassembly import Reassembly
from simulator.inet.tcp.rto import RtoEstimator
from simulator.inet.tcp.seqnum import in_window, seq_add, seq_diff, seq_le, seq_lt
from tests.test_layers import IMPORTS, within


def test_sequence_numbers_compare_across_the_wrap():
    assert seq_add(0xFFFFFFFF, 2) == 1
    assert seq_diff(1, 0xFFFFFFFF) == 2 and seq_diff(0xFFFFFFFF, 1) == -2
    assert seq_lt(0xFFFFFFF0, 5) and seq_le(5, 5) and not seq_lt(5, 0xFFFFFFF0)
    assert in_window(3, 0xFFFFFFFE, 10) and not in_window(9, 0xFFFFFFFE, 10)


def test_first_rtt_sample_sets_srtt_and_rttvar():
    rto = RtoEstimator(minimum=0.2)
    assert rto.rto == 1.0  # RFC 6298 §2.1
    rto.sample(0.5)
    assert (rto.srtt, rto.rttvar, rto.rto) == (0.5, 0.25, pytest.approx(1.5))


def test_later_samples_are_smoothed():
    rto = RtoEstimator(minimum=0.0)
    rto.sample(1.0)
    rto.sample(2.0)
    # RTTVAR = 3/4 * 0.5 + 1/4 * |1 - 2| = 0.625; SRTT = 7/8 * 1 + 1/8 * 2 = 1.125
    assert rto.rttvar == pytest.approx(0.625) and rto.srtt == pytest.approx(1.125)
    assert rto.rto == pytest.approx(1.125 + 4 * 0.625)


def test_rto_is_clamped_and_backs_off_to_the_maximum():
    rto = RtoEstimator(minimum=0.2, maximum=10.0)
    rto.sample(0.001)
    assert rto.rto == 0.2
    for _ in range(10):
        rto.back_off()
    assert rto.rto == 10.0
    rto.reset_backoff()
    assert rto.rto == 0.2


@given(st.integers(0, 3000), st.data())
def test_reassembly_restores_any_segmentation_order_and_duplication(size, data):
    stream = bytes(random.Random(size).randbytes(size))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, size - 1)), max_size=20)))
    bounds = [0, *[c for c in cuts if c < size], size]
    pieces = [(a, stream[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    pieces += data.draw(st.lists(st.sampled_from(pieces), max_size=5)) if pieces else []
    # Overlaps: a piece that spans two others.
    if len(pieces) > 2:
        pieces.append((pieces[0][0], stream[pieces[0][0]:pieces[2][0] + 1]))
    order = data.draw(st.permutations(pieces))
    reassembly = Reassembly()
    out = bytearray()
    for offset, piece in order:
        out += reassembly.add(offset, piece, fin=offset + len(piece) == size)
    assert bytes(out) == stream
    assert reassembly.fin_reached and reassembly.waiting == 0


def test_reassembly_drops_what_was_delivered_already():
    reassembly = Reassembly()
    assert reassembly.add(0, b"abc") == b"abc"
    assert reassembly.add(1, b"bcd") == b"d"
    assert reassembly.add(0, b"ab") == b""
    assert not reassembly.fin_reached


def test_the_package_knows_nothing_else_of_atsim_and_no_twisted():
    """Codecs and endpoint sit below everything that will use them: PPP, the network, the
    modem's sockets."""
    offences = sorted(f"{module} -> {name}" for module, names in IMPORTS.items()
                      if within(module, ("simulator.inet",)) for name in names
                      if (name.startswith("simulator") and not within(name, ("simulator.inet",)))
                      or within(name, ("twisted",)))
    assert offences == []
    assert "simulator.inet.tcp.connection" in IMPORTS
