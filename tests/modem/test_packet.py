"""Packet domain: attach, context definitions, activation with addresses, +CGEV, dialling."""

from simulator.modem.network import NetworkService
from tests.modem.bench import (
    DELAY,
    NO_CARRIER,
    OK,
    Bench,
    cme,
    info,
    urc,
)

#: The default network.registration.attach_time.
ATTACH_TIME = 0.5


def registered(**kwargs) -> Bench:
    bench = Bench(registered=True, **kwargs)
    bench.at("+CGEREP=1")
    return bench


def test_cgatt_detach_and_attach_with_cgreg_urcs():
    bench = registered()
    assert bench.at("+CGREG=1") == OK
    assert bench.at("+CGATT?") == info("+CGATT: 1")  # attached automatically
    assert bench.at("+CGATT=0") == OK + urc("+CGEV: ME DETACH", "+CGREG: 0")
    assert bench.at("+CGATT?") == info("+CGATT: 0")
    assert bench.at("+CGREG?") == info("+CGREG: 1,0")
    assert bench.at("+CREG?") == info("+CREG: 0,1")  # circuit-switched stays registered
    # The attach is the network's procedure: searching for its attach time, then
    # registered (27.007 §7.2 <stat> 2 "trying to attach").
    assert bench.at("+CGATT=1") == OK + urc("+CGREG: 2")
    assert bench.at("+CGATT?") == info("+CGATT: 0")
    assert bench.at("+CGATT=1") == OK  # under way: nothing more happens
    bench.advance(ATTACH_TIME)
    assert bench.port.take() == urc("+CGREG: 1")
    assert bench.at("+CGATT=1") == OK  # already attached: nothing happens
    assert bench.at("+CGATT=?") == info("+CGATT: (0,1)")


def test_a_detached_mt_stays_detached_through_a_reregistration():
    bench = registered()
    assert bench.at("+CGATT=0") == OK + urc("+CGEV: ME DETACH")
    assert bench.at("+CFUN=4;+CFUN=1") == OK
    bench.advance(DELAY)
    assert bench.at("+CGATT?") == info("+CGATT: 0")


def test_cgatt_without_service():
    bench = Bench()
    assert bench.at("+CGATT=1") == cme(30)
    bench.advance(DELAY)
    assert bench.at("+CGATT?") == info("+CGATT: 1")


def test_cgdcont_define_read_undefine():
    bench = registered()
    assert bench.at("+CGDCONT?") == OK
    assert bench.at('+CGDCONT=1,"IP","internet"') == OK
    assert bench.at('+CGDCONT=3,"ipv4v6","m2m.example","",0,1') == OK
    assert bench.at("+CGDCONT?") == info(
        '+CGDCONT: 1,"IP","internet","",0,0', '+CGDCONT: 3,"IPV4V6","m2m.example","",0,1')
    assert bench.at("+CGDCONT=3") == OK
    assert bench.at("+CGDCONT?") == info('+CGDCONT: 1,"IP","internet","",0,0')


def test_cgdcont_test_form():
    assert Bench().at("+CGDCONT=?") == info(
        '+CGDCONT: (1-16),"IP",,,(0-3),(0-4)', '+CGDCONT: (1-16),"IPV6",,,(0-3),(0-4)',
        '+CGDCONT: (1-16),"IPV4V6",,,(0-3),(0-4)', '+CGDCONT: (1-16),"PPP",,,(0-3),(0-4)')


def test_cgact_activates_with_addresses_and_events():
    bench = registered(n=3)
    bench.at('+CGDCONT=1,"IP","internet"')
    bench.at('+CGDCONT=2,"IPV4V6","v6"')
    assert bench.at("+CGPADDR") == info("+CGPADDR: 1", "+CGPADDR: 2")
    assert bench.at("+CGACT=1,1") == OK + urc("+CGEV: ME PDN ACT 1")
    assert bench.at("+CGACT?") == info("+CGACT: 1,1", "+CGACT: 2,0")
    assert bench.at("+CGPADDR=1") == info('+CGPADDR: 1,"10.64.0.33"')
    assert bench.at("+CGACT=1") == OK + urc("+CGEV: ME PDN ACT 2")  # every defined context
    assert bench.at("+CGPADDR=2") == info(
        '+CGPADDR: 2,"10.64.0.34","253.0.10.117.0.0.0.0.0.0.0.0.0.3.0.2"')
    assert bench.at("+CGPADDR=?") == info("+CGPADDR: (1,2)")
    assert bench.at("+CGACT=0,1") == OK + urc("+CGEV: ME PDN DEACT 1")
    assert bench.at("+CGPADDR=1") == info("+CGPADDR: 1")
    assert bench.at("+CGACT=0,1") == OK  # already inactive: no event


def test_static_address_is_granted():
    bench = registered()
    bench.at('+CGDCONT=1,"IP","internet","10.1.2.3"')
    assert bench.at("+CGPADDR=1") == info('+CGPADDR: 1,"10.1.2.3"')
    assert bench.at("+CGACT=1,1") == OK + urc("+CGEV: ME PDN ACT 1")
    assert bench.at("+CGPADDR=1") == info('+CGPADDR: 1,"10.1.2.3"')


