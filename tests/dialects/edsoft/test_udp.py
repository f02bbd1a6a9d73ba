"""The UDP session (002 §6) on a task.Clock against the lab's echo host and another modem
playing the remote peer: the manual's examples byte for byte, the first datagram fixing
the peer, the UDPSERV filter, UDPTXDELAY cutting datagrams, wrong states (E70-E79)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.datamode.dle import escape
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error
from tests.dialects.edsoft.sockets_lab import (
    CLOSED,
    DLE,
    ECHO_ADDRESS,
    ETX,
    LAB,
    WAITING,
    modem_address,
    online,
    other_modem,
    send,
    settle,
    setup,
)
from tests.network.helpers import DatagramRecorder

PORT = 5000


def active(bench, server=ECHO_ADDRESS, port=7):
    setup(bench, f'#UDPSERV="{server}"', f"#UDPPORT={port}")
    return bench.at("#OUDP") + settle(bench)


def listen(bench, server="255.255.255.255"):
    setup(bench, f'#UDPSERV="{server}"', f"#UDPPORT={PORT}")
    assert bench.at("#LUDPSTART") == OK  # at once: LUDPSTOP can follow (E60, E73)


def udp_peer(bench, bearer=None, port=6000):
    bearer = bearer or other_modem(bench)
    recorder = DatagramRecorder()
    udp = bearer.open_udp(port, recorder)
    return bearer, udp, recorder


def datagrams(recorder):
    return [data for data, _ in recorder.received]


# -- 002 §6.4: the active session ------------------------------------------------------------


def test_6_4_2_oudp_echo_then_etx():
    bench = online()
    assert active(bench) == WAITING
    assert send(bench, b"hello") == "hello"  # one datagram after UDPTXDELAY, echoed
    # 002 §6.4.2: <ETX>, Ok_Info_SocketClosed, OK (E70)
    assert send(bench, ETX) == "\x03" + CLOSED
    assert bench.edsoft.resources.held == frozenset()


def test_6_4_escaped_bytes_both_ways():
    bench = online()
    active(bench)
    assert send(bench, b"a" + DLE + ETX + DLE + DLE + b"b") == "a\x10\x03\x10\x10b"


def test_6_4_2_a_name_that_does_not_resolve_is_38027():
    bench = online()
    assert active(bench, server="no.such.host") + settle(bench, 10) == edsoft_error(38027)
    assert bench.edsoft.resources.held == frozenset()


def test_oudp_to_no_filter_is_36929():
    bench = online()
    assert active(bench, server="255.255.255.255") == edsoft_error(36929)


# -- 002 §6.2: the session in listen mode ----------------------------------------------------


def test_6_2_2_first_datagram_makes_the_session_effective():
    bench = online()
    listen(bench)
    _, udp, recorder = udp_peer(bench)
    udp.write(b"first", (modem_address(bench), PORT))
    assert settle(bench) == WAITING + "first"
    assert send(bench, b"reply") == ""
    assert datagrams(recorder) == [b"reply"]  # to the first datagram's source
    udp.write(b"more", (modem_address(bench), PORT))
    assert settle(bench) == "more"
    assert send(bench, ETX) == "\x03" + CLOSED
    assert bench.edsoft.resources.held == frozenset()


def test_6_2_1_only_the_first_source_is_heard_afterwards():
    bench = online()
    listen(bench)
    _, udp, _ = udp_peer(bench)
    _, stranger, _ = udp_peer(bench, bearer=other_modem_named(bench, "stranger"))
    udp.write(b"first", (modem_address(bench), PORT))
    assert settle(bench) == WAITING + "first"
    stranger.write(b"intruder", (modem_address(bench), PORT))
    assert settle(bench) == ""


def other_modem_named(bench, name):
    result = []
    bench.network.activate(name, "internet").addCallback(result.append)
    bench.clock.advance(0)
    return result[0]


def test_6_2_1_udpserv_filters_before_the_first_datagram():
    bench = online()
    allowed = other_modem(bench)
    listen(bench, server=allowed.address)
    _, stranger, _ = udp_peer(bench, bearer=other_modem_named(bench, "stranger"))
    stranger.write(b"no", (modem_address(bench), PORT))
    assert settle(bench) == ""
    _, udp, _ = udp_peer(bench, bearer=allowed)
    udp.write(b"yes", (modem_address(bench), PORT))
    assert settle(bench) == WAITING + "yes"


def test_6_3_ludpstop_cancels_the_listen():
    bench = online()
    listen(bench)
    assert bench.at("#LUDPSTOP") == OK
    _, udp, _ = udp_peer(bench)
    udp.write(b"late", (modem_address(bench), PORT))
    assert settle(bench) == ""
    assert bench.edsoft.resources.held == frozenset()
    listen(bench)  # the port is free again


# -- UDPTXDELAY and the datagram size (E72) --------------------------------------------------


def effective(bench, delay=None):
    if delay is not None:
        setup(bench, f"#UDPTXDELAY={delay}")
    listen(bench)
    _, udp, recorder = udp_peer(bench)
    udp.write(b"go", (modem_address(bench), PORT))
    assert settle(bench) == WAITING + "go"
    return recorder


def test_udptxdelay_cuts_datagrams():
    bench = online()
    recorder = effective(bench, delay=200)
    bench.port.send(b"ab")
    settle(bench, 0.1)
    bench.port.send(b"cd")
    settle(bench, 0.05)
    assert datagrams(recorder) == []
    settle(bench, 0.1)  # 200 ms after the first byte held
    assert datagrams(recorder) == [b"abcd"]
    bench.port.send(b"ef")
    settle(bench, 0.3)
    assert datagrams(recorder) == [b"abcd", b"ef"]


def test_udptxdelay_0_sends_each_write():
    bench = online()
    recorder = effective(bench, delay=0)
    for byte in b"xyz":
        bench.port.send(bytes([byte]))
        bench.clock.advance(0)
    settle(bench, 0.1)
    assert datagrams(recorder) == [b"x", b"y", b"z"]


def test_a_full_datagram_goes_without_waiting():
    bench = online()
    recorder = effective(bench, delay=32760)
    bench.port.send(b"u" * 1472)
    settle(bench, 0.1)
    assert datagrams(recorder) == [b"u" * 1472]


# -- wrong states and bad input ----------------------------------------------------------------


def test_without_a_link_35867():
    bench = EdsoftBench(ip=LAB)
    setup(bench, f'#UDPSERV="{ECHO_ADDRESS}"', "#UDPPORT=7")
    assert bench.at("#OUDP") == edsoft_error(35867)
    assert bench.at("#LUDPSTART") == edsoft_error(35867)


def test_unconfigured_is_36929():
    bench = online()
    assert bench.at("#OUDP") == edsoft_error(36929)  # UDPSERV empty, UDPPORT 0
    assert bench.at("#LUDPSTART") == edsoft_error(36929)


@pytest.mark.parametrize("line", ["#OUDP=1", "#OUDP?", "#OUDP=?", "#LUDPSTART=1",
                                  "#LUDPSTOP?", "#LUDPSTOP=1"])
def test_bad_forms_are_34819(line):
    assert online().at(line) == edsoft_error(34819)


def test_a_second_session_and_tcp_beside_it_are_37122():
    bench = online()
    listen(bench, server=ECHO_ADDRESS)
    assert bench.at("#LUDPSTART") == edsoft_error(37122)
    # the listening session reads UDPSERV: it cannot change under it (E100)
    assert bench.at('#UDPSERV="255.255.255.255"') == edsoft_error(37123)
    assert bench.at("#OUDP") == edsoft_error(37122)
    setup(bench, f'#TCPSERV=1,"{ECHO_ADDRESS}"', "#TCPPORT=1,7")
    assert bench.at("#OTCP=1") == edsoft_error(37122)
    assert bench.at("#LUDPSTOP") == OK
    assert bench.at("#OTCP=1") + settle(bench) == WAITING




def test_etx_aborts_the_listen_before_the_first_datagram():
    bench = online()
    listen(bench)
    assert send(bench, ETX) == OK  # E68
    assert bench.edsoft.resources.held == frozenset()


@settings(max_examples=15, deadline=None)
@given(payload=st.binary(min_size=1, max_size=300), cut=st.integers(0, 700))
def test_any_bytes_come_back_from_the_echo_escaped(payload, cut):
    bench = online()
    active(bench)
    wire = escape(payload)
    shown = bench.port.send(wire[:cut]) + bench.port.send(wire[cut:]) + settle(bench)
    assert shown == wire.decode("latin-1")
