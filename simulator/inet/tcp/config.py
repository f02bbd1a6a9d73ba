"""The tunables of a TCP connection, with the reason for each default."""

from __future__ import annotations

import dataclasses

from simulator.inet.tcp import rto

#: RFC 9293 §3.7.1: the MSS to assume when the peer's SYN carries no MSS option.
DEFAULT_PEER_MSS = 536
#: The largest window the 16-bit field can say: no window scaling, so no buffer beyond it.
MAX_WINDOW = 0xFFFF


@dataclasses.dataclass(frozen=True)
class TcpConfig:
    #: The MSS we announce: a 1500-byte PPP MRU less 40 bytes of IPv4 and TCP headers.
    mss: int = 1460
    #: Bytes received, delivered and not yet consumed by the application, at most: it is the
    #: window we advertise.  At most 65535 without window scaling.
    receive_buffer: int = MAX_WINDOW
    #: Bytes the application may have queued and unacknowledged.
    send_buffer: int = 64 * 1024
    #: Maximum segment lifetime, seconds; TIME-WAIT lasts twice this.  RFC 9293 §3.4.2's two
    #: minutes protects against duplicates on the Internet; on a simulated link a segment
    #: lives no longer than the link's delay, and a short TIME-WAIT lets a host reuse its
    #: ports at once, as after a test run.
    msl: float = 5.0
    #: Retransmissions of the SYN (or SYN-ACK) before giving up: with backoff from 1 s that is
    #: about a minute, as Linux's ``tcp_syn_retries`` = 6 gives.
    syn_retries: int = 6
    #: Retransmissions of data (or unanswered window probes) before giving up: RFC 1122
    #: §4.2.3.5 asks for at least 100 s; with backoff capped at 60 s ten tries are minutes.
    max_retransmissions: int = 10
    initial_rto: float = rto.INITIAL_RTO
    min_rto: float = rto.MIN_RTO
    max_rto: float = rto.MAX_RTO

    def __post_init__(self) -> None:
        if not 0 < self.receive_buffer <= MAX_WINDOW:
            raise ValueError(f"receive buffer must be 1-{MAX_WINDOW} bytes without window scaling")
        if self.send_buffer <= 0 or not 0 < self.mss <= 0xFFFF:
            raise ValueError("send buffer and MSS must be positive")
