"""What every TCP socket and the UDP session do when something other than their own end
stops them: the host's port closing mid-transfer, the IP link going, a reset (E68, E69)."""

import pytest

from tests.dialects.edsoft.bench import EdsoftBench, edsoft_error
from tests.dialects.edsoft.sockets_lab import ECHO_ADDRESS, WAITING, online, settle, setup


def tcp(bench: EdsoftBench) -> str:
    setup(bench, f'#TCPSERV=1,"{ECHO_ADDRESS}"', "#TCPPORT=1,7")
    return bench.at("#OTCP=1") + settle(bench)


def udp(bench: EdsoftBench) -> str:
    setup(bench, f'#UDPSERV="{ECHO_ADDRESS}"', "#UDPPORT=7")
    return bench.at("#OUDP") + settle(bench)


SESSIONS = pytest.mark.parametrize("open_session", [tcp, udp], ids=["tcp", "udp"])


@SESSIONS
def test_the_port_closing_mid_transfer_ends_the_session(open_session):
    bench = online()
    assert open_session(bench) == WAITING
    bench.port.send(b"half a transf")
    bench.port.interpreter.host_closed()  # the host went away; the port closed
    settle(bench)
    assert bench.edsoft.resources.held == frozenset()
    bench.port.take()
    assert bench.at("#VTCP=1").startswith("\r\n#DLEMODE: 1,1")  # the modem answers
    assert open_session(bench) == WAITING  # and the socket can be opened again


@SESSIONS
def test_the_link_going_ends_the_session_with_etx_and_its_code(open_session):
    bench = online()
    open_session(bench)
    bench.edsoft.link.lost(35841)
    assert settle(bench) == "\x03" + edsoft_error(35841)
    assert bench.edsoft.resources.held == frozenset()


@SESSIONS
def test_the_link_stopped_by_the_host_shows_35867(open_session):
    bench = online()
    open_session(bench)
    bench.edsoft.link.lost(None)
    assert settle(bench) == "\x03" + edsoft_error(35867)


@SESSIONS
def test_a_reset_ends_the_session_without_a_word(open_session):
    bench = online()
    open_session(bench)
    bench.modem.power_off()
    assert settle(bench) == ""
    assert bench.edsoft.resources.held == frozenset()
    assert bench.port.interpreter.mode.value == "command"


@SESSIONS
def test_data_both_ways_keeps_the_link_from_idling(open_session):
    bench = online()
    open_session(bench)
    settle(bench, 5)
    bench.port.send(b"ping")
    moved = bench.clock.seconds()
    settle(bench)
    # the host's bytes went, the echo came back: PHYTIMEOUT counts from then (002 §2.1.6)
    assert bench.edsoft.link.last_activity >= moved
