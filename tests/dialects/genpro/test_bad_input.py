"""Every GenPro parameter set and read at its limits, every kind of bad input — a value out
of range, of the wrong type or too long answers ``#CME ERROR: 36929``, a line of the wrong
shape ``ERROR`` (decision G3) — and every command in the wrong state answers the manual's
code (or the documented decision); the value in use does not change and the modem keeps
answering."""

import ipaddress
import re
from pathlib import Path

import pytest

from simulator.dialects.atsharp.values import Text
from simulator.dialects.genpro.parameters import PARAMETERS
from simulator.network.spec import ApnSpec, IpNetworkSpec, LinksSpec
from tests.dialects.atsharp_support import bad_values as atsharp_bad_values
from tests.dialects.atsharp_support import (
    bad_values_leave_the_value_alone,
    set_and_read_at_the_limit,
    socket_parameter,
)
from tests.dialects.genpro.bench import ERROR, OK, GenproBench, genpro_error, info, line

BAD_VALUE = genpro_error(36929)
GLOBAL = [p for p in PARAMETERS.values() if not p.per_socket]
PER_SOCKET = [p for p in PARAMETERS.values() if p.per_socket]


@pytest.fixture(scope="module")
def bench():
    return GenproBench()


def bad_values(parameter):
    """The shared illegal values, and for text one outside printable ASCII."""
    values = atsharp_bad_values(parameter)
    if isinstance(parameter.kind, Text):
        values.append('"caf\xe9"')
    return values


def test_the_manual_has_19_at_sharp_parameters_4_of_them_per_socket():
    assert len(GLOBAL) == 15 and len(PER_SOCKET) == 4


@pytest.mark.parametrize("parameter", GLOBAL, ids=lambda p: p.name)
def test_set_and_read_at_the_limit(bench, parameter):
    set_and_read_at_the_limit(bench, parameter, info)


@pytest.mark.parametrize("parameter", GLOBAL, ids=lambda p: p.name)
def test_bad_values_leave_the_value_alone(parameter):
    bad_values_leave_the_value_alone(GenproBench(), parameter, bad_values(parameter),
                                     BAD_VALUE)


@pytest.mark.parametrize("parameter", GLOBAL, ids=lambda p: p.name)
def test_wrong_shapes_are_error(bench, parameter):
    name = parameter.name
    for text in (f"#{name}=", f"#{name}=1,2", f"#{name}=?", f"#{name}=,", f"#{name}"):
        assert bench.at(text) == ERROR, text
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


@pytest.mark.parametrize("parameter", PER_SOCKET, ids=lambda p: p.name)
def test_socket_parameters(parameter):
    socket_parameter(GenproBench(), parameter, info, bad_values(parameter),
                     bad_value=BAD_VALUE, syntax=ERROR,
                     bad_sockets={socket: (BAD_VALUE,) for socket in ("0", "3", "A")})


def test_display_and_action_commands_with_the_wrong_shape():
    bench = GenproBench()
    for text in ("#VGPRS=1", "#VGPRS?", "#VALL=1", "#VTCP=3", "#VTCP=0", "#VTCP=1,2",
                 "#VSTATE?", "#VVERSION=1", "#CONNECTIONSTART=1", "#CONNECTIONSTOP?",
                 "#DISPLAYIP=1", "#OTCP", "#OTCP=1,2", "#LTCPSTART", "#LTCPSTOP?",
                 "#FTPGET=1", "#FTPPUT?", "#NOSUCHCOMMAND", "#", "+EGNTP", "+EGNTP?",
                 "+EGNTP=2", "+EGNTP=2,\"x\"", "+EGNTP=1,1,1", "+EGNTPUTC=1,2,3"):
        assert bench.at(text) in (ERROR, BAD_VALUE), text
    assert bench.at("#VTCP=3") == BAD_VALUE
    assert bench.at("#OTCP=3") == BAD_VALUE
    for text in ("+EGNTPPORT=65536", "+EGNTPPORT=abc", "+EGNTPUTC=13", "+EGNTPUTC=-12",
                 "+EGNTPUTC=1,60", "+EGNTPUTC=x", "+EGNTPWAIT=9", "+EGNTPWAIT=301",
                 "+EGNTP=3", "+EGNTP=1,2", '+EGNTP=2,"x",9', '+EGNTP=2,"",30'):
        assert bench.at(text) == BAD_VALUE, text
    assert bench.at("+EGNTPUTC?") == info("+EGNTPUTC: 0,0")
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


def test_commands_without_a_connection():
    bench = GenproBench()
    for text in ("#DISPLAYIP", "#OTCP=1", "#LTCPSTART=2", "#FTPGET", "#FTPPUT", "#FTTPUT",
                 "+EGNTP=1", '+EGNTP=2,"ntp.lab",10'):
        assert bench.at(text) == genpro_error(35867), text
    assert bench.at("#LTCPSTOP=1") == OK  # nothing to stop is not an error
    assert bench.at("#CONNECTIONSTOP") == OK
    assert bench.at("+EGNTP=0") == OK


def test_commands_in_the_wrong_state_while_connected():
    world = IpNetworkSpec(apns=(ApnSpec("*", ipaddress.IPv4Network("10.64.0.0/16")),),
                          links=LinksSpec(default="ideal"))
    bench = GenproBench(ip=world)
    assert bench.at('#APNSERV="internet"') == OK
    assert bench.at("+CGATT=1") == OK
    bench.clock.advance(0.5)
    answer = bench.at("#CONNECTIONSTART")
    bench.clock.advance(5)
    answer += bench.port.take()
    assert answer.endswith(line("Ok_Info_GprsActivation"))
    assert bench.at("#CONNECTIONSTART") == genpro_error(35840)
    assert bench.at("#OTCP=1") == BAD_VALUE  # TCPSERV empty, TCPPORT 0 (G15)
    assert bench.at('#TCPSERV=1,"10.64.0.99"') == OK
    assert bench.at("#OTCP=1") == BAD_VALUE  # TCPPORT still 0
    assert bench.at("#TCPPORT=2,1025") == OK
    assert bench.at('#TCPSERV=2,"255.255.255.255"') == OK
    assert bench.at("#LTCPSTART=2") == OK
    assert bench.at("#FTPGET") == genpro_error(37122)  # the stack is busy (G13)
    # a parameter the listen reads is set all the same (no 37123 in GenPro's §9.2; G13)
    assert bench.at("#TCPTXDELAY=2,200") == OK
    assert bench.at("#LTCPSTOP=2") == OK
    assert bench.at('#FTPSERV=""') == OK
    assert bench.at("#FTPGET").startswith(genpro_error(0))
    assert bench.at("#VSTATE") == info('#STATE: "CONNECTED"')


def test_the_coverage_table_names_every_command_the_dialect_answers():
    doc = (Path(__file__).parents[3] / "docs" / "dialects" / "genpro.md").read_text()
    names = [name for name in GenproBench().modem.commands.names()
             if name.startswith(("#", "+EGNT"))]
    assert len(names) > 30
    for name in names:
        bare = name.lstrip("#+")
        assert f"AT{name}" in doc or re.search(rf"\b{bare}\b", doc), name
