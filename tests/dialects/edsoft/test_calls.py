"""Incoming calls between two eDsoft modems on one network (002 §2.1.1-§2.1.3, §2.1.7,
§2.2.1): RING and AT#ACCEPT, the automatic answer after RINGCOUNT rings, the static and
dynamic callbacks after CALLBACKTIMER, CALLSCREENNUM, and IP traffic over the PPP link the
call carries, on a task.Clock."""

import pytest
from twisted.internet import protocol

from simulator.modem.calls import CREATED, RELEASED, CallService
from tests.dialects.edsoft.bench import OK, edsoft_error, info
from tests.dialects.edsoft.connection_lab import (
    A_NUMBER,
    B_NUMBER,
    ISP_NUMBER,
    configure,
    modem,
    second,
    settle,
)


def line(text: str) -> str:
    return f"\r\n{text}\r\n"


RING = line("RING")
#: The answering modem (A): PPP server for incoming calls (PPPMODE 1), its addresses and the
#: login it wants.
SERVER = ('#PPPMODE=1', '#PPPMYIP="192.168.1.1"', '#PPPPEERIP="192.168.1.2"',
          '#PPPSERVUN="user"', '#PPPSERVPW="secret"')
#: The calling modem (B): GSM mode, dials A, logs in as a PPP client.
CALLER = ('#GPRSMODE=0', f'#DIALN1="{A_NUMBER}"', '#ISPUN="user"', '#ISPPW="secret"')


def pair(*answering: str):
    a = modem()
    b = second(a)
    configure(a, *SERVER, *answering)
    configure(b, *CALLER)
    return a, b


def both(a, b, seconds: float) -> tuple[str, str]:
    return settle(a, seconds), b.port.take()


class Collect(protocol.Protocol):
    def __init__(self):
        self.data = b""

    def dataReceived(self, data):
        self.data += data


# -- ANSWERMODE 0: the host answers with AT#ACCEPT (002 §2.2.1) ----------------------------------

def test_ring_then_accept_connects_both_modems_over_ppp():
    a, b = pair()
    assert b.at("#CONNECTIONSTART") == line("DIALING") + line(A_NUMBER)
    assert both(a, b, 3) == (RING, "")
    assert a.at("#VSTATE") == info('#STATE: "IDLE"')
    assert a.at("#ACCEPT") == OK + line("CONNECT 9600")
    a_out, b_out = both(a, b, 15)
    assert a_out == line("192.168.1.1") + line("PPP OK")
    assert b_out == line("CONNECT 9600") + line("192.168.1.2") + line("Ok_Info_Ppp")
    assert a.at("#DISPLAYIP") == info("MY IP: 192.168.1.1", "PEER IP: 192.168.1.2")
    assert b.at("#DISPLAYIP") == info("MY IP: 192.168.1.2", "PEER IP: 192.168.1.1")
    assert a.at("#VSTATE") == b.at("#VSTATE") == info('#STATE: "CONNECTED"')


def test_tcp_through_the_two_dialup_bearers():
    a, b = pair()
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    a.at("#ACCEPT")
    both(a, b, 15)
    served = Collect()
    a.edsoft.link.require().listen_tcp(2000, lambda peer: served)
    client = Collect()
    connected = b.edsoft.link.require().connect_tcp("192.168.1.1", 2000, client)
    settle(a, 3)
    assert connected.called
    client.transport.write(b"hello over GSM")
    settle(a, 3)
    assert served.data == b"hello over GSM"
    served.transport.write(b"and back")
    settle(a, 3)
    assert client.data == b"and back"
    # the link is the call: stopping one side ends the other's too
    assert b.at("#CONNECTIONSTOP") == OK
    a_out, _ = both(a, b, 10)
    assert a_out == line("NO CARRIER")
    assert not a.edsoft.link.up and not b.edsoft.link.up


def test_accept_without_a_call_is_no_carrier():
    assert modem().at("#ACCEPT") == line("NO CARRIER")


def test_accept_with_a_wrong_login_is_ppp_error():
    a, b = pair('#PPPSERVPW="other"')
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    assert a.at("#ACCEPT") == OK + line("CONNECT 9600")
    a_out, b_out = both(a, b, 30)
    assert a_out == line("PPP ERROR")
    assert b_out == line("CONNECT 9600") + edsoft_error(37120)


