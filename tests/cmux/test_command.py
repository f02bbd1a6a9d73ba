"""+CMUX (27.007 §5.7): set, read and test forms, parameter ranges and defaults, and the
per-modem settings they are built from."""

import pytest

from simulator.cmux.config import CmuxSettings, MuxParameters
from simulator.cmux.frames import Option
from simulator.modem.mux import ranges, settings_of
from tests.cmux import dte
from tests.cmux.bench import CmuxModemSpec, MuxBench

OK = b"\r\nOK\r\n"


def info(line: str) -> bytes:
    return f"\r\n{line}\r\n".encode() + OK


@pytest.fixture
def bench():
    bench = MuxBench()
    bench.at("ATE0")
    bench.at("AT+CMEE=1")
    return bench


def test_test_form_lists_one_range_per_parameter(bench):
    assert bench.at("AT+CMUX=?") == info(
        "+CMUX: (0-1),(0),(1-6),(1-127),(1-255),(0-100),(2-255),(1-255),(1-7)")


def test_test_form_follows_the_settings():
    bench = MuxBench(cmux={"modes": [0], "subsets": [0, 1], "max_n1": 32768})
    bench.at("ATE0")
    assert bench.at("AT+CMUX=?") == info(
        "+CMUX: (0),(0-1),(1-6),(1-32768),(1-255),(0-100),(2-255),(1-255),(1-7)")


def ofono_mux_setup(test_response: bytes) -> str:
    """The +CMUX command oFono's GSM 07.10 setup (gatchat) derives from the test form: it
    reads mode, subset, port speed and N1 each as one parenthesised range, ``(a)`` or
    ``(a-b)``, and gives up (None) on anything else; it prefers the advanced option, the
    highest speed and N1 31 (basic) or 64 (advanced)."""
    line = test_response.decode().strip().splitlines()[0]
    assert line.startswith("+CMUX: ")
    fields = line.removeprefix("+CMUX: ").split("),(")
    spans = []
    for field in fields[:4]:
        low, _, high = field.strip("()").partition("-")
        if not low.isdigit() or not (high or low).isdigit():
            return None
        spans.append((int(low), int(high or low)))
    (mode_low, mode_high), (subset_low, _), (_, speed), (n1_low, n1_high) = spans
    mode = 1 if mode_low <= 1 <= mode_high else 0
    n1 = 64 if mode else 31
    if subset_low > 0 or not n1_low <= n1 <= n1_high:
        return None
    return f"AT+CMUX={mode},0,{speed},{n1}"


def test_ofono_reads_the_test_form_and_starts_the_advanced_option(bench):
    command = ofono_mux_setup(bench.at("AT+CMUX=?"))
    assert command == "AT+CMUX=1,0,6,64"
    assert bench.at(command) == OK
    [multiplexer] = bench.service.multiplexers
    assert multiplexer.session.parameters.values() == (1, 0, 6, 64, 10, 3, 30, 10, 2)


def test_ofono_setup_gives_up_on_a_list_where_it_expects_a_range():
    """The helper above is strict the way oFono is, so the test above means something."""
    assert ofono_mux_setup(info("+CMUX: (0,1),(0),(1-6),(1-127)")) is None
    assert ofono_mux_setup(info("+CMUX: (0),(0),(5),(1-127)")) == "AT+CMUX=0,0,5,31"


def test_read_form_before_cmux_shows_the_defaults(bench):
    assert bench.at("AT+CMUX?") == info("+CMUX: 0,0,5,31,10,3,30,10,2")


@pytest.mark.parametrize("line, values", [
    ("AT+CMUX=0", (Option.BASIC, 0, 5, 31, 10, 3, 30, 10, 2)),
    ("AT+CMUX=1", (Option.ADVANCED, 0, 5, 64, 10, 3, 30, 10, 2)),
    ("AT+CMUX=1,0,5,64", (Option.ADVANCED, 0, 5, 64, 10, 3, 30, 10, 2)),  # gsm0710muxd
    ("AT+CMUX=0,,3,,,0", (Option.BASIC, 0, 3, 31, 10, 0, 30, 10, 2)),
    ("AT+CMUX=0,0,6,127,255,100,255,255,7", (Option.BASIC, 0, 6, 127, 255, 100, 255, 255, 7)),
    ("AT+CMUX=1,0,1,1,1,0,2,1,1", (Option.ADVANCED, 0, 1, 1, 1, 0, 2, 1, 1)),
])
def test_set_form_values_and_defaults(bench, line, values):
    assert bench.at(line) == OK
    [multiplexer] = bench.service.multiplexers
    p = multiplexer.session.parameters
    assert (p.option, p.subset, p.port_speed, p.n1, p.t1, p.n2, p.t2, p.t3, p.k) == values


@pytest.mark.parametrize("arguments", [
    "", "2", "-1", "x", '"0"', "0,1", "0,0,0", "0,0,7", "0,0,5,0", "0,0,5,128",
    "0,0,5,31,0", "0,0,5,31,256", "0,0,5,31,10,101", "0,0,5,31,10,3,1", "0,0,5,31,10,3,256",
    "0,0,5,31,10,3,30,0", "0,0,5,31,10,3,30,256", "0,0,5,31,10,3,30,10,0",
    "0,0,5,31,10,3,30,10,8", "0,0,5,31,10,3,30,10,2,1",
])
def test_bad_parameters_answer_the_dialect_error_and_stay_in_command_mode(bench, arguments):
    assert bench.at(f"AT+CMUX={arguments}") == b"\r\n+CME ERROR: 50\r\n"
    assert bench.service.multiplexers == []
    assert bench.at("AT") == OK


