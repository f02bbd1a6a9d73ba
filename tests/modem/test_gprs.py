"""GprsService on a task.Clock with the simulated network: what a dialect gets when it asks
for a GPRS bearer, each failure reason, release and loss, and +CGACT going through it."""

import ipaddress

import pytest
from twisted.internet import defer

from simulator.modem.gprs import GprsError, GprsFailure, GprsService
from simulator.modem.network import NetworkService
from simulator.scenario.model import ApnSpec, NetworkSpec, SimSpec
from tests.modem.bench import OK, Bench, spy
from tests.network.helpers import result_of

NET = ipaddress.IPv4Network


def internet(**changes) -> ApnSpec:
    return ApnSpec("internet", NET("10.70.0.0/24"), (ipaddress.IPv4Address("10.70.0.53"),),
                   **changes)


def bench(*apns: ApnSpec, **options) -> Bench:
    options.setdefault("registered", True)
    options.setdefault("ip_network", True)
    return Bench(network=NetworkSpec(apns=apns or (internet(),)), **options)


def gprs(b: Bench) -> GprsService:
    return b.modem.service(GprsService)


def refused(b: Bench, d: defer.Deferred) -> GprsFailure:
    b.advance(0)
    failure = result_of(d)
    assert failure.check(GprsError), failure
    return failure.value.reason


def test_activation_gives_the_networks_bearer_after_the_apn_delay():
    b = bench(internet(activation_delay=2.0))
    d = gprs(b).activate("internet")
    b.advance(1.9)
    assert not d.called
    b.advance(0.1)
    bearer = result_of(d)
    assert bearer.address == "10.70.0.1"
    assert bearer.dns == ("10.70.0.53",)
    assert b.ip_network.bearers("m1") == [bearer]


def test_activation_attaches_first_unless_told_not_to():
    b = bench()
    b.modem.service(NetworkService).detach()
    with pytest.raises(GprsError) as raised:
        gprs(b).activate("internet", attach=False)
    assert raised.value.reason is GprsFailure.NOT_ATTACHED
    d = gprs(b).activate("internet")
    network = b.modem.service(NetworkService)
    # The network's attach procedure comes first: network.registration.attach_time.
    b.advance(0.49)
    assert not network.ps_attached and not d.called
    b.advance(0.01)
    assert network.ps_attached
    b.advance(0)
    assert result_of(d).address == "10.70.0.1"


def test_an_attach_abandoned_fails_the_activation_waiting_for_it():
    b = bench()
    network = b.modem.service(NetworkService)
    network.detach()
    d = gprs(b).activate("internet")
    network.detach()
    failure = result_of(d)
    assert failure.check(GprsError) and failure.value.reason is GprsFailure.NOT_ATTACHED
    assert not network.ps_attached


@pytest.mark.parametrize("options, reason", [
    ({"ip_network": False}, GprsFailure.NO_NETWORK),
    ({"registered": False}, GprsFailure.NOT_REGISTERED),
    ({"sim": SimSpec(present=False)}, GprsFailure.SIM_NOT_INSERTED),
    ({"sim": SimSpec(pin="1234")}, GprsFailure.SIM_NOT_READY),
])
def test_what_forbids_asking_is_raised_at_once(options, reason):
    b = bench(**options)
    with pytest.raises(GprsError) as raised:
        gprs(b).activate("internet")
    assert raised.value.reason is reason


@pytest.mark.parametrize("apn, credentials, reason", [
    (internet(), ("corporate", None, None), GprsFailure.UNKNOWN_APN),
    (internet(user="u", password="p"), ("internet", "u", "wrong"), GprsFailure.AUTH_FAILED),
    (internet(failure_probability=1.0), ("internet", None, None),
     GprsFailure.NETWORK_FAILURE),
])
def test_the_networks_refusals(apn, credentials, reason):
    b = bench(apn)
    assert refused(b, gprs(b).activate(*credentials)) is reason
    assert b.ip_network.bearers("m1") == []


def test_right_credentials_are_accepted():
    b = bench(internet(user="u", password="p"))
    d = gprs(b).activate("internet", "u", "p")
    b.advance(0)
    assert result_of(d).address == "10.70.0.1"


def test_an_exhausted_pool_gives_no_address():
    # A /30 has two host addresses, one of them the name server.
    b = bench(ApnSpec("internet", NET("10.70.0.0/30"), (ipaddress.IPv4Address("10.70.0.2"),)))
    first = gprs(b).activate("internet")
    b.advance(0)
    assert result_of(first).address == "10.70.0.1"
    assert refused(b, gprs(b).activate("internet")) is GprsFailure.NO_ADDRESS


def test_cancelling_abandons_the_activation():
    b = bench(internet(activation_delay=5.0))
    d = gprs(b).activate("internet")
    d.cancel()
    assert refused(b, d) is GprsFailure.CANCELLED
    b.advance(10)
    assert b.ip_network.bearers("m1") == []


def test_release_is_not_a_loss_but_the_networks_release_is():
    b = bench()
    service = gprs(b)
    first, second = service.activate("internet"), service.activate("internet")
    b.advance(0)
    kept, dropped = result_of(first), result_of(second)
    lost = []
    service.on_lost(kept, lost.append)
    service.on_lost(dropped, lost.append)
    service.release(kept)
    assert not kept.active
    assert lost == []
    dropped.release(by_network=True)
    assert lost == [dropped]
    assert b.ip_network.bearers("m1") == []


def test_cgact_and_the_packet_dial_go_through_the_service():
    b = bench()
    activations = spy(gprs(b), "activate")
    releases = spy(gprs(b), "release")
    assert b.at('+CGDCONT=1,"IP","internet"') == OK
    b.port.send(b"AT+CGACT=1,1\r")
    b.advance(0)
    assert b.port.take() == OK
    assert activations == [("internet", None, None)]
    [bearer] = b.ip_network.bearers("m1")
    assert b.at("+CGACT=0,1") == OK
    assert releases == [(bearer,)]
    # The dial activates only once the host's PPP authenticated (tests/modem/test_ppp_dial.py).
    assert b.port.send(b"ATD*99***1#\r").startswith("\r\nCONNECT\r\n")
    assert activations == [("internet", None, None)]


def test_cgact_answers_30_while_the_service_finds_no_registration():
    b = bench(registered=False)
    activations = spy(gprs(b), "activate")
    b.at('+CGDCONT=1,"IP","internet"')
    assert b.at("+CGACT=1,1") == "\r\n+CME ERROR: 30\r\n"
    assert activations == [("internet", None, None)]
