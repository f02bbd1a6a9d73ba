"""The GSM bearer (bid 5) with PPP over data calls: a client logging in to an ``isp:``
number, two WIP modems (one a GSM server) exchanging TCP and UDP over their call, the
manual's codes for each failure, and the +WIPBR server URC."""

import ipaddress
import random

import pytest
from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.calls import NO_ANSWER_TIMEOUT
from simulator.network.spec import (
    HostSpec,
    IpNetworkSpec,
    IspSpec,
    LinksSpec,
    NumberSpec,
    ServiceSpec,
)
from simulator.scenario.model import ModemSpec, NetworkSpec
from tests.dialects.wip.bench import OK, cme, info, urc
from tests.modem.bench import Port

ISP = "0800"
A_NUMBER, B_NUMBER = "+33611111111", "+33622222222"
ECHO = HostSpec("echo.lab", address=ipaddress.IPv4Address("192.0.2.7"),
                services=(ServiceSpec("echo"),))


class Wip:
    """One WIP modem of the lab, its first port, +CMEE=1, the stack started."""

    def __init__(self, lab, name: str, msisdn: str, revision: str | None) -> None:
        self.lab = lab
        spec = ModemSpec(name=name, n=1, dialect="wip", msisdn=msisdn, revision=revision)
        lab.network.attach(spec, random.Random(name))
        self.modem = Modem(spec, simulator.dialects.get("wip"), lab.network_spec, lab.clock,
                           random.Random(name), NVStore(None), ip_network=lab.network)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0+CMEE=1\r")
        self.modem.power_on()

    def at(self, line: str) -> str:
        answer = self.port.at(line)
        self.lab.clock.advance(0)
        return answer + self.port.take()

    def take(self) -> str:
        return self.port.take()


class Lab:
    """WIP modems a and b on one network with an ISP and a lab echo host, on a task.Clock."""

    def __init__(self, revision_a: str | None = None,
                 revision_b: str | None = None) -> None:
        self.clock = Clock()
        self.network_spec = NetworkSpec()
        ip = IpNetworkSpec(numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),),
                           hosts=(ECHO,),
                           links=LinksSpec(default="ideal"))
        self.network = Network(ip, clock=self.clock, lab_listen=False)
        self.network.startService()
        self.a = Wip(self, "wip-a", A_NUMBER, revision_a)
        self.b = Wip(self, "wip-b", B_NUMBER, revision_b)
        self.clock.advance(self.network_spec.registration.delay)
        for modem in (self.a, self.b):
            modem.take()
            assert modem.at("+WIPCFG=1") == OK
            assert modem.at("+WIPBR=1,5") == OK

    def settle(self, seconds: float, step: float = 0.05) -> None:
        for _ in range(round(seconds / step)):
            self.clock.advance(step)


def client(lab: Lab, modem: Wip, number: str, login="user", password="secret", **options):
    for line in (f'+WIPBR=2,5,2,"{number}"', f'+WIPBR=2,5,0,"{login}"',
                 f'+WIPBR=2,5,1,"{password}"',
                 *(f"+WIPBR=2,5,{n},{v}" for n, v in options.items())):
        assert modem.at(line) == OK, line
    answer = modem.at("+WIPBR=4,5,0")
    lab.settle(8)
    return answer + modem.take()


def option(modem: Wip, number: int) -> str:
    answer = modem.at(f"+WIPBR=3,5,{number}")
    assert answer.endswith(OK)
    return answer.split(",", 2)[2].split("\r")[0].strip('"')


# -- a client dialling an ISP ---------------------------------------------------------------


def test_a_client_logs_in_to_the_isp_and_reaches_the_lab():
    lab = Lab()
    assert client(lab, lab.a, ISP) == OK
    assert lab.a.at("+WIPBR?") == info("5,1")
    local = ipaddress.IPv4Address(option(lab.a, 15))
    assert local in ipaddress.IPv4Network("100.64.0.0/16")
    assert option(lab.a, 16) == "100.64.0.1"  # the ISP's end of the PPP link
    assert option(lab.a, 17) == "100.64.0.1" and option(lab.a, 18) == "0.0.0.0"
    assert lab.a.at('+WIPCREATE=2,1,"echo.lab",7') == OK  # resolved by the ISP's DNS
    lab.settle(3)
    assert lab.a.take() == urc("+WIPREADY: 2,1")
    assert lab.a.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    lab.a.port.send(b"over a 9600 bit/s call")
    lab.settle(2)
    assert lab.a.take() == "over a 9600 bit/s call"


