"""+WIPBR acquires its bearers through the modem's services (GprsService for bid 6,
DialupService for bid 5) with the bearer options as their parameters, and no other way."""

from simulator.modem.dialup import Answering, DialupService, PppClient, PppServer
from simulator.modem.gprs import GprsService
from simulator.ppp import AuthProtocol
from tests.dialects.wip.bench import OK
from tests.dialects.wip.test_gsm_bearer import A_NUMBER, B_NUMBER, ISP, Lab, client
from tests.dialects.wip.test_wipbr import started
from tests.modem.bench import spy


def test_the_gprs_bearer_is_activated_and_released_by_the_gprs_service():
    bench = started()
    gprs = bench.modem.service(GprsService)
    activations, releases = spy(gprs, "activate"), spy(gprs, "release")
    for line in ("+WIPBR=1,6", '+WIPBR=2,6,11,"corporate"', '+WIPBR=2,6,0,"login"',
                 '+WIPBR=2,6,1,"password"'):
        assert bench.at(line) == OK
    bench.port.send(b"AT+WIPBR=4,6,0\r")
    bench.advance(0)
    assert bench.port.take() == OK
    assert activations == [("corporate", "login", "password")]
    [bearer] = bench.network.bearers("wip1")
    assert bench.at("+WIPBR=5,6") == OK
    assert releases == [(bearer,)]


def test_the_gsm_client_dials_through_the_dialup_service():
    lab = Lab()
    dials = spy(lab.a.modem.service(DialupService), "dial")
    assert client(lab, lab.a, ISP, **{"8": 0}) == OK
    assert dials == [(ISP, PppClient("user", "secret", auth=(AuthProtocol.PAP,)))]


def test_the_gsm_server_waits_through_the_dialup_service():
    lab = Lab()
    serves = spy(lab.b.modem.service(DialupService), "serve")
    assert lab.b.at("+WIPBR=2,5,5,1") == OK
    assert lab.b.at('+WIPBR=2,5,15,"10.1.1.1"') == OK
    assert lab.b.at(f'+WIPBR=4,5,1,"wip","pw","{A_NUMBER}"') == OK
    both = (AuthProtocol.CHAP, AuthProtocol.PAP)
    assert serves == [(PppServer("10.1.1.1", "192.168.0.2", peer_may_choose=True,
                                 logins={"wip": "pw"}, auth=both, name="wip"),
                       Answering(caller=A_NUMBER, rings=1))]
    assert client(lab, lab.a, B_NUMBER, login="wip", password="pw") == ""  # one ring
    lab.settle(5)
    assert lab.a.take() == OK
    assert lab.b.take().startswith("\r\n+WIPBR: 5,0,10.1.1.1,")
