"""PIN/PUK flows, retry counters, the PIN lock, and what the card keeps across restarts."""

from simulator.modem.storage import NVStore
from simulator.scenario.model import SimSpec
from tests.modem.bench import DELAY, OK, Bench, cme, info

LOCKED = SimSpec(pin="1234", puk="87654321")


def test_card_without_pin_is_ready():
    bench = Bench()
    assert bench.at("+CPIN?") == info("+CPIN: READY")
    assert bench.at("+CPIN=1234") == cme(3)  # no PIN request pending
    assert bench.at("+CPIN=?") == OK


def test_right_pin_unlocks_and_registration_follows():
    bench = Bench(sim=LOCKED)
    assert bench.at("+CPIN?") == info("+CPIN: SIM PIN")
    bench.advance(DELAY * 5)
    assert bench.at("+CREG?") == info("+CREG: 0,0")  # no SIM, no search
    assert bench.at("+CPIN=1234") == OK  # unquoted, as gsm0710muxd sends it
    assert bench.at("+CPIN?") == info("+CPIN: READY")
    assert bench.at("+CREG?") == info("+CREG: 0,2")
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,1")


def test_commands_needing_the_sim_answer_pin_required():
    bench = Bench(sim=LOCKED)
    for command in ("+CIMI", "+COPS=0", "+CGATT=1", "+CNUM", '+CPBS="SM"', "+CSCA?"):
        assert bench.at(command) == cme(11), command
    assert bench.at('+CPMS="SM"') == "\r\n+CMS ERROR: 311\r\n"


def test_three_wrong_pins_then_puk():
    bench = Bench(sim=LOCKED)
    assert bench.at('+CPIN="0000"') == cme(16)
    assert bench.at("+CPINR=\"SIM PIN\"") == info("+CPINR: SIM PIN,2,3")
    assert bench.at('+CPIN="0000"') == cme(16)
    assert bench.at('+CPIN="0000"') == cme(16)
    assert bench.at("+CPIN?") == info("+CPIN: SIM PUK")
    assert bench.at("+CIMI") == cme(12)
    assert bench.at('+CPIN="1234"') == cme(50)  # a PUK and a new PIN are needed now
    assert bench.at('+CPIN="87654321","4321"') == OK
    assert bench.at("+CPIN?") == info("+CPIN: READY")
    assert bench.at("+CPINR=\"SIM*\"") == info(
        "+CPINR: SIM PIN,3,3", "+CPINR: SIM PUK,10,10",
        "+CPINR: SIM PIN2,3,3", "+CPINR: SIM PUK2,10,10",
    )


