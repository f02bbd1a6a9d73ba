"""Calls to an ``isp:`` number: atsim's PPP access server at the far end, a client PPP
session on the caller's side, and the bearer its address gives."""

import ipaddress
import random

from twisted.internet import task

from simulator.network import CallFailure, Network
from simulator.network.calls import SETUP_DELAY
from simulator.network.dialup import DialupBearer
from simulator.network.dialup_session import DialupSession, PppError
from simulator.network.spec import IspSpec, NumberSpec
from simulator.ppp import PeerConfig, Termination
from simulator.ppp.config import AuthProtocol
from tests.network.helpers import Recorder, advance, host, result_of, spec

ISP = "+33800000000"
OTHER_ISP = "0800"


def isp_network(**isp):
    clock = task.Clock()
    numbers = (NumberSpec(ISP, isp=IspSpec("user", "secret", **isp)),
               NumberSpec(OTHER_ISP, isp=IspSpec("other", "pw")))
    network = Network(spec(numbers=numbers, hosts=[host("echo.lab", "echo")]), clock=clock)
    network.attach_modem("a", msisdn="+33600000001")
    return network, clock


def dial_and_ppp(network, clock, login="user", password="secret", number=ISP, **config):
    d = network.dial("a", number)
    clock.advance(SETUP_DELAY)
    call = result_of(d)
    session = DialupSession(call, PeerConfig.client(login, password, **config), clock,
                            random.Random(5), name="a")
    started = session.start()
    advance(clock, 5.0, step=0.01)
    return call, session, started


def test_the_isp_answers_and_ppp_gives_a_bearer_from_its_pool():
    network, clock = isp_network()
    call, session, started = dial_and_ppp(network, clock)
    bearer = result_of(started)
    assert isinstance(bearer, DialupBearer)
    assert call.kind == "isp"
    assert ipaddress.IPv4Address(bearer.address) in ipaddress.IPv4Network("100.64.0.0/16")
    assert bearer.address != "100.64.0.1"  # the ISP's own address
    assert bearer.dns == ("100.64.0.1",)  # the ISP's address, where atsim's DNS answers
    assert bearer.link is call.link  # the sockets' bytes cross the call's channel
    assert network.bearers("a") == [bearer]
    assert session.opened.peer_address == "100.64.0.1"


def test_the_isp_bearer_reaches_the_lab_across_the_call():
    network, clock = isp_network()
    _, _, started = dial_and_ppp(network, clock)
    bearer = result_of(started)
    echo = Recorder()
    address = network.resolve("echo.lab")
    connected = bearer.connect_tcp(address, 7, echo)
    advance(clock, 2.0, step=0.01)
    assert result_of(connected)
    echo.transport.write(b"over the phone line")
    advance(clock, 2.0, step=0.01)
    assert bytes(echo.data) == b"over the phone line"


def test_chap_and_pap_both_log_in():
    for protocol in (AuthProtocol.CHAP, AuthProtocol.PAP):
        network, clock = isp_network()
        _, session, started = dial_and_ppp(network, clock, authenticate_with=(protocol,))
        assert isinstance(result_of(started), DialupBearer), protocol
        assert session.peer.link.we_authenticate_with is protocol


def test_a_wrong_password_fails_authentication_and_the_isp_hangs_up():
    network, clock = isp_network()
    call, session, started = dial_and_ppp(network, clock, password="wrong")
    failure = result_of(started)
    assert failure.check(PppError)
    assert failure.value.reason is Termination.AUTHENTICATION_FAILED
    assert not call.connected
    assert network.bearers("a") == []
    assert not network.calls.in_call("a")


def test_each_isp_checks_its_own_login():
    network, clock = isp_network()
    _, _, started = dial_and_ppp(network, clock, number=OTHER_ISP)
    assert result_of(started).check(PppError)
    _, _, started = dial_and_ppp(network, clock, login="other", password="pw",
                                 number=OTHER_ISP)
    assert isinstance(result_of(started), DialupBearer)


def test_a_custom_pool_and_dns():
    network, clock = isp_network(pool=ipaddress.IPv4Network("192.0.2.0/29"),
                                 dns=(ipaddress.IPv4Address("192.0.2.6"),))
    _, _, started = dial_and_ppp(network, clock)
    bearer = result_of(started)
    assert bearer.address == "192.0.2.2"  # .1 is the ISP's
    assert bearer.dns == ("192.0.2.6",)


def test_hanging_up_releases_the_bearer_and_the_address():
    network, clock = isp_network(pool=ipaddress.IPv4Network("192.0.2.0/30"))
    call, session, started = dial_and_ppp(network, clock)
    bearer = result_of(started)
    ended = []
    session.on_end(ended.append)
    call.hangup()
    advance(clock, 1.0, step=0.01)
    assert not bearer.active and ended == [Termination.LOWER_LAYER_DOWN]
    # The pool has one address for callers: free again.
    _, _, started = dial_and_ppp(network, clock)
    assert result_of(started).address == bearer.address


def test_an_exhausted_pool_fails_ipcp():
    network, clock = isp_network(pool=ipaddress.IPv4Network("192.0.2.0/30"))
    first_call, _, first = dial_and_ppp(network, clock)
    assert isinstance(result_of(first), DialupBearer)
    network.attach_modem("b")
    d = network.dial("b", ISP)
    clock.advance(SETUP_DELAY)
    session = DialupSession(result_of(d), PeerConfig.client("user", "secret"), clock,
                            random.Random(1))
    started = session.start()
    advance(clock, 5.0, step=0.01)
    assert result_of(started).value.reason is Termination.IPCP_FAILED


def test_closing_the_session_terminates_ppp_then_hangs_up():
    network, clock = isp_network()
    call, session, started = dial_and_ppp(network, clock)
    bearer = result_of(started)
    session.close()
    advance(clock, 2.0, step=0.01)
    assert not call.connected and not bearer.active
    assert session.ended.reason is Termination.LOCAL_CLOSE


def test_the_isp_lab_dns_answers_at_its_address():
    network, clock = isp_network()
    assert network.lab.server("100.64.0.1", "dns") is not None


def test_unknown_number_still_no_carrier():
    network, clock = isp_network()
    d = network.dial("a", "+1555")
    clock.advance(SETUP_DELAY)
    assert result_of(d).value.reason is CallFailure.NO_CARRIER


def test_ip_packets_sent_to_the_isp_itself_are_counted_and_dropped():
    network, clock = isp_network()
    call, session, started = dial_and_ppp(network, clock)
    result_of(started)
    isp_session = network.calls.isps[ISP].sessions[0]
    session.link.send_ip(b"\x45" + bytes(19))
    advance(clock, 1.0, step=0.01)
    assert isp_session.ip_packets_dropped == 1
