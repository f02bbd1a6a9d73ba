"""Sequence-number arithmetic modulo 2**32 (RFC 9293 §3.4): comparisons hold for numbers less
than 2**31 apart, which every window is."""

from __future__ import annotations

MODULUS = 1 << 32
_HALF = 1 << 31


def seq_add(seq: int, n: int) -> int:
    return (seq + n) % MODULUS


def seq_diff(a: int, b: int) -> int:
    """``a - b`` as a signed distance in (-2**31, 2**31]."""
    d = (a - b) % MODULUS
    return d - MODULUS if d > _HALF else d


def seq_lt(a: int, b: int) -> bool:
    return seq_diff(a, b) < 0


def seq_le(a: int, b: int) -> bool:
    return seq_diff(a, b) <= 0


def in_window(seq: int, start: int, size: int) -> bool:
    """``start <= seq < start + size``."""
    return 0 <= seq_diff(seq, start) < size
