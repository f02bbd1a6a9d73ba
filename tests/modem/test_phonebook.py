"""The 27.007 phone book: +CPBS, +CPBR, +CPBF, +CPBW and +CNUM, with the +CME errors of
§9.2 and the +CSCS character set, on the generic dialect."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.modem.charset import encode
from simulator.modem.phonebookstore import Entry
from simulator.modem.spec import SimSpec
from simulator.modem.storage import NVStore
from simulator.sms.gsm7 import ALPHABET

from .bench import OK, Bench, cme, info

LOCKED = SimSpec(pin="1234")


def test_write_then_read_and_find():
    bench = Bench()
    assert bench.at('+CPBW=,"+33612345678",145,"Alice"') == OK
    assert bench.at('+CPBW=5,"0612",129,"bob"') == OK
    assert bench.at("+CPBS?") == info('+CPBS: "SM",2,250')
    assert bench.at("+CPBR=1,10") == info('+CPBR: 1,"+33612345678",145,"Alice"',
                                          '+CPBR: 5,"0612",129,"bob"')
    assert bench.at("+CPBR=5") == info('+CPBR: 5,"0612",129,"bob"')
    assert bench.at("+CPBR=2,4") == OK  # empty locations: no line
    assert bench.at('+CPBF="AL"') == info('+CPBF: 1,"+33612345678",145,"Alice"')
    assert bench.at('+CPBF="zed"') == cme(22)


def test_test_forms_give_sizes_and_lengths():
    bench = Bench()
    assert bench.at("+CPBR=?") == info("+CPBR: (1-250),40,18")
    assert bench.at("+CPBW=?") == info("+CPBW: (1-250),40,(129,145,161),18")
    assert bench.at("+CPBF=?") == info("+CPBF: 40,18")
    assert bench.at('+CPBS="ME"') == OK
    assert bench.at("+CPBR=?") == info("+CPBR: (1-100),40,18")


def test_type_defaults_from_the_plus_and_international_type_adds_it():
    bench = Bench()
    assert bench.at('+CPBW=1,"+4412"') == OK
    assert bench.at('+CPBW=2,"4412",145,"x"') == OK
    assert bench.at("+CPBR=1,2") == info('+CPBR: 1,"+4412",145,""', '+CPBR: 2,"+4412",145,"x"')


def test_erase_with_index_only():
    bench = Bench()
    assert bench.at('+CPBW=3,"123",129,"c"') == OK
    assert bench.at("+CPBW=3") == OK
    assert bench.at("+CPBR=3") == OK
    assert bench.at("+CPBS?") == info('+CPBS: "SM",0,250')


def test_errors_of_27007_9_2():
    bench = Bench()
    assert bench.at("+CPBR=0") == cme(21)
    assert bench.at("+CPBR=251") == cme(21)
    assert bench.at("+CPBR=5,2") == cme(21)
    assert bench.at('+CPBW=251,"1"') == cme(21)
    assert bench.at('+CPBW=1,"1",129,"' + "x" * 19 + '"') == cme(24)
    assert bench.at('+CPBW=1,"' + "1" * 41 + '"') == cme(26)
    assert bench.at('+CPBW=1,"12ab"') == cme(27)
    assert bench.at('+CPBW=1,"1",200') == cme(50)
    assert bench.at('+CPBW=1,"' + "1" * 40 + '",129,"' + "x" * 18 + '"') == OK


def test_memory_full():
    bench = Bench()
    assert bench.at('+CPBS="ON"') == OK
    for n in range(4):
        assert bench.at(f'+CPBW=,"10{n}"') == OK
    assert bench.at('+CPBW=,"999"') == cme(20)
    assert bench.at('+CPBW=2,"999"') == OK  # an index given overwrites


def test_sim_storages_need_the_sim():
    bench = Bench(sim=LOCKED)
    assert bench.at("+CPBR=1") == cme(11)
    assert bench.at('+CPBW=1,"1"') == cme(11)
    assert bench.at('+CPBS="ME"') == OK
    assert bench.at('+CPBW=1,"1",129,"me"') == OK  # the module's own memory
    absent = Bench(sim=SimSpec(present=False))
    assert absent.at("+CPBR=1") == cme(10)


def test_charset_applies_to_number_and_text():
    bench = Bench()
    assert bench.at('+CSCS="UCS2"') == OK
    # "Zoé" in UCS2, number "+331"
    assert bench.at('+CPBW=1,"002B003300330031",145,"005A006F00E9"') == OK
    assert bench.at("+CPBR=1") == info('+CPBR: 1,"002B003300330031",145,"005A006F00E9"')
    assert bench.at('+CSCS="IRA"') == OK
    assert bench.at("+CPBR=1") == info('+CPBR: 1,"+331",145,"Zo?"')
    assert bench.at('+CSCS="UCS2"') == OK
    assert bench.at('+CPBW=2,"0031",129,"00E"') == cme(25)


def test_scenario_entries_and_persistence():
    entries = (("SM", (Entry("+33600000001", 145, "Alice"), Entry("0102", 129, "Bob"))),)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.json"
        bench = Bench(store=NVStore(path), phonebook=entries)
        assert bench.at("+CPBR=1,2") == info('+CPBR: 1,"+33600000001",145,"Alice"',
                                             '+CPBR: 2,"0102",129,"Bob"')
        assert bench.at("+CPBW=1") == OK
        assert bench.at('+CPBW=3,"7",129,"Carol"') == OK
        again = Bench(store=NVStore(path), phonebook=entries)  # the stored ones win
        assert again.at("+CPBR=1,3") == info('+CPBR: 2,"0102",129,"Bob"',
                                             '+CPBR: 3,"7",129,"Carol"')


def test_cnum_lists_the_own_numbers():
    bench = Bench(sim=dataclasses.replace(SimSpec(), msisdn="+33611112222"))
    assert bench.at("+CNUM") == info('+CNUM: ,"+33611112222",145')
    assert bench.at('+CPBS="ON"') == OK
    assert bench.at('+CPBW=2,"+33699990000",145,"Data"') == OK
    assert bench.at("+CNUM") == info('+CNUM: ,"+33611112222",145',
                                     '+CNUM: "Data","+33699990000",145')
    assert Bench().at("+CNUM") == OK  # no MSISDN, no ON entry
    assert Bench(sim=LOCKED).at("+CNUM") == cme(11)


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(sorted(set(ALPHABET) - {"\x1b", "\r", "\n"})),
                    max_size=18),
       charset=st.sampled_from(["UCS2", "GSM"]))
def test_any_text_written_reads_back_the_same(text, charset):
    bench = Bench()
    typed = encode(text, charset)
    if '"' in typed or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in typed):
        return  # a quote or a control byte (GSM's '@', '$' ...) cannot be typed in a string
    assert bench.at(f'+CSCS="{charset}"') == OK
    assert bench.at(f'+CPBW=7,"{encode("+331", charset)}",145,"{typed}"') == OK
    assert bench.at("+CPBR=7") == info(f'+CPBR: 7,"{encode("+331", charset)}",145,"{typed}"')
    assert bench.at('+CSCS="UCS2"') == OK
    assert bench.at(f'+CPBF="{encode(text, "UCS2")}"') == info(
        f'+CPBR: 7,"{encode("+331", "UCS2")}",145,"{encode(text, "UCS2")}"'.replace(
            "+CPBR", "+CPBF"))
