"""``--pcap``: a modem's TCP and UDP traffic on the simulated network, captured on task.Clock,
read back with our own pcap reader and the packet codecs (and tcpdump when installed)."""

import ipaddress
import shutil
import struct
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.control.pcap import (
    LINKTYPE_RAW,
    PcapRecorder,
    global_header,
    read_pcap,
    record,
)
from simulator.inet.ipv4 import IpProtocol, parse_ipv4
from simulator.inet.tcpsegment import TcpFlags, parse_tcp
from simulator.inet.udpdatagram import parse_udp
from tests.network.helpers import DatagramRecorder, host
from tests.network.test_routing import bearer_of, connect, setup


def capture(tmp_path):
    network, clock = setup(host("www.lab", "echo"))
    clock.advance(1_800_000_000)
    recorder = PcapRecorder(tmp_path, network.router, clock)
    recorder.start()
    return network, clock, recorder


def packets(path):
    link, records = read_pcap(path.read_bytes())
    assert link == LINKTYPE_RAW
    return [(when, parse_ipv4(data)) for when, data in records]


def test_a_tcp_connection_is_a_handshake_the_bytes_both_ways_and_fins(tmp_path):
    network, clock, recorder = capture(tmp_path)
    bearer = bearer_of(network, clock)
    proto, local_port = connect(bearer, clock, "www.lab", 7)
    proto.transport.write(b"hello")
    clock.advance(1)
    proto.transport.loseConnection()
    clock.advance(1)
    recorder.stop()
    modem, lab = ipaddress.IPv4Address(bearer.address), ipaddress.IPv4Address(
        network.resolve("www.lab"))
    seen = []
    for when, packet in packets(tmp_path / "lab-1.pcap"):
        assert packet.protocol == IpProtocol.TCP
        assert when >= 1_800_000_000
        segment = parse_tcp(packet.payload, packet.src, packet.dst)  # checksums verified
        direction = "up" if packet.src == modem else "down"
        assert {packet.src, packet.dst} == {modem, lab}
        seen.append((direction, segment))
    flags = [(d, s.flags & ~TcpFlags.PSH) for d, s in seen]
    assert flags[:3] == [("up", TcpFlags.SYN), ("down", TcpFlags.SYN | TcpFlags.ACK),
                         ("up", TcpFlags.ACK)]
    payloads = [(d, s.payload) for d, s in seen if s.payload]
    assert payloads == [("up", b"hello"), ("down", b"hello")]
    assert ("up", TcpFlags.FIN | TcpFlags.ACK) in flags
    assert ("down", TcpFlags.FIN | TcpFlags.ACK) in flags
    # Sequence numbers follow the bytes: the echo acknowledges the modem's five.
    up_data = next(s for d, s in seen if d == "up" and s.payload)
    down_data = next(s for d, s in seen if d == "down" and s.payload)
    assert down_data.ack == up_data.seq + 5
    assert seen[0][1].src_port == local_port and seen[0][1].dst_port == 7


def test_datagrams_are_udp_packets(tmp_path):
    network, clock, recorder = capture(tmp_path)
    bearer = bearer_of(network, clock)
    port = bearer.open_udp(0, DatagramRecorder())
    port.write(b"ping", ("www.lab", 7))
    clock.advance(1)
    recorder.stop()
    seen = [(p.src, parse_udp(p.payload, p.src, p.dst)) for _, p in
            packets(tmp_path / "lab-1.pcap")]
    assert [d.payload for _, d in seen] == [b"ping", b"ping"]
    assert seen[0][0] == ipaddress.IPv4Address(bearer.address)
    assert seen[1][1].src_port == 7


def test_nothing_is_captured_after_stop(tmp_path):
    network, clock, recorder = capture(tmp_path)
    recorder.stop()
    bearer = bearer_of(network, clock)
    connect(bearer, clock, "www.lab", 7)
    assert not (tmp_path / "lab-1.pcap").exists()
    assert network.router.connection_observers == []


@pytest.mark.skipif(shutil.which("tcpdump") is None, reason="tcpdump is not installed")
def test_tcpdump_reads_the_capture(tmp_path):
    network, clock, recorder = capture(tmp_path)
    bearer = bearer_of(network, clock)
    proto, _ = connect(bearer, clock, "www.lab", 7)
    proto.transport.write(b"hello")
    clock.advance(1)
    recorder.stop()
    out = subprocess.run(["tcpdump", "-nr", str(tmp_path / "lab-1.pcap")],
                         capture_output=True, text=True, check=True).stdout
    assert "Flags [S]" in out and "length 5" in out


def test_the_header_and_records_are_the_classic_format():
    header = global_header()
    assert struct.unpack("<IHHiIII", header) == (0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)
    assert record(1.25, b"abc") == struct.pack("<IIII", 1, 250000, 3, 3) + b"abc"


@given(st.lists(st.tuples(st.integers(0, 2**31), st.binary(max_size=100)), max_size=10))
def test_records_read_back(items):
    data = global_header() + b"".join(record(t, p) for t, p in items)
    link, records = read_pcap(data)
    assert link == LINKTYPE_RAW
    assert records == [(float(t), p) for t, p in items]


@given(st.binary(max_size=60))
def test_garbage_raises_value_error_only(data):
    try:
        read_pcap(global_header() + data)
    except ValueError:
        pass


