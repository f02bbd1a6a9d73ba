"""+MIPODM, online data mode (003 §1.1.18, §3.9): the manual's example, the spooling rule,
what the peer sends, the socket after ``+++``, failures, and 1 MiB each way; over UDP (a
datagram per spooling flush) and over SSL (the lab's TLS echo)."""

import random

from simulator.dialects.mip.service import MipService
from tests.dialects.mip.bench import OK, MipBench, info, urc
from tests.dialects.mip.test_sockets import WORLD


def online(ip=None) -> MipBench:
    bench = MipBench(ip=ip) if ip is not None else MipBench()
    bench.online()
    return bench


def escape(bench) -> str:
    bench.settle(1.1)
    assert bench.port.send(b"+++") == ""
    return bench.settle(1.2)


def taken(bench) -> bytes:
    """What the modem sent the host since the last look."""
    data = bytes(bench.port.host.received)
    bench.port.host.received.clear()
    return data


def typed_in_pieces(bench, payload: bytes, size: int, pause: float) -> bytearray:
    """The host types ``payload`` ``size`` bytes at a time, ``pause`` simulated seconds
    apart; what came back meanwhile."""
    echoed = bytearray()
    for start in range(0, len(payload), size):
        bench.port.send(payload[start:start + size])
        bench.clock.advance(pause)
        echoed += taken(bench)
    return echoed


def test_3_9_online_data_mode_then_close():
    bench = online()
    bench.at("E1")
    assert bench.port.send(b'AT+MIPODM=1,,"111.231.250.105",3000,0\r') + bench.settle() == (
        'AT+MIPODM=1,,"111.231.250.105",3000,0\r' + OK + urc("+MIPODM: 1,1"))
    # the peer echoes what the host typed; the host's bytes are not echoed by the module
    assert bench.port.send(b"1234567890123456790") + bench.settle(0.5) == "1234567890123456790"
    assert escape(bench) == OK
    assert bench.at("+MIPCLOSE=1") + bench.settle() == "AT+MIPCLOSE=1\r" + OK + urc(
        "+MIPCLOSE: 1,0")


def test_the_host_bytes_wait_for_the_spooling_timeout_or_a_full_buffer():
    bench = online()
    bench.at('+MIPODM=1,,"111.231.250.105",3000,0')
    bench.settle()
    tcp = bench.modem.service(MipService).stack.sockets[1].tcp
    bench.port.send(b"abc")
    bench.clock.advance(0.04)
    assert tcp.bytes_sent == 0
    bench.clock.advance(0.02)
    assert tcp.bytes_sent == 3
    bench.port.send(bytes(8192))
    bench.clock.advance(0)
    assert tcp.bytes_sent == 3 + 8192


def test_after_the_escape_the_socket_shows_what_arrives_as_lines():
    bench = online()
    bench.at('+MIPODM=1,,"111.231.250.105",3000,0')
    bench.settle()
    bench.port.send(b"late")
    assert bench.settle(0.5) == "late"  # the echo, raw, while in data mode
    assert escape(bench) == OK
    assert bench.at('+MIPSEND=1,"21"') == info("+MIPSEND: 1,0,2047")
    assert bench.at("+MIPPUSH=1") + bench.settle() == info("+MIPPUSH: 1,0,1") + urc(
        "+MIPRTCP: 1,0,21")


def test_a_peer_that_closes_gives_the_port_back_with_mipstat():
    bench = online(WORLD)
    bench.clock.advance(1_000_000_000)
    answer = bench.at('+MIPODM=1,,"time.lab",13,0') + bench.settle()
    assert answer.startswith(OK + urc("+MIPODM: 1,1"))
    assert answer.endswith(urc("+MIPSTAT: 1,1"))
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 1,10.34.7.211")


def test_a_refused_connection_is_ok_then_mipstat():
    bench = online(WORLD)
    assert bench.at('+MIPODM=1,,"time.lab",4444,0') + bench.settle() == OK + urc(
        "+MIPSTAT: 1,1")
    assert bench.at("+MIPODM?") == info("+MIPODM: 1 2 3 4 5 6")