def test_the_caller_hanging_up_before_accept():
    a, b = pair()
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    b.edsoft.connections.stop()
    settle(a, 1)
    assert a.at("#ACCEPT") == line("NO CARRIER")


def test_answermode_0_ignores_callscreennum_and_never_answers():
    a, b = pair('#CALLSCREENNUM="*"', '#RINGCOUNT=1')
    b.at("#CONNECTIONSTART")
    assert settle(a, 13) == RING * 3
    assert not a.edsoft.link.up


# -- ANSWERMODE 1: automatic answer after RINGCOUNT rings --------------------------------------

@pytest.mark.parametrize("screen", ["*", B_NUMBER, "+33 6 22 22 22 22"])
def test_automatic_answer_after_ringcount_rings(screen):
    a, b = pair('#ANSWERMODE=1', '#RINGCOUNT=2', f'#CALLSCREENNUM="{screen}"')
    b.at("#CONNECTIONSTART")
    a_out, b_out = both(a, b, 30)
    assert a_out == RING * 2 + line("CONNECT 9600") + line("192.168.1.1") + line("PPP OK")
    assert b_out == line("CONNECT 9600") + line("192.168.1.2") + line("Ok_Info_Ppp")


@pytest.mark.parametrize("screen", ["0", "+33699999999"])
def test_a_caller_the_screening_refuses_rings_unanswered(screen):
    a, b = pair('#ANSWERMODE=1', '#RINGCOUNT=1', f'#CALLSCREENNUM="{screen}"')
    b.at("#CONNECTIONSTART")
    assert settle(a, 18) == RING * 4
    assert not a.edsoft.link.up
    assert a.at("#ACCEPT") == OK + line("CONNECT 9600")  # the host still may


def test_ringcount_0_leaves_the_call_to_the_host():
    a, b = pair('#ANSWERMODE=1', '#RINGCOUNT=0', '#CALLSCREENNUM="*"')
    b.at("#CONNECTIONSTART")
    assert settle(a, 13) == RING * 3


def test_a_caller_without_cli_is_35870_when_screening_needs_it():
    a, b = pair('#ANSWERMODE=1', '#RINGCOUNT=1', f'#CALLSCREENNUM="{B_NUMBER}"')
    calls = a.modem.service(CallService)
    calls.announce(CREATED, remote=True, caller=None)
    assert a.port.take() == edsoft_error(35870)


# -- ANSWERMODE 2, 3: callbacks ----------------------------------------------------------------

def test_static_callback_dials_dialn1_callbacktimer_after_the_ringing():
    a, b = pair('#ANSWERMODE=2', '#RINGCOUNT=1', '#CALLSCREENNUM="*"', '#CALLBACKTIMER=3',
                '#GPRSMODE=0', f'#DIALN1="{B_NUMBER}"', '#PPPMODE=4')
    configure(b, '#PPPMODE=3', '#ANSWERMODE=1', '#RINGCOUNT=1', '#CALLSCREENNUM="*"',
              '#REDIALCOUNT=0')
    assert b.at("#CONNECTIONSTART") == line("DIALING") + line(A_NUMBER)
    a_out, b_out = both(a, b, 3.2)  # set-up, the ring, the RI pulse: a hangs up
    assert a_out == RING and b_out == line("BUSY")
    assert settle(a, 2.5) == ""  # CALLBACKTIMER
    a_out, b_out = both(a, b, 30)
    assert a_out.startswith(line("DIALING") + line(B_NUMBER) + line("CONNECT 9600"))
    assert b_out.startswith(RING + line("CONNECT 9600"))
    assert a.edsoft.link.up and b.edsoft.link.up


