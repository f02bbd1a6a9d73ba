"""+WIPCREATE, +WIPCLOSE, +WIPOPT and +WIPDATA over the simulated network (lab echo hosts on
a task.Clock): URCs, data mode both ways, index rules and bad input."""

import ipaddress

import pytest

from simulator.network.spec import (
    ApnSpec,
    HostSpec,
    IpNetworkSpec,
    LinksSpec,
    ServiceSpec,
)
from tests.dialects.wip.bench import ERROR, OK, WipBench, cme, info, urc
from tests.network.helpers import Recorder

DNS = ipaddress.IPv4Address("10.64.255.53")
ECHO = HostSpec("echo.lab", address=ipaddress.IPv4Address("192.0.2.7"),
                services=(ServiceSpec("echo"), ServiceSpec("discard")))
LAB = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16"), dns=(DNS,)),),
                    hosts=(ECHO,), links=LinksSpec(default="ideal"))
DLE, ETX = b"\x10", b"\x03"


def online(revision=None, ports=1, **fields):
    bench = WipBench(revision=revision, ip=LAB, ports=ports, **fields)
    for line in ("+WIPCFG=1", "+WIPBR=1,6", "+WIPBR=4,6,0"):
        assert bench.at(line) == OK, line
    return bench


def escape_to_at(bench):
    """``+++`` with its guard times; what the port shows after it."""
    bench.advance(1.1)
    assert bench.port.send(b"+++") == ""
    return settle(bench, 1.2)


def settle(bench, seconds=1.0, step=0.01):
    """Let ``seconds`` pass in small steps (task.Clock jumps to the end of an advance before
    running what falls due, so one long advance would stretch every round trip in it)."""
    for _ in range(max(1, round(seconds / step))):
        bench.advance(step)
    return bench.port.take()


def test_tcp_client_ready_then_echo_in_continuous_mode():
    bench = online()
    assert bench.at('+WIPCREATE=2,1,"echo.lab",7') + settle(bench) == OK + urc("+WIPREADY: 2,1")
    assert bench.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    bench.port.send(b"hello " + DLE + ETX + DLE + DLE + b"!")
    assert settle(bench) == "hello " + "\x10\x03\x10\x10" + "!"
    bench.advance(2)
    assert bench.port.send(b"+++") == ""
    assert settle(bench, 1.5) == OK
    assert bench.at("+WIPCLOSE=2,1") == OK


def test_unmapped_data_is_announced_once():
    bench = online()
    bench.at('+WIPCREATE=2,1,"192.0.2.7",7')
    settle(bench)
    bench.at("+WIPDATA=2,1,1")
    bench.port.send(b"abc")
    settle(bench)
    bench.advance(2)
    bench.port.send(b"+++")
    settle(bench, 1.5)
    # nothing unread: no URC; now data while unmapped
    bench.wip.sockets[(2, 1)].sock.send(b"xyz")
    assert settle(bench) == urc("+WIPDATA: 2,1,3")
    bench.wip.sockets[(2, 1)].sock.send(b"more")
    assert settle(bench) == ""  # not read yet: no second URC
    assert bench.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\nxyzmore"


def test_host_etx_shuts_down_and_peer_close_shows_when_back_in_at_mode():
    bench = online()
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=2,1,1")
    bench.port.send(b"bye" + ETX)
    # the echo server answers and closes its side: SHUTDOWN on the mapped UART
    assert settle(bench) == "bye\r\nSHUTDOWN\r\n"
    bench.advance(2)
    bench.port.send(b"+++")
    assert settle(bench, 1.5) == OK + urc("+WIPPEERCLOSE: 2,1")


def test_udp_datagrams_both_ways():
    bench = online()
    assert bench.at('+WIPCREATE=1,1,"echo.lab",7') + settle(bench) == OK + urc("+WIPREADY: 1,1")
    bench.at("+WIPDATA=1,1,1")
    bench.port.send(b"one" + ETX + b"t" + DLE + ETX + b"o" + ETX)
    # one datagram each time the socket is mapped (001 §6.2.6): the second echo waits
    assert settle(bench) == "one\x03"
    assert escape_to_at(bench) == OK + urc('+WIPDATA: 1,1,3,"192.0.2.7",7')
    assert bench.at("+WIPDATA=1,1,1") == "\r\nCONNECT\r\nt\x10\x03o\x03"
    assert escape_to_at(bench) == OK


