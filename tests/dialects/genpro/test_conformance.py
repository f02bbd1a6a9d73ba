"""The GenPro manual's examples replayed byte for byte (GenPro §2-§8; chapter 7's sessions
that need no real socket: configuration, attachment, the GPRS connection, SNTP); the
sessions with sockets and files are in test_lab.py.  Decisions G1-G23 of
docs/dialects/genpro.md."""

import calendar
import ipaddress

from simulator.modem.storage import NVStore
from simulator.network.spec import ApnSpec, HostSpec, IpNetworkSpec, LinksSpec, ServiceSpec
from tests.dialects.genpro.bench import ERROR, OK, GenproBench, genpro_error, info, line
from tests.modem.bench import Port

#: §7.2.2: "80.10.32.45 (IP address attributed by the network)".
WORLD = IpNetworkSpec(
    apns=(ApnSpec("*", ipaddress.IPv4Network("80.10.32.45/32"),
                  dns=(ipaddress.IPv4Address("10.64.255.53"),)),),
    hosts=(HostSpec("mySntpServer", services=(ServiceSpec("ntp"),)),
           HostSpec("pool.ntp.org", services=(ServiceSpec("ntp"),))),
    links=LinksSpec(default="ideal"))


def online() -> GenproBench:
    """§7.2.1 and §7.2.2: attached, then connected."""
    bench = GenproBench(ip=WORLD)
    assert bench.at('#APNSERV="apn_serveur"') == OK
    assert bench.at("+CGATT=1") == OK
    bench.clock.advance(0.5)
    assert run(bench, "#CONNECTIONSTART") == (
        line("80.10.32.45") + line("Ok_Info_GprsActivation"))
    return bench


def final(text: str) -> bool:
    return text.endswith((OK, ERROR, "Ok_Info_GprsActivation\r\n")) or (
        "#CME ERROR" in text and text.endswith("\r\n"))


def run(bench: GenproBench, command: str, seconds: float = 5.0) -> str:
    """``AT<command>`` and what it answers while time passes, until its final line (at most
    ``seconds``)."""
    text = bench.at(command)
    for _ in range(int(seconds / 0.05)):
        if final(text):
            break
        bench.clock.advance(0.05)
        text += bench.port.take()
    return text


# -- §2.4, §3.4, §4.5, §6: the displays with the manual's values ------------------------------

def test_2_4_2_vgprs():
    bench = GenproBench()
    for setting in ('#APNPW="aces"', '#APNSERV="a2myoperator.com"', '#APNUN="a2b"'):
        assert bench.at(setting) == OK
    assert bench.at("#VGPRS") == info('#APNPW: "aces"', '#APNSERV: "a2myoperator.com"',
                                      '#APNUN: "a2b"', "#GPRSMODE: 1", "#GPRSCID: 1")


def test_3_4_2_vftp_and_its_ftptype_line():
    bench = GenproBench()
    for setting in ('#FTPPUTFILENAME="Testseb3.txt"', '#FTPPW="mypass"',
                    '#FTPSERV="mytestwebsite.com"', '#FTPUN="myname"'):
        assert bench.at(setting) == OK
    assert bench.at("#VFTP") == info(
        '#FTPGETFILENAME: ""', '#FTPGETPATH: "."', "#FTPMODE: 0", "#FTPPORT: 21",
        '#FTPPUTFILENAME: "Testseb3.txt"', '#FTPPUTPATH: "."', '#FTPPW: "mypass"',
        '#FTPSERV: "mytestwebsite.com"', "#FTPTYPE = I", '#FTPUN: "myname"')
    assert bench.at("#FTPTYPE?") == info("#FTPTYPE = I")


def test_4_5_2_vtcp_prints_tcppoint():
    assert GenproBench().at("#VTCP=2") == info(
        "#DLEMODE: 2,1", '#TCPSERV: 2,""', "#TCPPOINT: 2,0", "#TCPTXDELAY: 2,100")


def test_6_1_2_vversion():
    assert GenproBench().at("#VVERSION") == info(
        "#VERSION: OS:V313 WIP:V2.00.12 API:LLC T V1.03 - May 3 2007 16:56:58")


def test_6_2_2_vstate_idle_connected_no_service():
    assert GenproBench().at("#VSTATE") == info('#STATE: "IDLE"')
    assert online().at("#VSTATE") == info('#STATE: "CONNECTED"')
    assert GenproBench(registered=False).at("#VSTATE") == info('#STATE: "NO SERVICE"')


