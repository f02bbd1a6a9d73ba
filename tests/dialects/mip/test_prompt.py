"""The prompt modes of +MIPSEND (003 §1.2) and +GTSET's SENDTIME (§1.2.4)."""

from simulator.modem.storage import NVStore
from tests.dialects.mip.bench import OK, MipBench, info, urc


def online(store=None) -> MipBench:
    bench = MipBench(store=store)
    bench.online()
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.settle()
    return bench


def test_the_prompt_times_out_after_twelve_seconds_and_pushes_what_it_has():
    bench = online()
    assert bench.port.send(b"AT+MIPSEND=1\r") == ">"
    bench.port.send(b"abc")
    assert bench.settle(11.9) == ""
    assert bench.settle(0.2) == OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048") + urc(
        "+MIPRTCP: 1,0,616263")


def test_sendtime_is_kept_in_flash():
    store = NVStore(None)
    bench = online(store)
    assert bench.at('+GTSET="SENDTIME",2') == OK
    again = online(store)
    again.port.send(b"AT+MIPSEND=1,100\r")
    again.port.send(b"x")
    assert again.settle(2.1).startswith(OK + urc("+MIPPUSH: 1,0"))


def test_an_empty_prompt_has_no_data_to_push():
    bench = online()
    bench.port.send(b"AT+MIPSEND=1\r")
    assert bench.port.send(b"\x1a") == OK + urc("+MIPPUSH: 1,2") + info("+MIPSEND: 1,2,2048")


def test_the_prompt_pushes_what_basic_mode_buffered_first():
    bench = online()
    bench.at('+MIPSEND=1,"4142"')
    bench.port.send(b"AT+MIPSEND=1,1\r")
    assert bench.port.send(b"C") + bench.settle() == (
        OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048") + urc("+MIPRTCP: 1,0,414243"))


def test_bytes_after_the_length_are_commands_again():
    bench = online()
    bench.port.send(b"AT+MIPSEND=1,2\r")
    answer = bench.port.send(b"\x1a\rAT+MIPCALL?\r") + bench.settle()
    assert answer == (OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
                      + info("+MIPCALL: 1,10.34.7.211") + urc("+MIPRTCP: 1,0,1A0D"))
