"""``+WIND`` on a WIP modem: the dialect runs the Wavecom firmware's indications beside WIPSoft
(the command itself is tested in tests/dialects/wavecom/test_wind.py): start-up, registration
and CSD calls between two WIP modems."""

import simulator.dialects
from simulator.network.calls import SETUP_DELAY
from tests.dialects.wavecom.bench import REGISTRATION, TwoModems, elapse, flashed
from tests.dialects.wip.bench import OK, WipBench, info, urc

WIP = simulator.dialects.get("wip")


def test_power_on_shows_3_1_4_then_7_at_registration():
    bench = WipBench(store=flashed(255), registered=False)
    assert bench.port.take() == ""
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 3", "+WIND: 1", "+WIND: 4", "+WIND: 7")


def test_level_survives_a_restart():
    bench = WipBench()
    assert bench.at("+WIND=255") == OK
    assert bench.restart().at("+WIND?") == info("+WIND: 255")


def test_csd_call_between_two_wip_modems_created_and_released_by_the_far_end():
    two = TwoModems(dialect=WIP)
    assert two.pa.send(f"ATD{two.B_NUMBER}\r".encode()) == urc("+WIND: 5,1")
    two.advance(SETUP_DELAY)
    assert two.pb.take() == urc("+WIND: 5,1", "RING")
    assert two.pb.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    two.advance(1)
    two.pb.send(b"+++")
    two.advance(1.1)
    assert two.pb.take() == OK
    assert two.pb.send(b"ATH\r") == OK
    two.advance(1)
    assert two.pa.take() == "\r\nNO CARRIER\r\n" + urc("+WIND: 6,1")
    assert two.pb.take() == ""
