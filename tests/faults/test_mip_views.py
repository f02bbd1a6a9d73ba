"""The IP network's faults as a Fibocom (+MIP) host sees them on task.Clock: +MIPSTAT for a
socket the server closes, resets or refuses, and working sockets again once undone."""

from simulator.faults import Injector, make_fault
from tests.dialects.mip.bench import urc
from tests.dialects.mip.test_sockets import online, opened
from tests.modem.bench import OK


def start(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


def echoed(bench, sid=3):
    bench.at(f'+MIPSEND={sid},"41"')
    return bench.at(f"+MIPPUSH={sid}") + bench.settle()


def test_reset_peer_and_peer_close_end_the_socket_with_mipstat():
    bench = online()
    opened(bench, '3,,"echo.lab",7,0')
    start(bench, "reset_peer", {"host": "echo.lab"})
    assert bench.settle() == urc("+MIPSTAT: 3,1")
    opened(bench, '3,,"echo.lab",7,0')
    assert echoed(bench).endswith(urc("+MIPRTCP: 3,0,41"))
    start(bench, "peer_close", {"port": 7})
    assert bench.settle() == urc("+MIPSTAT: 3,1")


def test_service_down_refuses_the_open_until_undone():
    bench = online()
    fault = start(bench, "service_down", {"port": 7})
    assert bench.at('+MIPOPEN=3,,"echo.lab",7,0') + bench.settle() == OK + urc(
        "+MIPSTAT: 3,1")
    fault.undo()
    opened(bench, '3,,"echo.lab",7,0')
