"""The congestion window of RFC 5681, reduced to what a sender on a lossy link needs: slow
start and congestion avoidance, back to one segment after a timeout, halved on fast
retransmit.  Without it a sender whose segments are lost would resend its whole window at
every timeout into the same loss."""

from __future__ import annotations

#: RFC 6928: ten segments to start with.
INITIAL_SEGMENTS = 10
#: A cap, so that the window stays a number the peer's 16-bit window limits anyway.
MAX_WINDOW = 1 << 20


class CongestionWindow:
    def __init__(self, mss: int) -> None:
        self.mss = mss
        self.window = INITIAL_SEGMENTS * mss
        self.ssthresh = MAX_WINDOW

    def acknowledged(self, size: int) -> None:
        """New data was acknowledged (RFC 5681 §3.1)."""
        if self.window < self.ssthresh:
            self.window += min(size, self.mss)
        else:
            self.window += max(1, self.mss * self.mss // self.window)
        self.window = min(self.window, MAX_WINDOW)

    def timed_out(self, in_flight: int) -> None:
        self.ssthresh = max(in_flight // 2, 2 * self.mss)
        self.window = self.mss

    def fast_retransmit(self, in_flight: int) -> None:
        self.ssthresh = max(in_flight // 2, 2 * self.mss)
        self.window = self.ssthresh