def test_udp_datagram_is_announced_then_read():
    bench = online()
    assert bench.at("+WIPCREATE=1,2,5000") == OK + urc("+WIPREADY: 1,2")
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    sock = bench.wip.sockets[(1, 1)]
    address = bench.network.bearers("wip1")[0].address
    sock.sock.sendto(b"abcdefghijklmnopqrstuvwxyz", (address, 5000))
    sock.sock.sendto(b"second", (address, 5000))
    port = sock.sock.local[1]
    assert settle(bench) == urc(f'+WIPDATA: 1,2,26,"{address}",{port}')
    # "Next indication (for next remaining UDP datagram to read) is sent once the first
    # datagram have been read (using +WIPDATA command)" (001 §6.2.6)
    assert bench.at("+WIPDATA=1,2,1") == "\r\nCONNECT\r\nabcdefghijklmnopqrstuvwxyz\x03"
    assert escape_to_at(bench) == OK + urc(f'+WIPDATA: 1,2,6,"{address}",{port}')
    assert bench.at("+WIPDATA=1,2,1") == "\r\nCONNECT\r\nsecond\x03"
    assert escape_to_at(bench) == OK


def test_udp_datagrams_arriving_while_one_is_read_wait_for_command_mode():
    bench = online(ports=2)
    uart1, uart2 = bench.ports
    assert bench.at("+WIPCREATE=1,2,5000") == OK + urc("+WIPREADY: 1,2")
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    uart2.take()
    sender = bench.wip.sockets[(1, 1)].sock
    address, port = bench.network.bearers("wip1")[0].address, sender.local[1]
    sender.sendto(b"first", (address, 5000))
    assert settle(bench) == urc(f'+WIPDATA: 1,2,5,"{address}",{port}')
    assert uart2.take() == urc(f'+WIPDATA: 1,2,5,"{address}",{port}')
    assert bench.at("+WIPDATA=1,2,1") == "\r\nCONNECT\r\nfirst\x03"
    for payload in (b"2nd", b"third"):
        sender.sendto(payload, (address, 5000))
        assert settle(bench) == ""  # not streamed into the open session
    assert uart2.take() == ""  # nor announced while the first one is being read
    # the unmap from another port: one indication, for the next datagram only
    indication = urc(f'+WIPDATA: 1,2,3,"{address}",{port}')
    assert uart2.at("+WIPDATA=1,2,0") == OK + indication
    assert uart1.take() == OK + indication
    assert bench.at("+WIPDATA=1,2,1") == "\r\nCONNECT\r\n2nd\x03"
    assert escape_to_at(bench) == OK + urc(f'+WIPDATA: 1,2,5,"{address}",{port}')
    assert bench.at("+WIPDATA=1,2,1") == "\r\nCONNECT\r\nthird\x03"
    assert escape_to_at(bench) == OK
    sender.sendto(b"later", (address, 5000))
    assert settle(bench) == urc(f'+WIPDATA: 1,2,5,"{address}",{port}')


def test_udp_leaving_data_mode_sends_the_unfinished_datagram():
    bench = online()
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=1,1,1")
    bench.port.send(b"partial")
    assert settle(bench) == ""
    bench.advance(2)
    bench.port.send(b"+++")
    assert settle(bench, 1.5) == OK + urc('+WIPDATA: 1,1,7,"192.0.2.7",7')


def test_transparent_mode_passes_dle_and_etx():
    bench = online()
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    assert bench.at("+WIPDATA=2,1,2") == "\r\nCONNECT\r\n"
    bench.port.send(b"a" + ETX + DLE + b"b")
    assert settle(bench) == "a\x03\x10b"


def test_udp_has_no_transparent_mode():
    bench = online()
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    assert bench.at("+WIPDATA=1,1,2") == cme(837)


