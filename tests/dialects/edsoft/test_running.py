"""37123 "Service is running. Unable to set parameter" (002 §9.2, decision E100): a set of a
parameter that a running service or the connection reads, while it runs; over the
multiplexer another DLC is how a host gets to type one."""

import pytest

from simulator.dialects.atsharp.link import Resource
from tests.cmux import dte
from tests.cmux.bench import MuxBench
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error, info
from tests.dialects.edsoft.connection_lab import GSM_TO_ISP, configure, modem
from tests.dialects.edsoft.connection_lab import settle as settle_call
from tests.dialects.edsoft.sockets_lab import (
    ECHO_ADDRESS,
    LAB,
    WAITING,
    online,
    settle,
    setup,
)

RUNNING = edsoft_error(37123)

# (what runs, a parameter it reads and a value, a parameter it does not read and a value)
CASES = [
    (Resource.FTP, '#FTPSERV="ftp.lab"', '#SMTPSERV="smtp.lab"'),
    (Resource.FTP, "#FTPTYPE=A", "#PINGNUM=2"),
    (Resource.MAIL, '#SMTPSERV="smtp.lab"', '#FTPSERV="ftp.lab"'),
    (Resource.MAIL, "#POP3PORT=110", "#UDPPORT=7"),
    (Resource.MAIL, '#SUBJ2="hello"', "#TCPPORT=1,80"),
    (Resource.UDP, "#UDPPORT=7", '#POP3SERV="pop.lab"'),
    (Resource.PING, "#PINGNUM=2", "#UDPTXDELAY=20"),
    (Resource.TCP1, "#TCPPORT=1,80", "#TCPPORT=2,80"),
    (Resource.TCP2, "#DLEMODE=2,0", "#DLEMODE=1,0"),
    (Resource.TCP1, '#TCPSERV=1,"echo.lab"', '#DNSSERV1="10.0.0.1"'),
]


@pytest.mark.parametrize(("resource", "read", "unread"), CASES)
def test_a_parameter_the_running_service_reads_is_37123(resource, read, unread):
    bench = online()
    claim = bench.edsoft.resources.claim(resource)
    assert bench.at(read) == RUNNING
    assert bench.at(unread) == OK
    claim.release()
    assert bench.at(read) == OK  # once it ends, the set goes through


def test_the_refused_value_is_not_stored():
    bench = online()
    setup(bench, "#PINGNUM=4")
    claim = bench.edsoft.resources.claim(Resource.PING)
    assert bench.at("#PINGNUM=9") == RUNNING
    claim.release()
    assert bench.at("#PINGNUM?") == info("#PINGNUM: 4")


def test_a_body_entered_while_mail_runs_is_37123():
    bench = online()
    claim = bench.edsoft.resources.claim(Resource.MAIL)
    assert bench.at("#BODY1") == ""
    assert bench.send(b"text\r\x1a") == RUNNING
    claim.release()


def test_a_listening_socket_reads_its_own_parameters():
    bench = online()
    setup(bench, '#TCPSERV=1,"255.255.255.255"', "#TCPPORT=1,23")
    assert bench.at("#LTCPSTART=1") == OK
    assert bench.at("#TCPPORT=1,80") == RUNNING
    assert bench.at("#TCPTXDELAY=1,0") == RUNNING
    assert bench.at("#TCPPORT=2,80") == OK
    assert bench.at("#LTCPSTOP=1") == OK
    assert bench.at("#TCPPORT=1,80") == OK


def test_the_gprs_connection_reads_its_apn_while_it_is_up():
    bench = EdsoftBench(ip=LAB)
    setup(bench, '#APNSERV="internet"', "#GPRSMODE=1")
    assert bench.at("+CGATT=1") + settle(bench) == OK
    assert bench.at("#CONNECTIONSTART").endswith("Ok_Info_GprsActivation\r\n")
    assert bench.at('#APNSERV="other"') == RUNNING
    assert bench.at("#GPRSMODE=0") == RUNNING
    assert bench.at('#DIALN1="0123"') == OK  # a GSM call's number: not read by GPRS
    assert bench.at("#PHYTIMEOUT=3") == OK  # the inactivity logic, not a command, reads it
    assert bench.at("#CONNECTIONSTOP") == OK
    settle(bench)
    assert bench.at('#APNSERV="other"') == OK


def edsoft_mux_bench() -> MuxBench:
    """MuxBench's DTE on a second UART of an eDsoft modem with its IP link up."""
    edsoft = online()
    return MuxBench.on_port(edsoft.modem, edsoft.clock, "uart2")


@pytest.mark.parametrize("mode", [dte.BASIC, dte.ADVANCED])
def test_over_cmux_a_tcp_session_in_data_mode_refuses_its_port_from_another_dlc(mode):
    bench = edsoft_mux_bench()
    bench.start(mode)
    bench.open_dlc(1)
    bench.open_dlc(2)
    for dlci in (1, 2):
        bench.at_dlc(dlci, "ATE0")
    assert bench.at_dlc(1, f'AT#TCPSERV=1,"{ECHO_ADDRESS}"') == b"\r\nOK\r\n"
    assert bench.at_dlc(1, "AT#TCPPORT=1,7") == b"\r\nOK\r\n"
    bench.write(1, b"AT#OTCP=1\r")
    bench.settle()
    assert bench.read(1) == WAITING.encode()

    # DLC 1 is in data mode on the session; DLC 2 may not change what it reads
    assert bench.at_dlc(2, "AT#TCPPORT=1,80") == RUNNING.encode()
    assert bench.at_dlc(2, "AT#TCPPORT=1") == b"\r\n#TCPPORT: 1,7\r\n\r\nOK\r\n"
    assert bench.at_dlc(2, "AT#TCPPORT=2,80") == b"\r\nOK\r\n"
    bench.write(1, b"Data")
    bench.settle()
    assert bench.read(1) == b"Data"  # the session was not disturbed

    bench.write(1, b"\x03")  # the host closes it (A.8.2)
    bench.settle()
    assert bench.read(1) == b"\r\nOK\r\n"
    assert bench.at_dlc(2, "AT#TCPPORT=1,80") == b"\r\nOK\r\n"


def test_a_gsm_call_going_down_reads_nothing_any_more():
    """A.5.1 then A.5.2: GPRSMODE set right after AT#CONNECTIONSTOP, the call still
    releasing (E100)."""
    bench = modem()
    configure(bench, *GSM_TO_ISP)
    bench.at("#ConnectionStart")
    settle_call(bench, 10)
    assert bench.at("#GPRSMODE=1") == RUNNING  # the call is up: it read it
    assert bench.at("#ConnectionStop") == OK
    assert bench.at("#VSTATE") == info('#STATE: "DISCONNECTING"')
    assert bench.at("#GPRSMODE=1") == OK
