"""An SNTP server (RFC 4330) answering from the reactor clock: what a modem's NTP client
(``+MIPNTP``, ``AT+EGNTP`` ...) sets its time from."""

from __future__ import annotations

import struct

from twisted.internet import protocol
from twisted.internet.interfaces import IReactorTime

#: Seconds from the NTP era (1900-01-01) to the Unix epoch.
NTP_EPOCH_OFFSET = 2_208_988_800
PACKET = struct.Struct("!BBbbII4sQQQQ")
MODE_CLIENT, MODE_SERVER = 3, 4
STRATUM = 1  # a primary server: it is the reference
PRECISION = -20  # about a microsecond, log2 seconds
REFERENCE_ID = b"ATSM"


def ntp_timestamp(seconds: float) -> int:
    """64-bit NTP timestamp: seconds since 1900 in the high word, fraction in the low."""
    value = seconds + NTP_EPOCH_OFFSET
    whole = int(value)
    return (whole % 2**32) << 32 | int((value - whole) * 2**32)


def unix_time(timestamp: int) -> float:
    return (timestamp >> 32) - NTP_EPOCH_OFFSET + (timestamp & 0xFFFFFFFF) / 2**32


def answer(request: bytes, now: float) -> bytes | None:
    """The server's reply to ``request``, or None if it is not an NTP client request."""
    if len(request) < PACKET.size:
        return None
    first, _, poll, _, _, _, _, _, _, _, transmit = PACKET.unpack_from(request)
    version, mode = (first >> 3) & 0x7, first & 0x7
    if mode != MODE_CLIENT or not 1 <= version <= 4:
        return None
    stamp = ntp_timestamp(now)
    return PACKET.pack(
        (0 << 6) | (version << 3) | MODE_SERVER,  # leap indicator 0: no warning
        STRATUM, poll, PRECISION,
        0, 0,  # root delay, root dispersion
        REFERENCE_ID,
        stamp,  # reference: the clock is its own reference and always "just set"
        transmit,  # originate: the client's transmit timestamp, echoed
        stamp, stamp,  # receive, transmit
    )


class SntpServer(protocol.DatagramProtocol):
    def __init__(self, clock: IReactorTime) -> None:
        self.clock = clock

    def datagramReceived(self, data: bytes, addr) -> None:
        reply = answer(data, self.clock.seconds())
        if reply is not None:
            self.transport.write(reply, addr)


class Ntp:
    def __init__(self, spec, context) -> None:
        self.clock = context.clock

    def udp_protocol(self, port: int) -> protocol.DatagramProtocol:
        return SntpServer(self.clock)
