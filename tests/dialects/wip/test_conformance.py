"""The manuals' own examples, replayed byte for byte (001 §5.1.6, §5.2.6, §6.2.10, §9; 000
§6.1.6, §6.2.6, §7.2.6, §9).  The manuals print them without CR/LF (001 §2.2); here they are
framed as the module sends them.  Where a manual example cannot be replayed as printed, the
test says why and docs/dialects/wip.md holds the decision.

The lab reproduces the examples' world: the APN "APN name", hosts www.wavecom.com and
192.168.0.1, and, for the examples where the module talks to itself, an address pool that
gives it 198.168.0.1.
"""

import ipaddress

from simulator.network.spec import (
    ApnSpec,
    HostSpec,
    IpNetworkSpec,
    LinksSpec,
    PingSpec,
    ServiceSpec,
)
from tests.dialects.wip.bench import OK, WipBench, cme, urc
from tests.dialects.wip.test_sockets import settle
from tests.network.helpers import Recorder

A = ipaddress.IPv4Address
N = ipaddress.IPv4Network
DNS = A("10.64.255.53")
HOSTS = (
    HostSpec("www.wavecom.com", address=A("192.0.2.80"), services=(ServiceSpec("http"),)),
    HostSpec("192.168.0.1", ping=PingSpec(rtt=0.224)),
)


def lab(pool="10.64.0.0/16", *extra_apns):
    return IpNetworkSpec(apns=(ApnSpec("*", N(pool), dns=(DNS,)), *extra_apns), hosts=HOSTS,
                         links=LinksSpec(default="ideal"))


CONNECT = "\r\nCONNECT\r\n"


def gprs(bench):
    """001 §9.1.1.1 ... §9.15 all begin like this."""
    for line in ('+WIPCFG=1', '+WIPBR=1,6', '+WIPBR=2,6,11,"APN name"',
                 '+WIPBR=2,6,0,"user name"', '+WIPBR=2,6,1,"passwd"', '+WIPBR=4,6,0'):
        assert bench.at(line) == OK, line


def escape_to_at(bench):
    bench.advance(1.1)
    assert bench.port.send(b"+++") == ""
    return settle(bench, 1.2)


def peer_bearer(bench, apn="internet"):
    result = []
    bench.network.activate("peer", apn).addCallback(result.append)
    bench.advance(0)
    return result[0]


# -- per-command examples ------------------------------------------------------------------------


def test_001_5_1_6_socket_creation():
    bench = WipBench(ip=lab())
    gprs(bench)
    # "An unsolicited event +WIPREADY: 1,1 will be received once the UDP socket is ready"
    assert bench.at("+WIPCREATE=1,1,80") == OK + urc("+WIPREADY: 1,1")
    bench.at("+WIPCLOSE=1,1")
    assert bench.at('+WIPCREATE=1,1,"www.wavecom.com",80') + settle(bench) == (
        OK + urc("+WIPREADY: 1,1"))
    bench.at("+WIPCLOSE=1,1")
    assert bench.at('+WIPCREATE=1,1,80,"www.wavecom.com",80') + settle(bench) == (
        OK + urc("+WIPREADY: 1,1"))
    assert bench.at("+WIPCREATE=3,1,80,5,8") == OK
    # "IP ADDR" is the manual's placeholder; the lab's web server stands for it.
    assert bench.at('+WIPCREATE=2,1,"www.wavecom.com",80') + settle(bench) == (
        OK + urc("+WIPREADY: 2,1"))
    # The FTP, SMTP and POP3 lines are replayed in test_ftp.py and test_mail.py (on the
    # reactor the lab's servers need).  An HTTP "session" connects nowhere until a request:
    # 001 prints "+WIPREADY: 5, 1" with a space (D35).
    for line in ('+WIPCREATE=5,1,"proxyaddress", ,"user name","password","User-Agent", ,'
                 '"WIP-HTTP-Client/1.0"',
                 '+WIPCREATE=5,1,"proxyaddress", ,"user name","password","User-Agent", ,'
                 '"WIP-HTTP-Client/1.0","Accept-Encoding", ,"gzip","Accept-Language", ,"en-US"',
                 '+WIPCREATE=5,1,"proxyaddress", ,"user","pass"'):
        assert bench.at(line) == OK + urc("+WIPREADY: 5,1"), line
        assert bench.at("+WIPCLOSE=5,1") == OK


