"""How WIP failures show under each +CMEE, at once (a final result) and later (an
unsolicited error after OK, the end of data mode): the same line either way, with the
revision's own texts under +CMEE=2 (001 §10, 000 §10)."""

import pytest

from simulator.at.commands import AtError, ResultCode
from simulator.at.results import error_text
from simulator.dialects.wip.datamode import error_result
from tests.dialects.wip.bench import ERROR, OK, WipBench, urc
from tests.dialects.wip.test_datamode import tcp_to_discard
from tests.dialects.wip.test_sockets import online, settle

UNREACHABLE_501 = ("destination host unreachable (whether host unreachable, Network "
                   "unreachable, response timeout)")


def final(line: str) -> str:
    return f"\r\n{line}\r\n"


@pytest.mark.parametrize(("cmee", "line"), [
    (0, "ERROR"),
    (1, "+CME ERROR: 842"),
    (2, f"+CME ERROR: {UNREACHABLE_501}"),
])
def test_an_unsolicited_error_follows_cmee(cmee, line):
    bench = online(cmee=cmee)
    # nobody listens on port 81: the connection fails after OK
    assert bench.at('+WIPCREATE=2,1,"192.0.2.7",81') == OK + urc(line)


@pytest.mark.parametrize(("cmee", "line"), [
    (0, "ERROR"),
    (1, "+CME ERROR: 803"),
    (2, "+CME ERROR: operation not allowed in the current WIP stack state"),
])
def test_a_final_error_shows_the_same_line(cmee, line):
    bench = WipBench(cmee=cmee)
    bench.at("+WIPCFG=1")
    assert bench.at('+WIPCREATE=2,1,"192.0.2.7",7') == final(line)


def test_the_texts_are_the_revisions():
    # 000 §10 "Unknown reason" for 850 is not 001 §10's "unknown reason"; 000 §7.2.5 answers
    # +WIPDATA with "851 Bad state", a code 001 does not have.
    assert WipBench(cmee=2).at("+WIPCFG?") == final("+CME ERROR: unknown reason")
    v201 = WipBench(revision="2.01", cmee=2)
    v201.at("+WIPCFG=1")
    assert v201.at("+WIPDATA=1,1,1") == final("+CME ERROR: Bad state")
    # v2.01 answers every +WIPCREATE failure "+CME ERROR: 3", late ones too (000 §6.1.5)
    v201 = online(revision="2.01", cmee=2)
    assert v201.at('+WIPCREATE=2,1,"192.0.2.7",81') == OK + urc(
        "+CME ERROR: operation not allowed")


def test_the_27007_codes_keep_their_texts():
    bench = WipBench(cmee=2, registered=False)
    # a bad parameter of a 27.007 command: Wavecom's code 3
    assert bench.at("+CFUN=9") == final("+CME ERROR: operation not allowed")


def test_syntax_errors_are_plain_error_whatever_cmee():
    bench = WipBench(cmee=2)
    assert bench.at("+WIPCFG=x") == ERROR
    assert bench.at("+WIPCFG=2,1") == ERROR


@pytest.mark.parametrize(("cmee", "shown"), [
    (0, ResultCode.ERROR), (1, "+CME ERROR: 843"), (2, "+CME ERROR: connection reset by peer")])
def test_data_mode_ends_with_the_same_line(cmee, shown):
    session = WipBench(cmee=cmee).port.interpreter.session
    assert error_result(session, 843) == shown
    assert error_text(AtError("+WIPDATA"), session) is None  # plain ERROR whatever +CMEE


def test_a_reset_in_data_mode_shows_the_verbose_text():
    bench = online(cmee=2)
    sock = tcp_to_discard(bench)
    sock.sock.transport.peer.abortConnection()  # the server side resets
    assert settle(bench) == "\x03" + final("+CME ERROR: connection reset by peer")
