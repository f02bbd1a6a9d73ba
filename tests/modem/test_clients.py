"""The command sequences gammu 1.42 and python-gsmmodem-new 0.13 send,
with the answers their parsers need."""

import re

from simulator.scenario.model import IdentitySpec, SimSpec
from tests.modem.bench import ERROR, OK, Bench, info

LAB = dict(identity=IdentitySpec(manufacturer="Quectel", model="EC25",
                                 revision="EC25EFAR06A06M4G", imei="867698041234567"),
           sim=SimSpec(imsi="001010123456789"))


def test_gammu_init_identify_and_networkinfo():
    bench = Bench(registered=True, **LAB)
    port = bench.port
    assert port.send(b"\x1b\r") == ""  # "escaping SMS mode": nothing to answer
    assert bench.at("") == OK
    assert port.send(b"ATE1\r") == OK
    assert port.send(b"ATE0\r") == "ATE0\r" + OK  # echoed: echo was on
    assert bench.at("+MODE=2") == ERROR
    assert bench.at("+CMEE=1") == OK
    assert bench.at("+CSCS?") == info('+CSCS: "IRA"')
    assert bench.at("+CSCS=?") == info('+CSCS: ("GSM","IRA","UCS2")')
    assert bench.at('+CSCS="GSM"') == OK
    assert bench.at("+CSCS?") == info('+CSCS: "GSM"')
    assert bench.at("+CGMR") == info("EC25EFAR06A06M4G")
    assert bench.at("+CFUN=1") == OK
    for command, value in (("+CGMI", "Quectel"), ("+CGMM", "EC25"), ("+CGSN", "867698041234567"),
                           ("+CIMI", "001010123456789")):
        assert bench.at(command) == info(value)
    assert bench.at("+CREG=2") == OK
    assert bench.at("+CGREG=2") == OK
    assert bench.at("+CGATT?") == info("+CGATT: 1")
    assert bench.at("+CREG?") == info('+CREG: 2,1,"1A2B","01C3D4E",0')
    assert bench.at("+CGREG?") == info('+CGREG: 2,1,"1A2B","01C3D4E",0')
    assert bench.at("+COPS=3,2") == OK
    assert bench.at("+COPS?") == info('+COPS: 0,2,"00101",0')
    assert bench.at("+COPS=3,0") == OK
    assert bench.at("+COPS?") == info('+COPS: 0,0,"Test Network",0')


def test_gammu_monitor_settings():
    bench = Bench(registered=True, **LAB)
    for command in ('+CPMS="ME"', "+CNMI=2,1,0,2,0", "+CNMI=2,1,2,2,0", "+CLIP=1", "+CRC=1",
                    '+CPBS="SM"', '+CSCS="UCS2"', '+CSCS="GSM"', '+CPMS="SM","SM"',
                    '+CPMS="ME","ME"'):
        assert bench.at(command).endswith(OK), command
    assert bench.at("+CBC") == info("+CBC: 0,100")
    assert bench.at("+CSQ") == info("+CSQ: 20,99")
    assert bench.at("+CPIN?") == info("+CPIN: READY")


def test_python_gsmmodem_connect_sequence():
    bench = Bench(registered=True, **LAB)
    port = bench.port
    assert port.send(b"ATZ\r") == OK  # restores the profile: echo on
    assert port.send(b"ATE0\r") == "ATE0\r" + OK
    assert bench.at("+CFUN?") == info("+CFUN: 1")
    assert bench.at("+CMEE=1") == OK
    assert bench.at("+CPIN?") == info("+CPIN: READY")
    clac = bench.at("+CLAC")
    assert clac.endswith(OK) and clac.count("\r\n") > 3  # the multi-line form
    assert bench.at("+CGMI") == info("Quectel")
    assert bench.at("+ZPAS?") == ERROR
    assert bench.at("+COPS=3,0") == OK
    assert bench.at("+CMGF=0") == OK
    csca = bench.at("+CSCA?")
    assert re.search(r'\+CSCA:\s*"([^,]+)",(\d+)\r\n', csca).group(1) == "+33609001390"
    assert bench.at("+CSMP=49,167,0,0") == OK
    cpms = bench.at("+CPMS=?").strip("\r\n").split("\r\n")[0]
    support = cpms.split(" ", 1)[1].split("),(")
    assert all('"ME"' in item for item in support)
    assert bench.at('+CPMS="ME","ME","ME"') == info("+CPMS: 0,23,0,23,0,23")
    for command in ("+CNMI=2,1,0,2", "+CLIP=1", "+CRC=1", "+CVHU=0"):
        assert bench.at(command) == OK, command
    cops = bench.at("+COPS?").strip("\r\n").split("\r\n")[0]
    assert re.match(r'^\+COPS: (\d),(\d),"(.+)",{0,1}\d*$', cops).group(3) == "Test Network"
    creg = bench.at("+CREG?").strip("\r\n").split("\r\n")[0]
    assert re.match(r"^\+CREG:\s*(\d),(\d)(,[^,]*,[^,]*)?$", creg).group(2) == "1"
    csq = bench.at("+CSQ").strip("\r\n").split("\r\n")[0]
    assert re.match(r"^\+CSQ:\s*(\d+),", csq).group(1) == "20"


def test_python_gsmmodem_waits_while_searching():
    # waitForNetworkCoverage gives up on stat 0 ("not searching"); a booting modem says 2.
    bench = Bench()
    assert bench.at("+CREG?") == info("+CREG: 0,2")


def test_gsm0710muxd_preamble():
    bench = Bench(sim=SimSpec(pin="1234"))
    port = bench.port
    assert port.send(b"\x1aAT\r\n") == OK
    assert port.send(b"\x1aAT+CPIN=1234\r\n") == OK
    assert port.send(b"\x1aAT+CFUN=0\r\n") == OK
    assert bench.at("+CPIN?") == info("+CPIN: READY")