def test_one_mib_each_way_unchanged():
    bench = online()
    bench.at('+MIPODM=1,,"111.231.250.105",3000,0')
    bench.settle()
    payload = random.Random(3).randbytes(1 << 20)
    echoed = typed_in_pieces(bench, payload, 4096, 0.06)
    for _ in range(200):
        if len(echoed) >= len(payload):
            break
        bench.clock.advance(0.06)
        echoed += taken(bench)
    assert bytes(echoed) == payload


def test_read_and_test_forms():
    bench = online()
    assert bench.at("+MIPODM?") == info("+MIPODM: 1 2 3 4 5 6")
    assert bench.at("+MIPODM=?") == info('+MIPODM: (1-6),(1-65535),(""),(0-65535),(0-2),(0-1)')


def test_a_host_writing_one_byte_at_a_time_loses_nothing():
    bench = online()
    bench.at('+MIPODM=1,,"111.231.250.105",3000,0')
    bench.settle()
    payload = random.Random(5).randbytes(4096)
    echoed = typed_in_pieces(bench, payload, 1, 0.001)
    echoed += bench.settle(1).encode("latin-1")
    assert bytes(echoed) == payload


# -- UDP and SSL ---------------------------------------------------------------------------


def test_udp_online_data_mode_sends_a_datagram_per_spooling_flush():
    bench = online()
    assert bench.at('+MIPODM=1,,"111.231.250.105",5000,1') + bench.settle() == OK + urc(
        "+MIPODM: 1,1")
    udp = bench.modem.service(MipService).stack.sockets[1].udp
    sizes = []
    sendto = udp.sendto

    def recording(data, where):
        sizes.append(len(data))
        return sendto(data, where)

    udp.sendto = recording
    bench.port.send(b"hello ")
    bench.clock.advance(0.01)
    bench.port.send(b"world")
    assert bench.settle(0.1) == "hello world"  # one datagram, echoed, raw
    assert sizes == [11]
    bench.port.send(bytes(8192 + 100))
    bench.clock.advance(0)
    # A full buffer goes at once, what came with it too: datagrams of at most 8192 bytes.
    assert sizes == [11, 8192, 100]
    assert bench.settle(0.1) == "\0" * (8192 + 100)
    assert escape(bench) == OK
    assert bench.at('+MIPSEND=1,"21"') == info("+MIPSEND: 1,0,2047")
    assert bench.at("+MIPPUSH=1") + bench.settle() == info("+MIPPUSH: 1,0,1") + urc(
        "+MIPRUDP: 111.231.250.105,5000,1,0,21")


def test_udp_online_data_mode_carries_64_kib_of_random_bytes_unchanged():
    bench = online()
    bench.at('+MIPODM=2,,"111.231.250.105",5000,1')
    bench.settle()
    payload = random.Random(7).randbytes(1 << 16)
    echoed = typed_in_pieces(bench, payload, 1000, 0.06)
    echoed += bench.settle(0.5).encode("latin-1")
    assert bytes(echoed) == payload


def test_ssl_online_data_mode_through_the_lab_tls_echo(tmp_path):
    import ipaddress

    from simulator.network.spec import HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec, TlsSpec
    from tests.dialects.mip.bench import LAB

    host = HostSpec("tls.lab", address=ipaddress.IPv4Address("192.0.2.44"),
                    services=(ServiceSpec("tls-echo"),))
    ip = IpNetworkSpec(apns=LAB.apns, hosts=(host,), links=LinksSpec(default="ideal"))
    bench = MipBench(ip=ip, tls=TlsSpec(verify=True), state_dir=tmp_path)
    bench.online()
    assert bench.at('+MIPODM=3,,"tls.lab",4433,2') + bench.settle() == OK + urc(
        "+MIPODM: 3,1")
    payload = random.Random(9).randbytes(100_000)
    echoed = typed_in_pieces(bench, payload, 4096, 0.06)
    echoed += bench.settle(1).encode("latin-1")
    assert bytes(echoed) == payload
    assert escape(bench) == OK
    assert bench.at("+MIPCLOSE=3") + bench.settle() == OK + urc("+MIPCLOSE: 3,0")
