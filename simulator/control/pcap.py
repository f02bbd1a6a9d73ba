"""``--pcap DIR``: the IP traffic of the modems' bearers, one classic pcap file per modem
(``DIR/<modem>.pcap``), link type ``LINKTYPE_RAW`` (101: each record an IPv4 packet), which
tcpdump, Wireshark and scapy read; and the PPP frames a host exchanges with a modem in data
mode, one file per AT channel (``PppRecorder``, ``LINKTYPE_PPP_WITH_DIR``).

The simulated network carries a socket's bytes, not packets; the capture shows them as the
packets a TCP/IP stack would have sent: a connection starts with SYN, SYN-ACK, ACK, each
delivery of bytes is one segment (with the sequence and acknowledgement numbers of the bytes
so far), a FIN or a reset is a segment of its own.  Datagrams are one UDP packet each.  Time
stamps are the simulator's clock when the bytes arrived.
"""

from __future__ import annotations

import ipaddress
import struct
import zlib
from pathlib import Path

from simulator.control.outfiles import ChannelRecorder, Files, safe_name
from simulator.inet.ipv4 import IpProtocol, Ipv4Packet
from simulator.inet.tcpsegment import TcpFlags, TcpSegment
from simulator.inet.udpdatagram import UdpDatagram
from simulator.ppp.framing import FrameDecoder

#: The classic pcap format (not pcapng): magic, version 2.4, no zone, snap length, link type.
PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_RAW = 101
#: PPP in HDLC-like framing (address, control, protocol; no FCS) after one octet of
#: direction: 0 received by the modem (sent by the host), 1 sent by the modem.
LINKTYPE_PPP_WITH_DIR = 204
SNAPLEN = 65535
GLOBAL_HEADER = struct.Struct("<IHHiIII")
RECORD_HEADER = struct.Struct("<IIII")

#: Payload bytes in one synthetic segment (larger deliveries are split).
SEGMENT = 1400
#: The window every synthetic segment advertises.
WINDOW = 65535


def global_header(link: int = LINKTYPE_RAW) -> bytes:
    return GLOBAL_HEADER.pack(PCAP_MAGIC, 2, 4, 0, 0, SNAPLEN, link)


def record(when: float, packet: bytes) -> bytes:
    seconds = int(when)
    micros = min(999_999, int(round((when - seconds) * 1_000_000)))
    kept = packet[:SNAPLEN]
    return RECORD_HEADER.pack(seconds, micros, len(kept), len(packet)) + kept


def read_pcap(data: bytes) -> tuple[int, list[tuple[float, bytes]]]:
    """The link type and the (time, packet) records of a classic pcap file (either byte
    order); ValueError for anything else."""
    if len(data) < GLOBAL_HEADER.size:
        raise ValueError("shorter than a pcap header")
    for order in "<>":
        magic, major, minor, _zone, _sigfigs, _snap, link = struct.unpack(
            order + "IHHiIII", data[:GLOBAL_HEADER.size])
        if magic == PCAP_MAGIC:
            break
    else:
        raise ValueError("not a classic pcap file (bad magic)")
    if (major, minor) != (2, 4):
        raise ValueError(f"pcap version {major}.{minor}")
    records = []
    offset = GLOBAL_HEADER.size
    header = struct.Struct(order + "IIII")
    while offset < len(data):
        if offset + header.size > len(data):
            raise ValueError("truncated record header")
        seconds, micros, kept, _length = header.unpack_from(data, offset)
        offset += header.size
        if offset + kept > len(data):
            raise ValueError("truncated record")
        records.append((seconds + micros / 1e6, data[offset:offset + kept]))
        offset += kept
    return link, records


class _Side:
    """One direction of a captured connection: its address and its next sequence number."""

    def __init__(self, address: tuple[str, int], isn: int) -> None:
        self.ip = ipaddress.IPv4Address(address[0])
        self.port = address[1]
        self.seq = isn


class _Connection:
    def __init__(self, modem_side: tuple[str, int], far_side: tuple[str, int], isn: int
                 ) -> None:
        self.modem = _Side(modem_side, isn)
        self.far = _Side(far_side, isn ^ 0x5A5A5A5A)
        self.finished = False


