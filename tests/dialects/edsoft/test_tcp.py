"""The TCP sockets (002 §5, A.8) on a task.Clock against the lab's echo host and another
modem playing the remote peer: the manual's examples byte for byte, the DLE/ETX rules both
ways, DLEMODE 0, TCPTXDELAY, the errors of an open connection (E60-E69)."""


import pytest

from simulator.dialects.atsharp.link import Resource
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error, info
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
from tests.network.helpers import Recorder


def client(bench, port=7, socket=1, server=ECHO_ADDRESS):
    setup(bench, f'#TCPSERV={socket},"{server}"', f'#TCPPORT={socket},"{port}"')
    return bench.at(f"#otcp={socket}") + settle(bench)


def listening(bench, port=23, socket=1, server="255.255.255.255"):
    """002 A.8.1 up to the listen; returns the peer's bearer."""
    setup(bench, f'#TCPSERV={socket},"{server}"', f'#TCPPORT={socket},"{port}"')
    assert bench.at(f"#ltcpstart={socket}") == OK
    return other_modem(bench)


def connect_peer(bench, peer, port=23):
    recorder = Recorder()
    recorder.refused = False

    def refused(failure):
        recorder.refused = True

    bench.network.router.connect_tcp(peer, modem_address(bench), port, recorder).addErrback(
        refused)
    return recorder


# -- 002 A.8.2: the module as a TCP client ---------------------------------------------------


def test_a_8_2_client_closed_locally_by_etx():
    bench = online()
    assert client(bench) == WAITING
    assert send(bench, b"Data") == "Data"  # "Data flow is bidirectionnal"
    assert send(bench, ETX) == OK  # A.8.2: the host's ETX, then OK
    assert bench.edsoft.resources.held == frozenset()
    assert bench.at("#TCPPORT=1") == info("#TCPPORT: 1,7")  # command mode again


def test_a_8_2_client_closed_by_the_remote():
    bench = online()
    # daytime (RFC 867) answers and closes: <ETX>, Ok_Info_SocketClosed, OK (A.8.2)
    shown = client(bench, port=13)
    assert shown.startswith(WAITING + "Thursday, January 01, 1970")
    assert shown.endswith("-UTC\r\n" + "\x03" + CLOSED)
    assert bench.edsoft.resources.held == frozenset()


def test_5_4_dle_escapes_both_ways():
    bench = online()
    client(bench)
    # the host escapes ETX and DLE; the echo comes back escaped the same way (§5.4.1)
    assert send(bench, b"a" + DLE + ETX + b"b" + DLE + DLE + b"c") == "a\x10\x03b\x10\x10c"
    discard = bench.edsoft.tcp.sessions[1].sock
    assert discard.bytes_sent == 5  # "a", ETX, "b", DLE, "c"


def test_5_4_2_a_name_that_does_not_resolve_is_38027():
    bench = online()
    setup(bench, '#TCPSERV=2,"no.such.host"', "#TCPPORT=2,7")
    assert bench.at("#OTCP=2") + settle(bench, 10) == edsoft_error(38027)
    assert bench.edsoft.resources.held == frozenset()


def test_a_refused_connection_is_38016_and_frees_the_socket():
    bench = online()
    setup(bench, f'#TCPSERV=1,"{ECHO_ADDRESS}"', "#TCPPORT=1,81")
    assert bench.at("#OTCP=1") + settle(bench) == edsoft_error(38016)
    assert client(bench) == WAITING  # socket 1 is free again


def test_a_reset_after_the_open_shows_etx_then_37952():
    bench = online()
    peer = listening(bench)
    recorder = connect_peer(bench, peer)
    assert settle(bench) == WAITING
    recorder.transport.write(b"hi")
    assert settle(bench) == "hi"
    recorder.transport.abortConnection()
    assert settle(bench) == "\x03" + edsoft_error(37952)
    assert bench.edsoft.resources.held == frozenset()


def test_tcp_txdelay_holds_a_frame_until_the_delay():
    bench = online()
    setup(bench, "#TCPTXDELAY=1,500")
    client(bench, port=9)  # discard
    sock = bench.edsoft.tcp.sessions[1].sock
    bench.port.send(b"abc")
    settle(bench, 0.3)
    bench.port.send(b"def")
    settle(bench, 0.15)
    assert sock.bytes_sent == 0
    settle(bench, 0.1)  # 500 ms after the first byte, not the last
    assert sock.bytes_sent == 6


