"""The IP network's faults as an AT# host sees them on task.Clock, eDsoft (002) and GenPro
alike on the shared engine: a TCP socket in data mode that the server closes or resets ends
with ``<ETX>`` and the family's line (002 §5.2.2, §5.4.2, A.8; GenPro §4.4.1, §7.2.4); an
``AT#OTCP`` that cannot connect ends with its ``#CME ERROR`` (002 §9.2; decisions E63, E65
of the eDsoft page, G11, G12, G18 of the GenPro page); a working socket again once the
fault is undone."""

import pytest

from simulator.faults import Injector, make_fault
from tests.dialects.edsoft import sockets_lab
from tests.dialects.edsoft.bench import EdsoftBench
from tests.dialects.edsoft.sockets_lab import WAITING, other_modem, settle, setup
from tests.dialects.genpro.bench import OK, GenproBench, line
from tests.dialects.genpro.test_conformance import run
from tests.network.helpers import Recorder

ETX = "\x03"
SOCKET_CLOSED = line("Ok_Info_SocketClosed")


def cme(code: int) -> str:
    return f"\r\n#CME ERROR: {code}\r\n"


def edsoft():
    return sockets_lab.online()


def genpro():
    """§7.2.1, §7.2.2 on the lab network (its echo host)."""
    bench = GenproBench(ip=sockets_lab.LAB)
    assert bench.at('#APNSERV="apn_serveur"') == OK
    assert bench.at("+CGATT=1") == OK
    bench.clock.advance(0.5)
    assert run(bench, "#CONNECTIONSTART").endswith(line("Ok_Info_GprsActivation"))
    return bench


#: What each dialect shows after the ``<ETX>`` when the server closes a DLEMODE 1 socket:
#: eDsoft ``Ok_Info_SocketClosed`` and ``OK`` (002 §5.4.2, A.8.2), GenPro the message alone
#: (§7.2.4, G11).
DIALECTS = {
    "edsoft": (edsoft, SOCKET_CLOSED + OK),
    "genpro": (genpro, SOCKET_CLOSED),
}


@pytest.fixture(params=sorted(DIALECTS))
def dialect(request):
    return DIALECTS[request.param]


def link(bench):
    return (bench.edsoft if isinstance(bench, EdsoftBench) else bench.genpro).link


def start(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


def otcp(bench, dle_mode=1, server="echo.lab"):
    setup(bench, f'#TCPSERV=1,"{server}"', "#TCPPORT=1,7", f"#DLEMODE=1,{dle_mode}")
    return bench.at("#OTCP=1") + settle(bench)


def opened(bench, dle_mode=1):
    assert otcp(bench, dle_mode) == WAITING


def echoed(bench, data=b"ping"):
    bench.port.send(data)
    return settle(bench) == data.decode()


def test_reset_peer_ends_data_mode_with_etx_and_37952(dialect):
    make, _ = dialect
    bench = make()
    opened(bench)
    start(bench, "reset_peer", {"host": "echo.lab"})
    assert settle(bench) == ETX + cme(37952)
    opened(bench)  # an event: the next socket works
    assert echoed(bench)


def test_reset_peer_in_dlemode_0_is_the_same_error(dialect):
    make, _ = dialect
    bench = make()
    opened(bench, dle_mode=0)
    start(bench, "reset_peer")
    assert settle(bench) == ETX + cme(37952)


def test_peer_close_shows_etx_then_socket_closed(dialect):
    make, closed = dialect
    bench = make()
    opened(bench)
    start(bench, "peer_close", {"port": 7})
    assert settle(bench) == ETX + closed
    opened(bench)
    assert echoed(bench)


def test_peer_close_in_dlemode_0_edsoft_37966_genpro_as_in_dlemode_1():
    bench = edsoft()
    opened(bench, dle_mode=0)
    start(bench, "peer_close")
    assert settle(bench) == ETX + cme(37966)  # E63
    bench = genpro()
    opened(bench, dle_mode=0)
    start(bench, "peer_close")
    assert settle(bench) == ETX + SOCKET_CLOSED  # G12


@pytest.mark.parametrize(("fault", "args", "code"), [
    ("host_down", {"host": "echo.lab", "how": "refuse"}, 38016),
    ("service_down", {"port": 7}, 38016),
    ("host_down", {"host": "echo.lab"}, 37964),  # the SYN goes unanswered
    ("dns_fail", {"names": "echo.lab"}, 38027),
    ("dns_fail", {"names": "echo.lab", "how": "timeout"}, 38027),
])
def test_an_open_that_fails_is_the_commands_error_until_undone(dialect, fault, args, code):
    make, _ = dialect
    bench = make()
    undo = start(bench, fault, args)
    setup(bench, '#TCPSERV=1,"echo.lab"', "#TCPPORT=1,7")
    assert bench.at("#OTCP=1") + settle(bench, 200) == cme(code)
    undo.undo()
    opened(bench)
    assert echoed(bench)


@pytest.mark.parametrize("fault", ["timeout", "link_down"])
def test_timeout_and_link_down_hang_the_socket_until_undone(dialect, fault):
    make, _ = dialect
    bench = make()
    opened(bench)
    undo = start(bench, fault)
    assert not echoed(bench)
    assert settle(bench, 30) == ""  # nothing ends it: no keep-alive on these sockets
    undo.undo()
    assert settle(bench) == "ping"


def test_link_down_fails_an_open_with_35841(dialect):
    """The bearer under the socket is down: 35841 "GPRS session lost." (E65)."""
    make, _ = dialect
    bench = make()
    undo = start(bench, "link_down")
    assert otcp(bench, server=sockets_lab.ECHO_ADDRESS) == cme(35841)
    undo.undo()
    assert otcp(bench, server=sockets_lab.ECHO_ADDRESS) == WAITING


def test_a_listening_sockets_peer_reset_and_closed(dialect):
    """002 A.8.1, GenPro §7.3.3: the accepted connection of ``AT#LTCPSTART`` ends the same
    way when the far end resets or closes it."""
    make, closed = dialect
    for fault, shown in (("reset_peer", ETX + cme(37952)), ("peer_close", ETX + closed)):
        bench = make()
        setup(bench, '#TCPSERV=1,"255.255.255.255"', "#TCPPORT=1,23")
        assert bench.at("#LTCPSTART=1") == OK
        peer = other_modem(bench)
        bench.network.router.connect_tcp(peer, link(bench).bearer.address, 23, Recorder())
        assert settle(bench) == WAITING
        start(bench, fault)
        assert settle(bench) == shown, fault