class PcapRecorder:
    """Writes what ``router`` carries for the modems into ``directory``."""

    def __init__(self, directory: Path, router, clock) -> None:
        self.directory = directory
        self.router = router
        self.clock = clock
        self.files = Files(header=lambda path: global_header())
        self.packets = 0
        self._ids = 0

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.router.connection_observers.append(self._connection)
        self.router.datagram_observers.append(self._datagram)

    def stop(self) -> None:
        if self._connection in self.router.connection_observers:
            self.router.connection_observers.remove(self._connection)
        if self._datagram in self.router.datagram_observers:
            self.router.datagram_observers.remove(self._datagram)
        self.files.close()

    # -- TCP ------------------------------------------------------------------------------------

    def _connection(self, bearer, end, pipe) -> None:
        modem = bearer.modem
        local = _ipv4(end.local)
        remote = _ipv4(end.remote)
        if local is None or remote is None:
            return
        isn = zlib.crc32(repr((local, remote)).encode()) & 0x7FFFFFFF  # the same every run
        connection = _Connection(local, remote, isn)
        # The modem's side opened it unless the modem is listening (the far side came in);
        # which one it was is not kept by the pipe: the modem's side is shown opening.
        first, second = connection.modem, connection.far
        self._tcp(modem, first, second, TcpFlags.SYN, b"")
        first.seq += 1
        self._tcp(modem, second, first, TcpFlags.SYN | TcpFlags.ACK, b"")
        second.seq += 1
        self._tcp(modem, first, second, TcpFlags.ACK, b"")

        def tap(receiver, what: str, data: bytes) -> None:
            sender, other = ((connection.far, connection.modem) if receiver is end
                             else (connection.modem, connection.far))
            if what == "data":
                for i in range(0, len(data), SEGMENT):
                    chunk = data[i:i + SEGMENT]
                    self._tcp(modem, sender, other, TcpFlags.PSH | TcpFlags.ACK, chunk)
                    sender.seq = (sender.seq + len(chunk)) & 0xFFFFFFFF
            elif what == "fin":
                self._tcp(modem, sender, other, TcpFlags.FIN | TcpFlags.ACK, b"")
                sender.seq = (sender.seq + 1) & 0xFFFFFFFF
            elif what == "rst":
                self._tcp(modem, sender, other, TcpFlags.RST | TcpFlags.ACK, b"")

        pipe.taps.append(tap)

    def _tcp(self, modem: str, sender: _Side, receiver: _Side, flags, payload: bytes) -> None:
        segment = TcpSegment(sender.port, receiver.port, sender.seq,
                             receiver.seq if flags & TcpFlags.ACK else 0, flags, WINDOW,
                             payload)
        self._write(modem, sender.ip, receiver.ip, IpProtocol.TCP,
                    segment.build(sender.ip, receiver.ip))

    # -- UDP ------------------------------------------------------------------------------------

    def _datagram(self, source: tuple[str, int], destination: tuple[str, int], data: bytes
                  ) -> None:
        src, dst = _ipv4(source), _ipv4(destination)
        if src is None or dst is None:
            return
        for address in {src[0], dst[0]}:
            bearer = self.router.bearer_at(address)
            if bearer is None:
                continue
            src_ip, dst_ip = ipaddress.IPv4Address(src[0]), ipaddress.IPv4Address(dst[0])
            datagram = UdpDatagram(src[1], dst[1], data).build(src_ip, dst_ip)
            self._write(bearer.modem, src_ip, dst_ip, IpProtocol.UDP, datagram)

    def _write(self, modem: str, src, dst, protocol: int, payload: bytes) -> None:
        self._ids = (self._ids + 1) & 0xFFFF
        packet = Ipv4Packet(src, dst, int(protocol), payload, identification=self._ids).build()
        self.files.write(self.directory / f"{safe_name(modem)}.pcap",
                         record(self.clock.seconds(), packet))
        self.packets += 1


def _ipv4(address) -> tuple[str, int] | None:
    try:
        ipaddress.IPv4Address(address[0])
    except (ValueError, TypeError, IndexError):
        return None
    return str(address[0]), int(address[1])


class PppRecorder(ChannelRecorder):
    """The PPP frames on the modems' AT channels in data mode, one file per channel
    (``DIR/<modem>.<port>.ppp.pcap``, ``LINKTYPE_PPP_WITH_DIR``): each direction's octets
    go through an RFC 1662 frame decoder, and every frame whose FCS checks is written with
    its direction.  Octets of a channel in command mode are not looked at."""

    def __init__(self, directory: Path, modems, clock) -> None:
        super().__init__(directory, modems, clock,
                         header=lambda path: global_header(LINKTYPE_PPP_WITH_DIR))
        self.frames = 0
        self._tapped: set[tuple[str, str]] = set()

    def _tap(self, modem, interpreter) -> None:
        key = (modem.name, interpreter.port)
        if key in self._tapped:
            return
        self._tapped.add(key)
        # The whole octet stream is the peer's: nothing on the line inserts characters,
        # so no control character is dropped (receive ACCM 0).
        decoders = {"rx": FrameDecoder(accm=0), "tx": FrameDecoder(accm=0)}
        path = self.directory / f"{safe_name(modem.name)}.{safe_name(interpreter.port)}.ppp.pcap"

        def tap(direction: str, data: bytes) -> None:
            if not interpreter.online:
                return
            for frame in decoders[direction].feed(data):
                packet = (bytes((0 if direction == "rx" else 1, 0xFF, 0x03))
                          + frame.protocol.to_bytes(2, "big") + frame.information)
                self.files.write(path, record(self.clock.seconds(), packet))
                self.frames += 1

        interpreter.channel.add_tap(tap)