def test_001_5_2_6_closing():
    bench = WipBench(ip=lab())
    gprs(bench)
    bench.at("+WIPCREATE=1,1,80")
    bench.at('+WIPCREATE=2,1,"www.wavecom.com",80')
    bench.at("+WIPCREATE=3,1,8080,5,8")
    settle(bench)
    assert bench.at("+WIPCLOSE=1,1") == OK
    assert bench.at("+WIPCLOSE=2,1") == OK
    assert bench.at("+WIPCLOSE=3,1") == OK
    # Sessions 4-7 cannot be active yet: "+CME ERROR: 831" (001 §5.2.7).
    for protocol in (4, 5, 6, 7):
        assert bench.at(f"+WIPCLOSE={protocol},1") == cme(831)


def test_000_6_2_6_closing_confirms_each_close():
    bench = WipBench(revision="2.01", ip=lab())
    gprs(bench)
    bench.at("+WIPCREATE=1,1,80")
    bench.at('+WIPCREATE=2,1,"www.wavecom.com",80')
    bench.at("+WIPCREATE=3,1,8080,5,8")
    settle(bench)
    assert bench.at("+WIPCLOSE=1,1") == OK + urc("+WIPPEERCLOSE: 1,1")
    assert bench.at("+WIPCLOSE=2,1") == OK + urc("+WIPPEERCLOSE: 2,1")
    assert bench.at("+WIPCLOSE=3,1") == OK + urc("+WIPPEERCLOSE: 3,1")


def test_000_6_1_6_creation():
    bench = WipBench(revision="2.01", ip=lab())
    gprs(bench)
    assert bench.at("+WIPCREATE=1,1,80") == OK + urc("+WIPREADY: 1,1")
    bench.at("+WIPCLOSE=1,1")
    assert bench.at('+WIPCREATE=1,1,80,"www.wavecom.com",80') + settle(bench) == (
        OK + urc("+WIPREADY: 1,1"))
    # 000 reserves 5..9 although 9 is outside 1-8: every failure is "+CME ERROR: 3" there.
    assert bench.at("+WIPCREATE=3,1,80,5,9") == cme(3)
    assert bench.at("+WIPCREATE=3,1,80,5,8") == OK


def test_001_6_2_10_data_mode_examples():
    bench = WipBench(ip=lab())
    gprs(bench)
    bench.at('+WIPCREATE=2,5,"www.wavecom.com",80')
    bench.at('+WIPCREATE=1,5,"www.wavecom.com",80')
    settle(bench)
    assert bench.at("+WIPDATA=2,5,1") == CONNECT
    assert escape_to_at(bench) == OK
    assert bench.at("+WIPDATA=1,5,1") == CONNECT
    assert escape_to_at(bench) == OK
    assert bench.at("+WIPDATA=2,5,2") == CONNECT
    assert escape_to_at(bench) == OK


# -- examples of application (001 §9) ------------------------------------------------------------


def test_001_9_1_1_1_tcp_server_over_gprs():
    bench = WipBench(ip=lab())
    gprs(bench)
    # The manual prints no OK here (spec §18 #20); 001 §9.1.1.2 does: atsim always answers.
    assert bench.at("+WIPCREATE=3,1,80,5,8") == OK
    client = Recorder()
    address = bench.network.bearers("wip1")[0].address
    bench.network.router.connect_tcp(peer_bearer(bench), address, 80, client)
    assert settle(bench) == urc("+WIPACCEPT: 1,5")
    assert bench.at("+WIPDATA=2,5,1") == CONNECT
    client.transport.write(b"read")
    bench.port.send(b"write")
    assert settle(bench) == "read"
    assert escape_to_at(bench) == OK
    assert bytes(client.data) == b"write"
    assert bench.at("+WIPCLOSE=2,5") == OK