def test_tcp_server_spawns_from_its_range():
    bench = online()
    assert bench.at("+WIPCREATE=3,1,80,5,6") == OK
    address = bench.network.bearers("wip1")[0].address
    router, other = bench.network.router, _other_modem(bench)
    # three peers (another modem on the network) connect to the modem's server
    peers = [Recorder() for _ in range(3)]
    for peer in peers:
        router.connect_tcp(other, address, 80, peer).addErrback(lambda f: None)
    assert settle(bench) == urc("+WIPACCEPT: 1,5") + urc("+WIPACCEPT: 1,6")
    assert peers[2].read_closed  # no index left: accept, then shutdown
    assert bench.at('+WIPCREATE=2,5,"echo.lab",7') == cme(845)
    assert bench.at("+WIPOPT=3,1,1,0") == info("+WIPOPT: 3,0,80")


def _other_modem(bench):
    """The bearer of another modem on the same network, to play the remote peer."""
    result = []
    bench.network.activate("peer", "internet").addCallback(result.append)
    bench.advance(0)
    return result[0]


def test_connection_failure_after_ok_is_unsolicited():
    bench = online()
    # nobody on port 81
    assert bench.at('+WIPCREATE=2,1,"192.0.2.7",81') == OK + urc("+CME ERROR: 842")
    # the index is free again
    assert bench.at('+WIPCREATE=2,1,"echo.lab",7') == OK + urc("+WIPREADY: 2,1")
    assert bench.at('+WIPCREATE=2,2,"no.such.host",7') + settle(bench, 10) == (
        OK + urc("+CME ERROR: 842"))


def test_sockets_need_a_started_bearer():
    bench = WipBench(ip=LAB)
    bench.at("+WIPCFG=1")
    assert bench.at('+WIPCREATE=2,1,"echo.lab",7') == cme(803)
    bench.at("+WIPBR=1,6")
    assert bench.at("+WIPCREATE=1,1,80") == cme(803)


def test_001_9_11_index_limits():
    bench = online()
    for i in range(1, 9):
        assert bench.at(f'+WIPCREATE=1,{i},{54 + i},"192.0.2.7",{74 + i}') == (
            OK + urc(f"+WIPREADY: 1,{i}"))
    assert bench.at('+WIPCREATE=1,9,63,"192.0.2.7",83') == cme(830)
    for i in range(1, 5):
        assert bench.at(f"+WIPCREATE=3,{i},{79 + i},{i},{i}") == OK
    assert bench.at("+WIPCREATE=3,5,84,5,5") == cme(830)
    assert bench.at('+WIPCREATE=2,1,"192.0.2.7",7') == cme(845)
    for i in range(5, 9):
        assert bench.at(f'+WIPCREATE=2,{i},"192.0.2.7",7') == OK + urc(f"+WIPREADY: 2,{i}")
    assert bench.at('+WIPCREATE=2,8,"192.0.2.7",7') == cme(840)
    assert bench.at('+WIPCREATE=2,9,"192.0.2.7",7') == cme(830)


def test_001_9_12_socket_cap():
    bench = WipBench(ip=LAB)
    bench.at("+WIPCFG=1")
    assert bench.at("+WIPCFG=2,6,3") == OK
    assert bench.at("+WIPCFG=4,1") == OK
    assert bench.at("+WIPCFG=0") == OK
    assert bench.at("+WIPCFG=1") == OK
    bench.at("+WIPBR=1,6")
    bench.at("+WIPBR=4,6,0")
    for i in range(1, 4):
        assert bench.at(f'+WIPCREATE=1,{i},{54 + i},"192.0.2.7",{74 + i}') == (
            OK + urc(f"+WIPREADY: 1,{i}"))
    assert bench.at('+WIPCREATE=1,4,58,"192.0.2.7",78') == cme(838)


def test_001_9_10_range_over_a_client():
    bench = online()
    assert bench.at('+WIPCREATE=2,1,"192.0.2.7",7') == OK + urc("+WIPREADY: 2,1")
    assert bench.at("+WIPCREATE=3,2,80,1,2") == cme(845)


def test_001_9_9_range_stays_reserved():
    bench = online()
    assert bench.at("+WIPCREATE=3,2,80,1,2") == OK
    assert bench.at('+WIPCREATE=2,3,"192.0.2.7",7') + settle(bench) == OK + urc("+WIPREADY: 2,3")
    assert bench.at("+WIPCLOSE=3,1") == OK  # no server 1: sockets close "irrespective"
    assert bench.at("+WIPCREATE=3,2,81,2,3") == cme(845)


