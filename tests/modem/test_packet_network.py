"""+CGACT and the packet dial through the simulated network's APNs: activation delay,
refusals with their 27.007 codes, network-side release."""

import ipaddress

from simulator.scenario.model import ApnSpec, NetworkSpec
from tests.modem.bench import Bench, Port, cme, info, urc

NET = ipaddress.IPv4Network


def at(b: Bench, line: str) -> str:
    """Type a command and let the network answer (a zero activation delay is still the
    next turn of the reactor)."""
    b.port.send(f"AT{line}\r".encode())
    b.advance(0)
    return b.port.take()


def bench(*apns: ApnSpec) -> Bench:
    return Bench(network=NetworkSpec(apns=apns), registered=True, ip_network=True)


def internet(**changes) -> ApnSpec:
    return ApnSpec("internet", NET("10.70.0.0/24"), (ipaddress.IPv4Address("10.70.0.53"),),
                   **changes)


def test_activation_takes_the_apn_delay_and_uses_its_pool():
    b = bench(internet(activation_delay=1.5))
    assert b.at('+CGDCONT=1,"IP","internet";+CGEREP=1') == "\r\nOK\r\n"
    b.port.send(b"AT+CGACT=1,1\r")
    assert b.port.take() == ""
    b.advance(1.4)
    assert b.port.take() == ""
    b.advance(0.2)
    assert b.port.take() == "\r\nOK\r\n\r\n+CGEV: ME PDN ACT 1\r\n"
    assert b.at("+CGPADDR=1") == info('+CGPADDR: 1,"10.70.0.1"')
    [bearer] = b.ip_network.bearers("m1")
    assert bearer.address == "10.70.0.1"


def test_unknown_apn_is_refused_with_533():
    b = bench(internet())
    b.at('+CGDCONT=2,"IP","corporate"')
    assert at(b, "+CGACT=1,2") == cme(533)
    assert b.at("+CGACT?") == info("+CGACT: 2,0")


def test_wrong_credentials_and_network_failure_codes():
    b = bench(internet(user="u", password="p"))
    b.at('+CGDCONT=1,"IP","internet"')
    assert at(b, "+CGACT=1,1") == cme(149)
    failing = bench(internet(failure_probability=1.0))
    failing.at('+CGDCONT=1,"IP","internet"')
    assert at(failing, "+CGACT=1,1") == cme(134)


def test_deactivation_releases_the_bearer():
    b = bench(internet())
    b.at('+CGDCONT=1,"IP","internet"')
    assert at(b, "+CGACT=1,1") == "\r\nOK\r\n"
    assert len(b.ip_network.bearers("m1")) == 1
    assert b.at("+CGACT=0,1") == "\r\nOK\r\n"
    assert b.ip_network.bearers("m1") == []


def test_network_release_is_reported():
    b = bench(internet())
    b.at('+CGDCONT=1,"IP","internet";+CGEREP=1')
    at(b, "+CGACT=1,1")
    b.port.take()
    [bearer] = b.ip_network.bearers("m1")
    bearer.release(by_network=True)
    assert b.port.take() == urc("+CGEV: NW PDN DEACT 1")
    assert b.at("+CGACT?") == info("+CGACT: 1,0")


def test_detach_during_activation_ends_it():
    b = bench(internet(activation_delay=2))
    b.at('+CGDCONT=1,"IP","internet"')
    b.port.send(b"AT+CGACT=1,1\r")
    # The host detaches (+CGATT=0 on another channel) while the network is still answering.
    second = Port(b.modem, "p1")
    second.send(b"ATE0\r")
    assert second.send(b"AT+CGATT=0\r") == "\r\nOK\r\n"
    b.advance(3)
    assert b.port.take() == cme(148)
    assert b.ip_network.bearers("m1") == []


def test_packet_dial_connects_before_activating():
    b = bench(internet(activation_delay=1))
    b.at('+CGDCONT=1,"IP","internet"')
    assert b.port.send(b"ATD*99***1#\r").startswith("\r\nCONNECT\r\n")
    assert b.ip_network.bearers("m1") == []  # PPP first: tests/modem/test_ppp_dial.py


def test_default_network_accepts_any_apn():
    b = Bench(registered=True, ip_network=True)
    b.at('+CGDCONT=1,"IP","whatever"')
    assert at(b, "+CGACT=1,1") == "\r\nOK\r\n"
    assert b.at("+CGPADDR=1") == info('+CGPADDR: 1,"10.64.0.1"')