def test_the_call_takes_the_time_of_the_link():
    lab = Lab()
    for line in (f'+WIPBR=2,5,2,"{ISP}"', '+WIPBR=2,5,0,"user"', '+WIPBR=2,5,1,"secret"'):
        lab.a.at(line)
    assert lab.a.at("+WIPBR=4,5,0") == ""
    lab.settle(2.5)  # the call is set up after 2 s; PPP has not finished yet
    assert lab.a.take() == ""
    lab.settle(4)
    assert lab.a.take() == OK


@pytest.mark.parametrize(("options", "code"), [
    ({"password": "wrong"}, 814),
    ({"login": "nobody"}, 814),
    ({"7": 0, "8": 0}, 816),  # refusing to authenticate: the ISP terminates the link
])
def test_isp_login_failures(options, code):
    lab = Lab()
    numbered = {k: v for k, v in options.items() if k.isdigit()}
    named = {k: v for k, v in options.items() if not k.isdigit()}
    assert client(lab, lab.a, ISP, **named, **numbered) == cme(code)
    assert lab.a.at("+WIPBR?") == info("5,0")
    assert option(lab.a, 15) == "0.0.0.0"
    assert lab.network.bearers("wip-a") == []
    assert not lab.network.calls.in_call("wip-a")  # hung up


@pytest.mark.parametrize("allowed", [{"8": 0}, {"7": 0}])
def test_pap_only_and_chap_only_both_log_in(allowed):
    lab = Lab()
    assert client(lab, lab.a, ISP, **allowed) == OK


def test_own_name_servers_without_setdns():
    lab = Lab()
    assert client(lab, lab.a, ISP, **{"19": 0, "17": '"192.0.2.53"'}) == OK
    assert option(lab.a, 17) == "192.0.2.53"


def test_stopping_terminates_ppp_and_hangs_up():
    lab = Lab()
    client(lab, lab.a, ISP)
    assert lab.a.at("+WIPBR=5,5") == OK
    assert lab.a.at("+WIPBR?") == info("5,0")
    assert lab.network.bearers("wip-a") == []
    lab.settle(2)
    assert not lab.network.calls.in_call("wip-a")
    assert client(lab, lab.a, ISP) == OK  # and it starts again


def test_the_call_dropping_stops_the_bearer():
    lab = Lab()
    client(lab, lab.a, ISP)
    assert lab.a.at('+WIPCREATE=2,1,"192.0.2.7",7') == OK
    lab.settle(2)
    lab.a.take()
    [session] = lab.network.calls.isps[ISP].sessions
    session.link.transport.loseConnection()  # the ISP hangs up
    lab.settle(1)
    assert lab.a.at("+WIPBR?") == info("5,0")
    assert lab.a.at("+WIPCREATE=2,2,\"192.0.2.7\",7") == cme(803)


def test_a_start_stopped_from_another_port_answers_803():
    lab = Lab()
    other = Port(lab.a.modem, "uart2")
    other.send(b"ATE0+CMEE=1\r")
    for line in (f'+WIPBR=2,5,2,"{ISP}"', '+WIPBR=2,5,0,"user"', '+WIPBR=2,5,1,"secret"'):
        lab.a.at(line)
    assert lab.a.at("+WIPBR=4,5,0") == ""
    lab.settle(3)  # the call is up, PPP is negotiating
    assert other.at("+WIPBR=5,5") == OK
    lab.settle(0.1)
    assert lab.a.take() == cme(803)
    lab.settle(2)
    assert not lab.network.calls.in_call("wip-a")


# -- call failures --------------------------------------------------------------------------


def test_busy_no_answer_and_unknown_numbers():
    lab = Lab()
    # b rejects the call (ATH while it rings): busy.
    for line in (f'+WIPBR=2,5,2,"{B_NUMBER}"',):
        lab.a.at(line)
    assert lab.a.at("+WIPBR=4,5,0") == ""
    lab.settle(2.5)
    assert "RING" in lab.b.take()
    assert lab.b.at("H") == OK
    lab.settle(0.5)
    assert lab.a.take() == cme(807)
    # Nobody answers: no answer after the network's ringing time.
    assert lab.a.at("+WIPBR=4,5,0") == ""
    lab.settle(2 + NO_ANSWER_TIMEOUT + 1, step=0.5)
    assert lab.a.take() == cme(808)
    lab.b.at("H")
    # An unknown number: no carrier.
    assert client(lab, lab.a, "+1555") == cme(809)


# -- two WIP modems, one a GSM server -------------------------------------------------------