def test_advanced_mode_can_be_disabled():
    bench = MuxBench(cmux={"modes": [0]})
    bench.at("ATE0")
    assert bench.at("AT+CMUX=1") == b"\r\nERROR\r\n"  # +CMEE=0


def test_n1_default_is_capped_by_max_n1():
    bench = MuxBench(cmux={"max_n1": 20})
    bench.at("ATE0")
    assert bench.at("AT+CMUX?") == info("+CMUX: 0,0,5,20,10,3,30,10,2")
    assert bench.at("AT+CMUX=1") == OK
    assert bench.service.multiplexers[0].session.parameters.n1 == 20


def test_commands_after_cmux_on_the_same_line_are_not_run(bench):
    assert bench.at("AT+CMUX=0;+CMEE=0") == OK
    assert bench.service.multiplexers


def test_cmux_inside_a_dlc_is_not_allowed_and_read_shows_the_session(bench):
    bench.start(dte.ADVANCED, ",0,4,100")
    bench.open_dlc(1)
    bench.at_dlc(1, "ATE0")
    bench.at_dlc(1, "AT+CMEE=1")
    assert bench.at_dlc(1, "AT+CMUX=0") == b"\r\n+CME ERROR: 3\r\n"
    assert bench.at_dlc(1, "AT+CMUX?") == info("+CMUX: 1,0,4,100,10,3,30,10,2")
    assert bench.at_dlc(1, "AT+CMUX=?").startswith(b"\r\n+CMUX: (0-1),")
    assert len(bench.service.multiplexers) == 1


def test_cmux_with_a_call_held_in_online_command_state_is_not_allowed(bench):
    assert bench.at("ATD1") == b"\r\nCONNECT 9600\r\n"
    bench.clock.advance(1.1)
    bench.channel.receive(b"+++")
    bench.clock.advance(1.1)
    assert bench.host.take() == OK
    assert bench.at("AT+CMUX=0") == b"\r\n+CME ERROR: 3\r\n"
    assert bench.at("ATH") == OK
    assert bench.at("AT+CMUX=0") == OK


def test_read_form_after_the_multiplexer_ended_shows_the_defaults_again(bench):
    bench.start(dte.BASIC, ",0,5,100")
    bench.control(dte.message(dte.CLD))
    assert bench.at("AT+CMUX?") == info("+CMUX: 0,0,5,31,10,3,30,10,2")


# -- settings ----------------------------------------------------------------------------------


def test_settings_from_the_spec():
    assert settings_of(CmuxModemSpec(name="m", n=1)) == CmuxSettings()
    assert settings_of(object()) == CmuxSettings()
    given = CmuxSettings(dlcs=8)
    assert settings_of(CmuxModemSpec(name="m", n=1, cmux=given)) is given
    mapped = settings_of(CmuxModemSpec(name="m", n=1, cmux={
        "max_n1": 1500, "dlcs": 2, "modes": [0], "subsets": [0, 1],
        "first_frame_delay": "250ms", "msc_on_open": False, "refuse_pn": True,
        "default_port_speed": 6}))
    assert mapped == CmuxSettings(max_n1=1500, dlcs=2, modes=(0,), subsets=(0, 1),
                                  first_frame_delay=0.25, msc_on_open=False, refuse_pn=True,
                                  default_port_speed=6)


@pytest.mark.parametrize("mapping, words", [
    ({"max_n": 3}, "unknown cmux key"),
    ({"max_n1": 0}, "max_n1"),
    ({"max_n1": 40000}, "max_n1"),
    ({"max_n1": "127"}, "max_n1"),
    ({"dlcs": 62}, "dlcs"),
    ({"modes": [2]}, "modes"),
    ({"modes": []}, "modes"),
    ({"subsets": [1]}, "subsets"),
    ({"subsets": [0, 2]}, "subsets"),
    ({"msc_on_open": "yes"}, "msc_on_open"),
    ({"first_frame_delay": "soon"}, "duration"),
    ({"default_port_speed": 7}, "default_port_speed"),
])
def test_bad_settings_name_the_key(mapping, words):
    with pytest.raises(ValueError, match=words):
        settings_of(CmuxModemSpec(name="m", n=1, cmux=mapping))


def test_settings_must_be_a_mapping():
    with pytest.raises(ValueError, match="mapping"):
        settings_of(CmuxModemSpec(name="m", n=1, cmux=[1, 2]))


def test_parameters_default_to_27007():
    assert MuxParameters().values() == (0, 0, 5, 31, 10, 3, 30, 10, 2)
    assert CmuxSettings().default_parameters(Option.ADVANCED).n1 == 64


@pytest.mark.parametrize("values, text", [
    ([0], "(0)"), ([0, 1], "(0-1)"), ([1, 2, 3, 4, 5, 6], "(1-6)"), ([0, 2, 3, 4], "(0,2-4)"),
    ([5, 1, 3], "(1,3,5)"), ([1, 2, 4, 5], "(1-2,4-5)"),
])
def test_ranges(values, text):
    assert ranges(values) == text
