"""SMS-COMMAND (23.040 §9.2.2.4): any command round-trips through the 27.005 PDU, and
garbage given to the decoder raises PduError only."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.sms import PduError
from simulator.sms.address import Address
from simulator.sms.tpdu import Command, Pdu

numbers = st.from_regex(r"\+?[0-9]{1,20}", fullmatch=True).map(Address.parse)


@given(st.integers(0, 255), st.integers(0, 255), numbers, st.integers(0, 255),
       st.integers(0, 255), st.booleans(), st.binary(max_size=156))
def test_commands_round_trip(kind, number, destination, reference, pid, srr, data):
    command = Command(kind, number, destination, reference, pid, srr, data)
    hex_pdu, length = Pdu(command).encode()
    assert Pdu.decode_command(hex_pdu, length) == (command, None)


@given(st.binary(max_size=40))
def test_garbage_raises_pdu_error_only(data):
    try:
        Pdu.decode_command("00" + data.hex())
    except PduError:
        pass


def test_known_command_and_refusals():
    command = Command(0, 5, Address.parse("+33600000002"), 7, status_report_request=True)
    assert Pdu(command).encode() == ("0022070000050B913306000000F200", 14)
    with pytest.raises(PduError):
        Pdu.decode_command("0001070000050B913306000000F200")  # a SUBMIT's TP-MTI
    with pytest.raises(PduError):
        Pdu.decode_command("0022070000050B913306000000F201")  # TP-CDL 1, no octet
    with pytest.raises(PduError):
        Command(0, 0, Address.parse("1"), data=bytes(157)).encode()
