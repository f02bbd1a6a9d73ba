"""Every receive format of ``AT+GTSET="IPRFMT",<n>`` (003 §1.2.4.4) for TCP and UDP, and
+MIPREAD's rules (§1.1.23)."""

import pytest

from simulator.modem.storage import NVStore
from tests.dialects.mip.bench import OK, MipBench, cme, info, urc
from tests.dialects.mip.test_sockets import WORLD


def opened(fmt, store=None) -> MipBench:
    bench = MipBench(store=store)
    bench.online()
    bench.at("+CMEE=1")
    if fmt is not None:
        assert bench.at(f'+GTSET="IPRFMT",{fmt}') == OK
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.at('+MIPOPEN=2,,"111.231.250.105",5092,1')
    bench.settle()
    return bench


def echoed(bench, sid, data: bytes) -> str:
    bench.at(f'+MIPSEND={sid},"{data.hex()}"')
    return bench.at(f"+MIPPUSH={sid}")[len(info(f"+MIPPUSH: {sid},0,{len(data)}")):] + (
        bench.settle())


@pytest.mark.parametrize(("fmt", "tcp", "udp"), [
    (0, urc("+MIPRTCP: 1,0,0D0A00FF"), urc("+MIPRUDP: 111.231.250.105,5092,2,0,0D0A00FF")),
    (1, "\r\n\x00\xff", "\r\n\x00\xff"),
    (2, "\r\n+MIPRTCP: 1,0,\r\n\x00\xff", "\r\n+MIPRUDP: 111.231.250.105,5092,2,4,\r\n\x00\xff"),
    (5, urc("+MIPREAD: 1,4"), urc("+MIPREAD: 2,4")),
])
def test_each_format_for_tcp_and_udp(fmt, tcp, udp):
    bench = opened(fmt)
    assert echoed(bench, 1, b"\r\n\x00\xff") == tcp
    assert echoed(bench, 2, b"\r\n\x00\xff") == udp


def test_the_format_is_kept_in_flash():
    store = NVStore(None)
    opened(2, store)
    again = opened(None, store)
    assert echoed(again, 1, b"x") == "\r\n+MIPRTCP: 1,0,x"


def test_read_mode_reads_in_pieces_and_reports_each_arrival():
    bench = opened(5)
    assert echoed(bench, 1, b"abcdef") == urc("+MIPREAD: 1,6")
    assert echoed(bench, 1, b"gh") == urc("+MIPREAD: 1,8")
    assert bench.at("+MIPREAD=1,3") == "\r\n+MIPDATA: 1,3\r\nabc\r\n" + OK
    assert bench.at("+MIPREAD?") == info("+MIPREAD: 1,5")
    assert bench.at("+MIPREAD=1,100") == "\r\n+MIPDATA: 1,5\r\ndefgh\r\n" + OK
    assert bench.at("+MIPREAD=1,100") == info("+MIPREAD: 1,0")
    assert bench.at("+MIPREAD?") == OK
    assert bench.at("+MIPREAD=3,1") == cme(2024)


def test_what_a_closed_connection_left_stays_readable():
    bench = MipBench(ip=WORLD)
    bench.online()
    bench.at('+GTSET="IPRFMT",5')
    bench.clock.advance(1_000_000_000)
    answer = bench.at('+MIPOPEN=1,,"time.lab",13,0') + bench.settle()
    assert answer.endswith(urc("+MIPSTAT: 1,1"))
    assert "+MIPREAD: 1," in answer
    assert bench.at("+MIPREAD?").startswith("\r\n+MIPREAD: 1,")
    assert bench.at("+MIPREAD=1,2048").startswith("\r\n+MIPDATA: 1,")
    assert bench.at("+MIPREAD?") == OK


def test_data_the_host_closed_is_gone():
    bench = opened(5)
    echoed(bench, 1, b"abc")
    bench.at("+MIPCLOSE=1")
    assert bench.at("+MIPREAD?") == OK
