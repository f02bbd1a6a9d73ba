"""eDsoft as the Open AT application of a Wavecom module (002 §1.1, §1.2, A.1): stopped
until ``AT+WOPEN=1``, reading every ``AT#`` command itself once started, answering those it
does not (yet) have as unknown (E1, E3), its errors whatever ``+CMEE`` says (E4)."""

import pytest

from simulator.dialects.atsharp.state import ConnectionState
from tests.dialects.edsoft.bench import ERROR, OK, EdsoftBench, edsoft_error, info

UNKNOWN = edsoft_error(34817)

def test_stopped_the_at_sharp_commands_are_unknown_to_the_firmware():
    bench = EdsoftBench(started=False)
    assert bench.at("+WOPEN?") == info("+WOPEN: 0")
    for line in ("#VALL", "#PPPMODE=1", "#PPPMODE?", "#NOSUCH", "#CONNECTIONSTART",
                 "#BODY1"):
        assert bench.at(line) == ERROR, line
    assert bench.at("Q0") == OK  # ATQ is the firmware's again


def test_started_by_wopen_1_then_stopped_again():
    bench = EdsoftBench(started=False)
    assert bench.at("+WOPEN=1") == OK
    bench.port.send(b"ATE0\r")
    bench.port.take()
    assert bench.at("+WOPEN?") == info("+WOPEN: 1")
    assert bench.at("#PINGNUM?") == info("#PINGNUM: 4")
    assert bench.at("+WOPEN=0") == OK
    bench.port.send(b"ATE0\r")
    bench.port.take()
    assert bench.at("#PINGNUM?") == ERROR


@pytest.mark.parametrize("line", ["#NOSUCH", "#VALL2", "#VMAIL4", "#REC4=1", "#BODY4",
                                  "#REC1ADDX", "#X?", "#Y=?"])
def test_unknown_names_answer_34817(line):
    assert EdsoftBench().at(line) == UNKNOWN


@pytest.mark.parametrize("line", ["#VALL=1", "#VALL?", "#VALL=?", "#VPHY?", "#VTCP",
                                  "#VTCP?", "#VTCP=1,2", "#DELFLASH=1", "#VSTATE?",
                                  "#VVERSION=?"])
def test_display_commands_in_another_form_are_syntax_errors(line):
    assert EdsoftBench().at(line) == edsoft_error(34819)


def test_vtcp_with_a_bad_socket():
    bench = EdsoftBench()
    assert bench.at("#VTCP=3") == edsoft_error(34882)
    assert bench.at("#VTCP=0") == edsoft_error(34882)


@pytest.mark.parametrize("cmee", [0, 1, 2])
def test_errors_are_the_same_whatever_cmee(cmee):
    bench = EdsoftBench()
    assert bench.at(f"+CMEE={cmee}") == OK
    assert bench.at("#PINGNUM=0") == edsoft_error(34882)
    assert bench.at("#NOSUCH") == UNKNOWN
    # The firmware's own commands keep their +CME form.
    if cmee == 1:
        assert bench.at("+CFUN=9") == "\r\n+CME ERROR: 3\r\n"


def test_numeric_results_frame_errors_like_extended_errors():
    bench = EdsoftBench()
    assert bench.at("V0") == "0\r"
    assert bench.at("#PINGNUM=0") == "#CME ERROR: 34882\r\n"
    assert bench.at("#PINGNUM?") == "#PINGNUM: 4\r\n0\r"


def test_vstate_follows_the_state_attribute():
    bench = EdsoftBench()
    for state in ConnectionState:
        bench.edsoft.state = state
        assert bench.at("#VSTATE") == info(f'#STATE: "{state.value}"')
    bench.at("+CFUN=4")  # radio off
    assert bench.at("#VSTATE") == info("#NO SERVICE")


def test_a_reset_brings_the_state_back_to_idle():
    bench = EdsoftBench()
    bench.edsoft.state = ConnectionState.CONNECTED
    assert bench.at("+CFUN=1") == OK
    assert bench.edsoft.state is ConnectionState.IDLE


def test_cgmr_names_the_application():
    assert EdsoftBench().at("+CGMR") == info("eDsoft-W302_V03.00")


def test_wopen_reports_the_application_version_and_erases_its_flash():
    bench = EdsoftBench()
    assert bench.at("+WOPEN=2") == info('+WOPEN: 2,"AT v03.00"')
    assert bench.at("#PINGNUM=9") == OK
    assert bench.at("+WOPEN=3") == ERROR  # only with the application stopped
    assert bench.at("+WOPEN=0") == OK
    bench.port.send(b"ATE0\r")
    bench.port.take()
    assert bench.at("+WOPEN=3") == OK
    assert bench.at("+WOPEN=1") == OK
    bench.port.send(b"ATE0\r")
    bench.port.take()
    assert bench.at("#PINGNUM?") == info("#PINGNUM: 4")
