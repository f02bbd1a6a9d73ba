"""Every command's bad parameters get the dialect's error, change nothing, and leave the
channel working."""

import pytest

from tests.modem.bench import ERROR, OK, Bench, cme, cms

BAD_PARAMETER = cme(50)
SMS_BAD_PARAMETER = cms(303)

CASES = [
    # identity
    ("+CGSN=1,1", BAD_PARAMETER), ('+CGSN="1"', BAD_PARAMETER),
    # SIM
    ("+CPIN=", BAD_PARAMETER), ('+CPIN="1234","5678","9"', BAD_PARAMETER),
    ('+CPINR="SIM PIN",1', BAD_PARAMETER), ("+CPINR=1", BAD_PARAMETER),
    ('+CLCK="SC"', BAD_PARAMETER), ('+CLCK="SC",2,"1234",7,8', BAD_PARAMETER),
    ("+CLCK=SC,2", BAD_PARAMETER), ('+CLCK="SC",1,"12"', BAD_PARAMETER),
    ('+CPWD="SC","1234"', BAD_PARAMETER), ('+CPWD="SC","1234","12"', BAD_PARAMETER),
    # power
    ("+CFUN=3", BAD_PARAMETER), ("+CFUN=-1", BAD_PARAMETER), ("+CFUN=1,1,1", BAD_PARAMETER),
    # network
    ("+CREG=3", BAD_PARAMETER), ("+CREG=1,1", BAD_PARAMETER), ('+CREG="1"', BAD_PARAMETER),
    ("+CGREG=x", BAD_PARAMETER), ("+CEREG=9", BAD_PARAMETER),
    ("+COPS=5", BAD_PARAMETER), ("+COPS=3", BAD_PARAMETER), ("+COPS=3,3", BAD_PARAMETER),
    ("+COPS=1", BAD_PARAMETER), ("+COPS=1,2,00101", BAD_PARAMETER),
    ('+COPS=0,0,"Test Network"', BAD_PARAMETER), ('+COPS=1,2,"00101",8', BAD_PARAMETER),
    ('+COPS=1,2,"00101",7,1', BAD_PARAMETER),
    # packet
    ("+CGATT=2", BAD_PARAMETER), ("+CGATT=1,1", BAD_PARAMETER), ("+CGATT=", BAD_PARAMETER),
    ('+CGDCONT=0,"IP"', BAD_PARAMETER), ('+CGDCONT=17,"IP"', BAD_PARAMETER),
    ('+CGDCONT=1,"X25"', BAD_PARAMETER), ("+CGDCONT=1,IP", BAD_PARAMETER),
    ('+CGDCONT=1,"IP","apn","300.1.1.1"', BAD_PARAMETER),
    ('+CGDCONT=1,"IP","apn","",4', BAD_PARAMETER), ('+CGDCONT=1,"IP","apn","",0,5', BAD_PARAMETER),
    ('+CGDCONT=1,"IP","apn","",0,0,0', BAD_PARAMETER), ("+CGDCONT=a", BAD_PARAMETER),
    ('+CGDCONT=1,"IP","' + "a" * 101 + '"', BAD_PARAMETER),
    ("+CGACT=2,1", BAD_PARAMETER), ("+CGACT=1,0", BAD_PARAMETER), ("+CGACT=1,,1", BAD_PARAMETER),
    ("+CGACT=", BAD_PARAMETER), ("+CGPADDR=17", BAD_PARAMETER),
    ("+CGEREP=3", BAD_PARAMETER), ("+CGEREP=1,1", BAD_PARAMETER),
    ("+CGEREP=1,0,0", BAD_PARAMETER),
    # terminal and clock
    ("+CSCS=IRA", BAD_PARAMETER), ('+CSCS="IRA","GSM"', BAD_PARAMETER),
    ("+IPR=115201", BAD_PARAMETER), ("+ICF=0", BAD_PARAMETER), ("+IFC=1,3", BAD_PARAMETER),
    ('+CCLK="x"', BAD_PARAMETER), ("+CTZU=", BAD_PARAMETER),
    # calls
    ("+CLIP=2", BAD_PARAMETER), ("+CRC=1,1", BAD_PARAMETER), ("+CVHU=3", BAD_PARAMETER),
    # messages
    ("+CMGF=1,1", BAD_PARAMETER), ("+CSCA=", BAD_PARAMETER), ("+CSCA=12345", BAD_PARAMETER),
    ('+CSMP="17"', BAD_PARAMETER),
    ("+CPMS=", SMS_BAD_PARAMETER), ('+CPMS="BM"', SMS_BAD_PARAMETER),
    ("+CNMI=2,4", SMS_BAD_PARAMETER), ("+CNMI=2,1,0,3", SMS_BAD_PARAMETER),
    ("+CNMI=2,1,0,0,2", SMS_BAD_PARAMETER), ("+CNMI=2,1,0,0,0,0", SMS_BAD_PARAMETER),
    ("+CRES=1", SMS_BAD_PARAMETER),
    # phonebook
    ("+CPBS=SM", BAD_PARAMETER), ('+CPBS="XX"', BAD_PARAMETER),
]

#: Read commands whose answer must not change when a bad command is refused.
STATE = ("+CFUN?", "+CREG?", "+COPS?", "+CGATT?", "+CGDCONT?", "+CGACT?", "+CSCS?", "+IPR?",
         "+ICF?", "+IFC?", "+CCLK?", "+CMGF?", "+CSCA?", "+CSMP?", "+CPMS?", "+CNMI?",
         "+CPBS?", "+CGEREP?", "+CLIP?", "+CPIN?", "+CPINR")


def snapshot(bench: Bench) -> list[str]:
    return [bench.at(command) for command in STATE]


@pytest.mark.parametrize(("command", "error"), CASES, ids=[c for c, _ in CASES])
def test_bad_parameter(command, error):
    bench = Bench(registered=True)
    bench.at('+CGDCONT=1,"IP","internet"')
    before = snapshot(bench)
    assert bench.at(command) == error
    assert snapshot(bench) == before
    assert bench.at("") == OK


@pytest.mark.parametrize(("command", "error"), CASES[:6], ids=[c for c, _ in CASES[:6]])
def test_bad_parameter_with_cmee_0_is_error(command, error):
    bench = Bench(registered=True)
    assert bench.at("+CMEE=0") == OK
    assert bench.at(command) == ERROR
