"""Properties of the whole modem in data mode (not just the codec): however the host's bytes
are cut, the peer receives the same bytes, and the modem keeps answering afterwards."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.datamode.dle import escape
from tests.datamode.test_dle import split
from tests.dialects.wip.bench import OK
from tests.dialects.wip.test_sockets import online, settle

cuts = st.lists(st.integers(min_value=0, max_value=5000), max_size=20)
quick = settings(max_examples=30, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


def mapped_echo(mode: int):
    bench = online()
    bench.at('+WIPCREATE=2,1,"echo.lab",7')
    settle(bench)
    assert bench.at(f"+WIPDATA=2,1,{mode}") == "\r\nCONNECT\r\n"
    return bench


@given(st.binary(max_size=3000), cuts)
@quick
def test_continuous_mode_echo_is_fragmentation_proof(payload, where):
    bench = mapped_echo(1)
    for piece in split(escape(payload), where):
        bench.port.channel.receive(piece)
        bench.advance(0.01)
    echoed = settle(bench, 0.5).encode("latin-1")
    assert echoed == escape(payload)


@given(st.binary(max_size=3000), cuts)
@quick
def test_transparent_mode_echo_is_fragmentation_proof(payload, where):
    bench = mapped_echo(2)
    for piece in split(payload, where):
        bench.port.channel.receive(piece)
        bench.advance(0.01)
    assert settle(bench, 0.5).encode("latin-1") == payload


@given(st.binary(max_size=500))
@quick
def test_any_bytes_in_continuous_mode_leave_the_modem_working(garbage):
    bench = mapped_echo(1)
    bench.port.channel.receive(garbage)
    settle(bench, 0.5)
    bench.advance(1.1)
    bench.port.send(b"+++")
    settle(bench, 1.2)
    # back in command mode (or already there if a reset ended data mode): it answers
    assert bench.at("+WIPCFG=3").endswith(OK)