def test_6_3_2_vall_blocks_separated_by_an_empty_line():
    bench = GenproBench()
    for setting in ('#APNPW="acces"', '#APNSERV="a2bouygtel.com"', '#APNUN="a2b"',
                    '#FTPPUTFILENAME="Testseb3.txt"', '#FTPPW="mypassword"',
                    '#FTPSERV="mytestwebsite.com"', '#FTPUN="mylogin"'):
        assert bench.at(setting) == OK
    assert bench.at("#VALL") == info(
        "#VERSION: OS:V313 WIP:V2.00.12 API:LLC T V1.03 - May 3 2007 16:56:58", "",
        '#APNPW: "acces"', '#APNSERV: "a2bouygtel.com"', '#APNUN: "a2b"', "#GPRSMODE: 1",
        "#GPRSCID: 1", "",
        '#FTPGETFILENAME: ""', '#FTPGETPATH: "."', "#FTPMODE: 0", "#FTPPORT: 21",
        '#FTPPUTFILENAME: "Testseb3.txt"', '#FTPPUTPATH: "."', '#FTPPW: "mypassword"',
        '#FTPSERV: "mytestwebsite.com"', "#FTPTYPE = I", '#FTPUN: "mylogin"', "",
        "#DLEMODE: 1,1", "#TCPPORT: 1,0", '#TCPSERV: 1,""', "#TCPTXDELAY: 1,100", "",
        "#DLEMODE: 2,1", "#TCPPORT: 2,0", '#TCPSERV: 2,""', "#TCPTXDELAY: 2,100")


# -- §7.1: configuration ------------------------------------------------------------------

def test_7_1_1_gprs_configuration():
    bench = GenproBench()
    for setting in ("+CGREG=1", "#GPRSMODE=1", '#APNSERV="apn_serveur"',
                    '#APNUN="user_name_APN"', '#APNPW="password_APN"'):
        assert bench.at(setting) == OK, setting
    assert bench.at("#VGPRS") == info('#APNPW: "password_APN"', '#APNSERV: "apn_serveur"',
                                      '#APNUN: "user_name_APN"', "#GPRSMODE: 1",
                                      "#GPRSCID: 1")


def test_7_1_2_tcp_configuration_and_vtcp_alone():
    bench = GenproBench()
    for setting in ('#TCPSERV=1,"255.255.255.255"', '#TCPSERV=1,"distantserver.com"',
                    '#TCPPOINT=1,"1025"'):
        assert bench.at(setting) == OK, setting
    assert bench.at("#VTCP") == info(
        "#DLEMODE: 1,1", '#TCPSERV: 1,"distantserver.com"', "#TCPPOINT: 1,1025",
        "#TCPTXDELAY: 1,100",
        "#DLEMODE: 2,1", '#TCPSERV: 2,""', "#TCPPOINT: 2,0", "#TCPTXDELAY: 2,100")


def test_7_1_3_ftp_configuration():
    bench = GenproBench()
    for setting in ("#FTPMODE=0", '#FTPSERV="server.ftp.fr"', '#FTPUN="username"',
                    '#FTPPW="password"', '#FTPPORT="21"', '#FTPGETPATH="."',
                    '#FTPPUTPATH="."', '#FTPPUTFILENAME="filename.txt"',
                    '#FTPGETFILENAME="filename.txt"', '#FTPTYPE="I"'):
        assert bench.at(setting) == OK, setting
    assert bench.at("#VFTP") == info(
        '#FTPGETFILENAME: "filename.txt"', '#FTPGETPATH: "."', "#FTPMODE: 0", "#FTPPORT: 21",
        '#FTPPUTFILENAME: "filename.txt"', '#FTPPUTPATH: "."', '#FTPPW: "password"',
        '#FTPSERV: "server.ftp.fr"', "#FTPTYPE = I", '#FTPUN: "username"')


def test_7_1_parameters_are_saved_to_flash():
    store = NVStore(None)
    bench = GenproBench(store=store)
    assert bench.at('#APNSERV="internet-entreprise"') == OK
    assert bench.at('#DLEMODE=2,0') == OK
    bench.modem.power_off()
    again = bench.restart()
    assert again.at("#APNSERV?") == info('#APNSERV: "internet-entreprise"')
    assert again.at("#DLEMODE=2") == info("#DLEMODE: 2,0")


