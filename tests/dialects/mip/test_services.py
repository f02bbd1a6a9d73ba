"""+MIPDNS, +MPING/+MPINGSTAT and +MIPNTP over the lab network (003 §1.1.15-§1.1.22,
§3.6-§3.8)."""

import ipaddress

import pytest

from simulator.modem.storage import NVStore
from simulator.network.spec import (
    ApnSpec,
    HostSpec,
    IpNetworkSpec,
    LinksSpec,
    PingSpec,
    ServiceSpec,
)
from tests.dialects.mip.bench import LAB, OK, MipBench, cme, info, urc

DNS = ipaddress.IPv4Address("10.64.255.53")
HOSTS = (
    HostSpec("www.baidu.com", address=ipaddress.IPv4Address("180.97.33.107")),
    HostSpec("cn.pool.ntp.org", services=(ServiceSpec("ntp"),)),
    HostSpec("111.231.250.105", ping=PingSpec(rtt=0.25)),
    HostSpec("quiet.lab", ping=PingSpec(enabled=False)),
)
WORLD = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.34.7.211/32"), dns=(DNS,)),),
                      hosts=HOSTS, links=LinksSpec(default="ideal"))


def online(store=None) -> MipBench:
    bench = MipBench(ip=WORLD, store=store)
    bench.online()
    bench.at("+CMEE=1")
    return bench


def test_3_8_mipdns_answers_before_ok():
    bench = online()
    assert bench.at('+MIPDNS="www.baidu.com"') + bench.settle() == info(
        '+MIPDNS: "www.baidu.com",180.97.33.107')


def test_a_name_that_does_not_resolve_is_2002():
    bench = online()
    assert bench.at('+MIPDNS="nowhere.lab"') + bench.settle(10) == cme(2002)


def test_3_6_ping_reports_each_reply_then_the_summary():
    bench = online()
    assert bench.at('+MPING=1,"111.231.250.105"') == OK
    assert bench.settle(5) == urc(*['+MPING: "111.231.250.105",0,0,250'] * 4,
                                  '+MPINGSTAT: 0,"111.231.250.105",4,4,250')
    assert bench.at("+MPING?") == info("+MPING: 4,32,64,0,4000")


def test_a_host_that_does_not_answer_times_out_each_request():
    bench = online()
    assert bench.at('+MPING=1,"quiet.lab",2,64,32,0,500') == OK
    assert bench.settle(3) == urc("+MPINGSTAT: 1", "+MPINGSTAT: 1",
                                  '+MPINGSTAT: 0,"' + bench.modem.ip_network.resolve("quiet.lab")
                                  + '",2,0')
    assert bench.at("+MPING?") == info("+MPING: 2,64,32,0,500")


def test_one_ping_at_a_time_and_abort():
    bench = online()
    assert bench.at("+MPING=0") == cme(2029)
    assert bench.at('+MPING=1,"111.231.250.105",3') == OK
    assert bench.at('+MPING=1,"111.231.250.105"') == cme(2029)
    assert bench.at('+MPING=0,"111.231.250.105"') == cme(2000)
    assert bench.at("+MPING=0") == OK
    assert bench.settle(5) == ""  # aborted: nothing more, no +MPINGSTAT: 0
    assert bench.at("+MPING=0") == cme(2029)


@pytest.mark.parametrize("line", ["+MPING=1", '+MPING=1,""', '+MPING=1,"a",0',
                                  '+MPING=1,"a",1,1373', '+MPING=1,"a",1,1,0', "+MPING=2"])
def test_bad_ping_lines(line):
    assert online().at(line) == cme(2000)


def test_3_7_ntp_sets_the_clock_and_is_remembered():
    store = NVStore(None)
    bench = online(store)
    bench.at('+CCLK="30/01/01,00:00:00+00"')
    assert bench.at('+MIPNTP="cn.pool.ntp.org",123') + bench.settle() == OK + urc(
        "+MIPNTP: 1")
    assert bench.at("+CCLK?").startswith('\r\n+CCLK: "70/01/01,')  # the lab's time
    assert bench.at("+MIPNTP?") == info('+MIPNTP: "cn.pool.ntp.org",123')
    assert online(store).at("+MIPNTP?") == info('+MIPNTP: "cn.pool.ntp.org",123')


def test_ntp_from_a_host_without_the_service_fails():
    bench = online()
    bench.at('+CCLK="30/01/01,00:00:00+00"')
    assert bench.at('+MIPNTP="www.baidu.com",123') + bench.settle(40) == OK + urc(
        "+MIPNTP: 0")
    assert bench.at("+CCLK?").startswith('\r\n+CCLK: "30/01/01,')


def test_the_services_need_the_link():
    bench = MipBench(ip=LAB)
    bench.at("+CMEE=1")
    for line in ('+MIPDNS="echo.lab"', '+MPING=1,"echo.lab"', '+MIPNTP="echo.lab",123'):
        assert bench.at(line) == cme(2031)


def test_msdns_read_set_clear_and_the_services_slot():
    bench = online()
    assert bench.at("+MSDNS?") == info(*(f'+MSDNS: {i},"0.0.0.0","0.0.0.0"' for i in range(1, 8)))
    assert bench.at('+MSDNS=7,"192.0.2.99"') == OK  # nobody answers there
    assert bench.at('+MIPDNS="www.baidu.com"') + bench.settle(10) == cme(2002)
    assert bench.at('+MSDNS=7,"192.0.2.99","10.64.255.53"') == OK
    assert bench.at('+MIPDNS="www.baidu.com"') + bench.settle(10) == info(
        '+MIPDNS: "www.baidu.com",180.97.33.107')
    assert bench.at('+MSDNS=7,"10.64.255.53"') == OK  # the secondary stays
    assert bench.at("+MSDNS?").endswith(
        '+MSDNS: 7,"10.64.255.53","10.64.255.53"\r\n' + OK)
    assert bench.at("+MSDNS=7") == OK
    assert bench.at("+MSDNS?").endswith('+MSDNS: 7,"0.0.0.0","0.0.0.0"\r\n' + OK)


def test_a_socket_uses_its_own_servers_and_they_outlive_the_link():
    bench = online()
    assert bench.at('+MSDNS=2,"192.0.2.99"') == OK
    assert bench.at('+MIPOPEN=2,,"www.baidu.com",80,0') + bench.settle(61) == OK + urc(
        "+MIPSTAT: 2,1")
    bench.at("+MIPCALL=0")
    bench.online()
    assert '+MSDNS: 2,"192.0.2.99","0.0.0.0"' in bench.at("+MSDNS?")
    bench.modem.power_off()
    bench.modem.power_on()
    assert '+MSDNS: 2,"0.0.0.0","0.0.0.0"' in bench.at("+MSDNS?")


@pytest.mark.parametrize("line", ['+MSDNS=8', '+MSDNS=0', '+MSDNS=1,"1.2.3"',
                                  '+MSDNS=1,"a","b"', '+MSDNS=1,"1.1.1.1","2.2.2.2","3.3.3.3"'])
def test_bad_msdns_lines(line):
    assert online().at(line) == cme(2000)
