"""Two DLCs at once on a WIP modem: a TCP socket in +WIPDATA data mode on DLC 1 while DLC 2
keeps answering AT, driven by the independent 27.010 DTE of these tests, on task.Clock."""

import pytest

from tests.cmux import dte
from tests.cmux.bench import MuxBench
from tests.dialects.wip.bench import WipBench
from tests.dialects.wip.test_sockets import LAB

OK = b"\r\nOK\r\n"


def wip_mux_bench() -> MuxBench:
    """MuxBench's DTE on a second UART of a WIP modem that reaches the lab network."""
    wip = WipBench(ip=LAB)
    return MuxBench.on_port(wip.modem, wip.clock, "uart2")


@pytest.mark.parametrize("mode", [dte.BASIC, dte.ADVANCED])
def test_socket_data_on_one_dlc_while_another_answers_at(mode):
    bench = wip_mux_bench()
    bench.start(mode)
    bench.open_dlc(1)
    bench.open_dlc(2)
    for dlci in (1, 2):
        bench.at_dlc(dlci, "ATE0")
    for line in ("AT+WIPCFG=1", "AT+WIPBR=1,6", "AT+WIPBR=4,6,0"):
        bench.write(1, line.encode() + b"\r")
        bench.settle(0.1)  # the bearer's activation is the next turn of the clock
        assert bench.read(1) == OK, line
    assert bench.at_dlc(1, 'AT+WIPCREATE=2,1,"echo.lab",7') == OK
    bench.settle()
    # +WIPREADY is a URC: every DLC's AT channel shows it
    assert bench.read(1) == b"\r\n+WIPREADY: 2,1\r\n"
    assert bench.read(2) == b"\r\n+WIPREADY: 2,1\r\n"
    assert bench.at_dlc(1, "AT+WIPDATA=2,1,1") == b"\r\nCONNECT\r\n"

    payload = bytes(range(0x20, 0x7F)) * 4  # no DLE/ETX: they would be escaped
    bench.write(1, payload)
    # DLC 2 answers while DLC 1 is in data mode and its echo is on the way
    assert bench.at_dlc(2, "AT+CGMI") == b"\r\nWAVECOM MODEM\r\n\r\nOK\r\n"
    bench.settle()
    assert bench.read(1) == payload
    assert bench.at_dlc(2, "AT+WIPCFG?").endswith(OK)

    # +++ on DLC 1 unmaps the socket; DLC 2 was never disturbed
    bench.settle(2)
    bench.write(1, b"+++")
    bench.settle(1.5)
    assert bench.read(1) == OK
    assert bench.at_dlc(1, "AT+WIPCLOSE=2,1") == OK
    assert bench.at_dlc(2, "AT") == OK
