"""+CMUX in the generic dialect: registered with the other 27.007 services, and a modem
reset from inside a DLC ends the multiplexer like any power off."""

from collections.abc import Callable

from simulator.modem.mux import MuxService
from tests.cmux import dte
from tests.modem.bench import OK, Bench


def open_mux(bench: Bench) -> Callable[[bytes], list[dte.Received]]:
    """+CMUX=0 on the bench port, DLC 0 and DLC 1 open; returns a frame sender."""
    port = bench.port
    assert port.at("+CMUX=0") == OK
    parser = dte.Parser(dte.BASIC)

    def send(frame: bytes) -> list[dte.Received]:
        port.channel.receive(frame)
        return parser.feed(port.host.take().encode("latin-1"))

    send(dte.frame(dte.BASIC, 0, dte.SABM | dte.PF))
    send(dte.frame(dte.BASIC, 1, dte.SABM | dte.PF))
    return send


def test_generic_modems_have_cmux():
    bench = Bench()
    assert isinstance(bench.modem.service(MuxService), MuxService)
    assert bench.at("+CMUX=?") == (
        "\r\n+CMUX: (0-1),(0),(1-6),(1-127),(1-255),(0-100),(2-255),(1-255),(1-7)\r\n" + OK)


def test_identity_on_a_dlc():
    bench = Bench()
    send = open_mux(bench)
    frames = send(dte.frame(dte.BASIC, 1, dte.UIH, b"AT+CGMI\r"))
    text = b"".join(f.info for f in frames if f.dlci == 1)
    assert text.startswith(b"AT+CGMI\r\r\n") and text.endswith(b"\r\nOK\r\n")


def test_reset_from_a_dlc_ends_the_multiplexer():
    bench = Bench()
    send = open_mux(bench)
    send(dte.frame(dte.BASIC, 1, dte.UIH, b"AT+CFUN=1,1\r"))
    assert [i.port for i in bench.modem.interpreters] == ["p0"]
    assert bench.modem.service(MuxService).multiplexers == []
    assert bench.at("") == OK
