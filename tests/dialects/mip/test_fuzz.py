"""Any parameters to any +MIP command: a final result (``OK``, ``ERROR`` or ``+CME ERROR``),
never a handler failure, and the port answers the next command."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dialects.mip.bench import OK, MipBench
from tests.logged import failures_logged

COMMANDS = ["+MIPCALL", "+MIPOPEN", "+MIPCLOSE", "+MIPSETS", "+MIPDSETS", "+MIPSEND",
            "+MIPPUSH", "+MIPFLUSH", "+MIPODM", "+MIPREAD", "+GTSET", "+MIPDNS", "+MPING",
            "+MIPNTP", "+MSDNS"]
PARAM = st.one_of(
    st.integers(-3, 70000).map(str),
    st.sampled_from(["", '""', '"111.231.250.105"', '"echo.lab"', '"IPRFMT"', '"SENDTIME"',
                     '"3132"', '"zz"', "0x", '"' + "A" * 300 + '"', "1", "0", "7"]),
)
FINAL = re.compile(r"\r\n(OK|ERROR|\+CME ERROR: \d+)\r\n")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMANDS), st.lists(PARAM, max_size=7), st.sampled_from(["=", "?", "=?"]))
def test_any_line_gets_an_answer_and_no_handler_fails(command, params, form):
    bench = MipBench()
    bench.online()
    with failures_logged() as failures:
        line = command + (form + ",".join(params) if form == "=" else form)
        answer = bench.at(line) + bench.settle(0.05)
        if bench.port.interpreter.mode.value != "command":  # a prompt or data mode opened
            bench.port.send(b"\x1a")
            bench.settle(1.2)
            bench.port.send(b"+++")
            answer += bench.settle(1.2)
        assert FINAL.search(answer) or answer.endswith(">"), answer
        assert bench.at("").endswith(OK)
    assert failures == []