def test_close_frees_indexes_and_reservations():
    bench = online()
    bench.at("+WIPCREATE=3,1,80,1,2")
    assert bench.at("+WIPCLOSE=3,1") == OK
    assert bench.at('+WIPCREATE=2,1,"192.0.2.7",7') == OK + urc("+WIPREADY: 2,1")


@pytest.mark.parametrize(("line", "code"), [
    ("+WIPCREATE=8,1", 837),
    ("+WIPCREATE=5,9", 830),  # session indexes 1-8
    ("+WIPOPT=5,1,1,52", 831),  # no HTTP session
    ("+WIPCREATE=1,0,80", 830),
    ("+WIPCREATE=1,1,70000", 832),
    ('+WIPCREATE=2,1,"192.0.2.7",0', 832),
    ("+WIPCREATE=3,0,80,1,1", 830),
    ("+WIPCREATE=3,1,80,3,2", 830),
    ("+WIPCREATE=3,1,80,1,9", 830),
    ("+WIPCREATE=3,1,0,1,1", 832),
    ("+WIPCLOSE=8,1", 837),
    ("+WIPCLOSE=1,9", 830),
    ("+WIPCLOSE=3,5", 830),
    ("+WIPCLOSE=4,1", 831),  # no FTP session
    ("+WIPDATA=3,1,1", 837),
    ("+WIPDATA=2,1,1", 831),  # no such socket
    ("+WIPDATA=1,1,3", 831),
    ("+WIPDATA=1,1,0", 831),
    ("+WIPOPT=9,1,1,0", 837),
    ("+WIPOPT=1,9,1,0", 830),
    ("+WIPOPT=1,1,3,0", 800),
    ("+WIPOPT=1,2,1,0", 831),  # no socket there
    ("+WIPOPT=1,1,1,99", 800),
    ("+WIPOPT=1,1,1,4", 835),  # not a UDP option
    ("+WIPOPT=1,1,2,0,5", 835),  # read-only
    ("+WIPOPT=1,1,2,8,256", 801),
    ("+WIPOPT=5,1,1,54", 831),
])
def test_bad_input_keeps_the_modem_working(line, code):
    bench = online()
    bench.at("+WIPCREATE=1,1,5000")
    settle(bench)
    assert bench.at(line) == cme(code)
    assert bench.at("+WIPOPT=1,1,1,0") == info("+WIPOPT: 1,0,5000")


@pytest.mark.parametrize("line", [
    "+WIPCREATE=1", "+WIPCREATE=1,1,80,\"x\"", "+WIPCREATE=2,1,\"x\"", "+WIPCREATE=3,1,80,1",
    "+WIPCLOSE=1", "+WIPCLOSE=1,1,1", "+WIPOPT=1,1,1", "+WIPOPT=1,1,2,8", "+WIPOPT=1,1,1,8,1",
    "+WIPDATA=1,1", "+WIPDATA=1,1,1,5",
])
def test_syntax_errors(line):
    bench = online()
    assert bench.at(line) == ERROR


def test_001_5_3_6_socket_option_examples():
    bench = online()
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    bench.at("+WIPCREATE=3,1,8080,5,8")
    bench.at('+WIPCREATE=1,1,"echo.lab",80')
    settle(bench)
    assert bench.at("+WIPOPT=2,1,2,8,20") == OK
    assert bench.at("+WIPOPT=2,1,1,8") == info("+WIPOPT: 2,8,20")
    assert bench.at("+WIPOPT=3,1,2,9,10") == OK
    assert bench.at("+WIPOPT=3,1,1,9") == info("+WIPOPT: 3,9,10")
    assert bench.at("+WIPOPT=1,1,1,1") == info("+WIPOPT: 1,1,80")


def test_000_6_3_6_socket_option_examples():
    bench = online("2.01")
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    bench.at("+WIPCREATE=3,1,8080,5,8")
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    assert bench.at("+WIPOPT=2,1,2,8,20") == OK
    assert bench.at("+WIPOPT=2,1,1,8") == info("+WIPOPT: 2,1,8,20")
    assert bench.at("+WIPOPT=3,1,2,9,10") == OK
    # 000 prints "+WIPOPT: 2,1,9,10" for the server: the protocol is shown as 3 here.
    assert bench.at("+WIPOPT=3,1,1,9") == info("+WIPOPT: 3,1,9,10")
    assert bench.at("+WIPOPT=1,1,2,1,80") == OK
    assert bench.at("+WIPOPT=1,1,1,1") == info("+WIPOPT: 1,1,1,80")


