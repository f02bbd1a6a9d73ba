"""The IP network's faults as a WIP host sees them on task.Clock (001 §6.2.5, §6.2.11.1):
what its mapped TCP socket shows when the server closes, resets, goes silent or cannot be
found, and a working socket again once the fault is undone."""

from simulator.faults import Injector, make_fault
from tests.dialects.wip.bench import OK, cme, urc
from tests.dialects.wip.test_sockets import escape_to_at, online, settle


def start(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


def mapped(bench, port=7):
    created = bench.at(f'+WIPCREATE=2,1,"echo.lab",{port}') + settle(bench)
    assert created == OK + urc("+WIPREADY: 2,1")
    assert bench.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"


def echoed(bench, data=b"ping"):
    bench.port.send(data)
    return settle(bench) == data.decode()


def test_reset_peer_ends_data_mode_with_etx_and_843():
    bench = online()
    mapped(bench)
    start(bench, "reset_peer", {"host": "echo.lab"})
    assert settle(bench) == "\x03" + cme(843)
    assert bench.at("+WIPCLOSE=2,1") == OK
    mapped(bench)  # an event: the next socket works
    assert echoed(bench)


def test_peer_close_shows_shutdown_then_wippeerclose_in_at_mode():
    bench = online()
    mapped(bench)
    start(bench, "peer_close", {"port": 7})
    assert settle(bench) == "\r\nSHUTDOWN\r\n"
    assert escape_to_at(bench) == OK + urc("+WIPPEERCLOSE: 2,1")


def test_timeout_hangs_the_socket_until_undone():
    bench = online()
    mapped(bench)
    fault = start(bench, "timeout")
    assert not echoed(bench)
    settle(bench, 30)
    fault.undo()
    assert settle(bench) == "ping"


def test_host_down_makes_the_connect_fail_after_ok_with_842():
    bench = online()
    fault = start(bench, "host_down", {"host": "echo.lab", "how": "refuse"})
    assert bench.at('+WIPCREATE=2,1,"echo.lab",7') + settle(bench) == OK + cme(842)
    fault.undo()
    mapped(bench)
    assert echoed(bench)


def test_dns_fail_makes_the_name_fail_with_842():
    bench = online()
    fault = start(bench, "dns_fail", {"names": "echo.lab"})
    assert bench.at('+WIPCREATE=2,1,"echo.lab",7') + settle(bench, 30) == OK + cme(842)
    fault.undo()
    mapped(bench)
    assert echoed(bench)


def test_limit_data_closes_the_socket_after_its_bytes():
    bench = online()
    fault = start(bench, "limit_data", {"bytes": 8})
    mapped(bench)
    bench.port.send(b"abcd")  # 4 up, 4 back: the limit
    assert settle(bench) == "abcd\r\nSHUTDOWN\r\n"
    fault.undo()
    assert escape_to_at(bench) == OK + urc("+WIPPEERCLOSE: 2,1")
