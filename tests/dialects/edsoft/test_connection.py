"""AT#CONNECTIONSTART in GPRS and GSM mode, AT#CONNECTIONSTOP, AT#DISPLAYIP, AT#VSTATE's
states, PHYTIMEOUT and the session lost by the network (002 §2.2.2, §2.2.3, §2.3, §8.2,
A.4, A.5), byte for byte, on a task.Clock."""

import pytest

from simulator.dialects.atsharp.connection import gateway_of
from simulator.dialects.atsharp.link import LinkKind
from simulator.modem.network import NetworkService
from simulator.modem.spec import SimSpec
from tests.dialects.edsoft.bench import OK, edsoft_error, info, urc
from tests.dialects.edsoft.connection_lab import (
    GPRS,
    GSM_TO_ISP,
    ISP_NUMBER,
    configure,
    modem,
    settle,
)
from tests.modem.bench import Port


def line(text: str) -> str:
    return f"\r\n{text}\r\n"


GSM_UP = (line("DIALING") + line(ISP_NUMBER) + line("CONNECT 9600") + line("213.30.30.30")
          + line("Ok_Info_Ppp"))


def gsm_connected():
    bench = modem()
    configure(bench, *GSM_TO_ISP)
    out = bench.at("#ConnectionStart")
    return bench, out + settle(bench, 10)


# -- 002 A.4, A.5: the manual's sessions --------------------------------------------------------

def test_a4_gprs_registration_then_a5_2_gprs_connection():
    """A.4's lines are the firmware's 27.007 ones (E56): +CGREG reports a change."""
    bench = modem(attached=False)  # the module starts detached (E103)
    assert bench.at("+CGREG=1") == OK
    assert bench.at("+CGATT=1") == OK + urc("+CGREG: 2")
    bench.clock.advance(0.5)  # the network's attach time
    assert bench.port.take() == urc("+CGREG: 1")
    assert bench.at("#GPRSMODE=1") == OK
    assert bench.at('#APNSERV="apnserver.com"') == OK
    assert bench.at('#APNUN="login"') == OK
    assert bench.at('#APNPW="password"') == OK
    assert bench.at("#ConnectionStart") == line("213.30.30.30") + line("Ok_Info_GprsActivation")
    assert bench.at("#ConnectionStop") == OK


def test_a5_1_gsm_connection_to_the_isp():
    bench = modem()
    assert bench.at("#GPRSMODE=0") == OK
    assert bench.at('#DIALN1="0860000000"') == OK
    assert bench.at('#ISPUN="login"') == OK
    assert bench.at('#ISPPW="password"') == OK
    assert bench.at('#DNSSERV1="xxx.xxx.xxx"') == edsoft_error(34882)  # E6: a placeholder
    assert bench.at("#ConnectionStart") == line("DIALING") + line("0860000000")
    assert settle(bench, 10) == line("CONNECT 9600") + line("213.30.30.30") + line(
        "Ok_Info_Ppp")
    assert bench.at("#ConnectionStop") == OK


def test_the_gsm_steps_take_the_time_of_the_call():
    bench = modem()
    configure(bench, *GSM_TO_ISP)
    vstate = Port(bench.modem, "uart2")  # a second port asks while the command runs
    vstate.send(b"ATE0\r")
    vstate.take()
    states = []
    bench.port.at("#CONNECTIONSTART")
    for _ in range(100):
        bench.clock.advance(0.1)
        answer = vstate.at("#VSTATE")
        if not states or states[-1] != answer:
            states.append(answer)
    assert states == [info(f'#STATE: "{s}"') for s in
                      ("DIALING", "AUTHENTICATING", "CONNECTED")]
    assert bench.port.take().endswith(line("Ok_Info_Ppp"))
    assert bench.at("#CONNECTIONSTOP") == OK
    assert vstate.at("#VSTATE") == info('#STATE: "DISCONNECTING"')
    settle(bench, 5)
    assert vstate.at("#VSTATE") == info('#STATE: "IDLE"')


def test_numeric_forms_under_atv0():
    """E40: result codes by their 002 §9.1 numbers, the other lines as information text."""
    bench = modem()
    configure(bench, *GSM_TO_ISP)
    bench.at("V0")
    out = bench.at("#CONNECTIONSTART") + settle(bench, 10)
    assert out == "DIALING\r\n0860000000\r\n15\r213.30.30.30\r\n3077\r"
    assert bench.at("#CONNECTIONSTOP") == "0\r"
    settle(bench, 5)
    for setting in GPRS:
        assert bench.at(setting) == "0\r"
    assert bench.at("#CONNECTIONSTART") == "213.30.30.30\r\n3086\r"


# -- AT#DISPLAYIP (002 §2.3) ---------------------------------------------------------------------

