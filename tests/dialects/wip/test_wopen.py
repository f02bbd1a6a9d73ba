"""``+WOPEN`` (WM_DEV_OAT_UGD_049 §5.2) on a WIP modem: WIPSoft is the Open AT application,
running by default; stopping it resets the module and makes every +WIP command unknown.  What
``+WOPEN`` does for any application is tested in tests/dialects/wavecom/test_wopen.py."""

import pytest

from simulator.dialects.wavecom.wind import LEVEL_KEY
from simulator.dialects.wavecom.wopen import MODE_KEY
from simulator.dialects.wip import stack, wipbr
from simulator.dialects.wip.dialect import library_versions
from simulator.dialects.wip.revisions import REVISIONS
from simulator.modem.storage import NVStore
from tests.dialects.wavecom.bench import elapse
from tests.dialects.wip.bench import ERROR, OK, WipBench, cme, info, urc

WIP_LINES = ("+WIPCFG=1", "+WIPCFG?", "+WIPCFG=?", "+WIPBR=1,6", "+WIPCREATE=1,1,,80",
             "+WIPCLOSE=1,1", "+WIPOPT=1,1,1,0", "+WIPDATA=1,1,1", "+WIPPING=\"a\"",
             "+WIPFILE=4,1,1,\"f\"", "+WIPCFG")


def test_forms_on_a_wip_modem():
    bench = WipBench()
    assert bench.at("+WOPEN?") == info("+WOPEN: 1")
    assert bench.at("+WOPEN=?") == info("+WOPEN: (0-8),(0-1344),(0-24),(0-24)")
    assert bench.at("+WOPEN=7") == info("+WOPEN: 7,12")
    assert bench.at("+WOPEN=6") == info("+WOPEN: 6,768,832")


@pytest.mark.parametrize("revision, versions", [
    ("5.01", '+WOPEN: 2,"AT v03.12","AT v03.02"'),
    ("2.01", '+WOPEN: 2,"AT v03.12","AT v03.01"'),
])
def test_library_versions_per_revision(revision, versions):
    assert WipBench(revision=revision).at("+WOPEN=2") == info(versions)


def test_library_versions_come_from_the_revision_version_line():
    assert library_versions(REVISIONS["5.01"]) == ("AT v03.12", "AT v03.02")
    assert library_versions(REVISIONS["2.01"]) == ("AT v03.12", "AT v03.01")


def test_stop_resets_and_the_wip_commands_become_unknown():
    store = NVStore(None)
    store.put(LEVEL_KEY, 4 + 8)
    bench = WipBench(store=store)
    bench.port.take()
    assert bench.at("+WIPCFG=1") == OK
    assert bench.at("+WOPEN=0") == OK
    elapse(bench.clock, 2)
    assert bench.port.take() == urc("+WIND: 3", "+WIND: 4")
    for line in WIP_LINES:
        assert bench.at(line) == ERROR, line
    assert bench.at("+WOPEN?") == info("+WOPEN: 0")
    assert bench.at("+WOPEN=7") == info("+WOPEN: 7,0")
    assert bench.at("+WOPEN=2") == info('+WOPEN: 2,"AT v03.12","AT v03.02"')
    assert bench.at("+WIND?") == info("+WIND: 12")  # the firmware's commands still answer
    assert bench.at("+CGMI") == info("WAVECOM MODEM")


def test_stopped_survives_a_restart_and_start_brings_wip_back():
    bench = WipBench()
    assert bench.at("+WOPEN=0") == OK
    again = bench.restart()
    assert again.at("+WOPEN?") == info("+WOPEN: 0")
    assert again.at("+WIPCFG=1") == ERROR
    assert again.at("+WIND=8") == OK
    assert again.at("+WOPEN=1") == OK
    elapse(again.clock, 2)
    assert again.port.take() == urc("+WIND: 4")
    assert again.at("+WOPEN?") == info("+WOPEN: 1")
    assert again.at("+WIPCFG=1") == OK
    assert again.store.get(MODE_KEY) == 1


def test_same_mode_again_does_not_reset():
    store = NVStore(None)
    store.put(LEVEL_KEY, 4)
    bench = WipBench(store=store)
    elapse(bench.clock, 2)
    bench.port.take()
    assert bench.at("+WIPCFG=1") == OK
    assert bench.at("+WOPEN=1") == OK
    elapse(bench.clock, 2)
    assert bench.port.take() == ""
    assert bench.at("+WIPCFG=1") == cme(844)  # the stack is still started: no reset


def test_erase_flash_objects_only_when_stopped():
    bench = WipBench()
    assert bench.at("+WIPCFG=1") == OK
    assert bench.at("+WIPCFG=4,1") == OK
    assert bench.store.get(stack.FLASH_KEY) is not None
    assert bench.at("+WOPEN=3") == cme(3)
    assert bench.store.get(stack.FLASH_KEY) is not None
    assert bench.at("+WOPEN=0") == OK
    assert bench.at("+WOPEN=3") == OK
    assert bench.store.get(stack.FLASH_KEY) is None
    assert bench.store.get(wipbr.FLASH_KEY) is None
