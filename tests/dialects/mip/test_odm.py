"""+MIPODM, online data mode (003 §1.1.18, §3.9): the manual's example, the spooling rule,
what the peer sends, the socket after ``+++``, failures, and 1 MiB each way."""

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
    echoed = bytearray()
    for start in range(0, len(payload), 4096):
        bench.port.send(payload[start:start + 4096])
        bench.clock.advance(0.06)
        echoed += bench.port.host.received
        bench.port.host.received.clear()
    for _ in range(200):
        if len(echoed) >= len(payload):
            break
        bench.clock.advance(0.06)
        echoed += bench.port.host.received
        bench.port.host.received.clear()
    assert bytes(echoed) == payload


def test_read_and_test_forms():
    bench = online()
    assert bench.at("+MIPODM?") == info("+MIPODM: 1 2 3 4 5 6")
    assert bench.at("+MIPODM=?") == info('+MIPODM: (1-6),(1-65535),(""),(0-65535),(0),(0-1)')


def test_a_host_writing_one_byte_at_a_time_loses_nothing():
    bench = online()
    bench.at('+MIPODM=1,,"111.231.250.105",3000,0')
    bench.settle()
    payload = random.Random(5).randbytes(4096)
    echoed = bytearray()
    for i in range(len(payload)):
        bench.port.send(payload[i:i + 1])
        bench.clock.advance(0.001)
        echoed += bench.port.host.received
        bench.port.host.received.clear()
    echoed += bench.settle(1).encode("latin-1")
    assert bytes(echoed) == payload