# -- second spellings (§11.A of the decisions: G1) --------------------------------------------

def test_both_spellings_are_accepted_and_a_read_answers_with_the_name_typed():
    bench = GenproBench()
    assert bench.at('#FTTPW="secret"') == OK
    assert bench.at("#FTPPW?") == info('#FTPPW: "secret"')
    assert bench.at("#FTTPW?") == info('#FTTPW: "secret"')
    assert bench.at('#FTTPUTFILENAME="a.bin"') == OK
    assert bench.at('#FTTPUTPATH="/list"') == OK
    assert bench.at("#FTPPUTPATH?") == info('#FTPPUTPATH: "/list"')
    assert bench.at("#TCPPORT=1,23") == OK
    assert bench.at("#TCPPOINT=1") == info("#TCPPOINT: 1,23")
    assert bench.at("#TCPPORT=1") == info("#TCPPORT: 1,23")
    assert bench.at('#TCPSEV=2,"peer.lab"') == OK
    assert bench.at("#TCPSERV=2") == info('#TCPSERV: 2,"peer.lab"')
    assert bench.at("#LTCPPORT=1") == OK  # §4.3's name of LTCPSTOP
    assert bench.at("+EGNTWAIT=40") == OK
    assert bench.at("+EGNTPWAIT?") == info("+EGNTPWAIT: 40")


# -- §7.2: attachment and the GPRS connection ----------------------------------------------------

def test_7_2_1_attachment():
    bench = GenproBench(ip=WORLD)
    assert bench.at("+CGREG=1") == OK
    assert bench.at("+CGREG?") == info("+CGREG: 1,0")  # detached since start-up (G23)
    assert bench.at("+CGATT=1") == OK + line("+CGREG: 2")
    bench.clock.advance(0.5)  # the network's attach time
    assert bench.port.take() == line("+CGREG: 1")
    assert bench.at("+CGATT?") == info("+CGATT: 1")


def test_2_2_2_connectionstart_before_the_attach_is_35865():
    bench = GenproBench(ip=WORLD)
    assert bench.at('#APNSERV="apn_serveur"') == OK
    assert run(bench, "#CONNECTIONSTART") == genpro_error(35865)


def test_7_2_2_and_7_2_5_start_display_and_stop_the_connection():
    bench = online()
    assert bench.at("#DISPLAYIP") == info("MY IP: 80.10.32.45", "Gateway IP: 80.10.32.1")
    assert bench.at("#CONNECTIONSTOP") == OK
    assert bench.at("#DISPLAYIP") == genpro_error(35867)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


def test_8_connectionstart_within_500_ms_of_cgatt_is_35866():
    bench = GenproBench(ip=WORLD)
    assert bench.at('#APNSERV="apn_serveur"') == OK
    assert bench.at("+CGATT=1") == OK
    bench.clock.advance(0.49)
    assert bench.at("#CONNECTIONSTART") == genpro_error(35866)
    bench.clock.advance(0.01)
    assert run(bench, "#CONNECTIONSTART") == (
        line("80.10.32.45") + line("Ok_Info_GprsActivation"))


def test_2_2_2_connection_errors():
    bench = GenproBench(ip=WORLD)
    assert bench.at("#CONNECTIONSTART") == genpro_error(35868)  # no APN
    assert bench.at('#APNSERV="apn_serveur"') == OK
    assert bench.at("+CGATT=0") == OK
    assert run(bench, "#CONNECTIONSTART") == genpro_error(35865)  # detached
    assert bench.at("#GPRSMODE=0") == OK
    assert bench.at("#CONNECTIONSTART") == genpro_error(35866)  # GSM mode is not managed
    connected = online()
    assert connected.at("#CONNECTIONSTART") == genpro_error(35840)


# -- §7.5: SNTP ------------------------------------------------------------------------------

#: 2007-06-01 03:24:36 UTC: the lab's SNTP server answers with the modem's clock.
LAB_TIME = calendar.timegm((2007, 6, 1, 3, 24, 36))


