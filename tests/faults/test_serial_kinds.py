"""Faults of the serial line on task.Clock, as the host end of the port sees them: bytes
lost or corrupted each way, a stalled line with CTS off, circuit glitches, a port cut off,
a frozen modem; and the line as before once undone."""

import pytest

from simulator.faults import FaultError, Injector, make_fault
from tests.modem.bench import OK, Bench, info


def start(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


GMR = "+CGMR"


def test_drop_bytes_to_the_host_by_rate_then_back_to_normal():
    bench = Bench()
    true_answer = bench.at(GMR)
    fault = start(bench, "drop_bytes", {"rate": 0.5, "direction": "to_host"})
    answers = [bench.at(GMR) for _ in range(5)]
    assert all(len(a) < len(true_answer) for a in answers)
    fault.undo()
    assert bench.at(GMR) == true_answer


def test_drop_bytes_by_count_from_the_host_loses_exactly_those_and_ends():
    bench = Bench()
    injector = Injector()
    fault = injector.apply(make_fault("drop_bytes", {"count": 2, "direction": "to_modem"}),
                           bench.modem)
    assert bench.port.send(b"AT") == ""  # lost on the wire: the modem saw nothing
    assert fault.ended and injector.counts[("drop_bytes", "end")] == 1
    assert bench.port.send(b"AT\r") == OK


def test_corrupt_bytes_keeps_the_length_and_changes_the_bytes():
    bench = Bench()
    true_answer = bench.at(GMR)
    fault = start(bench, "corrupt_bytes", {"rate": 1.0, "direction": "to_host"})
    corrupted = bench.at(GMR)
    assert len(corrupted) == len(true_answer)
    assert all(a != b for a, b in zip(corrupted, true_answer, strict=True))
    fault.undo()
    assert bench.at(GMR) == true_answer


def test_corrupt_bytes_from_the_host_makes_the_modem_read_garbage():
    bench = Bench()
    fault = start(bench, "corrupt_bytes", {"count": 1, "direction": "to_modem"})
    assert bench.port.send(b"A") == ""  # the A became noise: no command starts
    assert bench.port.send(b"T\r") == ""
    assert fault.ended
    assert bench.at("") == OK


def test_rate_or_count_one_of_them():
    with pytest.raises(FaultError, match="rate or count"):
        make_fault("drop_bytes", {})
    with pytest.raises(FaultError, match="not both"):
        make_fault("corrupt_bytes", {"rate": 0.1, "count": 3})


def test_stall_holds_both_ways_with_cts_off_then_delivers_in_order():
    bench = Bench()
    channel = bench.port.channel
    fault = start(bench, "stall")
    assert channel.modem_signals.cts is False
    assert bench.at("") == ""  # the command waits on the line
    bench.modem.emit_urc(lambda session: "+X")
    fault.undo()
    assert channel.modem_signals.cts is True
    assert bench.port.take() == "\r\n+X\r\n" + OK


def test_freeze_loses_everything_until_undone_and_keeps_the_state():
    bench = Bench()
    assert bench.at("+CREG=1") == OK
    fault = start(bench, "freeze")
    assert bench.at("") == ""
    bench.modem.emit_urc(lambda session: "+LOST")
    assert bench.port.channel.modem_signals.dsr is True  # unlike power_off
    fault.undo()
    assert bench.port.take() == ""  # what happened while frozen is gone
    assert bench.at("+CREG?").startswith(info("+CREG: 1")[:9])  # settings kept


def test_glitch_flips_dcd_for_its_length():
    bench = Bench()
    channel = bench.port.channel
    before = channel.modem_signals.dcd
    start(bench, "glitch", {"line": "dcd", "length": 0.5})
    assert channel.modem_signals.dcd is not before
    bench.advance(0.5)
    assert channel.modem_signals.dcd is before


def test_glitch_ri_and_dtr():
    bench = Bench()
    channel = bench.port.channel
    start(bench, "glitch", {"line": "ri"})
    assert channel.modem_signals.ri is True
    bench.advance(0.1)
    assert channel.modem_signals.ri is False
    seen = []
    original = bench.port.interpreter.host_signals_changed
    bench.port.interpreter.host_signals_changed = lambda old, new: (seen.append(new.dtr),
                                                                     original(old, new))
    start(bench, "glitch", {"line": "dtr", "length": 0.2})
    bench.advance(0.2)
    assert seen == [False, True]


def test_port_close_cuts_the_host_off():
    bench = Bench()
    cut = []
    bench.port.host.disconnect = lambda: cut.append(True)
    start(bench, "port_close")
    assert cut == [True]