def test_tcp_txdelay_0_sends_each_character():
    bench = online()
    setup(bench, "#TCPTXDELAY=1,0")
    client(bench, port=9)
    sock = bench.edsoft.tcp.sessions[1].sock
    bench.port.send(b"x")
    bench.clock.advance(0)
    assert sock.bytes_sent == 1


def test_a_full_frame_goes_without_waiting():
    bench = online()
    setup(bench, "#TCPTXDELAY=1,32760")
    client(bench, port=9)
    sock = bench.edsoft.tcp.sessions[1].sock
    bench.port.send(b"x" * 1460)
    settle(bench, 0.1)
    assert sock.bytes_sent == 1460


# -- 002 A.8.1: the module as a TCP server ---------------------------------------------------


def test_a_8_1_server_closed_locally_by_etx():
    bench = online()
    peer = listening(bench)  # AT#ltcpstart=1 -> OK at once (E60)
    recorder = connect_peer(bench, peer)
    assert settle(bench) == WAITING
    assert send(bench, b"Data") == ""
    assert bytes(recorder.data) == b"Data"
    recorder.transport.write(b"Data")
    assert settle(bench) == "Data"
    assert send(bench, ETX) == OK
    assert recorder.read_closed


def test_a_8_1_server_closed_by_the_remote():
    bench = online()
    recorder = connect_peer(bench, listening(bench))
    assert settle(bench) == WAITING
    recorder.transport.loseConnection()
    assert settle(bench) == "\x03" + CLOSED
    assert bench.edsoft.resources.held == frozenset()


def test_5_2_only_tcpserv_may_connect():
    bench = online()
    peer = other_modem(bench)
    setup(bench, f'#TCPSERV=1,"{peer.address}"', "#TCPPORT=1,23")
    assert bench.at("#LTCPSTART=1") == OK
    outsider = connect_peer(bench, other_modem_named(bench, "outsider"))
    assert settle(bench) == ""
    assert outsider.refused and not outsider.made
    connect_peer(bench, peer)
    assert settle(bench) == WAITING


def other_modem_named(bench, name):
    result = []
    bench.network.activate(name, "internet").addCallback(result.append)
    bench.clock.advance(0)
    return result[0]


def test_5_3_ltcpstop_closes_the_listen():
    bench = online()
    peer = listening(bench, socket=2)
    assert bench.at("#LTCPSTOP=2") == OK  # 002 §5.3.2
    recorder = connect_peer(bench, peer)
    assert settle(bench) == ""
    assert recorder.refused and not recorder.made
    assert bench.edsoft.resources.held == frozenset()
    assert bench.at("#LTCPSTOP=2") == OK  # nothing listens: nothing to stop (E67)


def test_the_peer_waits_for_a_command_to_finish():
    bench = online()
    peer = listening(bench)
    bench.port.send(b"AT#VTC")  # a line half typed when the peer comes
    connect_peer(bench, peer)
    assert settle(bench, 0.2) == ""
    shown = send(bench, b"P=1\r", 0.2)
    assert shown.startswith("\r\n#DLEMODE: 1,1") and shown.endswith(OK + WAITING)


def test_both_sockets_listen_together():
    bench = online()
    listening(bench, port=23, socket=1)
    peer = listening(bench, port=24, socket=2)
    assert bench.edsoft.resources.held == {Resource.TCP1, Resource.TCP2}
    connect_peer(bench, peer, port=24)
    assert settle(bench) == WAITING


# -- DLEMODE 0 (E63) --------------------------------------------------------------------------


def test_dlemode_0_is_transparent_and_ends_with_the_escape():
    bench = online()
    setup(bench, "#DLEMODE=1,0")
    assert client(bench) == WAITING
    assert send(bench, b"a" + ETX + DLE + b"b") == "a\x03\x10b"
    settle(bench, 1.1)
    assert send(bench, b"+++", 1.5) == OK
    assert bench.edsoft.resources.held == frozenset()