def test_displayip_gsm_shows_my_and_peer_ip():
    bench, out = gsm_connected()
    assert out.endswith(line("Ok_Info_Ppp"))
    assert bench.at("#DISPLAYIP") == info("MY IP: 213.30.30.30", "PEER IP: 213.30.30.29")


def test_displayip_gprs_shows_the_gateway():
    bench = modem()
    configure(bench, *GPRS)
    bench.at("#CONNECTIONSTART")
    assert bench.at("#DISPLAYIP") == info("MY IP: 213.30.30.30", "Gateway IP: 213.30.30.1")


def test_displayip_without_a_connection_or_before_ipcp_is_35867():
    bench = modem()
    assert bench.at("#DISPLAYIP") == edsoft_error(35867)
    configure(bench, *GSM_TO_ISP)
    other = Port(bench.modem, "uart2")
    other.send(b"ATE0\r")
    other.take()
    out = bench.port.at("#CONNECTIONSTART")
    while "CONNECT 9600" not in out:  # the call is up, PPP negotiating
        out += settle(bench, 0.1)
    assert other.at("#DISPLAYIP") == edsoft_error(35867)
    assert settle(bench, 5) == line("213.30.30.30") + line("Ok_Info_Ppp")
    assert other.at("#DISPLAYIP") == info("MY IP: 213.30.30.30", "PEER IP: 213.30.30.29")


@pytest.mark.parametrize("address, gateway", [("10.1.2.3", "10.1.2.1"),
                                              ("10.1.2.1", "10.1.2.254")])
def test_the_gateway_is_the_first_host_of_the_24_unless_that_is_us(address, gateway):
    assert gateway_of(address) == gateway


# -- what the services see -----------------------------------------------------------------------

@pytest.mark.parametrize("settings, kind", [(GPRS, LinkKind.GPRS), (GSM_TO_ISP, LinkKind.GSM)])
def test_the_services_get_the_link_and_hear_it_stopped(settings, kind):
    bench = modem()
    configure(bench, *settings)
    bench.at("#CONNECTIONSTART")
    settle(bench, 10)
    link = bench.edsoft.link
    assert link.up and link.kind is kind and link.require().address == "213.30.30.30"
    heard = []
    link.on_down(heard.append)
    assert bench.at("#CONNECTIONSTOP") == OK
    assert heard == [None] and not link.up


def test_stop_without_a_connection_is_ok():
    bench = modem()
    assert bench.at("#CONNECTIONSTOP") == OK
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


# -- GSM: calls that fail and redialling (002 §2.2.3.2) -----------------------------------------

def test_each_failed_call_is_shown_and_redialled_after_redialdelay():
    bench = modem()
    configure(bench, '#GPRSMODE=0', '#DIALN1="0123"', '#REDIALCOUNT=2', '#REDIALDELAY=5')
    out = bench.at("#CONNECTIONSTART") + settle(bench, 2.1)
    attempt = line("DIALING") + line("0123")
    assert out == attempt + line("NO CARRIER")
    assert settle(bench, 4.8) == ""  # REDIALDELAY
    assert settle(bench, 2.4) == attempt + line("NO CARRIER")
    assert settle(bench, 7.4) == attempt + line("NO CARRIER")  # the last is the result
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


def test_redialcount_0_makes_one_attempt():
    bench = modem()
    configure(bench, '#GPRSMODE=0', '#DIALN1="0123"', '#REDIALCOUNT=0')
    out = bench.at("#CONNECTIONSTART") + settle(bench, 30)
    assert out == line("DIALING") + line("0123") + line("NO CARRIER")


def test_dialselect_2_dials_dialn2():
    bench = modem()
    configure(bench, *GSM_TO_ISP, '#DIALN1="0123"', f'#DIALN2="{ISP_NUMBER}"',
              '#DIALSELECT=2')
    out = bench.at("#CONNECTIONSTART") + settle(bench, 10)
    assert out == GSM_UP


def test_a_wrong_isp_password_is_37120():
    bench = modem()
    configure(bench, *GSM_TO_ISP, '#ISPPW="wrong"')
    out = bench.at("#CONNECTIONSTART") + settle(bench, 30)
    assert out == (line("DIALING") + line(ISP_NUMBER) + line("CONNECT 9600")
                   + edsoft_error(37120))
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


@pytest.mark.parametrize("settings", [
    ('#PPPMODE=9',),  # reserved
    ('#PPPMODE=4',),  # a server without addresses to give
    ('#PPPMODE=2', '#PPPMYIP="10.0.0.1"'),
    ('#DIALN1=""',),  # nothing to dial
])
def test_a_configuration_that_cannot_work_is_36929(settings):
    bench = modem()
    configure(bench, *GSM_TO_ISP, *settings)
    assert bench.at("#CONNECTIONSTART") == edsoft_error(36929)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


