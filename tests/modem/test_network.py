"""Registration on task.Clock: timing, per-channel URCs, operator selection, signal."""

from simulator.scenario.model import NetworkSpec, OperatorSpec, SimSpec
from tests.modem.bench import (
    DELAY,
    OK,
    OTHER,
    TWO_OPERATORS,
    Bench,
    cme,
    info,
    network_with_delay,
    urc,
)


def test_registered_after_the_scenario_delay():
    bench = Bench(network=network_with_delay(5.0))
    assert bench.at("+CREG?") == info("+CREG: 0,2")
    bench.advance(4.9)
    assert bench.at("+CREG?") == info("+CREG: 0,2")
    assert bench.at("+CSQ") == info("+CSQ: 99,99")
    bench.advance(0.1)
    assert bench.at("+CREG?") == info("+CREG: 0,1")
    assert bench.at("+CSQ") == info("+CSQ: 20,99")


def test_echoed_exchange_as_a_host_sees_it():
    bench = Bench(registered=True)
    assert bench.port.send(b"ATE1\r") == "\r\nOK\r\n"
    assert bench.port.send(b"AT+CREG?\r") == "AT+CREG?\r\r\n+CREG: 0,1\r\n\r\nOK\r\n"


def test_urcs_follow_each_channels_own_n():
    bench = Bench(ports=3, power=False)
    one, two, zero = bench.ports
    assert one.at("+CREG=1") == OK
    assert two.at("+CREG=2") == OK
    bench.modem.power_on()
    assert one.take() == urc("+CREG: 2")
    assert two.take() == urc("+CREG: 2")
    assert zero.take() == ""
    bench.advance(DELAY)
    assert one.take() == urc("+CREG: 1")
    assert two.take() == urc('+CREG: 1,"1A2B","01C3D4E",0')
    assert zero.take() == ""
    assert two.at("+CREG?") == info('+CREG: 2,1,"1A2B","01C3D4E",0')
    assert one.at("+CREG?") == info("+CREG: 1,1")


def test_cgreg_and_cereg_reports():
    bench = Bench(registered=True)
    assert bench.at("+CGREG=2") == OK
    assert bench.at("+CGREG?") == info('+CGREG: 2,1,"1A2B","01C3D4E",0')
    assert bench.at("+CEREG?") == info("+CEREG: 0,0")  # a GSM cell: no EPS registration


def test_lte_cell_reports_eps_registration_and_act_7():
    lte = OperatorSpec(mcc="001", mnc="01", name="Test LTE", tech="lte", lac=0x1A2B,
                       cell_id=0x01C3D4E)
    bench = Bench(network=NetworkSpec(operators=(lte,)), registered=True)
    assert bench.at("+CREG=2;+CEREG=2") == OK
    assert bench.at("+CREG?") == info('+CREG: 2,1,"1A2B","01C3D4E",7')
    assert bench.at("+CEREG?") == info('+CEREG: 2,1,"1A2B","01C3D4E",7')
    assert bench.at("+COPS?") == info('+COPS: 0,0,"Test LTE",7')
    assert bench.at("+CESQ") == info("+CESQ: 99,99,255,255,18,40")


def test_cops_read_formats_are_per_channel():
    bench = Bench(network=TWO_OPERATORS, ports=2, registered=True)
    one, two = bench.ports
    assert one.at("+COPS?") == info('+COPS: 0,0,"Test Network",0')
    assert one.at("+COPS=3,2") == OK
    assert one.at("+COPS?") == info('+COPS: 0,2,"00101",0')
    assert two.at("+COPS?") == info('+COPS: 0,0,"Test Network",0')
    assert two.at("+COPS=3,1") == OK
    assert two.at("+COPS?") == info('+COPS: 0,1,"TEST",0')


def test_cops_test_lists_every_operator():
    bench = Bench(network=TWO_OPERATORS, registered=True)
    assert bench.at("+COPS=?") == info(
        '+COPS: (2,"Test Network","TEST","00101",0),(1,"Other Net","OTHER","00102",7),'
        ",(0-4),(0-2)"
    )


def test_manual_selection_waits_for_registration_and_roams():
    bench = Bench(network=TWO_OPERATORS, registered=True)
    assert bench.at("+CREG=1") == OK
    # The answer waits for the registration; URCs wait for the answer.
    assert bench.at('+COPS=1,2,"00102"') == ""
    bench.advance(DELAY)
    assert bench.port.take() == OK + urc("+CREG: 2", "+CREG: 5")
    assert bench.at("+COPS?") == info('+COPS: 1,2,"00102",7')  # the format given stays
    assert bench.at("+CEREG?") == info("+CEREG: 0,5")
    assert bench.at("+COPS=0") == ""
    bench.advance(DELAY - 0.1)
    assert bench.port.take() == ""
    bench.advance(0.1)
    assert bench.port.take() == OK + urc("+CREG: 2", "+CREG: 1")
    assert bench.at("+COPS?") == info('+COPS: 0,2,"00101",0')