def test_dynamic_callback_dials_the_caller():
    a, b = pair('#ANSWERMODE=3', '#RINGCOUNT=1', f'#CALLSCREENNUM="{B_NUMBER}"',
                '#CALLBACKTIMER=2', '#PPPMODE=3', '#ISPUN="user"', '#ISPPW="secret"',
                '#DIALN1="0123"')
    configure(b, '#PPPMODE=1', '#ANSWERMODE=0', '#REDIALCOUNT=0',
              '#PPPMYIP="192.168.1.2"', '#PPPPEERIP="192.168.1.1"', '#PPPSERVUN="user"',
              '#PPPSERVPW="secret"')
    b.at("#CONNECTIONSTART")
    both(a, b, 3.2)
    a_out, b_out = both(a, b, 5)
    assert a_out == line("DIALING") + line(B_NUMBER)
    assert b_out == RING
    assert b.at("#ACCEPT") == OK + line("CONNECT 9600")
    a_out, b_out = both(a, b, 20)
    assert a_out == line("CONNECT 9600") + line("192.168.1.1") + line("Ok_Info_Ppp")
    assert b_out == line("192.168.1.2") + line("PPP OK")


def test_the_caller_giving_up_before_ringcount_stops_the_callback():
    a, b = pair('#ANSWERMODE=2', '#RINGCOUNT=3', '#CALLSCREENNUM="*"', '#CALLBACKTIMER=2',
                f'#DIALN1="{ISP_NUMBER}"')
    b.at("#CONNECTIONSTART")
    assert settle(a, 3) == RING
    b.edsoft.connections.stop()
    assert settle(a, 30) == ""
    assert not a.edsoft.link.up


def test_dynamic_callback_without_cli_is_35870():
    a, _ = pair('#ANSWERMODE=3', '#RINGCOUNT=1', '#CALLSCREENNUM="*"')
    a.modem.service(CallService).announce(CREATED, remote=True, caller=None)
    assert a.port.take() == edsoft_error(35870)
    a.modem.service(CallService).announce(RELEASED, remote=True)
    assert settle(a, 10) == ""


def test_accept_under_atv0_shows_the_numbers_unsolicited():
    """E40: ``OK`` is 0 CR, the unsolicited ``CONNECT 9600`` 15 CR LF."""
    a, b = pair()
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    a.at("V0")
    assert a.at("#ACCEPT") == "0\r15\r\n"
    assert settle(a, 15) == "192.168.1.1\r\nPPP OK\r\n"


def test_busy_and_no_answer_are_shown_per_attempt():
    a, b = pair()
    configure(b, '#REDIALCOUNT=1', '#REDIALDELAY=5')
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    assert a.at("H") == OK  # the host refuses the call: the caller sees BUSY
    assert b.port.take() == line("BUSY")
    a_out, b_out = both(a, b, 70)  # the second attempt rings unanswered
    assert b_out == line("DIALING") + line(A_NUMBER) + line("NO ANSWER")
    assert a_out.startswith(RING)
    assert b.at("#VSTATE") == info('#STATE: "IDLE"')


def test_a_stopped_application_leaves_the_call_ringing():
    a, b = pair('#ANSWERMODE=1', '#RINGCOUNT=1', '#CALLSCREENNUM="*"')
    assert a.at("+WOPEN=0") == OK
    a.port.send(b"ATE0\r")
    a.port.take()
    b.at("#CONNECTIONSTART")
    assert settle(a, 13) == RING * 3
    assert not a.edsoft.link.up


def test_a_peer_that_never_speaks_ppp_is_a_ppp_timeout_38980():
    a, b = pair()
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    assert a.at("A") == "\r\nCONNECT 9600\r\n"  # the firmware's plain data call
    a_out, b_out = both(a, b, 120)
    assert b_out == line("CONNECT 9600") + edsoft_error(38980)


def test_a_server_role_refusing_the_login_is_37121():
    """b dials as PPP server (PPPMODE 2), a answers as client (PPPMODE 2 incoming)."""
    a, b = pair('#PPPMODE=2', '#ISPUN="user"', '#ISPPW="wrong"')
    configure(b, '#PPPMODE=2', '#PPPMYIP="192.168.1.2"', '#PPPPEERIP="192.168.1.1"',
              '#PPPSERVUN="user"', '#PPPSERVPW="secret"')
    b.at("#CONNECTIONSTART")
    settle(a, 3)
    assert a.at("#ACCEPT") == OK + line("CONNECT 9600")
    a_out, b_out = both(a, b, 60)
    assert b_out == line("CONNECT 9600") + edsoft_error(37121)
    assert a_out == line("PPP ERROR")
