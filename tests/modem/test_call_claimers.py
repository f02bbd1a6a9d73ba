"""CallService.add_call_claimer: a stack that answers data calls itself sees them first; the
calls it leaves still ring."""

from twisted.internet import protocol

from simulator.modem.calls import CallService
from simulator.network.calls import SETUP_DELAY
from tests.modem.test_csd_calls import B_NUMBER, TwoModems


def test_a_claimed_call_does_not_ring_and_an_unclaimed_one_does():
    two = TwoModems()
    service = two.b.service(CallService)
    claimed = []

    def claimer(incoming):
        if incoming.caller == "+33600000001" and not claimed:
            claimed.append(incoming)
            incoming.answer().attach(protocol.Protocol())
            return True
        return False

    service.add_call_claimer(claimer)
    assert two.pa.send(f"ATD{B_NUMBER}\r".encode()) == ""
    two.advance(SETUP_DELAY)
    assert two.pb.take() == ""  # no RING: the claimer answered
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    assert len(claimed) == 1
    two.advance(1.1)
    two.pa.send(b"+++")
    two.advance(1.1)
    assert two.pa.take() == "\r\nOK\r\n"
    two.pa.send(b"ATH\r")
    two.advance(1)
    two.pa.take()
    # The claimer declines the next call: it rings as usual.
    assert two.pa.send(f"ATD{B_NUMBER}\r".encode()) == ""
    two.advance(SETUP_DELAY)
    assert two.pb.take() == "\r\nRING\r\n"
    service.remove_call_claimer(claimer)