# -- wrong state -----------------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [GPRS, GSM_TO_ISP])
def test_already_connected_is_35840(settings):
    bench = modem()
    configure(bench, *settings)
    bench.at("#CONNECTIONSTART")
    settle(bench, 10)
    assert bench.at("#CONNECTIONSTART") == edsoft_error(35840)
    assert bench.at("#ACCEPT") == edsoft_error(35840)


def test_a_call_in_progress_is_35840_from_another_port():
    bench = modem()
    configure(bench, *GSM_TO_ISP)
    other = Port(bench.modem, "uart2")
    other.send(b"ATE0\r")
    other.take()
    bench.port.at("#CONNECTIONSTART")
    assert other.at("#CONNECTIONSTART") == edsoft_error(35840)


@pytest.mark.parametrize("settings", [GPRS, GSM_TO_ISP])
def test_not_registered_is_35865(settings):
    bench = modem(registered=False)
    bench.modem.service(NetworkService).lose_network()
    configure(bench, *settings)
    assert bench.at("#CONNECTIONSTART") == edsoft_error(35865)


def test_gprs_not_attached_is_35865():
    """002 §2.2.3.1: "GPRS attachment must be performed before a CONNECTIONSTART command"."""
    bench = modem()
    configure(bench, *GPRS)
    assert bench.at("+CGATT=0") == OK
    assert bench.at("#CONNECTIONSTART") == edsoft_error(35865)
    assert bench.at("+CGATT?") == info("+CGATT: 0")  # it did not attach by itself


def test_registered_but_not_attached_after_power_on():
    """E103: the module does not attach by itself; GSM mode needs no attach."""
    bench = modem(attached=False)
    bench.clock.advance(10)
    assert bench.at("+CREG?") == info("+CREG: 0,1")
    assert bench.at("+CGREG?") == info("+CGREG: 0,0")
    assert bench.at("+CGATT?") == info("+CGATT: 0")
    configure(bench, *GPRS)
    assert bench.at("#CONNECTIONSTART") == edsoft_error(35865)


@pytest.mark.parametrize("settings", [GPRS, GSM_TO_ISP])
def test_no_sim_is_35871(settings):
    bench = modem(sim=SimSpec(present=False), registered=False)
    configure(bench, *settings)
    assert bench.at("#CONNECTIONSTART") == edsoft_error(35871)


@pytest.mark.parametrize("settings", [('#APNSERV="nosuch.apn"',), ('#APNSERV=""',),
                                      ('#APNPW="wrong"',)])
def test_gprs_apn_refused_is_35868(settings):
    bench = modem()
    configure(bench, *GPRS, *settings)
    assert bench.at("#CONNECTIONSTART") == edsoft_error(35868)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


@pytest.mark.parametrize("command", ["#CONNECTIONSTART", "#CONNECTIONSTOP", "#DISPLAYIP",
                                     "#ACCEPT"])
@pytest.mark.parametrize("form", ["=1", "?", "=?"])
def test_the_commands_have_no_other_form(command, form):
    assert modem().at(command + form) == edsoft_error(34819)


# -- the link going -----------------------------------------------------------------------------

def test_gprs_session_lost_by_the_network_is_an_unsolicited_35841():
    bench = modem()
    configure(bench, *GPRS)
    bench.at("#CONNECTIONSTART")
    heard = []
    bench.edsoft.link.on_down(heard.append)
    bench.edsoft.link.require().release(by_network=True)
    assert bench.port.take() == edsoft_error(35841)
    assert heard == [35841]
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')
    assert bench.at("#DISPLAYIP") == edsoft_error(35867)
    assert bench.at("#CONNECTIONSTART").endswith(line("Ok_Info_GprsActivation"))


def test_the_isp_hanging_up_shows_no_carrier():
    bench, _ = gsm_connected()
    heard = []
    bench.edsoft.link.on_down(heard.append)
    bench.edsoft.connections._session.call.hangup()  # the line drops
    assert settle(bench, 2) == line("NO CARRIER")
    assert heard == [35867]
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


@pytest.mark.parametrize("settings", [GPRS, GSM_TO_ISP])
def test_phytimeout_ends_an_idle_link_with_timeout(settings):
    bench = modem()
    configure(bench, *settings, "#PHYTIMEOUT=1")
    bench.at("#CONNECTIONSTART")
    settle(bench, 10, step=1)
    heard = []
    link = bench.edsoft.link
    link.on_down(heard.append)
    settle(bench, 30, step=1)
    link.activity()  # a service moved data: a minute from now
    assert settle(bench, 59, step=1) == ""
    assert settle(bench, 2, step=1) == line("TIMEOUT")
    assert heard == [35862] and not link.up
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


def test_a_reset_drops_the_connection_silently():
    bench, _ = gsm_connected()
    assert bench.at("+CFUN=1") == OK
    assert not bench.edsoft.link.up
    settle(bench, 5)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')