def test_socket_options_read_the_socket():
    bench = online()
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    bench.at("+WIPCREATE=1,2,6000")
    settle(bench)
    assert bench.at("+WIPOPT=1,1,1,2") == info('+WIPOPT: 1,2,"192.0.2.7"')
    assert bench.at("+WIPOPT=1,1,1,3") == info("+WIPOPT: 1,3,1")
    assert bench.at("+WIPOPT=1,2,1,3") == info("+WIPOPT: 1,3,0")
    assert bench.at("+WIPOPT=1,2,1,0") == info("+WIPOPT: 1,0,6000")
    assert bench.at("+WIPOPT=1,2,1,8") == info("+WIPOPT: 1,8,64")  # the stack's TTL


def test_201_differences():
    bench = online("2.01")
    assert bench.at("+WIPCREATE=5,1") == cme(3)
    assert bench.at("+WIPCREATE=1,9,80") == cme(3)  # every failure is 3 in v2.01
    assert bench.at("+WIPCLOSE=9,1") == ERROR
    assert bench.at("+WIPOPT=9,1,1,0") == ERROR
    assert bench.at("+WIPDATA=2,1,1") == cme(851)
    bench.at("+WIPCREATE=3,1,80,5,8")
    bench.at('+WIPCREATE=1,1,"echo.lab",7')
    settle(bench)
    assert bench.at("+WIPCLOSE=1,1") == OK + urc("+WIPPEERCLOSE: 1,1")
    assert bench.at("+WIPCLOSE=3,1") == OK + urc("+WIPPEERCLOSE: 3,1")
    assert bench.at("+WIPCLOSE=1,1") == OK  # already closed: nothing to confirm


def test_201_host_etx_leaves_data_mode():
    bench = online("2.01")
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=2,1,1")
    assert bench.port.send(b"abc" + ETX) == OK
    # the echo answers, then closes its side in turn
    assert settle(bench) == urc("+WIPDATA: 2,1,3") + urc("+WIPPEERCLOSE: 2,1")


def test_unmap_from_another_port():
    bench = online(ports=2)
    a, b = bench.ports
    a.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    b.take()
    assert a.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    assert b.at("+WIPDATA=2,1,1") == cme(831)  # one port at a time
    assert b.at("+WIPDATA=2,1,0") == OK
    assert a.take() == OK
    assert a.at("+WIPDATA=2,1,2") == "\r\nCONNECT\r\n"  # again, in another mode


def test_ato_does_not_come_back():
    bench = online()
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    bench.at("+WIPDATA=2,1,1")
    bench.advance(2)
    bench.port.send(b"+++")
    settle(bench, 1.5)
    assert bench.at("O") == cme(3)


def test_closing_a_mapped_socket_from_another_port():
    bench = online(ports=2)
    a, b = bench.ports
    a.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    b.take()
    a.at("+WIPDATA=2,1,1")
    assert b.at("+WIPCLOSE=2,1") == OK
    assert a.take() == OK


def test_bearer_stop_closes_the_sockets():
    bench = online()
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    assert bench.at("+WIPBR=5,6") == OK + urc("+WIPPEERCLOSE: 2,1")
    bench.at("+WIPBR=4,6,0")
    assert bench.at('+WIPCREATE=2,1,"echo.lab",7') == OK + urc("+WIPREADY: 2,1")


def test_a_connection_to_the_modules_own_server_is_ready_before_it_is_accepted():
    bench = online()
    address = bench.network.bearers("wip1")[0].address
    assert bench.at("+WIPCREATE=3,2,80,1,2") == OK
    assert bench.at(f'+WIPCREATE=2,3,"{address}",80') == (
        OK + urc("+WIPREADY: 2,3") + urc("+WIPACCEPT: 2,1"))
    # closed before it was ready: the server's socket exists all the same, and is told
    assert bench.port.at(f'+WIPCREATE=2,4,"{address}",80') == OK  # (no time passes)
    assert bench.port.at("+WIPCLOSE=2,4") == OK + urc("+WIPACCEPT: 2,2")
    assert settle(bench) == urc("+WIPPEERCLOSE: 2,2")
