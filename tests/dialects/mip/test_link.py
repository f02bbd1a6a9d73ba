"""+MIPCALL (003 §1.1.1): the link's states, its refusals, and the network dropping it."""

import ipaddress

from simulator.dialects.mip.service import MipService
from simulator.network.spec import ApnSpec, IpNetworkSpec, LinksSpec
from simulator.scenario.model import SimSpec
from tests.dialects.mip.bench import ERROR, LAB, OK, MipBench, cme, info, urc

SLOW = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.34.7.0/24"),
                                   activation_delay=5.0),), links=LinksSpec(default="ideal"))
GUARDED = IpNetworkSpec(apns=(ApnSpec("secure", ipaddress.IPv4Network("10.34.8.0/24"),
                                      user="u", password="p"),),
                        links=LinksSpec(default="ideal"))


def test_the_link_is_busy_while_the_context_activates():
    bench = MipBench(ip=SLOW)
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 0")
    assert bench.at('+MIPCALL=1,"CTNET"') == OK
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 2")
    assert bench.at('+MIPCALL=1,"CTNET"') == ERROR  # no second +MIPCALL before the first ends
    assert bench.settle(5.1) == urc("+MIPCALL: 10.34.7.1")
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 1,10.34.7.1")


def test_closing_reports_zero_after_ok():
    bench = MipBench()
    bench.online()
    assert bench.at("+MIPCALL=0") == OK + urc("+MIPCALL: 0")
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 0")


def test_a_refused_activation_is_zero_after_ok():
    bench = MipBench(ip=GUARDED)
    assert bench.at('+MIPCALL=1,"secure","u","wrong"') + bench.settle() == (
        OK + urc("+MIPCALL: 0"))
    assert bench.at('+MIPCALL=1,"secure","u","p"') + bench.settle() == (
        OK + urc("+MIPCALL: 10.34.8.1"))


def test_auth_zero_sends_no_credentials():
    bench = MipBench(ip=GUARDED)
    assert bench.at('+MIPCALL=1,"secure","u","p",0') + bench.settle() == (
        OK + urc("+MIPCALL: 0"))


def test_without_an_apn_the_cgdcont_context_gives_it():
    bench = MipBench()
    bench.at("+CMEE=1")
    assert bench.at("+MIPCALL=1") == cme(2009)
    assert bench.at('+CGDCONT=1,"IP","CTNET"') == OK
    assert bench.at("+MIPCALL=1") + bench.settle() == OK + urc("+MIPCALL: 10.34.7.211")
    bench.at("+MIPCALL=0")
    assert bench.at("+MIPCALL=1,1") + bench.settle() == OK + urc("+MIPCALL: 10.34.7.211")
    bench.at("+MIPCALL=0")
    assert bench.at("+MIPCALL=1,2") == cme(2009)


def test_the_network_dropping_the_context_breaks_the_sockets_then_the_link():
    bench = MipBench()
    bench.online()
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.at('+MIPOPEN=2,,"111.231.250.105",5000,1')
    bench.settle()
    bench.modem.service(MipService).stack.link.bearer.release(by_network=True)
    assert bench.settle() == urc("+MIPSTAT: 1,1", "+MIPSTAT: 2,1", "+MIPCALL: 0")
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 0")
    assert bench.at("+MIPOPEN?") == info("+MIPOPEN: 1 2 3 4 5 6")


def test_closing_a_link_that_is_down_and_bad_operations():
    bench = MipBench()
    assert bench.at("+MIPCALL=0") == ERROR
    bench.at("+CMEE=2")
    assert bench.at("+MIPCALL=0") == "\r\n+CME ERROR: TCPIP mipcall not active\r\n"
    bench.at("+CMEE=1")
    assert bench.at("+MIPCALL=2") == cme(2000)
    assert bench.at("+MIPCALL=0,1") == cme(2000)
    assert bench.at('+MIPCALL=1,"CTNET","user"') == cme(2000)
    assert bench.at('+MIPCALL=1,"' + "a" * 100 + '"') == cme(2000)
    assert bench.at("+MIPCALL=?") == info("+MIPCALL: (0-1)")


def test_the_link_needs_the_sim_and_the_network():
    bench = MipBench(sim=SimSpec(pin="1234"))
    bench.at("+CMEE=1")
    assert bench.at('+MIPCALL=1,"CTNET"') == cme(11)
    unregistered = MipBench(registered=False)
    unregistered.at("+CMEE=1")
    assert unregistered.at('+MIPCALL=1,"CTNET"') == cme(30)


def test_the_dialect_is_an_lte_module():
    bench = MipBench(ip=LAB)
    assert bench.at("+CGMI") == info("Fibocom Wireless Inc.")
    assert bench.at("+CGMM") == info("NL668-EU")
    assert bench.at("+COPS?") == info('+COPS: 0,0,"CHN-CT",7')
    assert bench.at("+CEREG?") == info("+CEREG: 0,1")
