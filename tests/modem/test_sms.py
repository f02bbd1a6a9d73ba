"""Message service settings: what python-gsmmodem-new and gammu set and read back."""

from simulator.modem.storage import NVStore
from tests.modem.bench import OK, Bench, cme, cms, info


def test_cmgf_per_channel():
    bench = Bench(ports=2)
    one, two = bench.ports
    assert one.at("+CMGF?") == info("+CMGF: 0")
    assert one.at("+CMGF=1") == OK
    assert one.at("+CMGF?") == info("+CMGF: 1")
    assert two.at("+CMGF?") == info("+CMGF: 0")
    assert one.at("+CMGF=?") == info("+CMGF: (0,1)")
    assert one.at("+CMGF=2") == cme(50)


def test_csca_default_set_and_charset():
    bench = Bench()
    assert bench.at("+CSCA?") == info('+CSCA: "+33609001390",145')
    assert bench.at('+CSCA="0612345678"') == OK
    assert bench.at("+CSCA?") == info('+CSCA: "0612345678",129')
    assert bench.at('+CSCA="+4479",145') == OK
    assert bench.at('+CSCA="+4479",100') == cme(50)
    assert bench.at('+CSCA="call me"') == cme(50)
    assert bench.at('+CSCA="UCS2"') == cme(50)
    assert bench.at('+CSCS="UCS2"') == OK
    assert bench.at("+CSCA?") == info('+CSCA: "002B0034003400370039",145')
    assert bench.at('+CSCA="002B0031"') == OK
    assert bench.at('+CSCS="IRA";+CSCA?') == info('+CSCA: "+1",145')


def test_csmp_keeps_what_is_omitted():
    bench = Bench()
    assert bench.at("+CSMP?") == info("+CSMP: 17,167,0,0")
    assert bench.at("+CSMP=49,167,0,0") == OK
    assert bench.at("+CSMP?") == info("+CSMP: 49,167,0,0")
    assert bench.at("+CSMP=,170") == OK
    assert bench.at("+CSMP?") == info("+CSMP: 49,170,0,0")
    assert bench.at("+CSMP=256") == cme(50)
    assert bench.at("+CSMP=1,2,3,4,5") == cme(50)


def test_csas_saves_and_cres_restores(tmp_path):
    path = tmp_path / "m1.json"
    bench = Bench(store=NVStore(path))
    assert bench.at('+CSCA="+4479";+CSMP=49,167,0,8') == OK
    assert bench.at("+CSAS") == OK
    assert bench.at('+CSCA="+1"') == OK
    assert bench.at("+CRES=0") == OK
    assert bench.at("+CSCA?") == info('+CSCA: "+4479",145')
    again = Bench(store=NVStore(path))
    assert again.at("+CSCA?") == info('+CSCA: "+4479",145')
    assert again.at("+CSMP?") == info("+CSMP: 49,167,0,8")
    assert again.at("+CSAS=?") == info("+CSAS: (0)")
    assert again.at("+CRES=?") == info("+CRES: (0)")
    assert again.at("+CSAS=1") == cms(303)


def test_cpms_as_python_gsmmodem_uses_it():
    bench = Bench()
    assert bench.at("+CPMS=?") == info(
        '+CPMS: ("ME","MT","SM","SR"),("ME","MT","SM","SR"),("ME","MT","SM","SR")')
    assert bench.at('+CPMS="ME","ME","ME"') == info("+CPMS: 0,23,0,23,0,23")
    assert bench.at('+CPMS="SM"') == info("+CPMS: 0,30,0,23,0,23")
    assert bench.at("+CPMS?") == info('+CPMS: "SM",0,30,"ME",0,23,"ME",0,23')
    assert bench.at('+CPMS="MT","SM","SR"') == info("+CPMS: 0,53,0,30,0,10")
    assert bench.at('+CPMS="XX"') == cms(303)
    assert bench.at("+CPMS=ME") == cms(303)
    assert bench.at('+CPMS="ME","ME","ME","ME"') == cms(303)
    assert bench.at("+CPMS?") == info('+CPMS: "MT",0,53,"SM",0,30,"SR",0,10')


def test_cnmi_as_gammu_and_python_gsmmodem_set_it():
    bench = Bench()
    assert bench.at("+CNMI?") == info("+CNMI: 0,0,0,0,0")
    assert bench.at("+CNMI=?") == info("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)")
    assert bench.at("+CNMI=2,1,0,2,0") == OK
    assert bench.at("+CNMI=2,1,2,2,0") == OK
    assert bench.at("+CNMI?") == info("+CNMI: 2,1,2,2,0")
    assert bench.at("+CNMI=1,2") == OK
    assert bench.at("+CNMI?") == info("+CNMI: 1,2,2,2,0")
    assert bench.at("+CNMI=3") == cms(303)
    assert bench.at("+CNMI=2,1,1") == cms(303)
    assert bench.at("+CNMI?") == info("+CNMI: 1,2,2,2,0")