def test_scapy_reads_the_capture(tmp_path):
    scapy_all = pytest.importorskip("scapy.all")
    network, clock, recorder = capture(tmp_path)
    bearer = bearer_of(network, clock)
    proto, _ = connect(bearer, clock, "www.lab", 7)
    proto.transport.write(b"hello")
    clock.advance(1)
    recorder.stop()
    read = scapy_all.rdpcap(str(tmp_path / "lab-1.pcap"))
    assert read[0][scapy_all.IP].src == bearer.address
    assert read[0][scapy_all.TCP].flags == "S"
    assert [bytes(p[scapy_all.TCP].payload) for p in read if len(p[scapy_all.TCP].payload)
            ] == [b"hello", b"hello"]


class _Online:
    """The part of an interpreter the PPP recorder reads."""

    def __init__(self, channel, port: str) -> None:
        self.channel = channel
        self.port = port
        self.online = False


def test_ppp_frames_in_data_mode_are_captured_with_their_direction(tmp_path):
    from twisted.internet.task import Clock

    from simulator.control.pcap import LINKTYPE_PPP_WITH_DIR, PppRecorder
    from simulator.line import Channel
    from simulator.modem.modem import Modem
    from simulator.ppp.framing import encode_frame
    from tests.at.harness import RecordingHost

    clock = Clock()
    clock.advance(1_800_000_000)
    channel = Channel("lab-1/pty")
    channel.attach_host(RecordingHost())
    interpreter = _Online(channel, "pty /dev/lab-1")
    modem = type("M", (), {"name": "lab-1", "interpreters": [interpreter], "observers": (),
                           "add_hook": Modem.add_hook, "remove_hook": Modem.remove_hook})()
    recorder = PppRecorder(tmp_path, [modem], clock)
    recorder.start()
    lcp_request = bytes([1, 1, 0, 4])  # Configure-Request, id 1, no options
    channel.receive(b"ATD*99#\r" + encode_frame(0xC021, lcp_request))  # command mode: not
    interpreter.online = True
    frame = encode_frame(0xC021, lcp_request, accm=0)
    channel.receive(frame[:3])  # in pieces: the decoder joins them
    channel.receive(frame[3:])
    clock.advance(0.5)
    channel.write(encode_frame(0xC021, bytes([2, 1, 0, 4])))  # Configure-Ack
    channel.write(b"\x7e\x01\x02garbage\x7e")  # a bad FCS: not a frame
    recorder.stop()
    link, records = read_pcap((tmp_path / "lab-1.pty_dev_lab-1.ppp.pcap").read_bytes())
    assert link == LINKTYPE_PPP_WITH_DIR
    assert records == [(1_800_000_000.0, b"\x00\xff\x03\xc0\x21" + lcp_request),
                       (1_800_000_000.5, b"\x01\xff\x03\xc0\x21" + bytes([2, 1, 0, 4]))]
    assert recorder.frames == 2
    scapy_all = pytest.importorskip("scapy.all")
    read = scapy_all.rdpcap(str(tmp_path / "lab-1.pty_dev_lab-1.ppp.pcap"))
    assert [p.summary() for p in read] == ["DIR_PPP / HDLC / PPP / LCP Configure-Request",
                                           "DIR_PPP / HDLC / PPP / LCP Configure-Ack"]
    assert (bytes(read[0])[0], bytes(read[1])[0]) == (0, 1)


@pytest.mark.parametrize("mode", ["basic", "advanced"])
def test_multiplexer_frames_are_captured_with_their_direction(tmp_path, mode):
    from simulator.control.cmuxpcap import LINKTYPE_USER0, CmuxRecorder
    from tests.cmux import dte
    from tests.cmux.bench import MuxBench

    bench = MuxBench()
    bench.clock.advance(1_800_000_000)
    recorder = CmuxRecorder(tmp_path, [bench.modem], bench.clock)
    recorder.start()
    sent_by_modem = bytearray()
    bench.at("ATE0")  # command mode: not captured
    option = dte.BASIC if mode == "basic" else dte.ADVANCED
    bench.channel.add_tap(lambda d, data: sent_by_modem.extend(data) if d == "tx" else None)
    bench.at("AT+CMUX?")  # the modem's answers in command mode: not captured either
    del sent_by_modem[:]
    bench.start(option)
    bench.clock.advance(0.25)
    sabm = dte.frame(option, 1, dte.SABM | dte.PF)
    bench.channel.receive(sabm[:2])  # in pieces: the decoder joins them
    answers = bench.send(sabm[2:])
    assert (answers[0].dlci, answers[0].kind) == (1, dte.UA)
    bench.channel.receive(b"\xf9\x7e\x05junk")  # not a frame: not captured
    recorder.stop()
    path = tmp_path / "bench.phys.cmux.pcap"
    link, records = read_pcap(path.read_bytes())
    assert link == LINKTYPE_USER0
    from_host = [(t, r[1:]) for t, r in records if r[0] == 0]
    assert from_host == [(1_800_000_000.0, dte.frame(option, 0, dte.SABM | dte.PF)),
                         (1_800_000_000.25, sabm)]
    from_modem = [r[1:] for _, r in records if r[0] == 1]
    # Every octet the modem sent after the OKs of ATE0 and +CMUX, frame by frame.
    assert b"\r\nOK\r\n" * 2 + b"".join(from_modem) == bytes(sent_by_modem)
    assert from_modem[0] == dte.frame(option, 0, dte.UA | dte.PF)
    assert from_modem[1] == dte.frame(option, 1, dte.UA | dte.PF)
    assert {r[0] for _, r in records} == {0, 1}
    assert recorder.frames == len(records) == 2 + len(from_modem)
    scapy_all = pytest.importorskip("scapy.all")
    read = scapy_all.rdpcap(str(path))
    assert [bytes(p) for p in read] == [r for _, r in records]
