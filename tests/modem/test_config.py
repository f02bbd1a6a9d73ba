"""+CSCS, +CLAC, UART settings in flash, the RTC, and the per-channel call settings."""

from simulator.modem.storage import NVStore
from simulator.scenario.model import SimSpec
from tests.modem.bench import OK, Bench, cme, info


def test_cscs_per_channel_as_gammu_probes_it():
    bench = Bench(ports=2)
    one, two = bench.ports
    assert one.at("+CSCS?") == info('+CSCS: "IRA"')
    assert one.at("+CSCS=?") == info('+CSCS: ("GSM","IRA","UCS2")')
    assert one.at('+CSCS="GSM"') == OK
    assert one.at("+CSCS?") == info('+CSCS: "GSM"')
    assert two.at("+CSCS?") == info('+CSCS: "IRA"')
    assert one.at('+CSCS="ucs2"') == OK
    assert one.at("+CSCS?") == info('+CSCS: "UCS2"')
    assert one.at('+CSCS="8859-1"') == cme(50)
    assert one.at("+CSCS?") == info('+CSCS: "UCS2"')


def test_clac_lists_every_command_of_the_table():
    bench = Bench()
    answer = bench.at("+CLAC")
    lines = answer.removesuffix(OK).strip("\r\n").split("\r\n")
    assert lines == ["AT" + name for name in bench.modem.commands.names()]
    for name in ("AT+CGMI", "AT+CREG", "AT+CGDCONT", "ATD", "AT&W", "AT+CMEE", "AT+CMGS"):
        assert name in lines
    assert "AT+CPBR" in lines


def test_uart_settings_are_kept_in_flash(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(store=NVStore(path))
    assert bench.at("+IPR?") == info("+IPR: 115200")
    assert bench.at("+ICF?") == info("+ICF: 3,3")
    assert bench.at("+IFC?") == info("+IFC: 2,2")
    assert bench.at("+IPR=9600") == OK
    assert bench.at("+ICF=2,1") == OK
    assert bench.at("+IFC=0,0") == OK
    again = Bench(store=NVStore(path))
    assert again.at("+IPR?") == info("+IPR: 9600")
    assert again.at("+ICF?") == info("+ICF: 2,1")
    assert again.at("+IFC?") == info("+IFC: 0,0")
    assert again.at("+IPR=0") == OK
    assert again.at("+IPR?") == info("+IPR: 0")


def test_uart_test_forms_and_bad_values():
    bench = Bench()
    assert bench.at("+IPR=?") == info(
        "+IPR: (1200,2400,4800,9600,19200,38400,57600,115200),(300,600,230400,460800,921600)")
    assert bench.at("+ICF=?") == info("+ICF: (1-6),(0-3)")
    assert bench.at("+IFC=?") == info("+IFC: (0-2),(0-2)")
    for command in ("+IPR=1234", "+IPR=abc", "+ICF=7", "+ICF=3,4", "+IFC=3", "+IFC=0,0,0"):
        assert bench.at(command) == cme(50), command
    assert bench.at("+IPR?") == info("+IPR: 115200")


def test_cclk_runs_on_the_reactor_clock():
    bench = Bench()
    assert bench.at("+CCLK?") == info('+CCLK: "70/01/01,00:00:00+00"')
    assert bench.at('+CCLK="24/02/29,23:59:50+08"') == OK
    bench.advance(15)
    assert bench.at("+CCLK?") == info('+CCLK: "24/03/01,00:00:05+08"')
    assert bench.at('+CCLK="24/06/01,12:00:00-20"') == OK
    assert bench.at("+CCLK?") == info('+CCLK: "24/06/01,12:00:00-20"')
    assert bench.at("+CCLK=?") == OK


def test_cclk_survives_a_cfun_reset():
    bench = Bench()
    bench.at('+CCLK="24/01/01,00:00:00+00"')
    assert bench.at("+CFUN=1,1") == OK
    assert bench.at("+CCLK?") == info('+CCLK: "24/01/01,00:00:00+00"')


def test_cclk_bad_values():
    bench = Bench()
    for value in ('"24/13/01,00:00:00+00"', '"24/02/30,00:00:00+00"', '"24/01/01,24:00:00+00"',
                  '"24/01/01,00:00:00+97"', '"24/01/01 00:00:00+00"', "24/01/01",
                  '"24/01/01,00:00:00"'):
        assert bench.at(f"+CCLK={value}") == cme(50), value
    assert bench.at("+CCLK?") == info('+CCLK: "70/01/01,00:00:00+00"')


def test_ctzu_is_stored(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(store=NVStore(path))
    assert bench.at("+CTZU?") == info("+CTZU: 0")
    assert bench.at("+CTZU=1") == OK
    assert bench.at("+CTZU=?") == info("+CTZU: (0,1)")
    assert Bench(store=NVStore(path)).at("+CTZU?") == info("+CTZU: 1")
    assert bench.at("+CTZU=2") == cme(50)


def test_call_settings_per_channel():
    bench = Bench(ports=2, registered=True)
    one, two = bench.ports
    assert one.at("+CLIP=1;+CRC=1;+CVHU=0") == OK
    assert one.at("+CLIP?") == info("+CLIP: 1,1")
    assert one.at("+CRC?") == info("+CRC: 1")
    assert one.at("+CVHU?") == info("+CVHU: 0")
    assert two.at("+CLIP?") == info("+CLIP: 0,1")
    assert two.at("+CRC?") == info("+CRC: 0")
    assert one.at("+CVHU=2") == OK
    assert one.at("+CVHU?") == info("+CVHU: 2")
    assert one.at("+CLIP=?") == info("+CLIP: (0,1)")
    assert one.at("+CRC=?") == info("+CRC: (0,1)")
    assert one.at("+CVHU=?") == info("+CVHU: (0-2)")
    assert one.at("+CFUN=4") == OK
    assert one.at("+CLIP?") == info("+CLIP: 1,2")  # no network to ask


def test_phonebook_storage():
    bench = Bench(sim=SimSpec(msisdn="+33612345678"))
    assert bench.at("+CPBS=?") == info('+CPBS: ("SM","FD","ME","ON")')
    assert bench.at("+CPBS?") == info('+CPBS: "SM",0,250')
    assert bench.at('+CPBS="ON"') == OK
    assert bench.at("+CPBS?") == info('+CPBS: "ON",1,4')
    assert bench.at('+CPBS="me"') == OK
    assert bench.at("+CPBS?") == info('+CPBS: "ME",0,100')
    assert bench.at('+CPBS="FD"') == OK
    assert bench.at('+CPBS="XY"') == cme(50)
    assert bench.at('+CPBS="SM","1234"') == cme(50)


def test_uart_settings_omitted_values_are_the_factory_ones():
    bench = Bench()
    assert bench.at("+IPR=9600;+ICF=2,1;+IFC=0,0") == OK
    assert bench.at("+IPR=;+ICF=;+IFC=") == OK
    assert bench.at("+IPR?") == info("+IPR: 115200")
    assert bench.at("+ICF?") == info("+ICF: 3,3")
    assert bench.at("+IFC?") == info("+IFC: 2,2")
