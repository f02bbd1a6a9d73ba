"""+CFUN levels and their consequences, +CBC."""

from tests.modem.bench import DELAY, OK, Bench, cme, info, urc


def test_cfun_read_and_test():
    bench = Bench()
    assert bench.at("+CFUN?") == info("+CFUN: 1")
    assert bench.at("+CFUN=?") == info("+CFUN: (0,1,4),(0,1)")


def test_radio_off_deregisters_with_urcs_and_back_on_registers_after_the_delay():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1;+CGREG=1") == OK
    assert bench.at("+CFUN=4") == OK + urc("+CREG: 0", "+CGREG: 0")
    assert bench.at("+CFUN?") == info("+CFUN: 4")
    assert bench.at("+CSQ") == info("+CSQ: 99,99")
    assert bench.at("+CGATT?") == info("+CGATT: 0")
    bench.advance(DELAY * 3)
    assert bench.at("+CREG?") == info("+CREG: 1,0")
    assert bench.at("+CFUN=1") == OK + urc("+CREG: 2", "+CGREG: 2")
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 1", "+CGREG: 1")
    assert bench.at("+CGATT?") == info("+CGATT: 1")


def test_minimum_functionality_keeps_the_sim():
    bench = Bench(registered=True)
    assert bench.at("+CFUN=0") == OK
    assert bench.at("+CPIN?") == info("+CPIN: READY")
    assert bench.at("+CIMI") == info("001010000000001")
    assert bench.at("+CREG?") == info("+CREG: 0,0")


def test_reset_restarts_registration():
    bench = Bench(registered=True)
    assert bench.at("+CFUN=1,1") == OK
    assert bench.at("+CREG?") == info("+CREG: 0,2")
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,1")


def test_reset_into_another_level():
    bench = Bench(registered=True)
    assert bench.at("+CFUN=4,1") == OK
    assert bench.at("+CFUN?") == info("+CFUN: 4")
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,0")


def test_setting_the_same_level_changes_nothing():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1") == OK
    assert bench.at("+CFUN=1") == OK
    assert bench.at("+CREG?") == info("+CREG: 1,1")


def test_bad_levels():
    bench = Bench(registered=True)
    for command in ("+CFUN=2", "+CFUN=5", "+CFUN=1,2", "+CFUN=1,0,0", "+CFUN=a", '+CFUN="1"',
                    "+CFUN="):
        assert bench.at(command) == cme(50), command
    assert bench.at("+CFUN?") == info("+CFUN: 1")


def test_battery():
    bench = Bench()
    assert bench.at("+CBC") == info("+CBC: 0,100")
    assert bench.at("+CBC=?") == info("+CBC: (0-3),(0-100)")