def test_001_9_1_2_1_tcp_client_over_gprs():
    bench = WipBench(ip=lab())
    gprs(bench)
    assert bench.at('+WIPCREATE=2,1,"www.wavecom.com",80') + settle(bench) == (
        OK + urc("+WIPREADY: 2,1"))
    assert bench.at("+WIPDATA=2,1,1") == CONNECT
    bench.port.send(b"HEAD / HTTP/1.0\r\n\r\n")
    assert settle(bench).startswith("HTTP/1.0 ")
    assert escape_to_at(bench).startswith(OK)
    assert bench.at("+WIPCLOSE=2,1") == OK


def test_001_9_2_udp():
    peers = ApnSpec("peers", N("192.168.0.0/29"))
    bench = WipBench(ip=lab("10.64.0.0/16", peers))
    gprs(bench)
    assert bench.at('+WIPCREATE=1,1,80,"www.wavecom.com",80') + settle(bench) == (
        OK + urc("+WIPREADY: 1,1"))
    assert bench.at("+WIPDATA=1,1,1") == CONNECT
    assert escape_to_at(bench) == OK
    assert bench.at("+WIPCLOSE=1,1") == OK
    assert bench.at("+WIPCREATE=1,1,1234") == OK + urc("+WIPREADY: 1,1")
    # Two remote devices: 192.168.0.2 port 2397, then 192.168.0.4 port 58.
    first = [peer_bearer(bench, "peers") for _ in range(4)]
    address = bench.network.bearers("wip1")[0].address
    sender2 = first[1].open_udp(2397, Recorder())
    sender4 = first[3].open_udp(58, Recorder())
    letters = b"abcdedghijklmnopqrstuvwxyz"
    sender2.write(letters, (address, 1234))
    # 001 prints 25 for these 26 letters (spec §18 #43): the size is the datagram's.
    assert settle(bench) == urc('+WIPDATA: 1,1,26,"192.168.0.2",2397')
    assert bench.at("+WIPDATA=1,1,1") == CONNECT + letters.decode() + "\x03"
    # "If some other remote IP devices sent some one or more datagrams while reading for
    # the first one, then a new datagram indication is received" after the OK.
    sender4.write(letters * 2, (address, 1234))
    assert settle(bench) == ""
    # 001 prints 50 for these 52 letters (D37).
    assert escape_to_at(bench) == OK + urc('+WIPDATA: 1,1,52,"192.168.0.4",58')
    assert bench.at("+WIPDATA=1,1,1") == CONNECT + (letters * 2).decode() + "\x03"
    assert escape_to_at(bench) == OK


def test_001_9_3_ping():
    bench = WipBench(ip=lab())
    gprs(bench)
    assert bench.at('+WIPPING="192.168.0.1"') == OK
    # printed "+WIPPING:0,0,224" here, "+WIPPING: 0,0,224" in 001 §7.1.6 (D29)
    assert settle(bench, 0.3, step=0.001) == urc("+WIPPING: 0,0,224")


def test_001_9_8_spawning_the_maximum():
    bench = WipBench(ip=lab())
    gprs(bench)
    assert bench.at("+WIPCREATE=3,1,80,5,6") == OK
    address = bench.network.bearers("wip1")[0].address
    other = peer_bearer(bench)
    clients = [Recorder() for _ in range(2)]
    for client in clients:
        bench.network.router.connect_tcp(other, address, 80, client)
    assert settle(bench) == urc("+WIPACCEPT: 1,5") + urc("+WIPACCEPT: 1,6")
    assert bench.at("+WIPCLOSE=2,5") == OK


