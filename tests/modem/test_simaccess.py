"""+CRSM (27.007 §8.18) on the generic modem: READ BINARY of the files ModemManager reads
(EF_ICCID, EF_AD, EF_SPN) with GSM 11.11's status words, and the refusals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.modem import simfiles
from simulator.modem.sim import SimService
from simulator.scenario.model import NetworkSpec, OperatorSpec, SimSpec
from tests.modem.bench import OK, TWO_OPERATORS, Bench, cme, info

ICCID = "8900101000000000017"


def crsm(*fields) -> str:
    return info("+CRSM: " + ",".join(str(f) for f in fields))


def test_iccid_in_swapped_bcd_padded_with_f():
    bench = Bench(sim=SimSpec(iccid=ICCID))
    assert bench.at("+CRSM=176,12258,0,0,10") == crsm(144, 0, '"980001010000000010F7"')


def test_an_even_iccid_has_no_filler():
    bench = Bench(sim=SimSpec(iccid="89330000000000000042"))
    assert bench.at("+CRSM=176,12258,0,0,10") == crsm(144, 0, '"98330000000000000024"')


def test_mnc_length_and_service_provider_name_of_the_home_network():
    bench = Bench(network=TWO_OPERATORS)
    assert bench.at("+CRSM=176,28589,0,0,4") == crsm(144, 0, '"00000002"')
    spn = "00" + b"Test Network".hex().upper() + "FFFF" * 2
    assert bench.at("+CRSM=176,28486,0,0,17") == crsm(144, 0, f'"{spn}"')


def test_a_three_digit_mnc():
    network = NetworkSpec(operators=(OperatorSpec(mcc="310", mnc="260", name="T"),))
    bench = Bench(network=network, sim=SimSpec(imsi="310260123456789"))
    assert bench.at("+CRSM=176,28589,0,0,4") == crsm(144, 0, '"00000003"')


def test_a_card_of_no_known_network_has_no_ad_and_no_spn():
    bench = Bench(sim=SimSpec(imsi="999990123456789"))
    assert bench.at("+CRSM=176,28589,0,0,4") == crsm(148, 4)
    assert bench.at("+CRSM=176,28486,0,0,17") == crsm(148, 4)


def test_files_the_card_lacks_and_what_it_refuses():
    bench = Bench(sim=SimSpec(iccid=ICCID))
    assert bench.at("+CRSM=176,28599,0,0,15") == crsm(148, 4)  # EF_ECC: not on this card
    assert bench.at("+CRSM=178,12258,1,4,10") == crsm(148, 8)  # a transparent file
    assert bench.at('+CRSM=214,12258,0,0,1,"00"') == crsm(152, 4)  # needs ADM
    assert bench.at("+CRSM=176,12258,0,10,1") == crsm(107, 0)  # offset past the end
    assert bench.at("+CRSM=176,12258,0,0,12") == crsm(103, 10)  # P3 too long: SW2 = size
    assert bench.at("+CRSM=176,12258,0,8,2") == crsm(144, 0, '"10F7"')  # P2 is the offset


def test_commands_and_parameters():
    bench = Bench()
    assert bench.at("+CRSM=?") == OK
    assert bench.at("+CRSM=192,12258") == cme(4)
    assert bench.at("+CRSM=242") == cme(4)
    assert bench.at("+CRSM=177,12258,0,0,10") == cme(50)
    assert bench.at("+CRSM=176,12258,0,256,10") == cme(50)
    assert bench.at("+CRSM") == cme(4)  # no exec form


def test_no_card_and_a_pin_pending():
    bench = Bench(sim=SimSpec(pin="1234", iccid=ICCID))
    # EF_ICCID is readable without the PIN (GSM 11.11 §10.1.1: READ "ALW").
    assert bench.at("+CRSM=176,12258,0,0,10") == crsm(144, 0, '"980001010000000010F7"')
    bench.modem.service(SimService).remove_card()
    assert bench.at("+CRSM=176,12258,0,0,10") == cme(10)


@given(st.from_regex(r"[0-9]{18,22}", fullmatch=True), st.integers(0, 12),
       st.integers(0, 20))
def test_read_binary_is_a_slice_of_the_file(iccid, offset, length):
    files = simfiles.card_files(iccid, None, None)
    content = files[simfiles.EF_ICCID]
    answer = simfiles.read_binary(files, simfiles.EF_ICCID, offset, length)
    if offset >= len(content):
        assert (answer.sw1, answer.sw2) == simfiles.OUT_OF_RANGE
    elif offset + (length or 256) > len(content):
        assert (answer.sw1, answer.sw2) == (0x67, len(content) - offset)
    else:
        assert answer.data == content[offset:offset + length]
        assert (answer.sw1, answer.sw2) == simfiles.OK


@pytest.mark.parametrize("digits", ["12", "123", "8900101000000000017"])
def test_swapped_bcd_round_trip(digits):
    octets = simfiles.swapped_bcd(digits)
    text = "".join(f"{b & 0xF:X}{b >> 4:X}" for b in octets)
    assert text.rstrip("F") == digits
