from simulator.scenario.model import IdentitySpec, SimSpec
from tests.modem.bench import ERROR, OK, Bench, cme, info


def test_generic_identity_defaults():
    bench = Bench()
    assert bench.at("+CGMI") == info("ATSIM")
    assert bench.at("+CGMM") == info("GENERIC-GSM")
    assert bench.at("+CGMR") == info("ATSIM-1.0")
    assert bench.at("+CGSN") == info("350000010000012")
    assert bench.at("+GMI") == info("ATSIM")
    assert bench.at("+GMM") == info("GENERIC-GSM")
    assert bench.at("+GMR") == info("ATSIM-1.0")
    assert bench.at("+GSN") == info("350000010000012")
    assert bench.at("+GCAP") == info("+GCAP: +CGSM")


def test_scenario_identity_overrides_the_dialect():
    bench = Bench(identity=IdentitySpec(manufacturer="Quectel", model="EC25",
                                        revision="EC25EFAR06A06M4G", imei="867698041234567"),
                  sim=SimSpec(imsi="001010123456789", iccid="89330000000000000042"))
    assert bench.at("+CGMI") == info("Quectel")
    assert bench.at("+CGMM") == info("EC25")
    assert bench.at("+CGMR") == info("EC25EFAR06A06M4G")
    assert bench.at("+CGSN") == info("867698041234567")
    assert bench.at("+CIMI") == info("001010123456789")
    assert bench.at("+CCID") == info("+CCID: 89330000000000000042")
    assert bench.at("I") == info("Quectel", "EC25", "Revision: EC25EFAR06A06M4G")
    assert bench.at("I0") == info("Quectel", "EC25", "Revision: EC25EFAR06A06M4G")


def test_cgsn_serial_number_types():
    bench = Bench(identity=IdentitySpec(imei="490154203237518"))
    assert bench.at("+CGSN=0") == info("490154203237518")
    assert bench.at("+CGSN=1") == info('+CGSN: "490154203237518"')
    assert bench.at("+CGSN=2") == info('+CGSN: "4901542032375101"')
    assert bench.at("+CGSN=3") == info('+CGSN: "01"')
    assert bench.at("+CGSN=?") == info("+CGSN: (0-3)")
    assert bench.at("+CGSN=4") == cme(50)


def test_test_forms_answer_ok():
    bench = Bench()
    for name in ("+CGMI", "+CGMM", "+CGMR", "+CIMI", "+CCID", "+GMI", "+GCAP"):
        assert bench.at(f"{name}=?") == OK, name


def test_unsupported_forms_and_values():
    bench = Bench()
    assert bench.at("+CGMI?") == cme(4)
    assert bench.at("I9") == ERROR
    assert bench.at("") == OK  # the channel still answers


def test_cimi_needs_a_ready_sim_but_ccid_does_not():
    bench = Bench(sim=SimSpec(pin="1234", iccid="89330000000000000042"))
    assert bench.at("+CIMI") == cme(11)
    assert bench.at("+CCID") == info("+CCID: 89330000000000000042")
    assert bench.at('+CPIN="1234"') == OK
    assert bench.at("+CIMI") == info("001010000000001")


def test_no_sim():
    bench = Bench(sim=SimSpec(present=False))
    assert bench.at("+CIMI") == cme(10)
    assert bench.at("+CCID") == cme(10)
    assert bench.at("+CGSN") == info("350000010000012")  # the ME's own identity still works

