"""The V.250 engine end to end on a bare modem: bytes in, exact bytes out."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.defer import Deferred

from simulator.at.commands import CmeError, Connect, Prompt, ResultCode, ResultLine
from simulator.modem.storage import NVStore
from tests.at.harness import Bench


class Sink:
    """A data sink that records what the host sent and lets the test answer."""

    def __init__(self, stays_online=True):
        self.received = bytearray()
        self.link = None
        self.stays_online = stays_online
        self.events = []

    def attach(self, link):
        self.link = link
        self.events.append("attach")

    def data_received(self, data):
        self.received += data

    def escaped(self):
        self.events.append("escaped")
        return self.stays_online

    def resumed(self):
        self.events.append("resumed")

    def hangup(self):
        self.events.append("hangup")


def install_test_commands(modem, table):
    """Commands that exercise every outcome a handler can give."""
    state = modem.test_state = {"sink": None, "deferred": None, "text": None}

    def dial(call):
        if call.command.dial == "BUSY":
            return ResultCode.BUSY
        sink = state["sink"] = Sink(stays_online=call.command.dial != "DROP")
        if call.command.dial == "OWN":
            return Connect(sink, shown=b"\r\nOk_Info_WaitingForData\r\n")
        return Connect(sink, "9600")

    def slow(call):
        call.info("+SLOW: started")
        d = state["deferred"] = Deferred()
        return d

    def prompt(call):
        def submit(text):
            state["text"] = text
            call.info(f"+TEXT: {len(text)}")  # shown with the final result
        return Prompt(submit)

    def boom(call):
        raise RuntimeError("handler bug")

    def fail(call):
        raise CmeError(int(call.params.int(0)))

    table.add("D", exec=dial)
    table.add("+SLOW", exec=slow)
    table.add("+TEXT", exec=prompt)
    table.add("+BOOM", exec=boom)
    table.add("+FAIL", set=fail)
    table.add("+INFO", exec=lambda call: [call.info("a"), call.info("b")] and None)


@pytest.fixture
def bench():
    return Bench(install=install_test_commands)


def test_echo_and_result(bench):
    assert bench.send(b"AT\r") == b"AT\r\r\nOK\r\n"
    assert bench.send(b"ATE0\r") == b"ATE0\r\r\nOK\r\n"
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"


def test_numeric_and_quiet(bench):
    bench.send(b"ATE0V0\r")
    assert bench.send(b"AT\r") == b"0\r"
    assert bench.send(b"AT+NOPE\r") == b"4\r"
    assert bench.send(b"AT+INFO\r") == b"a\r\nb\r\n0\r"
    bench.send(b"ATV1Q1\r")
    assert bench.send(b"AT\r") == b""
    assert bench.send(b"AT+INFO\r") == b"\r\na\r\nb\r\n"


def test_multi_line_information_is_one_block(bench):
    bench.send(b"ATE0\r")
    assert bench.send(b"AT+INFO;+INFO\r") == b"\r\na\r\nb\r\n\r\na\r\nb\r\n\r\nOK\r\n"


def test_error_stops_the_rest_of_the_line(bench):
    bench.send(b"ATE0\r")
    assert bench.send(b"AT+INFO;+NOPE;+INFO\r") == b"\r\na\r\nb\r\n\r\nERROR\r\n"


@pytest.mark.parametrize("cmee,expected", [
    (0, b"\r\nERROR\r\n"),
    (1, b"\r\n+CME ERROR: 11\r\n"),
    (2, b"\r\n+CME ERROR: SIM PIN required\r\n"),
])
def test_cme_errors_follow_cmee(bench, cmee, expected):
    bench.send(b"ATE0+CMEE=%d\r" % cmee)
    assert bench.send(b"AT+FAIL=11\r") == expected


def test_x_level_maps_busy(bench):
    bench.send(b"ATE0\r")
    assert bench.send(b"ATDBUSY\r") == b"\r\nBUSY\r\n"
    bench.send(b"ATX0\r")
    assert bench.send(b"ATDBUSY\r") == b"\r\nNO CARRIER\r\n"


def test_handler_bug_gives_error_and_the_port_lives(bench):
    bench.send(b"ATE0\r")
    assert bench.send(b"AT+BOOM\r") == b"\r\nERROR\r\n"
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"


def test_over_long_line_then_normal_line(bench):
    out = bench.send(b"AT" + b"A" * 65536 + b"\r")
    assert out.endswith(b"\r\r\nERROR\r\n")
    assert bench.send(b"AT\r") == b"AT\r\r\nOK\r\n"


def test_garbage_and_nuls_give_no_answer_and_the_port_lives(bench):
    bench.send(b"ATE0\r")
    assert bench.send(bytes(range(256)).replace(b"A", b"") + b"\x00\x00\r\n\r") == b""
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"


def test_urc_waits_for_the_final_result(bench):
    bench.send(b"ATE0\r")
    out = bench.send(b"AT+SLOW\r")
    assert out == b"\r\n+SLOW: started\r\n"
    bench.modem.emit_urc(lambda session: "+CREG: 1")
    assert bench.host.take() == b""
    bench.modem.test_state["deferred"].callback(None)
    assert bench.host.take() == b"\r\nOK\r\n\r\n+CREG: 1\r\n"
    bench.modem.emit_urc(lambda session: "+CREG: 5")
    assert bench.host.take() == b"\r\n+CREG: 5\r\n"


def test_input_during_a_running_command_waits_in_order(bench):
    bench.send(b"ATE1\r")
    out = bench.send(b"AT+SLOW\rATI5\rAT\r")
    assert out == b"AT+SLOW\r\r\n+SLOW: started\r\n"
    bench.modem.test_state["deferred"].callback(None)
    assert bench.host.take() == b"\r\nOK\r\nATI5\r\r\nERROR\r\nAT\r\r\nOK\r\n"


def test_deferred_failure_gives_cme(bench):
    bench.send(b"ATE0+CMEE=1\r")
    bench.send(b"AT+SLOW\r")
    bench.modem.test_state["deferred"].errback(CmeError(30))
    assert bench.host.take() == b"\r\n+CME ERROR: 30\r\n"


@pytest.mark.parametrize("verbose, expected", [
    (b"1", b"\r\nOk_Info_Ppp\r\n\r\n+CREG: 1\r\n"),
    (b"0", b"3077\r+CREG: 1\r\n"),
])
def test_a_dialect_result_line_ends_the_command_instead_of_ok(bench, verbose, expected):
    bench.send(b"ATE0V" + verbose + b"\r")
    bench.send(b"AT+SLOW\r")
    bench.modem.emit_urc(lambda session: "+CREG: 1")
    bench.modem.test_state["deferred"].callback(ResultLine("Ok_Info_Ppp", 3077))
    assert bench.host.take() == expected
    bench.send(b"ATQ1\r")
    bench.send(b"AT+SLOW\r")
    bench.modem.test_state["deferred"].callback(ResultLine("Ok_Info_Ppp", 3077))
    assert bench.host.take() == b""


def test_repeat_last_line(bench):
    bench.send(b"ATE0\r")
    bench.send(b"AT+INFO\r")
    assert bench.send(b"A/") == b"\r\na\r\nb\r\n\r\nOK\r\n"


def test_s_registers(bench):
    bench.send(b"ATE0\r")
    assert bench.send(b"ATS0=3S0?\r") == b"\r\n003\r\n\r\nOK\r\n"
    assert bench.send(b"ATS1=1\r") == b"\r\nERROR\r\n"
    assert bench.send(b"ATS3=200\r") == b"\r\nERROR\r\n"
    assert bench.send(b"ATS99?\r") == b"\r\nERROR\r\n"


def test_s3_s4_s5_are_honoured(bench):
    bench.send(b"ATE0\r")
    bench.send(b"ATS3=33\r")
    # CR no longer ends a line; '!' does.
    assert bench.send(b"ATV1!") == b"\r\nOK\r\n"
    bench.send(b"ATS3=13S5=35\r".replace(b"\r", b"!"))
    assert bench.send(b"ATE12#\r") == b"\r\nOK\r\n"  # '#' deletes the 2
    assert bench.send(b"ATE1#2\r") == b"ATE1#2\r\r\nERROR\r\n"  # E2 does not exist


def test_profiles_survive_a_restart(tmp_path):
    store_path = tmp_path / "bench.json"
    bench = Bench(store=NVStore(store_path))
    bench.send(b"ATE0V0+CMEE=2;&W\r")
    bench.send(b"ATE1V1+CMEE=0\r")
    assert bench.send(b"ATZ\r") == b"ATZ\r0\r"  # typed with E1; answered with V0
    again = Bench(store=NVStore(store_path))
    assert again.send(b"AT+CMEE?\r") == b"+CMEE: 2\r\n0\r"
    assert again.send(b"AT&F\r") == b"\r\nOK\r\n"  # typed with E0, answered with V1


def test_prompt_collects_until_ctrl_z(bench):
    bench.send(b"ATE1\r")
    assert bench.send(b"AT+TEXT\r") == b"AT+TEXT\r> "
    assert bench.send(b"hello\rworld\x1a") == b"hello\rworld\r\n+TEXT: 11\r\n\r\nOK\r\n"
    assert bench.modem.test_state["text"] == b"hello\rworld"


def test_prompt_cancel_with_esc(bench):
    bench.send(b"ATE0\r")
    bench.send(b"AT+TEXT\r")
    assert bench.send(b"abc\x1b") == b"\r\nOK\r\n"
    assert bench.modem.test_state["text"] is None


# -- data mode -----------------------------------------------------------------------------

def enter_data(bench, dial=b"X"):
    bench.send(b"ATE0\r")
    out = bench.send(b"ATD" + dial + b"\r")
    assert out == b"\r\nCONNECT 9600\r\n"
    return bench.modem.test_state["sink"]


def test_data_flows_both_ways(bench):
    sink = enter_data(bench)
    payload = bytes(range(256)) * 4
    assert bench.send(payload) == b""
    assert bytes(sink.received) == payload
    sink.link.write(b"from the network")
    assert bench.host.take() == b"from the network"


def test_bytes_after_the_dial_in_one_write_are_data(bench):
    bench.send(b"ATE0\r")
    bench.send(b"ATDX\rAT\r")
    assert bytes(bench.modem.test_state["sink"].received) == b"AT\r"


def test_escape_with_guard_times_then_ato(bench):
    sink = enter_data(bench)
    bench.clock.advance(1.1)
    assert bench.send(b"+++") == b""
    bench.clock.advance(0.5)
    assert bench.host.take() == b""  # guard time after not over yet
    bench.clock.advance(0.6)
    assert bench.host.take() == b"\r\nOK\r\n"
    assert sink.events == ["attach", "escaped"]
    assert bytes(sink.received) == b""
    sink.link.write(b"held")
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"
    assert bench.send(b"ATO\r") == b"\r\nCONNECT\r\nheld"
    bench.send(b"more")
    assert bytes(sink.received) == b"more"


def test_plus_signs_without_guard_time_are_data(bench):
    sink = enter_data(bench)
    bench.send(b"a+++")  # no silence before
    bench.clock.advance(2)
    assert bench.host.take() == b""
    assert bytes(sink.received) == b"a+++"


def test_two_plus_signs_are_released_as_data(bench):
    sink = enter_data(bench)
    bench.clock.advance(2)
    bench.send(b"++")
    assert bytes(sink.received) == b""
    bench.clock.advance(1.1)
    assert bytes(sink.received) == b"++"
    assert bench.host.take() == b""


def test_data_after_the_third_plus_cancels_the_escape(bench):
    sink = enter_data(bench)
    bench.clock.advance(2)
    bench.send(b"+++")
    bench.clock.advance(0.5)
    bench.send(b"x")
    bench.clock.advance(2)
    assert bytes(sink.received) == b"+++x"
    assert bench.host.take() == b""


def test_guard_time_follows_s12(bench):
    bench.send(b"ATS12=5\r")  # 100 ms
    sink = enter_data(bench)
    bench.clock.advance(0.2)
    bench.send(b"+++")
    bench.clock.advance(0.2)
    assert bench.host.take() == b"\r\nOK\r\n"
    assert sink.events[-1] == "escaped"


def test_sink_end_gives_no_carrier_and_command_mode(bench):
    sink = enter_data(bench)
    sink.link.end()
    assert bench.host.take() == b"\r\nNO CARRIER\r\n"
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"
    sink.link.write(b"late")  # a sink that ended is no longer connected
    assert bench.host.take() == b""


def test_urcs_wait_during_data_mode(bench):
    sink = enter_data(bench)
    bench.modem.emit_urc(lambda session: "RING")
    assert bench.host.take() == b""
    sink.link.end()
    assert bench.host.take() == b"\r\nNO CARRIER\r\n\r\nRING\r\n"


def test_ath_in_online_command_state(bench):
    sink = enter_data(bench)
    bench.clock.advance(2)
    bench.send(b"+++")
    bench.clock.advance(2)
    bench.host.take()
    assert bench.send(b"ATH\r") == b"\r\nOK\r\n"
    assert sink.events[-1] == "hangup"
    assert bench.send(b"ATO\r") == b"\r\nNO CARRIER\r\n"


def test_escape_releasing_the_sink(bench):
    sink = enter_data(bench, b"DROP")
    bench.clock.advance(2)
    bench.send(b"+++")
    bench.clock.advance(2)
    assert bench.host.take() == b"\r\nOK\r\n"
    assert bench.send(b"ATO\r") == b"\r\nNO CARRIER\r\n"
    assert sink.events == ["attach", "escaped"]


@pytest.mark.parametrize("mode,expected,event,dcd", [
    (0, b"", None, True),
    (1, b"\r\nOK\r\n", "escaped", True),
    (2, b"\r\nNO CARRIER\r\n", "hangup", False),
])
def test_dtr_drop_follows_amp_d(bench, mode, expected, event, dcd):
    bench.send(b"AT&D%d\r" % mode)
    sink = enter_data(bench)
    bench.channel.set_host_signals(dtr=False)
    assert bench.host.take() == expected
    if event:
        assert sink.events[-1] == event
    assert bench.channel.modem_signals.dcd is dcd


def test_dcd_follows_amp_c(bench):
    assert bench.channel.modem_signals.dcd is False
    sink = enter_data(bench)
    assert bench.channel.modem_signals.dcd is True
    sink.link.end()
    assert bench.channel.modem_signals.dcd is False
    bench.send(b"AT&C0\r")
    assert bench.channel.modem_signals.dcd is True


def test_host_closing_hangs_up(bench):
    sink = enter_data(bench)
    bench.channel.detach_host()
    assert sink.events[-1] == "hangup"
    bench.channel.attach_host(bench.host)
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"


# -- any fragmentation, same answer ----------------------------------------------------------

SESSION = (b"\x1b\rAT\rATE1\rAT+INFO;+INFO\rATS7?\rAT+NOPE\rATV0\rAT\r\nATV1\r"
           b"AT+TEXT\rab\x08c\x1aAT+CMEE=1;+FAIL=3\rA/at&v\r")


def replay(chunks):
    bench = Bench(install=install_test_commands)
    data, i = SESSION, 0
    for size in chunks:
        bench.channel.receive(data[i : i + size])
        i += size
    bench.channel.receive(data[i:])
    return bench.host.take()


@settings(max_examples=60)
@given(st.lists(st.integers(min_value=1, max_value=9), max_size=len(SESSION)))
def test_any_fragmentation_of_a_session_gives_the_same_bytes(chunks):
    assert replay(chunks) == replay([])


# -- another protocol takes the channel --------------------------------------------------------

class Taker:
    def __init__(self, give_back):
        self.give_back = give_back
        self.received = bytearray()

    def data_received(self, data):
        self.received += data
        if data.endswith(b"BYE"):
            self.give_back()

    def host_signals_changed(self, old, new):
        pass

    def host_opened(self):
        pass

    def host_closed(self):
        pass


def test_take_over_and_give_back():
    from simulator.at.commands import TakeOver

    takers = []

    def install(modem, table):
        def mux(call):
            return TakeOver(lambda give_back: takers.append(Taker(give_back)) or takers[-1])
        table.add("+MUX", exec=mux)

    bench = Bench(install=install)
    bench.send(b"ATE0\r")
    assert bench.send(b"AT+MUX\r\xf9\x03") == b"\r\nOK\r\n"
    [taker] = takers
    # While another protocol owns the port, its URCs belong to that protocol's channels.
    bench.modem.emit_urc(lambda session: "+CREG: 1")
    assert bench.send(b"AT\r") == b""
    assert bytes(taker.received) == b"\xf9\x03AT\r"
    assert bench.send(b"BYE") == b""
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"
    bench.modem.emit_urc(lambda session: "+CREG: 5")
    assert bench.host.take() == b"\r\n+CREG: 5\r\n"


def install_worded_commands(modem, table):
    from simulator.at.commands import DialectError, Entry, ErrorFamily

    class Worded(DialectError):
        family = ErrorFamily("#CME ERROR: ", follows_cmee=False)

    def worded(call):
        raise Worded(34817)

    def known(call):
        call.info("#KNOWN")

    table.add("#KNOWN", exec=known)
    table.add_fallback("#", Entry(worded, worded, worded, worded))


@pytest.mark.parametrize("cmee", [0, 1, 2])
def test_a_dialect_error_that_ignores_cmee_is_shown_as_the_dialect_words_it(cmee):
    bench = Bench(install=install_worded_commands)
    bench.send(b"ATE0+CMEE=%d\r" % cmee)
    assert bench.send(b"AT#NOSUCH=1\r") == b"\r\n#CME ERROR: 34817\r\n"
    assert bench.send(b"AT#KNOWN;#OTHER?;#KNOWN\r") == b"\r\n#KNOWN\r\n\r\n#CME ERROR: 34817\r\n"
    bench.send(b"ATV0\r")
    assert bench.send(b"AT#NOSUCH\r") == b"#CME ERROR: 34817\r\n"
    bench.send(b"ATQ1\r")
    assert bench.send(b"AT#NOSUCH\r") == b""


def test_a_prefix_fallback_leaves_other_prefixes_alone():
    bench = Bench(install=install_worded_commands)
    bench.send(b"ATE0\r")
    assert bench.send(b"AT+NOSUCH\r") == b"\r\nERROR\r\n"
    assert bench.send(b"AT#KNOWN\r") == b"\r\n#KNOWN\r\n\r\nOK\r\n"


def test_data_mode_with_a_dialects_own_announcement_and_end(bench):
    bench.send(b"ATE0\r")
    assert bench.send(b"ATDOWN\r") == b"\r\nOk_Info_WaitingForData\r\n"
    sink = bench.modem.test_state["sink"]
    bench.send(b"data")
    assert bytes(sink.received) == b"data"
    sink.link.end(b"\x03\r\nOk_Info_SocketClosed\r\n\r\nOK\r\n")
    assert bench.host.take() == b"\x03\r\nOk_Info_SocketClosed\r\n\r\nOK\r\n"
    assert bench.send(b"AT\r") == b"\r\nOK\r\n"  # command mode again


def test_unsolicited_data_mode_with_a_dialects_own_announcement(bench):
    bench.send(b"ATE0\r")
    sink = Sink()
    assert bench.interpreter.connect_unsolicited(sink, shown=b"\r\nHELLO\r\n")
    assert bench.host.take() == b"\r\nHELLO\r\n" and sink.events == ["attach"]
    assert not bench.interpreter.connect_unsolicited(Sink(), shown=b"x")  # already online


def test_a_byte_a_service_listens_for_between_lines(bench):
    bench.send(b"ATE0\r")
    heard = []

    def heard_etx():
        heard.append(1)
        return ResultCode.OK if len(heard) == 1 else None

    bench.interpreter.on_idle_byte(0x03, heard_etx)
    assert bench.send(b"\x03") == b"\r\nOK\r\n"
    assert bench.send(b"AT+INFO\x03\r") == b"\r\na\r\nb\r\n\r\nOK\r\n"  # inside a line: ignored
    assert bench.send(b"x\x03AT\r") == b"\r\nOK\r\n" and heard == [1, 1]
    bench.interpreter.on_idle_byte(0x03, None)
    assert bench.send(b"\x03AT\r") == b"\r\nOK\r\n" and len(heard) == 2
