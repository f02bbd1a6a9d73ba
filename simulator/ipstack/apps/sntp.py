"""SNTP (RFC 4330): the packet codec, without I/O, and one query over the modem's UDP path.

    result = await sntp_query(endpoints, "time.lab")   # SntpResult: time, offset, round trip

What GenPro's ``AT+EGNTP`` and Fibocom's ``+MIPNTP`` set the modem's clock from.  The
request carries the client's transmit time, which the server echoes as "originate": a reply
that does not echo it is not the answer to this request and is ignored, as RFC 4330 §5
asks.  Times are Unix seconds on the bearer's clock (``IReactorTime.seconds``).
"""

from __future__ import annotations

import dataclasses
import struct

from twisted.internet import defer, protocol

from simulator.ipstack.apps.endpoints import BearerEndpoints
from simulator.ipstack.apps.errors import AppError, AppFailure

NTP_PORT = 123
#: Seconds from the NTP era (1900-01-01) to the Unix epoch (1970-01-01).
NTP_EPOCH_OFFSET = 2_208_988_800
#: The 48-byte header: LI/VN/mode, stratum, poll, precision, root delay, root dispersion,
#: reference id, then the reference, originate, receive and transmit timestamps.
PACKET = struct.Struct("!BBbbII4sQQQQ")
VERSION = 4
MODE_CLIENT, MODE_SERVER, MODE_BROADCAST = 3, 4, 5
LEAP_ALARM = 3  # leap indicator 3: the server's clock is not synchronised
#: Seconds to wait for an answer in all (GenPro's EGNTP timeout defaults to 30 s; a lab
#: answers in one round trip), spread over ``DEFAULT_ATTEMPTS`` requests, since a lossy
#: link may drop a datagram either way.
DEFAULT_TIMEOUT = 6.0
DEFAULT_ATTEMPTS = 3


def to_timestamp(seconds: float) -> int:
    """Unix seconds as a 64-bit NTP timestamp (32.32 fixed point since 1900)."""
    value = seconds + NTP_EPOCH_OFFSET
    whole = int(value)
    return (whole % 2**32) << 32 | int((value - whole) * 2**32)


def from_timestamp(stamp: int) -> float:
    """An NTP timestamp as Unix seconds.  Its seconds wrap in 2036: with the top bit clear,
    a timestamp is in the next era, 2036-2104 (RFC 4330 §3)."""
    seconds = stamp >> 32
    if not seconds & 0x8000_0000:
        seconds += 2**32
    return seconds - NTP_EPOCH_OFFSET + (stamp & 0xFFFFFFFF) / 2**32


@dataclasses.dataclass(frozen=True)
class SntpPacket:
    """An NTP header; timestamps as 64-bit NTP integers (``from_timestamp`` converts)."""

    leap: int
    version: int
    mode: int
    stratum: int
    poll: int
    precision: int
    root_delay: int
    root_dispersion: int
    reference_id: bytes
    reference: int
    originate: int
    receive: int
    transmit: int


def encode_request(transmit: int) -> bytes:
    """A client request whose transmit timestamp is ``transmit`` (an NTP timestamp)."""
    return PACKET.pack((0 << 6) | (VERSION << 3) | MODE_CLIENT, 0, 0, 0, 0, 0, b"\0" * 4,
                       0, 0, 0, transmit)


def decode(data: bytes) -> SntpPacket:
    """The header of an NTP packet; ``ValueError`` if it is too short."""
    if len(data) < PACKET.size:
        raise ValueError(f"an NTP packet has at least {PACKET.size} bytes, not {len(data)}")
    first, *rest = PACKET.unpack_from(data)
    return SntpPacket(first >> 6, (first >> 3) & 0x7, first & 0x7, *rest)


