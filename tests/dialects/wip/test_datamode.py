"""Data mode details (001 §6.2.2-§6.2.11): segmentation, resets, flow control, 2.01's ETX
rules, the accept rule of a full server range."""

from simulator.datamode.dle import escape
from tests.dialects.wip.bench import OK, cme, urc
from tests.dialects.wip.test_sockets import ETX, escape_to_at, online, settle
from tests.network.helpers import Recorder


def tcp_to_discard(bench):
    """A TCP client to the discard service, mapped; the server side's transport."""
    bench.at('+WIPCREATE=2,1,"echo.lab",9')
    settle(bench)
    assert bench.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    return bench.wip.sockets[(2, 1)]


def sent(sock) -> int:
    return sock.sock.bytes_sent


def test_without_timer_bytes_go_at_once():
    bench = online()
    sock = tcp_to_discard(bench)
    bench.port.send(b"x" * 10)
    bench.advance(0)
    assert sent(sock) == 10


def test_pref_timeout_holds_small_chunks_until_the_timer():
    bench = online()
    assert bench.at("+WIPCFG=2,12,10") == OK  # 1 s
    sock = tcp_to_discard(bench)
    bench.port.send(b"x" * 100)
    bench.advance(0.5)
    bench.port.send(b"y" * 100)
    bench.advance(0.9)
    assert sent(sock) == 0  # the timer restarts with every chunk
    bench.advance(0.2)
    assert sent(sock) == 200


def test_pref_timeout_sends_at_twice_the_mss():
    bench = online()
    bench.at("+WIPCFG=2,12,100")
    sock = tcp_to_discard(bench)
    bench.port.send(b"x" * 1071)
    bench.advance(0)
    assert sent(sock) == 0
    bench.port.send(b"x")  # 2 x 536
    bench.advance(0)
    assert sent(sock) == 1072


def test_nodelay_sends_at_once():
    bench = online()
    bench.at("+WIPCFG=2,12,100")
    bench.at('+WIPCREATE=2,1,"echo.lab",9')
    settle(bench)
    assert bench.at("+WIPOPT=2,1,2,7,1") == OK
    bench.at("+WIPDATA=2,1,1")
    bench.port.send(b"abc")
    bench.advance(0)
    assert sent(bench.wip.sockets[(2, 1)]) == 3


def test_escape_flushes_what_waits():
    bench = online()
    bench.at("+WIPCFG=2,12,100")
    sock = tcp_to_discard(bench)
    bench.port.send(b"abc")
    bench.advance(2)
    assert sent(sock) == 0
    bench.port.send(b"+++")
    assert settle(bench, 1.5) == OK
    assert sent(sock) == 3


def test_big_writes_wait_for_room_and_nothing_is_lost():
    bench = online()
    sock = tcp_to_discard(bench)
    bench.port.send(escape(bytes(range(256)) * 400))  # 100 KiB, far beyond the send buffer
    settle(bench, 5)
    assert sent(sock) == 102400 and not sock.uplink.pending


def test_reset_ends_data_mode_with_843():
    bench = online()
    sock = tcp_to_discard(bench)
    sock.sock.transport.peer.abortConnection()  # the server side resets
    assert settle(bench) == "\x03" + cme(843)
    assert bench.at("+WIPDATA=2,1,1") == cme(843)


def test_after_a_host_etx_more_bytes_are_refused():
    bench = online()
    sock = tcp_to_discard(bench)
    bench.port.send(b"abc" + ETX + b"def")
    assert sent(sock) == 3 and sock.sock.shut_down


def test_201_escape_counts_as_etx():
    bench = online("2.01")
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=2,1,1")
    bench.port.send(b"abc")
    settle(bench)
    bench.advance(2)
    bench.port.send(b"+++")
    # the socket was shut down: the echo closes its side in turn
    assert settle(bench, 1.5) == OK + urc("+WIPPEERCLOSE: 2,1")


def test_201_peer_shutdown_is_a_lone_etx():
    bench = online("2.01")
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=2,1,1")
    sock = bench.wip.sockets[(2, 1)].sock
    sock.shutdown()  # the echo server answers the FIN with its own
    assert settle(bench) == "\x03"


def test_201_udp_etx_leaves_data_mode():
    bench = online("2.01")
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=1,1,1")
    assert bench.port.send(b"dgram" + ETX) == OK
    assert settle(bench) == urc('+WIPDATA: 1,1,5,"192.0.2.7",7')


def test_udp_write_is_cut_at_5840_bytes():
    bench = online()
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=1,1,1")
    bench.port.send(b"a" * 5841 + ETX)
    assert settle(bench) == "a" * 5840 + "\x03"
    # the echo of the second datagram is announced once the port is back in AT mode
    assert escape_to_at(bench) == OK + urc('+WIPDATA: 1,1,1,"192.0.2.7",7')
    assert bench.at("+WIPDATA=1,1,1") == "\r\nCONNECT\r\na\x03"


def test_a_freed_index_of_a_full_range_is_used_again():
    bench = online()
    bench.at("+WIPCREATE=3,1,80,5,5")
    address = bench.network.bearers("wip1")[0].address
    other = _other(bench)
    first, second, third = Recorder(), Recorder(), Recorder()
    bench.network.router.connect_tcp(other, address, 80, first)
    assert settle(bench) == urc("+WIPACCEPT: 1,5")
    bench.network.router.connect_tcp(other, address, 80, second)
    settle(bench)
    assert second.read_closed and not first.read_closed
    assert bench.at("+WIPCLOSE=2,5") == OK
    bench.network.router.connect_tcp(other, address, 80, third)
    assert settle(bench) == urc("+WIPACCEPT: 1,5")


def _other(bench):
    result = []
    bench.network.activate("peer", "internet").addCallback(result.append)
    bench.advance(0)
    return result[0]


def test_stopping_a_stopped_stack_is_ok():
    bench = online()
    assert bench.at("+WIPCFG=0") == OK
    assert bench.at("+WIPCFG=0") == OK


def test_echo_over_a_shaped_link_keeps_every_byte():
    import dataclasses
    import random

    from tests.dialects.wip.bench import WipBench
    from tests.dialects.wip.test_sockets import LAB

    bench = WipBench(ip=dataclasses.replace(LAB, links=dataclasses.replace(
        LAB.links, default="edge")))
    for line in ("+WIPCFG=1", "+WIPBR=1,6", "+WIPBR=4,6,0"):
        assert bench.at(line) == OK
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    assert bench.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    payload = random.Random(3).randbytes(40_000)
    bench.port.send(escape(payload))
    received = settle(bench, 30)
    assert received.encode("latin-1") == escape(payload)


def test_a_vanished_peer_ends_data_mode_with_842():
    from simulator.network.errors import Reason

    bench = online()
    sock = tcp_to_discard(bench)
    sock.error(sock.sock, Reason.TIMEOUT)  # what the stack reports after its retries
    assert bench.port.take() == "\x03" + cme(842)