def test_the_new_pin_is_the_pin_after_a_restart(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(sim=LOCKED, store=NVStore(path))
    for _ in range(3):
        bench.at('+CPIN="9999"')
    assert bench.at('+CPIN="87654321","4321"') == OK
    again = Bench(sim=LOCKED, store=NVStore(path))
    assert again.at("+CPIN?") == info("+CPIN: SIM PIN")
    assert again.at('+CPIN="1234"') == cme(16)
    assert again.at('+CPIN="4321"') == OK


def test_retry_counters_survive_a_restart(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(sim=LOCKED, store=NVStore(path))
    assert bench.at('+CPIN="0000"') == cme(16)
    assert bench.at('+CPIN="0000"') == cme(16)
    again = Bench(sim=LOCKED, store=NVStore(path))
    assert again.at('+CPINR="SIM PIN"') == info("+CPINR: SIM PIN,1,3")
    assert again.at('+CPIN="0000"') == cme(16)
    assert again.at("+CPIN?") == info("+CPIN: SIM PUK")
    third = Bench(sim=LOCKED, store=NVStore(path))
    assert third.at("+CPIN?") == info("+CPIN: SIM PUK")


def test_ten_wrong_puks_block_the_card_for_good(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(sim=LOCKED, store=NVStore(path))
    for _ in range(3):
        bench.at('+CPIN="0000"')
    for left in range(9, -1, -1):
        assert bench.at('+CPIN="11111111","1111"') == cme(16)
        if left:
            assert bench.at('+CPINR="SIM PUK"') == info(f"+CPINR: SIM PUK,{left},10")
    assert bench.at("+CPIN?") == cme(13)
    assert bench.at('+CPIN="87654321","1111"') == cme(13)
    assert bench.at("+CIMI") == cme(13)
    again = Bench(sim=LOCKED, store=NVStore(path))
    assert again.at("+CPIN?") == cme(13)


def test_another_card_starts_fresh(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(sim=LOCKED, store=NVStore(path))
    bench.at('+CPIN="0000"')
    other = SimSpec(pin="1234", iccid="89001010000000000999")
    assert Bench(sim=other, store=NVStore(path)).at('+CPINR="SIM PIN"') == info(
        "+CPINR: SIM PIN,3,3")


def test_a_right_pin_resets_the_counter():
    bench = Bench(sim=LOCKED)
    bench.at('+CPIN="0000"')
    bench.at('+CPIN="0000"')
    assert bench.at('+CPIN="1234"') == OK
    assert bench.at('+CPINR="SIM PIN"') == info("+CPINR: SIM PIN,3,3")


def test_cfun_reset_relocks_the_pin():
    bench = Bench(sim=LOCKED)
    assert bench.at('+CPIN="1234"') == OK
    assert bench.at("+CFUN=1,1") == OK
    assert bench.at("+CPIN?") == info("+CPIN: SIM PIN")


def test_missing_sim():
    bench = Bench(sim=SimSpec(present=False))
    assert bench.at("+CPIN?") == cme(10)
    assert bench.at('+CPIN="1234"') == cme(10)
    assert bench.at("+CPINR") == cme(10)
    bench.advance(DELAY)
    assert bench.at("+CREG?") == info("+CREG: 0,0")


def test_clck_query_lock_and_unlock(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(store=NVStore(path))  # the scenario sets no PIN: lock off, PIN 1234
    assert bench.at('+CLCK="SC",2') == info("+CLCK: 0")
    assert bench.at('+CLCK="SC",1,"1234"') == OK
    assert bench.at('+CLCK="SC",2') == info("+CLCK: 1")
    again = Bench(store=NVStore(path))
    assert again.at("+CPIN?") == info("+CPIN: SIM PIN")
    assert again.at('+CPIN="1234"') == OK
    assert again.at('+CLCK="SC",0,"1234"') == OK
    third = Bench(store=NVStore(path))
    assert third.at("+CPIN?") == info("+CPIN: READY")


def test_clck_wrong_pin_counts():
    bench = Bench()
    assert bench.at('+CLCK="SC",1,"9999"') == cme(16)
    assert bench.at('+CPINR="SIM PIN"') == info("+CPINR: SIM PIN,2,3")
    assert bench.at('+CLCK="SC",2') == info("+CLCK: 0")


def test_clck_facilities():
    bench = Bench()
    assert bench.at("+CLCK=?") == info('+CLCK: ("SC")')
    assert bench.at('+CLCK="AO",2') == cme(4)  # a 27.007 facility this modem lacks
    assert bench.at('+CLCK="XY",2') == cme(50)  # not a facility at all
    assert bench.at('+CLCK="SC",3') == cme(50)
    assert bench.at('+CLCK="SC",1') == cme(50)  # no password


def test_cpwd_changes_the_pin():
    bench = Bench(sim=LOCKED)
    bench.at('+CPIN="1234"')
    assert bench.at("+CPWD=?") == info('+CPWD: ("SC",8)')
    assert bench.at('+CPWD="SC","0000","5678"') == cme(16)
    assert bench.at('+CPWD="SC","1234","5678"') == OK
    assert bench.at("+CFUN=1,1") == OK
    assert bench.at('+CPIN="1234"') == cme(16)
    assert bench.at('+CPIN="5678"') == OK


def test_cpwd_refused_while_the_lock_is_off():
    bench = Bench()
    assert bench.at('+CPWD="SC","1234","5678"') == cme(3)


def test_cnum_shows_the_msisdn():
    assert Bench(sim=SimSpec(msisdn="+33612345678")).at("+CNUM") == info(
        '+CNUM: ,"+33612345678",145')
    assert Bench().at("+CNUM") == OK
