"""Every parameter set and read (002 §2.1-§7.1), and every kind of bad input: a value out of
range, of the wrong type or too long answers ``#CME ERROR: 34882``, a command of the wrong
shape ``#CME ERROR: 34819`` (E6, E7), and the value in use does not change."""

import pytest

from simulator.dialects.edsoft.parameters import PARAMETERS, SOCKETS
from tests.dialects.atsharp_support import (
    bad_values,
    bad_values_leave_the_value_alone,
    set_and_read_at_the_limit,
    socket_parameter,
)
from tests.dialects.edsoft.bench import OK, EdsoftBench, edsoft_error, info

BAD_VALUE = edsoft_error(34882)
SYNTAX = edsoft_error(34819)

GLOBAL = [p for p in PARAMETERS.values() if not p.per_socket]
PER_SOCKET = [p for p in PARAMETERS.values() if p.per_socket]


@pytest.fixture(scope="module")
def bench():
    return EdsoftBench()


@pytest.mark.parametrize("parameter", GLOBAL, ids=lambda p: p.name)
def test_set_and_read_at_the_limit(bench, parameter):
    expected = set_and_read_at_the_limit(bench, parameter, info)
    # Names are case-insensitive (A.2 "AT#PPPmode=1").
    assert bench.at(f"#{parameter.name.lower()}?") == expected


@pytest.mark.parametrize("parameter", GLOBAL, ids=lambda p: p.name)
def test_bad_values_leave_the_value_alone(parameter):
    bad_values_leave_the_value_alone(EdsoftBench(), parameter, bad_values(parameter),
                                     BAD_VALUE)


@pytest.mark.parametrize("parameter", GLOBAL, ids=lambda p: p.name)
def test_wrong_shapes_are_syntax_errors(bench, parameter):
    name = parameter.name
    for line in (f"#{name}=", f"#{name}=1,2", f"#{name}=?", f"#{name}=,"):
        assert bench.at(line) == SYNTAX, line
    if not name.startswith("BODY"):  # AT#BODYi alone opens the body entry
        assert bench.at(f"#{name}") == SYNTAX


@pytest.mark.parametrize("parameter", PER_SOCKET, ids=lambda p: p.name)
def test_socket_parameters(parameter):
    either = (BAD_VALUE, "\r\nERROR\r\n")
    socket_parameter(EdsoftBench(), parameter, info, bad_values(parameter),
                     bad_value=BAD_VALUE, syntax=SYNTAX,
                     bad_sockets={socket: either for socket in ("0", "3", "A", '"1"x')})


def test_there_are_67_parameters_and_71_values():
    assert len(PARAMETERS) == 67
    assert sum(len(SOCKETS) if p.per_socket else 1 for p in PARAMETERS.values()) == 71


@pytest.mark.parametrize("line, shown", [
    ("#TCPTXDELAY=1,0", "#TCPTXDELAY: 1,0"),
    ("#TCPTXDELAY=1,32760", "#TCPTXDELAY: 1,32760"),
    ("#TCPTXDELAY=2,20", "#TCPTXDELAY: 2,20"),
    ('#TCPPORT=1,"23"', "#TCPPORT: 1,23"),
])
def test_tx_delay_multiples_of_20_and_quoted_numbers(line, shown):
    bench = EdsoftBench()
    assert bench.at(line) == OK
    name, socket = shown[1:].split(":")[0], shown.split(" ")[1].split(",")[0]
    assert bench.at(f"#{name}={socket}") == info(shown)


def test_udp_tx_delay_and_port_limits():
    bench = EdsoftBench()
    assert bench.at("#UDPTXDELAY=40") == OK
    assert bench.at("#UDPTXDELAY=50") == BAD_VALUE
    assert bench.at("#UDPPORT=0") == BAD_VALUE  # "Port number 0 is illegal" (§6.1.1, E11)
    assert bench.at("#UDPPORT=65535") == OK
    assert bench.at("#UDPPORT=65536") == BAD_VALUE


def test_redialdelay_accepts_zero_and_pppmode_refuses_the_removed_values():
    bench = EdsoftBench()
    assert bench.at("#REDIALDELAY=0") == OK  # §2.1.5 "configured to 0" (E8)
    assert bench.at("#REDIALDELAY=4") == BAD_VALUE
    for mode in (1, 2, 3, 4, 9):
        assert bench.at(f"#PPPMODE={mode}") == OK
    for mode in (0, 5, 8, 10):
        assert bench.at(f"#PPPMODE={mode}") == BAD_VALUE


def test_unquoted_text_keeps_its_case_and_loses_its_spaces():
    bench = EdsoftBench()
    assert bench.at("#SENDERNAME=Machine 245") == OK
    assert bench.at("#SENDERNAME?") == info('#SENDERNAME: "Machine245"')
    assert bench.at('#SENDERNAME="Machine 245"') == OK
    assert bench.at("#SENDERNAME?") == info('#SENDERNAME: "Machine 245"')
    assert bench.at("#ftptype=i") == OK
    assert bench.at("#FTPTYPE?") == info("#FTPTYPE = I")


def test_an_empty_string_resets_a_text_parameter():
    bench = EdsoftBench()
    assert bench.at('#REC2="a@b.c"') == OK
    assert bench.at('#REC2=""') == OK  # §3.1.5 "Set value / reset the parameter"
    assert bench.at("#REC2?") == info('#REC2: ""')


def test_several_commands_on_a_line_stop_at_the_first_error():
    bench = EdsoftBench()
    assert bench.at("#PINGNUM=7;#PINGNUM=0;#PINGDELAY=9") == BAD_VALUE
    assert bench.at("#VPING") == info("#PINGDELAY: 1", "#PINGNUM: 7", '#PINGREMOTE: ""')
