"""The figures of a radio link and the presets a scenario names (``links: {default: gprs}``,
``modems[].link: edge``).  The network shapes traffic with them (``simulator.network.links``);
they live here because a scenario is validated against them.
"""

from __future__ import annotations

import dataclasses
import math

#: Bytes of IP + TCP header in a segment: the payload of one segment is MTU minus this.
TCP_IP_HEADER = 40


@dataclasses.dataclass(frozen=True)
class LinkParams:
    """Figures of a link.  ``latency`` is the minimum one-way delay; every packet adds a
    random 0..``jitter``, so a round trip over the link takes about 2*latency + jitter.
    Rates are bit/s of payload; ``math.inf`` means unshaped.  ``loss`` applies to datagrams
    (UDP, ping), independently in each direction: TCP recovers from loss, so TCP bytes are
    never lost, only late."""

    latency: float = 0.0
    jitter: float = 0.0
    up: float = math.inf  # modem -> network
    down: float = math.inf  # network -> modem
    loss: float = 0.0
    mtu: int = 1500

    def __post_init__(self) -> None:
        if self.latency < 0 or self.jitter < 0:
            raise ValueError("latency and jitter cannot be negative")
        if self.up <= 0 or self.down <= 0:
            raise ValueError("rates must be positive (math.inf for unshaped)")
        if not 0.0 <= self.loss <= 1.0:
            raise ValueError("loss is a probability, 0..1")
        if self.mtu < TCP_IP_HEADER + 1:
            raise ValueError(f"an MTU below {TCP_IP_HEADER + 1} carries no TCP payload")

    @property
    def mss(self) -> int:
        return self.mtu - TCP_IP_HEADER

    @property
    def rtt(self) -> float:
        """The typical round trip: both one-way delays plus the mean jitter of each."""
        return 2 * self.latency + self.jitter


# Typical figures, not peak ones: what a device in a lab sees (see docs/network.md for the
# sources).  Round trip ~= 2*latency + jitter.
PRESETS: dict[str, LinkParams] = {
    # GSM circuit-switched data: 9.6 kbit/s each way, ~400 ms round trip.
    "gsm": LinkParams(latency=0.19, jitter=0.02, up=9_600, down=9_600),
    # GPRS multislot class 10, CS-2: ~40 kbit/s down, ~20 up, ~500 ms round trip.
    "gprs": LinkParams(latency=0.225, jitter=0.05, up=20_000, down=40_000),
    # EDGE class 10 (MCS-5..9 mix): ~160 kbit/s down, ~80 up, ~300 ms round trip.
    "edge": LinkParams(latency=0.14, jitter=0.02, up=80_000, down=160_000),
    # UMTS Release 99 bearer: 384 kbit/s down, 64 up, ~200 ms round trip.
    "umts": LinkParams(latency=0.09, jitter=0.02, up=64_000, down=384_000),
    # HSDPA category 6 with an R99 uplink: 3.6 Mbit/s down, 384 kbit/s up, ~100 ms.
    "hsdpa": LinkParams(latency=0.045, jitter=0.01, up=384_000, down=3_600_000),
    # LTE category 4, a typical rather than peak cell: 20 Mbit/s down, 10 up, ~50 ms.
    "lte": LinkParams(latency=0.0225, jitter=0.005, up=10_000_000, down=20_000_000),
    # No shaping at all: for tests and for modems that should not be slowed down.
    "ideal": LinkParams(),
}