def test_manual_selection_by_long_name_with_act():
    bench = Bench(network=TWO_OPERATORS, registered=True)
    assert bench.at('+COPS=1,0,"Other Net",7') == ""
    bench.advance(DELAY)
    assert bench.port.take() == OK
    assert bench.at('+COPS=1,0,"Test Network"') == ""
    bench.advance(DELAY)
    assert bench.port.take() == OK


def test_manual_selection_of_an_absent_operator_leaves_no_service():
    bench = Bench(network=TWO_OPERATORS, registered=True)
    assert bench.at('+COPS=1,2,"99999"') == cme(30)
    assert bench.at("+CREG?") == info("+CREG: 0,0")
    assert bench.at("+COPS?") == info("+COPS: 1")
    assert bench.at('+COPS=1,0,"Other Net",2') == cme(30)  # right name, wrong AcT


def test_manual_automatic_falls_back():
    bench = Bench(network=TWO_OPERATORS, registered=True)
    assert bench.at('+COPS=4,2,"99999"') == OK  # already on the automatic choice
    assert bench.at("+COPS?") == info('+COPS: 4,2,"00101",0')


def test_deregister_and_back():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1;+CGREG=1") == OK
    assert bench.at("+COPS=2") == OK + urc("+CREG: 0", "+CGREG: 0")
    assert bench.at("+COPS?") == info("+COPS: 2")
    assert bench.at("+CSQ") == info("+CSQ: 99,99")
    assert bench.at("+COPS=0") == ""
    bench.advance(DELAY)
    assert bench.port.take() == OK + urc("+CREG: 2", "+CGREG: 2", "+CREG: 1", "+CGREG: 1")


def test_cops_while_the_radio_is_off():
    bench = Bench(registered=True)
    assert bench.at("+CFUN=4") == OK
    assert bench.at("+COPS=?") == cme(30)
    assert bench.at("+COPS=0") == OK  # stored: used when the radio comes back
    assert bench.at("+CFUN=1") == OK
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,1")


def test_home_network_is_chosen_from_the_imsi():
    # The first operator is not the SIM's: automatic selection still picks the home one.
    network = NetworkSpec(operators=(OTHER, TWO_OPERATORS.operators[0]))
    bench = Bench(network=network, registered=True)
    assert bench.at("+COPS=3,2;+COPS?") == info('+COPS: 0,2,"00101",0')
    roaming = Bench(network=network, sim=SimSpec(imsi="208150000000001"), registered=True)
    assert roaming.at("+CREG?") == info("+CREG: 0,5")
    assert roaming.at("+COPS=3,2;+COPS?") == info('+COPS: 0,2,"00102",7')


def test_operator_names_follow_the_character_set():
    bench = Bench(registered=True)
    assert bench.at('+CSCS="UCS2"') == OK
    assert bench.at("+COPS?") == info(
        '+COPS: 0,0,"00540065007300740020004E006500740077006F0072006B",0')
    assert bench.at('+COPS=1,0,"00540065007300740020004E006500740077006F0072006B"') == OK
    assert bench.at('+COPS=1,0,"XYZ"') == cme(50)  # not UCS2 hex


def test_cesq_is_consistent_with_csq():
    bench = Bench(registered=True)
    assert bench.at("+CSQ") == info("+CSQ: 20,99")
    assert bench.at("+CESQ") == info("+CESQ: 38,99,255,255,255,255")
    umts = OperatorSpec(mcc="001", mnc="01", name="U", tech="umts")
    bench = Bench(network=NetworkSpec(operators=(umts,)), registered=True)
    assert bench.at("+CESQ") == info("+CESQ: 99,99,38,29,255,255")
    assert bench.at("+CFUN=4") == OK
    assert bench.at("+CESQ") == info("+CESQ: 99,99,255,255,255,255")


def test_test_forms():
    bench = Bench()
    assert bench.at("+CREG=?") == info("+CREG: (0-2)")
    assert bench.at("+CGREG=?") == info("+CGREG: (0-2)")
    assert bench.at("+CEREG=?") == info("+CEREG: (0-2)")
    assert bench.at("+CSQ=?") == info("+CSQ: (0-31,99),(0-7,99)")
    assert bench.at("+CESQ=?") == info(
        "+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),(0-97,255)")


def test_creg_settings_survive_atz():
    bench = Bench(registered=True)
    assert bench.at("+CREG=2") == OK
    assert bench.at("Z") == OK
    assert bench.port.send(b"ATE0\r") == "ATE0\r" + OK
    assert bench.at("+CREG?") == info('+CREG: 2,1,"1A2B","01C3D4E",0')
