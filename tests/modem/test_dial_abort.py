"""A dial in progress belongs to the host that typed it: any character from that host aborts
it (V.250 §5.6.1, §6.3.1), the host leaving cancels it, and what the departed host typed
after it never runs nor answers the next host.  On task.Clock with the simulated network."""

from simulator.at.interpreter import ABORT_GUARD, Mode
from simulator.network.calls import NO_ANSWER_TIMEOUT, SETUP_DELAY
from simulator.network.spec import IspSpec, NumberSpec
from tests.modem.bench import NO_CARRIER, OK, Host
from tests.modem.test_csd_calls import B_NUMBER, TwoModems

ISP = "+33800000000"
NOWHERE = "+33699999999"


def leave_and_come_back(port) -> Host:
    """The host closes the port; another opens it."""
    port.channel.detach_host()
    port.host = Host()
    port.channel.attach_host(port.host)
    return port.host


def test_a_character_after_the_guard_time_aborts_a_ringing_dial():
    two = TwoModems()
    two.ring_b()
    assert "RING" in two.pb.take()
    two.advance(ABORT_GUARD)
    assert two.pa.send(b"A") == NO_CARRIER
    assert two.pa.interpreter.mode is Mode.COMMAND
    assert two.network.calls.in_call("b") is False  # the network let go of the call
    two.advance(NO_ANSWER_TIMEOUT)
    assert two.pa.take() == ""  # nothing more about that dial, ever
    assert two.pb.take() == ""  # and b rings no more
    assert two.pa.at("") == OK


def test_the_rest_of_the_aborting_write_is_read_as_usual():
    """The aborting character is consumed; ``AT\\r`` typed to abort leaves ``T\\r``, which is
    no command line, while a whole line after it runs."""
    two = TwoModems()
    two.pa.send(f"ATD{NOWHERE}\r".encode())
    two.advance(ABORT_GUARD)
    assert two.pa.send(b"AT\r") == NO_CARRIER
    two.pa.send(f"ATD{NOWHERE}\r".encode())
    two.advance(ABORT_GUARD)
    assert two.pa.send(b"xATS7?\r") == NO_CARRIER + "\r\n050\r\n" + OK


def test_characters_within_the_guard_time_wait_instead_of_aborting():
    two = TwoModems()
    assert two.pa.send(f"ATD{NOWHERE}\r\nATS7?\r".encode()) == ""
    two.advance(ABORT_GUARD / 2)
    assert two.pa.send(b"\n") == ""
    two.advance(SETUP_DELAY)
    assert two.pa.take() == NO_CARRIER + "\r\n050\r\n" + OK


def test_closing_the_host_cancels_the_dial_and_the_callee_stops_ringing():
    two = TwoModems()
    two.ring_b()
    two.pb.take()
    host = leave_and_come_back(two.pa)
    assert two.network.calls.in_call("b") is False
    two.advance(NO_ANSWER_TIMEOUT)
    assert host.take() == ""
    assert "RING" not in two.pb.take()
    assert two.pa.at("") == OK


def test_a_dial_to_an_isp_does_not_connect_after_the_host_left():
    two = TwoModems(numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),))
    two.pa.send(f"ATD{ISP}\r".encode())
    host = leave_and_come_back(two.pa)
    two.advance(SETUP_DELAY * 2)
    assert host.take() == ""
    assert not two.pa.interpreter.online  # the next host does not land in data mode
    assert two.pa.at("") == OK


def test_a_departed_hosts_queued_lines_neither_run_nor_answer_the_next_host():
    two = TwoModems()
    assert two.pa.send(f"ATD{NOWHERE}\rATS7=77S7?\r".encode()) == ""
    host = leave_and_come_back(two.pa)
    two.advance(SETUP_DELAY * 2)
    assert host.take() == ""
    assert two.pa.at("S7?") == "\r\n050\r\n" + OK


def test_a_dial_that_ended_before_the_host_left_is_answered_as_usual():
    two = TwoModems()
    two.pa.send(f"ATD{NOWHERE}\r".encode())
    two.advance(SETUP_DELAY)
    assert two.pa.take() == NO_CARRIER
    leave_and_come_back(two.pa)
    assert two.pa.at("") == OK


def test_a_dial_that_connects_still_connects():
    two = TwoModems()
    two.pa.send(f"ATD{B_NUMBER}\r".encode())
    two.advance(SETUP_DELAY)
    two.pb.take()  # RING
    assert two.pb.at("A") == "\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    assert two.pa.interpreter.mode is Mode.DATA


def test_dtr_dropped_under_d2_clears_a_call_being_set_up():
    two = TwoModems()
    two.ring_b()
    two.pb.take()
    two.pa.channel.set_host_signals(dtr=False)
    assert two.pa.take() == NO_CARRIER
    assert two.network.calls.in_call("b") is False
    two.pa.channel.set_host_signals(dtr=True)
    assert two.pa.at("") == OK


def test_dtr_dropped_under_d1_leaves_a_dial_alone():
    two = TwoModems()
    two.pa.at("&D1")
    two.pa.send(f"ATD{NOWHERE}\r".encode())
    two.pa.channel.set_host_signals(dtr=False)
    assert two.pa.take() == ""
    two.advance(SETUP_DELAY)
    assert two.pa.take() == NO_CARRIER


def test_a_host_that_drops_dtr_as_it_leaves_takes_its_lines_along():
    """RFC 2217 and serial hosts drop DTR before the port is closed (HUPCL)."""
    two = TwoModems()
    two.pa.send(f"ATD{NOWHERE}\rATS7=77\r".encode())
    two.pa.channel.set_host_signals(dtr=False)
    host = leave_and_come_back(two.pa)
    two.pa.channel.set_host_signals(dtr=True)
    two.advance(SETUP_DELAY * 2)
    assert host.take() == ""
    assert two.pa.at("S7?") == "\r\n050\r\n" + OK