def serve(lab: Lab, *params: str, **options) -> None:
    for n, v in options.items():
        assert lab.b.at(f"+WIPBR=2,5,{n.lstrip('o')},{v}") == OK
    assert lab.b.at("+WIPBR=4,5,1," + ",".join(f'"{p}"' for p in params)) == OK


def test_two_modems_open_a_gsm_link_and_exchange_tcp_and_udp():
    lab = Lab()
    serve(lab, "wip", "pw")
    assert lab.b.at("+WIPBR?") == info("5,1")  # started: waiting for a call
    assert client(lab, lab.a, B_NUMBER, login="wip", password="pw") == OK
    assert lab.b.take() == urc("+WIPBR: 5,0,192.168.0.1,192.168.0.2,0.0.0.0,0.0.0.0")
    assert (option(lab.a, 15), option(lab.a, 16)) == ("192.168.0.2", "192.168.0.1")
    assert (option(lab.b, 15), option(lab.b, 16)) == ("192.168.0.1", "192.168.0.2")
    # TCP: b listens, a connects across the call.
    assert lab.b.at("+WIPCREATE=3,1,80,1,2") == OK
    assert lab.a.at('+WIPCREATE=2,1,"192.168.0.1",80') == OK
    lab.settle(2)
    assert lab.a.take() == urc("+WIPREADY: 2,1")
    assert lab.b.take() == urc("+WIPACCEPT: 1,1")
    assert lab.a.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    lab.a.port.send(b"hello b")
    lab.settle(2)
    assert lab.b.take() == urc("+WIPDATA: 2,1,7")
    assert lab.b.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\nhello b"
    lab.b.port.send(b"hello a")
    lab.settle(2)
    assert lab.a.take() == "hello a"
    # UDP both ways on the same link.
    lab.settle(1.5)
    for modem in (lab.a, lab.b):
        modem.port.send(b"+++")
    lab.settle(1.5)
    assert lab.a.take() == OK and lab.b.take() == OK
    assert lab.b.at("+WIPCREATE=1,1,5000") == OK + urc("+WIPREADY: 1,1")
    assert lab.a.at('+WIPCREATE=1,1,6000,"192.168.0.1",5000') == OK + urc("+WIPREADY: 1,1")
    assert lab.a.at("+WIPDATA=1,1,1") == "\r\nCONNECT\r\n"
    lab.a.port.send(b"datagram\x03")
    lab.settle(2)
    assert lab.b.take() == urc('+WIPDATA: 1,1,8,"192.168.0.2",6000')
    # The link is point to point: nothing else is reachable over it.
    answer = lab.b.at('+WIPCREATE=2,3,"192.0.2.7",7')
    lab.settle(2)
    assert answer + lab.b.take() == OK + cme(842)


def test_server_addresses_and_name_servers_from_the_options():
    lab = Lab()
    serve(lab, "wip", "pw", o15='"10.1.1.1"', o16='"10.1.1.2"', o17='"10.1.1.53"')
    assert client(lab, lab.a, B_NUMBER, login="wip", password="pw") == OK
    assert lab.b.take() == urc("+WIPBR: 5,0,10.1.1.1,10.1.1.2,10.1.1.53,0.0.0.0")
    assert option(lab.a, 15) == "10.1.1.2" and option(lab.a, 17) == "10.1.1.53"


def test_001_4_2_6_gsm_example_between_two_modems():
    """The manual's GSM sequence: the client sets 15 and 16 before starting, and reads them
    back once connected (001 §4.2.6); the server it calls has 2.2.2.2 and takes the client's
    own address."""
    lab = Lab()
    serve(lab, "login", "password", o15='"2.2.2.2"')
    a = lab.a
    assert a.at('+WIPBR=2,5,0,"login"') == OK
    assert a.at('+WIPBR=2,5,1,"password"') == OK
    assert a.at(f'+WIPBR=2,5,2,"{B_NUMBER}"') == OK
    assert a.at('+WIPBR=2,5,15,"1.1.1.1"') == OK
    assert a.at('+WIPBR=2,5,16,"2.2.2.2"') == OK
    assert a.at("+WIPBR=3,5,15") == info('+WIPBR: 5,15,"0.0.0.0"')
    assert a.at("+WIPBR=3,5,16") == info('+WIPBR: 5,16,"0.0.0.0"')
    answer = a.at("+WIPBR=4,5,0")
    lab.settle(8)
    assert answer + a.take() == OK
    assert a.at("+WIPBR=3,5,15") == info('+WIPBR: 5,15,"1.1.1.1"')
    assert a.at("+WIPBR=3,5,16") == info('+WIPBR: 5,16,"2.2.2.2"')
    assert a.at("+WIPBR=5,5") == OK
    assert a.at("+WIPBR=0,5") == OK