def test_activation_attaches_first():
    bench = registered()
    bench.at('+CGDCONT=1,"IP","internet"')
    bench.at("+CGATT=0")
    bench.port.take()
    # 27.007 §10.1.10: the MT attaches first; the answer waits for the attach.
    assert bench.at("+CGACT=1,1") == ""
    bench.advance(ATTACH_TIME)
    assert bench.port.take() == OK + urc("+CGEV: ME PDN ACT 1")
    assert bench.at("+CGATT?") == info("+CGATT: 1")


def test_an_activation_waiting_for_the_attach_fails_when_the_network_is_lost():
    bench = registered()
    bench.at('+CGDCONT=1,"IP","internet"')
    bench.at("+CGATT=0")
    assert bench.at("+CGACT=1,1") == ""
    bench.modem.service(NetworkService).lose_network()
    assert bench.port.take().startswith(cme(30))
    assert bench.at("+CGACT?") == info("+CGACT: 1,0")


def test_detach_drops_contexts_with_one_event():
    bench = registered()
    bench.at('+CGDCONT=1,"IP","internet"')
    bench.at("+CGACT=1,1")
    assert bench.at("+CGATT=0") == OK + urc("+CGEV: ME DETACH")
    assert bench.at("+CGACT?") == info("+CGACT: 1,0")


def test_radio_off_drops_contexts():
    bench = registered()
    bench.at('+CGDCONT=1,"IP","internet"')
    bench.at("+CGACT=1,1")
    assert bench.at("+CFUN=4") == OK + urc("+CGEV: ME DETACH")
    assert bench.at("+CGACT?") == info("+CGACT: 1,0")
    assert bench.at("+CGACT=1,1") == cme(30)


def test_activation_errors():
    bench = registered()
    assert bench.at("+CGACT=1,5") == cme(3)  # not defined
    bench.at('+CGDCONT=1,"IP","internet"')
    bench.at("+CGACT=1,1")
    assert bench.at('+CGDCONT=1,"IP","other"') == cme(3)  # active: deactivate first
    assert bench.at("+CGDCONT=1") == cme(3)
    assert bench.at("+CGDCONT?") == info('+CGDCONT: 1,"IP","internet","",0,0')


def test_activation_needs_the_sim():
    from simulator.scenario.model import SimSpec

    bench = Bench(sim=SimSpec(pin="1234"))
    bench.at('+CGDCONT=1,"IP","internet"')
    assert bench.at("+CGACT=1,1") == cme(11)
    assert bench.at("D*99***1#") == cme(11)


def test_events_only_where_cgerep_asks():
    bench = Bench(registered=True, ports=3)
    one, two, zero = bench.ports
    assert one.at("+CGEREP=1") == OK
    assert two.at("+CGEREP=2,0") == OK
    assert one.at("+CGEREP?") == info("+CGEREP: 1,0")
    assert zero.at("+CGEREP=?") == info("+CGEREP: (0,1,2),(0)")
    zero.at('+CGDCONT=1,"IP","internet"')
    assert zero.at("+CGACT=1,1") == OK
    assert one.take() == urc("+CGEV: ME PDN ACT 1")
    assert two.take() == urc("+CGEV: ME PDN ACT 1")


CONNECT = "\r\nCONNECT\r\n"


def test_gprs_dial_connects_and_starts_ppp():
    bench = registered()
    assert bench.at('+CGDCONT=1,"IP","internet"') == OK
    answer = bench.at("D*99***1#")
    # CONNECT, then the server's first LCP Configure-Request (a frame starting 7E FF 7D 23 C0 21).
    assert answer.startswith(CONNECT + "~\xff}#\xc0!")
    # The context waits for the host's PPP (tests/modem/test_ppp_dial.py).
    assert bench.ports[0].interpreter.mode.value == "data"


def test_gprs_dial_forms():
    for dial in ("D*99#", "D*99***2#", "D*99**PPP*2#", "D*99**1*2#", "D*98*2#"):
        bench = registered()
        bench.at('+CGDCONT=2,"IP","internet"')
        assert bench.at(dial).startswith(CONNECT), dial
    bench = registered()
    assert bench.at("D*99***7#") == cme(3)
    assert bench.at("D*99**X25*2#") == cme(4)


def test_gprs_dial_without_service_is_no_carrier():
    bench = Bench()
    bench.at('+CGDCONT=1,"IP","internet"')
    assert bench.at("D*99***1#") == NO_CARRIER
    assert bench.at("+CGACT?") == info("+CGACT: 1,0")


def test_other_numbers_and_answer():
    bench = registered()
    assert bench.at("D+15551230000") == NO_CARRIER
    assert bench.at("D+15551230000;") == NO_CARRIER
    assert bench.at("A") == NO_CARRIER
    assert bench.at("") == OK
