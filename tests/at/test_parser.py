import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.at.commands import AtError, Command, Form, Param
from simulator.at.parser import parse_line


def test_basic_commands_with_and_without_spaces():
    expected = [Command("E", value=0), Command("V", value=1), Command("Q", value=0)]
    assert parse_line("E0V1Q0") == expected
    assert parse_line("E0 V1 Q0") == expected
    assert parse_line("e0 v1 q0") == expected


def test_basic_without_value_and_ampersand_commands():
    assert parse_line("E&C1&D2") == [
        Command("E", value=None), Command("&C", value=1), Command("&D", value=2)]


def test_extended_forms():
    assert parse_line("+CMEE=1;+CMEE?;+CMEE=?;+CGMI") == [
        Command("+CMEE", Form.SET, params=(Param("1"),)),
        Command("+CMEE", Form.READ),
        Command("+CMEE", Form.TEST),
        Command("+CGMI", Form.EXEC),
    ]


def test_extended_after_basic_without_separator():
    assert parse_line("E0+CMEE=1") == [
        Command("E", value=0), Command("+CMEE", Form.SET, params=(Param("1"),))]


def test_quoted_strings_keep_case_commas_and_semicolons():
    [command] = parse_line('+cgdcont=1,"IP","My APN;x,y"')
    assert command.params == (Param("1"), Param("IP", True), Param("My APN;x,y", True))


def test_empty_parameters():
    [command] = parse_line("+COPS=1,,3,")
    assert command.params == (Param("1"), None, Param("3"), None)
    [command] = parse_line("+CMEE=")
    assert command.params == ()


def test_vendor_prefixes():
    assert parse_line("#CONNECTIONSTART")[0].name == "#CONNECTIONSTART"
    assert parse_line("$TSSPCSW=?")[0] == Command("$TSSPCSW", Form.TEST)


def test_s_registers():
    assert parse_line("S0=2S7?") == [
        Command("S", Form.SET, register=0, value=2), Command("S", Form.READ, register=7)]


def test_dial_takes_the_rest_of_the_line():
    assert parse_line("E0D*99***1#") == [Command("E", value=0), Command("D", dial="*99***1#")]
    assert parse_line("D+33 6 00;") == [Command("D", dial="+33600;")]


@pytest.mark.parametrize("line", ['+CMEE="1', "+", "+CGMI?X", "=1", "\u00e9", '+X=1"a"', "S7", "&"])
def test_syntax_errors(line):
    with pytest.raises(AtError):
        parse_line(line)


def test_empty_line_is_no_command():
    assert parse_line("") == []


@given(st.text(max_size=60))
def test_any_text_parses_or_raises_at_error(text):
    try:
        parse_line(text)
    except AtError:
        pass


def test_unquoted_parameters_keep_the_case_they_were_typed_in():
    [command] = parse_line("#rec1=Recipient@Domain.com, x y ,\"Q\"")
    first, second, third = command.params
    assert first == Param("RECIPIENT@DOMAIN.COM")
    assert first.as_typed == "Recipient@Domain.com"
    assert second.as_typed == "xy" and second.text == "XY"
    assert third.as_typed == "Q" and third.quoted


@given(st.text(alphabet="abcXYZ019@._- ", min_size=1, max_size=30))
def test_typed_text_is_the_upper_cased_text_as_typed(value):
    [command] = parse_line(f"+X=1,{value}")
    param = command.params[1]
    if param is not None:
        assert param.text == param.as_typed.upper()
        assert param.as_typed == value.replace(" ", "")