def test_001_9_13_one_session_at_a_time():
    # The FTP half of 001 §9.13 is replayed in test_ftp.py; an HTTP session takes the place.
    bench = WipBench(ip=lab())
    gprs(bench)
    assert bench.at("+WIPCREATE=5,1") == OK + urc("+WIPREADY: 5,1")
    assert bench.at('+WIPCREATE=7,1,"POP3 server",,"user name","mail id"') == cme(840)
    assert bench.at("+WIPCLOSE=5,1") == OK
    assert bench.at("+WIPCLOSE=5,1") == cme(831)


def test_001_9_9_server_and_client_in_one_module():
    bench = WipBench(ip=lab("198.168.0.0/24"), ports=2)
    uart1, uart2 = bench.ports
    gprs(bench)
    assert bench.at("+WIPCREATE=3,2,80,1,2") == OK
    assert bench.at('+WIPCREATE=2,3,"198.168.0.1",80') + settle(bench) == (
        OK + urc("+WIPREADY: 2,3") + urc("+WIPACCEPT: 2,1"))
    assert uart2.take() == urc("+WIPREADY: 2,3") + urc("+WIPACCEPT: 2,1")
    assert bench.at("+WIPDATA=2,3,1") == CONNECT
    assert uart2.at("+WIPDATA=2,1,1") == CONNECT
    # "[ETX] //send unescaped ETX character": socket 1 shuts its side down, socket 3 (on
    # the first UART, still in data mode) sees the peer's shutdown ...
    uart2.send(b"\x03")
    assert settle(bench) == "\r\nSHUTDOWN\r\n"
    # ... and "+WIPPEERCLOSE: 2,3" once back in AT mode
    assert escape_to_at(bench) == OK + urc("+WIPPEERCLOSE: 2,3")
    # 001 closes "TCP server socket index 1" with AT+WIPCLOSE=3,1; the server is index 2.
    # Its range still holds index 2: "+CME ERROR:845" (printed without a space).
    assert bench.at("+WIPCLOSE=3,2") == OK
    assert bench.at("+WIPCREATE=3,2,81,2,3") == cme(845)


def test_001_9_15_client_and_server_in_one_module():
    bench = WipBench(ip=lab("198.168.0.0/24"))
    gprs(bench)
    assert bench.network.bearers("wip1")[0].address == "198.168.0.1"
    # 001 prints no OK after the server's creation (spec §18 #20).
    assert bench.at("+WIPCREATE=3,2,80,1,2") == OK
    assert bench.at('+WIPCREATE=2,3,"198.168.0.1",80') + settle(bench) == (
        OK + urc("+WIPREADY: 2,3") + urc("+WIPACCEPT: 2,1"))
    assert bench.at("+WIPDATA=2,3,1") == CONNECT
    bench.port.send(b"abc")
    # the example leaves out the +WIPDATA URC of the socket that received "abc"
    assert escape_to_at(bench) == OK + urc("+WIPDATA: 2,1,3")
    assert bench.at("+WIPDATA=2,1,1") == CONNECT + "abc"
    assert escape_to_at(bench) == OK


# -- 000 §7.2.6 and §9 -------------------------------------------------------------------------


def test_000_7_2_6_data_examples():
    bench = WipBench(revision="2.01", ip=lab())
    gprs(bench)
    bench.at('+WIPCREATE=2,5,"www.wavecom.com",80')
    bench.at('+WIPCREATE=1,5,"www.wavecom.com",80')
    settle(bench)
    # AT+WIPDATA=2,5,0,10 "sends 10 bytes of data in unmap mode" and answers CONNECT in
    # 000; mode 0 unmaps, and nothing maps the socket: atsim refuses it (D33).
    assert bench.at("+WIPDATA=2,5,0,10") == cme(851)
    assert bench.at("+WIPDATA=2,5,1") == CONNECT
    assert escape_to_at(bench).startswith(OK)
    assert bench.at("+WIPDATA=1,5,1") == CONNECT
    assert escape_to_at(bench) == OK
    assert bench.at("+WIPDATA=1,5,1") == CONNECT
    assert bench.port.send(b"\x03") == OK  # "<ETX> ... causes the UART to switch to AT mode"
