"""The retransmission timeout of RFC 6298: smoothed RTT and its variation from samples, Karn's
rule left to the caller (it only samples segments sent once), exponential backoff."""

from __future__ import annotations

#: RFC 6298 §2.1: before the first sample.
INITIAL_RTO = 1.0
#: RFC 6298 §2.4 says SHOULD 1 s and allows less; 200 ms is what Linux uses, and the link is
#: simulated, so a lost segment on a fast path is resent without a one-second stall.
MIN_RTO = 0.2
#: RFC 6298 §2.5 allows an upper bound of at least 60 s.
MAX_RTO = 60.0
#: RFC 6298 §5.7: the RTO once data flows, when the SYN or SYN-ACK had to be resent.
AFTER_SYN_TIMEOUT = 3.0
#: Clock granularity G of RFC 6298 §2: time is a float, 1 ms is the finest a caller means.
GRANULARITY = 0.001
_ALPHA = 1 / 8
_BETA = 1 / 4
_K = 4


class RtoEstimator:
    def __init__(self, initial: float = INITIAL_RTO, minimum: float = MIN_RTO,
                 maximum: float = MAX_RTO) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.srtt: float | None = None
        self.rttvar: float | None = None
        self._base = initial
        self.backoffs = 0

    @property
    def rto(self) -> float:
        return min(self.maximum, self._base * (2 ** self.backoffs))

    def sample(self, rtt: float) -> None:
        """A round-trip time measured on a segment that was not retransmitted (Karn)."""
        rtt = max(0.0, rtt)
        if self.srtt is None or self.rttvar is None:
            self.srtt = rtt
            self.rttvar = rtt / 2
        else:
            self.rttvar = (1 - _BETA) * self.rttvar + _BETA * abs(self.srtt - rtt)
            self.srtt = (1 - _ALPHA) * self.srtt + _ALPHA * rtt
        self._base = min(self.maximum,
                         max(self.minimum, self.srtt + max(GRANULARITY, _K * self.rttvar)))
        self.backoffs = 0

    def back_off(self) -> None:
        """The timer expired: double the timeout (RFC 6298 §5.5), up to the maximum."""
        if self.rto < self.maximum:
            self.backoffs += 1

    def at_least(self, seconds: float) -> None:
        """Without a sample, start from ``seconds`` or more (RFC 6298 §5.7)."""
        self._base = min(self.maximum, max(self._base, seconds))
        self.backoffs = 0

    def reset_backoff(self) -> None:
        """New data was acknowledged: the path works, the doubled timeout no longer applies."""
        self.backoffs = 0