def test_server_checks_the_login():
    lab = Lab()
    serve(lab, "wip", "pw")
    assert client(lab, lab.a, B_NUMBER, login="wip", password="nope") == cme(814)
    assert lab.b.take() == urc("+WIPBR: 5,814,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0")
    assert lab.b.at("+WIPBR?") == info("5,0")  # one start, one connection attempt


def test_server_refuses_other_callers():
    lab = Lab()
    serve(lab, "wip", "pw", "+33699999999")
    assert client(lab, lab.a, B_NUMBER, login="wip", password="pw") == cme(807)
    assert lab.b.take() == urc("+WIPBR: 5,818,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0")
    assert lab.b.at("+WIPBR?") == info("5,0")


def test_server_accepts_its_caller_identity():
    lab = Lab()
    serve(lab, "wip", "pw", A_NUMBER)
    assert client(lab, lab.a, B_NUMBER, login="wip", password="pw") == OK
    assert lab.b.take().startswith("\r\n+WIPBR: 5,0,")


def test_server_answers_after_ringcount_rings_and_shows_no_ring():
    lab = Lab()
    serve(lab, "wip", "pw", o5=2)
    lab.a.at(f'+WIPBR=2,5,2,"{B_NUMBER}"')
    lab.a.at('+WIPBR=2,5,0,"wip"')
    lab.a.at('+WIPBR=2,5,1,"pw"')
    assert lab.a.at("+WIPBR=4,5,0") == ""
    lab.settle(2 + 9.5)  # two rings of 5 s: not answered yet
    assert lab.a.take() == "" and lab.b.take() == ""  # and no RING on b's port
    lab.settle(6)
    assert lab.a.take() == OK
    assert lab.b.take().startswith("\r\n+WIPBR: 5,0,")


def test_a_server_stopped_while_waiting_lets_calls_ring_again():
    lab = Lab()
    serve(lab, "wip", "pw")
    assert lab.b.at("+WIPBR=5,5") == OK
    lab.a.at(f'+WIPBR=2,5,2,"{B_NUMBER}"')
    lab.a.at("+WIPBR=4,5,0")
    lab.settle(2.5)
    assert lab.b.take() == "\r\nRING\r\n"


def test_the_client_stopping_ends_the_server_side_too():
    lab = Lab()
    serve(lab, "wip", "pw")
    client(lab, lab.a, B_NUMBER, login="wip", password="pw")
    lab.b.take()
    assert lab.a.at("+WIPBR=5,5") == OK
    lab.settle(2)
    assert lab.b.at("+WIPBR?") == info("5,0")
    assert lab.network.bearers("wip-b") == []


def test_2_01_prints_the_server_urc_with_its_space():
    lab = Lab(revision_b="2.01")
    serve(lab, "wip", "pw")
    client(lab, lab.a, B_NUMBER, login="wip", password="pw")
    assert lab.b.take() == urc("+WIPBR: 5,0,192.168.0.1,192.168.0.2,0.0.0.0, 0.0.0.0")


@pytest.mark.parametrize(("line", "code"), [
    ('+WIPBR=4,6,1,"l","p"', 806),  # GPRS has no server mode
    ('+WIPBR=4,5,1,"l"', None),  # a server needs a password: syntax
    ('+WIPBR=4,5,1,"l","p","1","x"', None),
])
def test_server_start_input(line, code):
    lab = Lab()
    lab.b.at("+WIPBR=1,6")
    answer = lab.b.at(line)
    assert answer == (cme(code) if code else "\r\nERROR\r\n")


def test_gsm_bearer_calls_show_wind_call_indications():
    """+WIND bit 16 (5: new call) and 32 (6: released by the far end): the bearer's calls
    are circuit calls like ATD's."""
    lab = Lab()
    for modem in (lab.a, lab.b):
        assert modem.at("+WIND=48") == OK
    serve(lab, "wip", "pw")
    # The indication waits for the command's final result: URCs never interleave with it.
    assert client(lab, lab.a, B_NUMBER, login="wip", password="pw") == OK + urc("+WIND: 5,1")
    assert lab.b.take() == urc("+WIND: 5,1", "+WIPBR: 5,0,192.168.0.1,192.168.0.2,0.0.0.0,"
                                             "0.0.0.0")
    # a stops its bearer: the PPP link ends and the call is released by the far end for b
    assert lab.a.at("+WIPBR=5,5") == OK
    lab.settle(2)
    assert lab.a.take() == ""  # released here: no +WIND: 6 (the guide's wording)
    assert lab.b.take() == urc("+WIND: 6,1")
