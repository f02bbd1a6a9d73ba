"""Any parameters to any GenPro command: a final line (``OK``, ``ERROR``,
``#CME ERROR: <n>``, an information message), never a handler failure, and the port
answers the next command; and the chapter 7 configuration typed in any fragments gives the
same bytes."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.dialects.genpro.parameters import PARAMETER_ALIASES, PARAMETERS
from tests.dialects.genpro.bench import OK, GenproBench, info
from tests.logged import failures_logged

COMMANDS = sorted({f"#{name}" for name in PARAMETERS} | set(PARAMETER_ALIASES)
                  | {"#VGPRS", "#VFTP", "#VTCP", "#VALL", "#VVERSION", "#VSTATE",
                     "#CONNECTIONSTART", "#CONNECTIONSTOP", "#DISPLAYIP", "#OTCP",
                     "#LTCPSTART", "#LTCPSTOP", "#LTCPPORT", "#FTPGET", "#FTPPUT", "#FTTPUT",
                     "+EGNTPPORT", "+EGNTPUTC", "+EGNTPWAIT", "+EGNTWAIT", "+EGNTP",
                     "+EGNTPT"})
PARAM = st.one_of(
    st.integers(-70000, 70000).map(str),
    st.sampled_from(["", '""', '"1"', '"I"', "i", "A", '"255.255.255.255"', '"-3"', "1.5",
                     '"' + "x" * 100 + '"', "\x10", '"caf\xe9"', "0", "1", "2", "3"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e, exclude_characters='",;'),
            max_size=12),
)
FINAL = re.compile(r"\r\n(OK|ERROR|#CME ERROR: \d+|Ok_Info_\w+|ErrorHandler_ip: .*)\r\n$")


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMANDS), st.lists(PARAM, max_size=5),
       st.sampled_from(["=", "?", "=?", ""]))
def test_any_line_gets_an_answer_and_no_handler_fails(command, params, form):
    bench = GenproBench()
    with failures_logged() as failures:
        line = command + (form + ",".join(params) if form == "=" else form)
        answer = bench.at(line)
        assert FINAL.search(answer), (line, answer)
        assert bench.at("#VSTATE") == info('#STATE: "IDLE"')
    assert not failures, line


SETUP = b"".join(b"AT" + line.encode() + b"\r" for line in (
    "#GPRSMODE=1", '#APNSERV="apn_serveur"', '#TCPSERV=1,"distantserver.com"',
    '#TCPPOINT=1,"1025"', '#FTPPORT="21"', '#FTPTYPE="I"', "#VALL"))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 40), max_size=60))
def test_the_configuration_in_any_fragments_gives_the_same_bytes(cuts):
    whole = GenproBench().send(SETUP)
    bench = GenproBench()
    answer, rest = "", SETUP
    for cut in cuts:
        if not rest:
            break
        answer += bench.send(rest[:cut])
        rest = rest[cut:]
    answer += bench.send(rest)
    assert answer == whole
    assert whole.count(OK) == 7