def check_reply(packet: SntpPacket, request_transmit: int) -> str | None:
    """Why ``packet`` is not a usable answer to the request sent at ``request_transmit``
    (RFC 4330 §5), or None if it is."""
    if packet.mode not in (MODE_SERVER, MODE_BROADCAST):
        return f"mode {packet.mode}"
    if packet.originate != request_transmit:
        return "not an answer to this request"
    if packet.stratum == 0:
        return f"kiss-o'-death {packet.reference_id!r}"
    if packet.leap == LEAP_ALARM:
        return "server clock not synchronised"
    if packet.transmit == 0:
        return "no transmit timestamp"
    return None


@dataclasses.dataclass(frozen=True)
class SntpResult:
    """``time``: the server's time when the reply arrived (Unix seconds); ``offset``: how
    far the bearer's clock is behind it; ``round_trip``: the network delay (RFC 4330 §5)."""

    server: str  # the address that answered
    time: float
    offset: float
    round_trip: float
    stratum: int


def result_of(packet: SntpPacket, sent: float, received: float, server: str) -> SntpResult:
    t2, t3 = from_timestamp(packet.receive), from_timestamp(packet.transmit)
    offset = ((t2 - sent) + (t3 - received)) / 2
    round_trip = (received - sent) - (t3 - t2)
    return SntpResult(server, received + offset, offset, round_trip, packet.stratum)


def sntp_query(endpoints: BearerEndpoints, server: str, port: int = NTP_PORT, *,
               timeout: float = DEFAULT_TIMEOUT,
               attempts: int = DEFAULT_ATTEMPTS) -> defer.Deferred:
    """Ask ``server`` the time: ``Deferred[SntpResult]``, or ``AppError`` (the name's
    lookup reasons, ``TIMEOUT``, ``PROTOCOL_ERROR`` for a refusing server)."""
    query = _SntpQuery(endpoints, port, timeout / max(1, attempts), max(1, attempts))
    d = endpoints.resolve(server)
    d.addCallback(query.start)
    return d


class _SntpQuery(protocol.DatagramProtocol):
    def __init__(self, endpoints: BearerEndpoints, port: int, wait: float,
                 attempts: int) -> None:
        self.endpoints = endpoints
        self.clock = endpoints.clock
        self.port = port
        self.wait = wait
        self.attempts = attempts
        self.address = ""
        self.sent: dict[int, float] = {}  # transmit timestamp -> when it left
        self.timer = None
        self.udp = None
        self.deferred: defer.Deferred = defer.Deferred(lambda _: self._end())

    def start(self, address: str) -> defer.Deferred:
        self.address = address
        self.udp = self.endpoints.open_udp(self)
        self._ask()
        return self.deferred

    def _ask(self) -> None:
        if self.attempts == 0:
            self._end()
            self.deferred.errback(AppError(AppFailure.TIMEOUT, f"no answer from {self.address}"))
            return
        self.attempts -= 1
        now = self.clock.seconds()
        stamp = to_timestamp(now)
        while stamp in self.sent:  # two requests within one tick: keep them apart
            stamp += 1
        self.sent[stamp] = now
        self.udp.write(encode_request(stamp), (self.address, self.port))
        self.timer = self.clock.callLater(self.wait, self._ask)

    def datagramReceived(self, data: bytes, addr) -> None:  # noqa: N802 - Twisted's name
        if self.deferred.called or addr[0] != self.address:
            return
        try:
            packet = decode(data)
        except ValueError:
            return  # garbage is ignored, as a client waiting for its answer does
        if packet.originate not in self.sent:
            return
        problem = check_reply(packet, packet.originate)
        self._end()
        if problem is not None:
            self.deferred.errback(AppError(AppFailure.PROTOCOL_ERROR, problem))
            return
        sent = self.sent[packet.originate]
        self.deferred.callback(result_of(packet, sent, self.clock.seconds(), self.address))

    def _end(self) -> None:
        if self.timer is not None and self.timer.active():
            self.timer.cancel()
        self.timer = None
        if self.udp is not None:
            self.udp.close()
            self.udp = None