def test_7_5_3_sntp_sets_the_rtc_with_the_utc_offset():
    bench = online()
    bench.clock.advance(LAB_TIME - bench.clock.seconds())
    assert bench.at("+EGNTPUTC=9,30") == OK
    assert run(bench, "+EGNTP=1") == OK
    assert bench.at("+CCLK?") == info('+CCLK: "07/06/01,12:54:36+00"')
    assert run(bench, '+EGNTP=2,"mySntpServer",45') == OK
    assert run(bench, '+EGNTP=2,"mySntpServer",45,1') == (
        info("07/06/01,12:54:36"))


def test_5_2_2_sntp_display_negative_offset_and_reads():
    bench = online()
    bench.clock.advance(LAB_TIME - bench.clock.seconds())
    assert bench.at('+EGNTPUTC="-3",30') == OK
    assert bench.at("+EGNTPUTC?") == info("+EGNTPUTC: -3,30")
    assert run(bench, "+EGNTP=1,1") == info("07/05/31,23:54:36")
    assert bench.at("+EGNTPPORT?") == info("+EGNTPPORT: 123")
    assert bench.at("+EGNTPWAIT?") == info("+EGNTPWAIT: 30")


def test_5_2_2_sntp_timeout_is_error_and_no_connection_is_35867():
    assert GenproBench(ip=WORLD).at("+EGNTP=1") == genpro_error(35867)
    bench = online()
    assert bench.at("+EGNTPPORT=124") == OK  # nobody answers there
    assert bench.at("+EGNTPWAIT=10") == OK
    assert run(bench, "+EGNTP=1", 25) == ERROR
    assert bench.at("+EGNTP=0") == OK
    assert run(bench, '+EGNTP=2,"nowhere.lab",10', 15) == ERROR
    assert bench.at("#VSTATE") == info('#STATE: "CONNECTED"')  # still answering


# -- §8: restrictions ------------------------------------------------------------------------

def test_8_atq1_and_atv0_are_not_allowed():
    bench = GenproBench()
    assert bench.at("Q1") == ERROR
    assert bench.at("V0") == ERROR
    assert bench.at("V") == ERROR
    assert bench.at("Q0") == OK
    assert bench.at("V1") == OK
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')  # still verbose, not quiet


def test_8_wind_13_at_start_up():
    bench = GenproBench(registered=False)
    bench.modem.power_off()
    bench.port.take()
    bench.modem.power_on()
    bench.clock.advance(1)
    assert line("+WIND: 13") in bench.port.take()


def test_5_2_2_egntp_0_on_another_port_halts_a_request_under_way():
    bench = online()
    other = Port(bench.modem, "uart2")
    other.send(b"ATE0\r")
    assert bench.at("+EGNTPPORT=124") == OK  # nobody answers: the request waits
    bench.port.send(b"AT+EGNTP=1\r")
    bench.clock.advance(1)
    assert bench.port.take() == ""
    assert other.send(b"AT+EGNTP=1\r") == ERROR  # one request at a time
    assert other.send(b"AT+EGNTP=0\r") == OK
    bench.clock.advance(0)
    assert bench.port.take() == ERROR
    assert bench.at("#VSTATE") == info('#STATE: "CONNECTED"')


def test_session_lost_in_data_mode_is_etx_then_35841_and_the_modem_goes_idle():
    world = IpNetworkSpec(
        apns=WORLD.apns, links=WORLD.links,
        hosts=(HostSpec("distantserver.com", services=(ServiceSpec("echo", ports=(1025,)),)),))
    bench = GenproBench(ip=world)
    assert bench.at('#APNSERV="apn_serveur"') == OK
    assert bench.at("+CGATT=1") == OK
    bench.clock.advance(0.5)
    assert run(bench, "#CONNECTIONSTART").endswith(line("Ok_Info_GprsActivation"))
    assert bench.at('#TCPSERV=1,"distantserver.com"') == OK
    assert bench.at('#TCPPOINT=1,"1025"') == OK
    assert bench.at("#OTCP=1") == line("Ok_Info_WaitingForData")
    bench.send(b"echo")
    bench.clock.advance(0.2)  # TCPTXDELAY holds the frame 100 ms
    assert bench.port.take() == "echo"
    bench.genpro.link.require().release(by_network=True)  # the network ends the session
    bench.clock.advance(1)
    # the socket's end (§4.4.2: an ETX, then the error), then the session's own report
    assert bench.port.take() == "\x03" + genpro_error(35841) + genpro_error(35841)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')
    assert bench.at("#OTCP=1") == genpro_error(35867)