def test_dlemode_0_peer_close_is_etx_then_37966():
    bench = online()
    setup(bench, "#DLEMODE=1,0")
    shown = client(bench, port=13)
    assert shown.startswith(WAITING) and shown.endswith("-UTC\r\n\x03" + edsoft_error(37966))


# -- wrong states and bad input ----------------------------------------------------------------


def test_without_a_link_35867():
    bench = EdsoftBench(ip=LAB)
    setup(bench, f'#TCPSERV=1,"{ECHO_ADDRESS}"', "#TCPPORT=1,7")
    for line in ("#OTCP=1", "#LTCPSTART=1"):
        assert bench.at(line) == edsoft_error(35867), line


@pytest.mark.parametrize("line, code", [
    ("#OTCP=3", 34882), ("#OTCP=0", 34882), ("#LTCPSTART=x", 34882), ("#LTCPSTOP=9", 34882),
    ("#OTCP", 34819), ("#OTCP?", 34819), ("#OTCP=?", 34819), ("#OTCP=1,2", 34819),
    ("#LTCPSTART", 34819), ("#LTCPSTOP", 34819),
])
def test_bad_forms_and_ids(line, code):
    assert online().at(line) == edsoft_error(code)


def test_an_unconfigured_socket_is_36929():
    bench = online()
    assert bench.at("#OTCP=1") == edsoft_error(36929)  # TCPSERV empty, TCPPORT 0 (E64)
    setup(bench, '#TCPSERV=1,"echo.lab"')
    assert bench.at("#LTCPSTART=1") == edsoft_error(36929)  # TCPPORT 0


def test_a_socket_in_use_and_the_stack_busy_are_37122():
    bench = online()
    listening(bench, socket=1)
    assert bench.at("#LTCPSTART=1") == edsoft_error(37122)  # a second session on socket 1
    assert bench.at("#OTCP=1") == edsoft_error(37122)
    setup(bench, '#UDPSERV="255.255.255.255"', "#UDPPORT=5000")
    assert bench.at("#LUDPSTART") == edsoft_error(37122)  # UDP beside TCP (E32)
    assert bench.at("#LTCPSTOP=1") == OK
    assert bench.at("#LUDPSTART") == OK




def test_the_link_going_ends_a_listen_without_a_word():
    bench = online()
    listening(bench)
    bench.edsoft.link.lost(None)
    assert settle(bench) == ""
    assert bench.edsoft.resources.held == frozenset()


def test_atv0_shows_the_numbers():
    bench = online()
    assert bench.at("V0") == "0\r"
    setup_v0 = [f'#TCPSERV=1,"{ECHO_ADDRESS}"', "#TCPPORT=1,13"]
    for line in setup_v0:
        assert bench.at(line) == "0\r"
    shown = bench.at("#OTCP=1") + settle(bench)
    assert shown.startswith("1028\r") and shown.endswith("\x03" + "3074\r0\r")


def test_5_2_1_etx_aborts_the_listen_before_a_connection():
    bench = online()
    peer = listening(bench)
    assert send(bench, ETX) == OK  # as the ETX that closes the socket (A.8.1, E68)
    recorder = connect_peer(bench, peer)
    assert settle(bench) == ""
    assert recorder.refused
    assert bench.edsoft.resources.held == frozenset()
    assert send(bench, ETX) == ""  # nothing listens: ignored, as between lines
    assert bench.at("#LTCPSTART=1") == OK


def test_an_etx_inside_a_command_line_is_not_an_abort():
    bench = online()
    listening(bench)
    assert send(bench, b"AT#VTCP=\x031\r").startswith("\r\n#DLEMODE: 1,1")
    assert bench.edsoft.tcp.session(1).waiting



def test_the_escape_in_dlemode_1_closes_the_socket_too():
    bench = online()
    recorder = connect_peer(bench, listening(bench))
    assert settle(bench) == WAITING
    bench.port.send(b"last")
    settle(bench, 1.1)
    assert send(bench, b"+++", 1.5) == OK  # no online command state (E69)
    assert bytes(recorder.data) == b"last" and recorder.read_closed
    assert bench.edsoft.resources.held == frozenset()
