"""Bad input gets the module's answer (plain ``ERROR`` under the factory ``+CMEE=0``, the
TCP/IP code of 003 §2.3 under ``+CMEE=1``, its text under ``+CMEE=2``), and the port keeps
answering."""

import pytest

from simulator.dialects.mip.service import MipService
from tests.dialects.mip.bench import ERROR, OK, MipBench, cme, info, urc


@pytest.fixture
def bench():
    bench = MipBench()
    bench.online()
    assert bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0') + bench.settle() == OK + urc(
        "+MIPOPEN: 1,1")
    return bench


@pytest.mark.parametrize(("line", "code"), [
    ('+MIPOPEN=0,,"111.231.250.105",3000,0', 2003),
    ('+MIPOPEN=7,,"111.231.250.105",3000,0', 2003),
    ('+MIPOPEN=1,,"111.231.250.105",3000,0', 2017),
    ('+MIPOPEN=2,4000,"111.231.250.105",0,2', 2000),  # no certificate to listen with
    ('+MIPOPEN=2,,"111.231.250.105",3000,3', 2000),
    ('+MIPOPEN=2,,"111.231.250.105",70000,0', 2000),
    ('+MIPOPEN=2,,"111.231.250.105",0,0', 2000),  # listening needs a local port
    ('+MIPOPEN=2,,"111.231.250.105",3000', 2000),
    ("+MIPOPEN=2,,111.231.250.105,3000,0", 2000),  # the host is a string
    ('+MIPOPEN=2,,"' + "a" * 256 + '",3000,0', 2000),
    ('+MIPSEND=1,"3132333"', 2000),  # odd length
    ('+MIPSEND=1,"31ZZ"', 2000),  # not hex
    ('+MIPSEND=1,""', 2000),
    ('+MIPSEND=1,"' + "00" * 1025 + '"', 2006),
    ('+MIPSEND=2,"3132"', 2024),  # not open
    ('+MIPSEND=9,"3132"', 2003),
    ("+MIPPUSH=2", 2024),
    ('+MIPPUSH=1,"111.231.250.105"', 2000),
    ('+MIPPUSH=1,"nowhere",5000', 2000),
    ("+MIPFLUSH=3", 2024),
    ("+MIPFLUSH=1,1", 2000),
    ("+MIPCLOSE=4", 2024),
    ("+MIPCLOSE=1,3", 2000),
    ('+MIPODM=1,,"111.231.250.105",3000,0', 2017),
    ("+MIPSETS=1,0", 2000),
    ("+MIPSETS=1,2049", 2000),
    ("+MIPSETS=1,100,1001", 2000),
    ("+MIPSETS=2,100", 2024),
    ("+MIPSETS=1", 2000),
    ("+MIPDSETS=1,0", 2000),
    ("+MIPDSETS=1,10,1001", 2000),
    ("+MIPDSETS=3,10", 2024),
    ('+MIPODM=2,,"111.231.250.105",3000,3', 2000),
    ('+MIPODM=2,,"111.231.250.105",3000,0,2', 2000),
    ("+MIPSEND=1,0", 2000),  # a prompt for no data
    ("+MIPSEND=1,2049", 2000),
    ("+MIPSEND=3", 2024),
    ('+GTSET="IPRFMT",3', 2000),
    ("+MIPREAD=1,10", 2004),  # not in read mode
    ("+MIPREAD=1,0", 2000),
    ('+GTSET="SENDTIME",31', 2000),
    ('+GTSET="SENDTIME",0', 2000),
    ('+GTSET="HEXMODE",1', 2000),
    ("+GTSET=SENDTIME,5", 2000),
])
def test_bad_lines_get_the_tcpip_code_and_plain_error_by_default(bench, line, code):
    assert bench.at(line) == ERROR
    bench.at("+CMEE=1")
    assert bench.at(line) == cme(code)
    assert bench.at("+MIPCLOSE?") == info("+MIPCLOSE: 1")  # socket 1 is untouched


def test_the_verbose_texts_are_the_manuals_with_their_trailing_spaces(bench):
    bench.at("+CMEE=2")
    assert bench.at('+MIPSEND=2,"00"') == "\r\n+CME ERROR: TCPIP socket not opened \r\n"
    assert bench.at("+MIPSEND=1,0x") == "\r\n+CME ERROR: TCPIP Param wrong \r\n"


def test_sockets_need_the_link():
    bench = MipBench()
    bench.at("+CMEE=1")
    assert bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0') == cme(2031)
    assert bench.at('+MIPSEND=1,"00"') == cme(2024)


def test_a_command_the_module_lacks_answers_as_an_unknown_command(bench):
    assert bench.at("+MIPNOPE") == ERROR
    bench.at("+CMEE=1")
    assert bench.at("+MIPNOPE?") == ERROR
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 1,10.34.7.211")


def test_a_host_that_disappears_mid_prompt_leaves_a_modem_that_answers(bench):
    assert bench.port.send(b"AT+MIPSEND=1,10\r") == ">"
    bench.port.send(b"12345")
    bench.port.channel.detach_host()
    bench.port.channel.attach_host(bench.port.host)
    bench.settle(13)
    assert bench.port.take() == ""
    assert bench.at("+MIPSEND?") == info("+MIPSEND: 1,2048")  # nothing was queued


def test_a_socket_that_breaks_while_the_host_types_fails_the_send(bench):
    bench.at("+CMEE=1")
    assert bench.port.send(b"AT+MIPSEND=1\r") == ">"
    bench.port.send(b"AT+CMEE=0\r")  # data: the prompt takes everything up to Ctrl-Z
    bench.modem.service(MipService).stack.link.bearer.release(by_network=True)
    assert bench.port.send(b"\x1a") + bench.settle() == cme(2024) + urc(
        "+MIPSTAT: 1,1", "+MIPCALL: 0")
